// Small, exact source patches applied while bundling, each with the reason it exists. A patch whose
// text is no longer found fails the build, so an upgrade never silently drops or misapplies one.
import { readFile } from 'node:fs/promises';

const PATCHES = [
  {
    // Ink 6.8's incremental renderer (log-update.js, createIncremental) moves the cursor up one line
    // too few when the previous frame ended with a newline (every frame that does not fill the
    // terminal): the cursor sits BELOW the last line, so `cursorUp(previousVisible - 1)` lands on line
    // 1, not 0, and each changed line is written one row too low (seen in tmux as duplicated header
    // and status lines).
    file: /[\\/]ink[\\/]build[\\/]log-update\.js$/,
    find: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
    replace: "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));",
  },
  {
    // string-width builds an Intl.Segmenter when it is imported, which costs ~11 ms (ICU data) on
    // every start, also for `stevedore --help`, which never measures a string. Build it on first use.
    file: /[\\/]string-width[\\/]index\.js$/,
    find: 'const segmenter = new Intl.Segmenter();',
    replace: 'let realSegmenter;\nconst segmenter = { segment: (text) => (realSegmenter ??= new Intl.Segmenter()).segment(text) };',
  },
];

export const bundlePatches = {
  name: 'bundle-patches',
  setup(build) {
    for (const patch of PATCHES) {
      build.onLoad({ filter: patch.file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(patch.find)) {
          throw new Error(`${args.path} changed: the bundle patch for it in scripts/bundle-patches.mjs must be reviewed`);
        }
        return { contents: source.replace(patch.find, patch.replace), loader: 'js' };
      });
    }
  },
};
