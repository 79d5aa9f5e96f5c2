// The `image` noun's command modules, as one module cli.tsx loads for `stevedore image …` (see cli-nouns.ts).
export { registerImage } from './commands/image';
export { remoteImageHandlers } from './commands/image-remote';
export { registerImageUpdates } from './commands/image-updates';
