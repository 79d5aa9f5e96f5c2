// The `image` noun's command modules, as one module cli.tsx loads for `stevedore image …` (see cli-nouns.ts).
export { registerImage } from './commands/image';
export { registerImageDownloads } from './commands/image-downloads';
export { registerImageUpdates } from './commands/image-updates';
