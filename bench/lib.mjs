// Small helpers shared by the benchmarks: run a command many times, alternating between
// candidates so machine noise hits all of them alike, and report medians.
import { spawnSync } from 'node:child_process';

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Wall time (ms) and child CPU time (ms, user+sys) of one run. */
export function timeRun(cmd, args, options = {}) {
  const before = process.resourceUsage ? null : null;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !options.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').slice(0, 500)}`);
  }
  void before;
  return { wall, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs each candidate `runs` times, interleaved (A B C A B C …), after `warmup` untimed rounds.
 * candidates: [{ name, cmd, args, env }]. Returns { name: { median, min, p95, samples } }.
 */
export function alternate(candidates, { runs = 15, warmup = 2, env = process.env } = {}) {
  const samples = Object.fromEntries(candidates.map((c) => [c.name, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of candidates) {
      const { wall } = timeRun(c.cmd, c.args, { env: { ...env, ...(c.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
      if (i >= warmup) samples[c.name].push(wall);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [name, { median: median(s), min: Math.min(...s), p95: percentile(s, 95), samples: s }]),
  );
}

export function fmtMs(ms) {
  return `${ms.toFixed(1)} ms`;
}

export function printTable(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals) => vals.map((v, i) => String(v ?? '').padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(columns.map((c) => r[c])));
}
