// Helpers shared by the benchmark harness (bench/run.mjs): statistics, timed runs of commands (wall
// time, and the CPU time of the process itself), interleaved A/B rounds, /proc readers, formatting.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function median(values) {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values, p) {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function summary(values) {
  const s = values.filter(Number.isFinite);
  return { median: median(s), p95: percentile(s, 95), min: s.length ? Math.min(...s) : NaN, max: s.length ? Math.max(...s) : NaN, n: s.length, samples: s.map((v) => Math.round(v * 10) / 10) };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const BASH = fs.existsSync('/bin/bash') ? '/bin/bash' : null;
/** GNU time (Debian's `time` package): the CPU time and the peak RSS of the command itself. */
export const GNU_TIME = fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).stderr.trim().match(/^\d+$/) ? '/usr/bin/time' : null;
let timeFiles = 0;

/**
 * Runs a command to the end, synchronously (the harness serves nothing while it waits: the test world
 * runs in other processes). Returns the wall time in ms; with { cpu: true } also the CPU time (user + sys, ms,
 * by bash's `times` builtin: bash is on every Debian) and the peak RSS (KiB, by GNU time when it is installed)
 * of the command itself, so the figures exclude the harness. Every candidate of a comparison is run the same
 * way (bash and GNU time add well under a millisecond each).
 */
export function timeRun(cmd, args, { env = process.env, cpu = false, allowFailure = false, input } = {}) {
  const report = cpu && GNU_TIME ? path.join(os.tmpdir(), `sd-bench-time-${process.pid}-${timeFiles++}`) : null;
  const command = report ? [GNU_TIME, '-f', '%M', '-o', report, cmd, ...args] : [cmd, ...args];
  const [file, argv] = cpu && BASH ? [BASH, ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'bash', ...command]] : [command[0], command.slice(1)];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { env, encoding: 'utf8', maxBuffer: 512 << 20, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0 && !allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout || '').trim().slice(-400)}`);
  }
  let cpuMs = NaN;
  let rssKiB = NaN;
  if (cpu && BASH) {
    // The last line of `times` is the children's user and system time: "0m0.090s 0m0.030s".
    const last = (r.stderr || '').trimEnd().split('\n').pop() ?? '';
    const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(last.trim());
    if (m) cpuMs = (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  }
  if (report) {
    // GNU time's last line is the peak RSS in KiB (a first line says when the command exited non-zero).
    const last = fs.existsSync(report) ? fs.readFileSync(report, 'utf8').trimEnd().split('\n').pop() ?? '' : '';
    fs.rmSync(report, { force: true });
    if (/^\d+$/.test(last.trim())) rssKiB = Number(last.trim());
  }
  return { wall, cpu: cpuMs, rss: rssKiB, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command asynchronously to the end (for steps that must not block the event loop). */
export function runAsync(cmd, args, { env = process.env, input, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/**
 * Interleaved rounds: warmup untimed rounds, then `runs` timed ones; each round runs every candidate
 * once, starting with a different one each round (A B C, B C A, C A B…) so neither order nor drift
 * favours one. candidate: { name, run(): number | {wall, …} | Promise<…> }, or { name, cmd, args, env, cpu }.
 * Returns { [name]: [sample, …] } where a sample is { wall, cpu, … }.
 */
export async function alternate(candidates, { runs, warmup = 1, after } = {}) {
  const samples = Object.fromEntries(candidates.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(round + k) % candidates.length];
      const s = c.run ? await c.run(round) : timeRun(c.cmd, c.args, { env: c.env, cpu: c.cpu });
      if (after) await after(c, round);
      if (round >= warmup) samples[c.name].push(typeof s === 'number' ? { wall: s } : s);
    }
  }
  return samples;
}

export const pick = (samples, key = 'wall') => samples.map((s) => s[key]);

// ---- /proc ----

/** CPU time (user + sys, ms) a process has used so far, or NaN. */
export function procCpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop().split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout?.trim()) || 100;
})();

/** { rss, hwm } in KiB from /proc/PID/status (VmRSS, VmHWM = peak RSS), or NaNs. */
export function procMemKiB(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rss: get('VmRSS'), hwm: get('VmHWM') };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** Direct children of a process (scanning /proc: no procps needed). */
export function childPids(pid) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.split(') ').pop().split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

export function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---- formatting ----

export const ms = (v, digits = 0) => (Number.isFinite(v) ? `${v.toFixed(digits)} ms` : 'n/a');
export const sec = (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} s` : 'n/a');
export const mib = (kib) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : 'n/a');
export const kbps = (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} KB/s` : 'n/a');
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
export const signedMs = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(0)} ms` : 'n/a');
export const signedSec = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v / 1000).toFixed(2)} s` : 'n/a');

/** A plain-text table (for the console while it runs). */
export function textTable(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals) => vals.map((v, i) => String(v ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}

/** A GitHub markdown table. */
export function markdownTable(rows, columns) {
  const cell = (v) => String(v ?? '').replace(/\|/g, '\\|');
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${columns.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}
