#!/usr/bin/env node
// Where the time of one stevedore command goes: runs the built CLI under `node --cpu-prof` a few times
// (environment as given: set DOCKER_HOST, STEVEDORE_CONFIG_DIR… yourself; NODE_EXTRA_CA_CERTS is removed
// as in bench/run.mjs) and prints, as medians over the runs:
//   - the wall time, and `node -e 0` measured alongside (process start before any of our code);
//   - the profile split into: loading our code (compiling and evaluating each bundle file's top level,
//     the "(program)" time V8 spends before and between, Node's module loader), work in our code and its
//     dependencies per bundle file, Node internals, garbage collection, and idle (waiting for the engine,
//     a registry, the terminal);
//   - the heaviest functions by self time.
//   node bench/profile.mjs [--runs N] [--keep DIR] -- image tags NAME --registry R --json
//   node bench/profile.mjs --tui 'bench/img-\d' [--runs N]      the app in a 100x30 pty, profiled from
//        spawn until the screen first matches the pattern (then it quits with q)
//   --bin [FILE]  profile the single file (default dist/bin/stevedore-linux-ARCH) instead of dist/cli.js: its
//                node options go through NODE_OPTIONS; the profile starts once its snapshot is deserialized, so
//                the time before "from N ms after the spawn" is Node starting and deserializing it
//   --node-args "…"  extra node options for every run (try a flag or a preload before changing code)
//   --timeline   also print the last run as 25 ms slots: what ran in each (load:FILE = compiling and
//                evaluating that file's modules, run:FILE = executing its code, idle, GC, node = internals)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, sleep, textTable } from './lib.mjs';
import { Pty } from './pty.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.STEVEDORE_BENCH_CLI || path.join(root, 'dist', 'cli.js');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const args = dash < 0 ? [] : argv.slice(dash + 1);
const opt = (name, fallback) => (own.includes(name) ? own[own.indexOf(name) + 1] : fallback);
const runs = Number(opt('--runs', 5));
const keep = opt('--keep', null);
const tui = opt('--tui', null);
/** The single file to profile (--bin [FILE]), or null for the npm bundle. */
const binArg = own.includes('--bin') ? own[own.indexOf('--bin') + 1] : undefined;
const BIN = own.includes('--bin') ? path.resolve(binArg && !binArg.startsWith('--') ? binArg : path.join(root, 'dist', 'bin', `stevedore-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`)) : null;
/** argv and env to run stevedore with node options `flags` (the single file takes them from NODE_OPTIONS). */
function command(flags, rest) {
  if (!BIN) return { argv: [process.execPath, ...flags, CLI, ...rest], env };
  return { argv: [BIN, ...rest], env: { ...env, ...(flags.length ? { NODE_OPTIONS: flags.join(' ') } : {}) } };
}
const timeline = own.includes('--timeline');
/** Extra node options for the profiled runs (e.g. --node-args "--import ./x.mjs"), to try a fix. */
const nodeArgs = (opt('--node-args', '') ?? '').split(/\s+/).filter(Boolean);
if (dash < 0 && !tui) {
  console.error('usage: node bench/profile.mjs [--runs N] [--keep DIR] -- <stevedore arguments>\n       node bench/profile.mjs [--runs N] [--keep DIR] --tui REGEX');
  process.exit(2);
}

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
delete env.NODE_OPTIONS;

/** Category of a profile node: what part of the run its self time belongs to. */
function category(node) {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting on I/O)';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return '(program): V8/Node native, incl. compiling';
  if (functionName === '(root)') return '(root)';
  if (!url) return 'native functions';
  if (url.startsWith('node:')) return /^node:internal\/modules\//.test(url) ? 'Node module loader' : 'Node internals';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.relative(root, file);
  if (rel.startsWith('node_modules')) return rel.split(path.sep).slice(0, rel.split(path.sep)[1].startsWith('@') ? 3 : 2).join('/');
  return BIN && url.includes('stevedore.cjs') ? 'the single file' : rel;
}

const sources = new Map();
/** esbuild's minified __commonJS: `(a,b)=>()=>{try{return b||a((b={exports:{}}).exports,b),b.exports}…`. */
function isCommonJsWrapper(cf) {
  try {
    if (!sources.has(cf.url)) sources.set(cf.url, fs.readFileSync(fileURLToPath(cf.url), 'utf8').split('\n'));
    const line = sources.get(cf.url)[cf.lineNumber] ?? '';
    return /^\(\)=>\{try\{return \w+\|\|\w+\(\(\w+=\{exports:\{\}\}\)/.test(line.slice(cf.columnNumber));
  } catch {
    return false;
  }
}

/**
 * Self time (ms) per category, and top-level evaluation time (self + children of the module-level
 * function of each bundle file: the code that runs when the chunk is imported).
 */
function analyse(profile, cutoffUs = Infinity) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  let at = profile.startTime;
  let end = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += dt[i];
    if (at > cutoffUs) break;
    end = at;
    const id = profile.samples[i];
    const delta = (dt[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  const total = (Math.min(profile.endTime, end) - profile.startTime) / 1000;
  const cats = new Map();
  const fns = new Map();
  const first = new Map(); // category -> ms since the profile started when it was first sampled
  let clock = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    clock += dt[i] / 1000;
    if (profile.startTime + clock * 1000 > cutoffUs) break;
    const c = category(byId.get(profile.samples[i]));
    if (!first.has(c)) first.set(c, clock);
  }
  for (const [id, t] of self) {
    const n = byId.get(id);
    const c = category(n);
    cats.set(c, (cats.get(c) ?? 0) + t);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${c}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
  }
  // Phases: every sample is "loading code" when a frame on its stack is Node's module loader (ESM
  // compile, link, evaluate; CommonJS), a built-in module being compiled, a bundle file's top level, or
  // esbuild's __commonJS wrapper (a bundled CommonJS module evaluated on first require); else idle, GC,
  // or work.
  const phase = new Map();
  const loadingFrame = (n) => {
    const cf = n.callFrame;
    if (/^node:internal\/modules\//.test(cf.url) || cf.functionName === 'compileForInternalLoader' || cf.functionName === 'requireBuiltin') return true;
    if (!cf.url || cf.url.startsWith('node:')) return false;
    if (cf.lineNumber === 0 && cf.columnNumber === 0 && !cf.functionName) return true;
    return isCommonJsWrapper(cf);
  };
  const mark = (n, loading) => {
    const l = loading || loadingFrame(n);
    const t = self.get(n.id) ?? 0;
    const fn = n.callFrame.functionName;
    const key = fn === '(idle)' ? 'idle (waiting on I/O)' : fn === '(garbage collector)' ? 'garbage collection' : fn === '(program)' ? '(program)' : l ? 'loading code' : 'work';
    phase.set(key, (phase.get(key) ?? 0) + t);
    for (const c of n.children ?? []) mark(byId.get(c), l);
  };
  mark(profile.nodes[0], false);
  // Inclusive time of module top levels: a node whose function is anonymous at line 0, column 0 of a file.
  const inclusive = (n) => (self.get(n.id) ?? 0) + (n.children ?? []).reduce((s, c) => s + inclusive(byId.get(c)), 0);
  const topLevel = new Map();
  const seen = new Set();
  const walk = (n, inTop) => {
    const cf = n.callFrame;
    const isTop = cf.url && !cf.url.startsWith('node:') && cf.lineNumber === 0 && cf.columnNumber === 0 && !cf.functionName;
    if (isTop && !inTop && !seen.has(n.id)) {
      seen.add(n.id);
      const c = category(n);
      topLevel.set(c, (topLevel.get(c) ?? 0) + inclusive(n));
    }
    for (const c of n.children ?? []) walk(byId.get(c), inTop || isTop);
  };
  walk(profile.nodes[0], false);
  return { total, cats, fns, topLevel, first, phase };
}

function run(extraArgs, dir) {
  const t0 = process.hrtime.bigint();
  const c = command([...nodeArgs, ...extraArgs], args);
  const r = spawnSync(c.argv[0], c.argv.slice(1), { env: c.env, encoding: 'utf8', maxBuffer: 256 << 20, cwd: dir });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) console.error(`exit ${r.status}: ${(r.stderr || '').trim().slice(0, 300)}`);
  return wall;
}

/** 25 ms slots of one profile (times since `originUs`, up to `cutoffUs`): the main activities in each. */
function printTimeline(profile, originUs, cutoffUs = Infinity) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id) => {
    const fn = byId.get(id).callFrame.functionName;
    if (fn === '(idle)') return 'idle';
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(program)') return '(program)';
    let file = null;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      if (cf.url.startsWith('file:')) file ??= path.basename(fileURLToPath(cf.url)).replace(/-[A-Z0-9]{8}\.js$/, '');
      if (/^node:internal\/modules\//.test(cf.url) || cf.functionName === 'compileForInternalLoader' || isCommonJsWrapper(cf)) return `load:${file ?? 'node'}`;
    }
    return file ? `run:${file}` : 'node';
  };
  const slot = 25;
  const slots = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    if (at > cutoffUs) return;
    const k = Math.floor((at - originUs) / 1000 / slot);
    const m = slots.get(k) ?? new Map();
    const l = label(id);
    m.set(l, (m.get(l) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    slots.set(k, m);
  });
  console.log('\ntimeline of the last run (ms since the process started; load:X compiling/evaluating modules, run:X executing)');
  for (const [k, m] of [...slots].sort((a, b) => a[0] - b[0])) {
    const parts = [...m].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 2).map(([l, v]) => `${l} ${v.toFixed(0)}`);
    console.log(`${String(k * slot).padStart(6)}  ${parts.join(', ')}`);
  }
}
let last = null;

/** The app in a pty under the profiler until the screen matches `pattern`; cut the profile there. */
async function runTui(extraArgs, pattern) {
  const now = () => Number(process.hrtime.bigint() / 1000n); // µs, the clock of V8's profile timestamps
  const spawnedUs = now();
  const c = command([...nodeArgs, ...extraArgs], []);
  const p = new Pty(c.argv, { env: { ...c.env, LANG: 'C.UTF-8', TERM: 'xterm-256color' }, marker: BIN ?? CLI });
  let frameUs = NaN;
  try {
    await p.waitFor((sc) => pattern.test(sc.text()), { timeoutMs: 30_000, what: String(pattern) });
    frameUs = now();
    await sleep(300);
  } finally {
    await p.close('q');
  }
  return { wall: (frameUs - spawnedUs) / 1000, spawnedUs, frameUs };
}

const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'sd-prof-'));
fs.mkdirSync(dir, { recursive: true });
const walls = [];
const bare = [];
const nodeOnly = [];
const results = [];
const profFlags = ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir];
const starts = [];
if (tui) {
  const pattern = new RegExp(tui);
  await runTui([], pattern); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { env });
    nodeOnly.push(Number(process.hrtime.bigint() - t0) / 1e6);
    bare.push((await runTui([], pattern)).wall);
    const before = new Set(fs.readdirSync(dir));
    const r = await runTui(profFlags, pattern);
    walls.push(r.wall);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
    if (file) {
      const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      starts.push((profile.startTime - r.spawnedUs) / 1000);
      results.push(analyse(profile, r.frameUs));
      last = { profile, origin: r.spawnedUs, cutoff: r.frameUs };
    }
  }
} else {
  run([], dir); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { env });
    nodeOnly.push(Number(process.hrtime.bigint() - t0) / 1e6);
    bare.push(run([], dir));
    const before = new Set(fs.readdirSync(dir));
    walls.push(run(profFlags, dir));
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
    if (file) {
      const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      results.push(analyse(profile));
      last = { profile, origin: profile.startTime, cutoff: Infinity };
    }
  }
}

const med = (pickFn) => median(results.map(pickFn));
const keys = (field) => [...new Set(results.flatMap((r) => [...r[field].keys()]))];
if (tui) {
  console.log(`stevedore (the app, 100x30 pty) from spawn until the screen matches /${tui}/ — medians of ${runs} runs`);
  console.log(`  ${median(bare).toFixed(0)} ms (node -e 0: ${median(nodeOnly).toFixed(0)} ms; under the profiler ${median(walls).toFixed(0)} ms, of which the profile covers the last ${med((r) => r.total).toFixed(0)} ms, from ${median(starts).toFixed(0)} ms after the spawn)\n`);
} else {
  console.log(`stevedore ${args.join(' ')} — medians of ${runs} runs`);
  console.log(`  wall ${median(bare).toFixed(0)} ms (node -e 0: ${median(nodeOnly).toFixed(0)} ms; under the profiler ${median(walls).toFixed(0)} ms, profile covers ${med((r) => r.total).toFixed(0)} ms)\n`);
}
const phaseRows = ['loading code', 'work', 'idle (waiting on I/O)', 'garbage collection', '(program)'].map((k) => ({ phase: k, ms: med((r) => r.phase.get(k) ?? 0).toFixed(1) }));
console.log(textTable(phaseRows, ['phase', 'ms']));
console.log('  (loading code: Node compiling and evaluating modules — ours, dependencies, built-ins — inclusive)\n');
const catRows = keys('cats')
  .map((k) => ({ where: k, 'self ms': med((r) => r.cats.get(k) ?? 0), 'first seen at': med((r) => r.first.get(k) ?? NaN) }))
  .filter((r) => r['self ms'] >= 0.5)
  .sort((a, b) => b['self ms'] - a['self ms'])
  .map((r) => ({ ...r, 'self ms': r['self ms'].toFixed(1), 'first seen at': Number.isFinite(r['first seen at']) ? `${r['first seen at'].toFixed(0)} ms` : '' }));
console.log(textTable(catRows, ['where', 'self ms', 'first seen at']));
const topRows = keys('topLevel')
  .map((k) => ({ 'module top level (import-time evaluation, inclusive)': k, ms: med((r) => r.topLevel.get(k) ?? 0) }))
  .filter((r) => r.ms >= 0.5)
  .sort((a, b) => b.ms - a.ms)
  .map((r) => ({ ...r, ms: r.ms.toFixed(1) }));
console.log(`\n${textTable(topRows, ['module top level (import-time evaluation, inclusive)', 'ms'])}`);
const fnRows = keys('fns')
  .map((k) => ({ function: k.length > 110 ? `${k.slice(0, 107)}…` : k, 'self ms': med((r) => r.fns.get(k) ?? 0) }))
  .sort((a, b) => b['self ms'] - a['self ms'])
  .slice(0, 15)
  .map((r) => ({ ...r, 'self ms': r['self ms'].toFixed(1) }));
console.log(`\n${textTable(fnRows, ['function', 'self ms'])}`);
if (timeline && last) printTimeline(last.profile, last.origin, last.cutoff);
if (keep) console.log(`\nprofiles in ${dir} (open them in Chrome DevTools > Performance, or speedscope)`);
else fs.rmSync(dir, { recursive: true, force: true });
