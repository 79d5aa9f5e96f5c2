// The nouns' command modules but `image` (cli-image.ts) and doctor (which brings its own checks), as ONE module
// the composition root (cli.tsx) loads when a command names one of them: one chunk of the bundle instead of one
// per noun plus the chunks they share (each module file costs Node ~0.5 ms to resolve, read and link). `image`,
// the heaviest and the most used, has its own: `image list` answers ~3 ms sooner without the others (bench, issue 21).
export { registerRegistry } from './commands/registry';
export { registerRepo } from './commands/repo';
export { registerConfig } from './commands/config';
export { registerLxdServer } from './commands/lxd-server';
export { registerEngine } from './commands/engine';
export { registerServe } from './serve/command';
export { registerCompletion } from './commands/completion';
export { registerWatch } from './commands/watch';
export { registerNotify } from './commands/notify';
