// Ink 6.8's incremental renderer (log-update.js, createIncremental) moves the cursor up one line too
// few when the previous frame ended with a newline (every frame that does not fill the terminal): the
// cursor then sits BELOW the last line, so `cursorUp(previousVisible - 1)` lands on line 1, not 0, and
// each changed line is written one row too low (seen in tmux as duplicated header and status lines).
// The bundle fixes that one expression; everything else in Ink is used as shipped.
import { readFile } from 'node:fs/promises';

const BROKEN = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
const FIXED = "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));";

export const inkIncrementalFix = {
  name: 'ink-incremental-fix',
  setup(build) {
    build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]log-update\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(BROKEN)) {
        // Ink changed: the fix is no longer needed (or must be redone). Fail loudly rather than guess.
        throw new Error('ink/build/log-update.js changed: review scripts/ink-incremental-fix.mjs');
      }
      return { contents: source.replace(BROKEN, FIXED), loader: 'js' };
    });
  },
};
