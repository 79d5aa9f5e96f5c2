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
  {
    // Plain printable ASCII is one cell a character: skip the grapheme segmentation and emoji regex
    // that string-width 7 runs for every string (the depot list measures every cell of 2,000 rows).
    // string-width 8 has this fast path, but compiles a dozen Unicode-property regexps when it is
    // imported (~20 ms on every start), so stevedore keeps 7 (Ink brings its own 8).
    // Only the top-level copy: the nested ones are other versions.
    file: /[\\/]string-width[\\/]index\.js$/,
    only: (path) => !/node_modules[\\/].*node_modules[\\/]/.test(path),
    find: "\tif (typeof string !== 'string' || string.length === 0) {\n\t\treturn 0;\n\t}\n",
    replace: "\tif (typeof string !== 'string' || string.length === 0) {\n\t\treturn 0;\n\t}\n\tif (/^[\\x20-\\x7e]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n",
  },
];

export const bundlePatches = {
  name: 'bundle-patches',
  setup(build) {
    // One loader for all patches: several may apply to one file (esbuild uses the first onLoad).
    const files = new RegExp(PATCHES.map((p) => p.file.source).join('|'));
    build.onLoad({ filter: files }, async (args) => {
      let source = await readFile(args.path, 'utf8');
      for (const patch of PATCHES.filter((p) => p.file.test(args.path) && (!p.only || p.only(args.path)))) {
        if (!source.includes(patch.find)) {
          throw new Error(`${args.path} changed: the bundle patch for it in scripts/bundle-patches.mjs must be reviewed`);
        }
        source = source.replace(patch.find, patch.replace);
      }
      return { contents: source, loader: 'js' };
    });
  },
};
