// The nouns' command modules (but doctor, which brings its own checks), as ONE module the composition root
// (cli.tsx) loads when a command names a noun: one chunk of the bundle instead of one per noun plus the chunks
// they share (each module file costs Node ~0.5 ms to resolve, read and link).
export { registerImage } from './commands/image';
export { remoteImageHandlers } from './commands/image-remote';
export { registerImageUpdates } from './commands/image-updates';
export { registerRegistry } from './commands/registry';
export { registerRepo } from './commands/repo';
export { registerConfig } from './commands/config';
export { registerLxdServer } from './commands/lxd-server';
export { registerEngine } from './commands/engine';
export { registerServe } from './serve/command';
export { registerCompletion } from './commands/completion';
export { registerWatch } from './commands/watch';
export { registerNotify } from './commands/notify';
