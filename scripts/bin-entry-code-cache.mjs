// The entry of the single file's other build, `npm run build:bin -- --code-cache` (dist/bin/code-cache/): no
// startup snapshot, but V8's code cache of this script (SEA useCodeCache), so that the comparison of the two
// (README, "One file per platform") can be measured rather than guessed. Modules load on first use, as in
// dist/cli.js.
import { start } from '../src/cli.tsx';

start();
