// Startup time of one-shot commands against bare Node, measured side by side in one run.
// Target (issue: foundation): `stevedore --help` and `stevedore registry list --json` within
// 60 ms of `node -e 0` (median wall time).
// Usage: npm run build && node bench/startup.mjs [--runs N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, fmtMs, printTable } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 30;
const configDir = mkdtempSync(join(tmpdir(), 'stevedore-bench-'));
writeFileSync(
  join(configDir, 'registries.json'),
  JSON.stringify({ registries: [{ name: 'lab', url: 'https://lab.example:5000', enable_trust_cert: false, username: 'u', password: 'p', version: 'v2' }], repositories: [] }),
  { mode: 0o600 },
);

export function runStartup() {
  const node = process.execPath;
  const results = alternate(
    [
      { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
      { name: 'stevedore --help', cmd: node, args: [cli, '--help'] },
      { name: 'stevedore registry list --json', cmd: node, args: [cli, 'registry', 'list', '--json'] },
    ],
    { runs, env: { ...process.env, STEVEDORE_CONFIG_DIR: configDir } },
  );
  const base = results['node -e 0'].median;
  return Object.entries(results).map(([name, r]) => ({
    command: name,
    median: fmtMs(r.median),
    min: fmtMs(r.min),
    'over node': name === 'node -e 0' ? '' : `+${(r.median - base).toFixed(1)} ms`,
    target: name === 'node -e 0' ? '' : r.median - base <= 60 ? 'met (≤ +60 ms)' : 'MISSED (> +60 ms)',
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`startup, ${runs} runs each, interleaved; node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
    printTable(runStartup(), ['command', 'median', 'min', 'over node', 'target']);
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
