#!/usr/bin/env node
// `npm run test:later`: the date-sensitive part of the suite again with the clock a year ahead (Debian's
// `faketime`; the world's daemons keep the real clock, see test/world/proc.ts). Which part:
//   - every unit and screen test (test/unit, test/ui): fast, and full of dates (ages, Retry-After, TTLs, tokens);
//   - the integration files that say so with a line `// test:later: <why>` (certificates, tokens, sessions,
//     update TTLs, ages…). A new integration test whose result depends on the date gets that line too.
// The rest of the integration suite (pulls, the worker's faults, completion, packaging, the pseudo-terminal
// tests) does not read the date and runs once, in `npm test`.
//   node scripts/test-later.mjs [--list] [extra vitest args]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const MARK = /^\/\/ test:later\b/m;

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const marked = testFiles(join(root, 'test', 'integration'))
  .filter((file) => MARK.test(readFileSync(file, 'utf8')))
  .map((file) => relative(root, file))
  .sort();
const args = process.argv.slice(2);
if (args.includes('--list')) {
  console.log(['test/unit', 'test/ui', ...marked].join('\n'));
  process.exit(0);
}
console.log(`test:later: a year ahead: test/unit, test/ui and ${marked.length} integration files (${marked.map((f) => f.replace(/^test\/integration\//, '')).join(', ')})`);
const run = spawnSync('faketime', ['-f', '+365d', process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/unit', 'test/ui', ...marked, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CI: process.env.CI ?? 'true' },
});
if (run.error) {
  console.error(`test:later: could not run faketime (${run.error.message}): apt-get install faketime`);
  process.exit(1);
}
process.exit(run.status ?? 1);
