#!/usr/bin/env node
// The benchmark harness (`npm run bench`): stevedore side by side with the tool a user would compare it
// with, in the same run, alternating A and B over several runs (after an untimed warm-up round), with
// medians, ratios and a met/MISSED verdict per target. Prints a table, writes bench/results/latest.json,
// and with --update-readme puts the table into README.md between <!-- bench:start --> and <!-- bench:end -->.
//
//   npm run bench                      (= npm run build --silent && node bench/run.mjs)
//   node bench/run.mjs [--runs N] [--quick] [--only startup,remote,pull,list,serve,tui,keys,idle,bytes,updates,ssh]
//                      [--update-readme] [--own-world] [--world-file F] [--idle-seconds S] [--out FILE]
//                      [--bin FILE | --no-bin] [--baseline REF] [--max-load L]
//
// The start-up, one-shot, first-frame and keystroke rows measure both ways stevedore installs: the npm package
// (dist/cli.js on the Node that runs this harness) and the single file (dist/bin/stevedore-linux-ARCH, `npm run
// build:bin`), each beside its comparison and with its peak RSS; --baseline REF also measures the npm package
// built from that git ref (e.g. main) in the same runs: "today's" figures beside the new ones.
//
// It reuses a running test world (`npx tsx test/world/cli.ts up`, or STEVEDORE_WORLD_FILE), else starts
// one and stops it at the end; it seeds what it measures (1,000 + 1,000 local images, a 3,000-tag
// repository, a 6-layer ~25 MB image) and removes all of it again. Node processes run without
// NODE_EXTRA_CA_CERTS (Node reads that bundle at every start, ~50 ms before any code runs; docker and
// skopeo do not): the startup rows also show the cost with it. The TypeScript of test/world and src/ is
// loaded through tsx's API, so plain `node` runs this file.
import { register } from 'tsx/esm/api';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  alive,
  alternate,
  kbps,
  markdownTable,
  median,
  mib,
  percentile,
  ms,
  pick,
  procCpuMs,
  procMemKiB,
  ratio,
  sec,
  runAsync,
  signedMs,
  signedSec,
  sleep,
  summary,
  timeRun,
  GNU_TIME,
} from './lib.mjs';
import { Pty } from './pty.mjs';
import { CACHE as NODE_CACHE, SINGLE_FILE_NODE } from '../scripts/node-binaries.mjs';

register();
const world = await import('./world.mjs');
const { W } = world;

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.STEVEDORE_BENCH_CLI || path.join(root, 'dist', 'cli.js');
const RESULTS = path.join(root, 'bench', 'results');
const SECTIONS = ['startup', 'remote', 'pull', 'list', 'serve', 'tui', 'keys', 'idle', 'bytes', 'updates', 'watch', 'ssh', 'disk'];

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = { runs: null, quick: false, only: null, updateReadme: false, readmeOnly: false, ownWorld: false, worldFile: null, idleSeconds: null, out: path.join(RESULTS, 'latest.json'), bins: undefined, baseline: null, maxLoad: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--update-readme') o.updateReadme = true;
    else if (a === '--readme-only') o.readmeOnly = true;
    else if (a === '--own-world') o.ownWorld = true;
    else if (a === '--world-file') o.worldFile = value();
    else if (a === '--idle-seconds') o.idleSeconds = Number(value());
    else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--bin') (o.bins ??= []).push(path.resolve(value()));
    else if (a === '--no-bin') o.bins = [];
    else if (a === '--baseline') o.baseline = value();
    else if (a === '--max-load') o.maxLoad = Number(value());
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (o.runs !== null && !(Number.isInteger(o.runs) && o.runs > 0)) usage('--runs takes a whole number > 0');
  if (o.maxLoad !== null && !(o.maxLoad > 0)) usage('--max-load takes a load average > 0');
  for (const s of o.only ?? []) if (!SECTIONS.includes(s)) usage(`--only: unknown section ${s} (sections: ${SECTIONS.join(', ')})`);
  return o;
}

function usage(problem) {
  const text = `usage: node bench/run.mjs [--runs N] [--quick] [--only ${SECTIONS.join(',')}] [--update-readme] [--readme-only] [--own-world] [--world-file F] [--idle-seconds S] [--out FILE]
  --runs N          timed runs per comparison after one warm-up round (default 10; startup 2N, pulls N/2,
                    TUI first frame 2N/3, in-process calls 4N)
  --quick           3 runs, a 10 s idle window, one throttled download per side
  --only LIST       run only these sections
  --update-readme   write the table and the machine into README.md's Performance section
  --readme-only     measure nothing: rewrite that section from the results file (--out, default latest.json)
  --own-world       start a private test world even when one is running
  --world-file F    the WorldInfo JSON of a running world (default: STEVEDORE_WORLD_FILE, else $TMPDIR/stevedore-world.json)
  --bin FILE        a single file to measure beside the npm package (default dist/bin/stevedore-linux-ARCH
                    when it exists: npm run build:bin; again for another, e.g. dist/bin/code-cache/… of
                    build:bin --code-cache); --no-bin: the npm package alone
  --baseline REF    also measure the npm package built from git REF (e.g. main), "today's", in the same runs
  --max-load L      run a section again (up to twice) when the load average passed L while it ran (other
                    work on the machine); the load of every section is recorded either way`;
  if (problem) {
    console.error(`bench: ${problem}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const BIN_DEFAULT = path.join(root, 'dist', 'bin', `stevedore-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`);
const BINS = opts.bins ?? (fs.existsSync(BIN_DEFAULT) ? [BIN_DEFAULT] : []);
const BIN = BINS[0] ?? null;
/**
 * The ways stevedore is run: the npm package on this Node, the single file, and (--baseline) the npm package of
 * another ref, "today's". argv of one: [...v.pre, ...args] run by v.cmd. (`node` is filled in by main.)
 */
const variants = [{ key: 'npm', label: 'npm package', cmd: process.execPath, pre: [CLI], node: process.version }];
BINS.forEach((file, i) => {
  const kind = /[\\/]code-cache[\\/]/.test(file) ? ' (code cache, no snapshot)' : BINS.length > 1 ? ' (snapshot)' : '';
  variants.push({ key: i === 0 ? 'bin' : `bin${i + 1}`, label: `single file${kind}`, cmd: file, pre: [], node: null });
});
/** The baseline ("today's"), when --baseline was given: measured beside the npm package, not a row of its own. */
let today = null;
const runOf = (v, ...args) => ({ cmd: v.cmd, args: [...v.pre, ...args] });
const N = opts.runs ?? (opts.quick ? 3 : 10);
const RUNS = {
  startup: 2 * N,
  list: N,
  remote: N,
  inProcess: Math.max(10, 4 * N),
  pull: Math.max(2, Math.ceil(N / 2)),
  tui: Math.max(3, Math.ceil((N * 2) / 3)),
  keystrokes: 4, // cycles of 8 keystrokes, plus the first: 33
  bursts: 12, // bursts of 10 keystrokes in one write
  bytes: opts.quick || N < 4 ? 1 : 2,
};
const IDLE_SECONDS = opts.idleSeconds ?? (opts.quick ? 10 : 30);
const THROTTLE = 1024 * 1024; // bytes/s per blob response: the 25 MB pull takes ~9 s
const wanted = (s) => !opts.only || opts.only.includes(s);
const say = (m) => console.error(`[bench] ${m}`);

// ---------------------------------------------------------------- environment

const CA = process.env.NODE_EXTRA_CA_CERTS;
/** The environment of the Node processes under test: no NODE_EXTRA_CA_CERTS (see the header), no NODE_OPTIONS. */
function nodeEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

function dockerClients() {
  const out = [];
  const seen = new Set();
  const onPath = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
  for (const bin of ['/usr/bin/docker', '/usr/local/bin/docker', onPath]) {
    if (!bin || !fs.existsSync(bin)) continue;
    const real = fs.realpathSync(bin);
    if (seen.has(real)) continue;
    seen.add(real);
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    out.push({ bin, version: v.replace(/^Docker version /, '').replace(/,.*$/, ''), onPath: fs.realpathSync(onPath || '/nonexistent-x') === real });
  }
  return out;
}

function machine(clients, daemon) {
  const osRelease = (() => {
    try {
      return /^PRETTY_NAME="?(.*?)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
    } catch {
      return '';
    }
  })();
  const skopeo = spawnSync('skopeo', ['--version'], { encoding: 'utf8' });
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osRelease} (Linux ${os.release()})`,
    dockerClients: clients.map((c) => ({ path: c.bin, version: c.version })),
    dockerDaemon: daemon,
    skopeo: skopeo.status === 0 ? skopeo.stdout.trim().replace(/^skopeo version /, '') : null,
    nodeExtraCaCerts: CA ? `set (${CA}); removed for the Node processes measured` : 'not set',
  };
}

// ---------------------------------------------------------------- results

const rows = [];
const details = {};
/**
 * One row of the table. verdict: true (met), false (MISSED), null (no target).
 */
function row(section, what, stevedore, comparison, result, target, verdict, extra = {}) {
  const r = { section, what, stevedore, comparison, result, target: target ?? '—', verdict: verdict === null || verdict === undefined ? '—' : verdict ? 'met' : 'MISSED', rss: '—', ...extra };
  rows.push(r);
  console.log(`  ${what}: ${stevedore} vs ${comparison} → ${result} (${r.target}: ${r.verdict})`);
  return r;
}
/** The peak RSS cell of a row: stevedore's (median over the runs), and today's beside it when measured. */
function rssCell(samples, todaySamples) {
  const kib = median(pick(samples ?? [], 'rss'));
  if (!Number.isFinite(kib)) return '—';
  const base = todaySamples ? median(pick(todaySamples, 'rss')) : NaN;
  return Number.isFinite(base) ? `${mib(kib)} (today ${mib(base)})` : mib(kib);
}
/** "(today 88 ms)" after a figure, when the baseline was measured. */
const todayNote = (samples, fmt = (v) => ms(v)) => (samples ? ` (today ${fmt(median(pick(samples)))})` : '');
function errorRow(section, what, error) {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
  rows.push({ section, what, stevedore: 'error', comparison: '', result: message, target: '', verdict: 'error', rss: '' });
  console.error(`[bench] ${section}: ${what} failed: ${error instanceof Error ? error.stack : error}`);
}

// ---------------------------------------------------------------- state shared by the sections

const ctx = {
  info: null,
  clients: [],
  cfg: null, // STEVEDORE_CONFIG_DIR of every stevedore process that talks to the world
  env: null, // the world's environment + cfg, for stevedore; docker and skopeo get the same
  pulledRefs: new Set(),
  registryAdded: false,
  tuiForIdle: null,
};

const cli = (...args) => [CLI, ...args];
const stevedore = (args, env = ctx.env) => timeRun(process.execPath, cli(...args), { env });

function workerPid() {
  try {
    const lock = fs.readdirSync(ctx.cfg).find((f) => /^worker-.*\.lock$/.test(f));
    const pid = lock ? Number(fs.readFileSync(path.join(ctx.cfg, lock), 'utf8')) : NaN;
    return Number.isInteger(pid) && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function rmi(ref) {
  const res = await W.engine(ctx.info, 'GET', `/images/${encodeURIComponent(ref)}/json`);
  if (res.status !== 200) return;
  const id = res.json().Id;
  const del = await W.engine(ctx.info, 'DELETE', `/images/${id}?force=1`);
  if (del.status >= 300 && del.status !== 404) throw new Error(`removing ${ref}: ${del.status} ${del.text().slice(0, 200)}`);
}

async function ensureRegistry() {
  if (ctx.registryAdded) return;
  const r = timeRun(process.execPath, cli('registry', 'add', 'bench', '--url', ctx.info.registries.plain.url, '--api', 'v2', '--json'), { env: ctx.env, allowFailure: true });
  if (r.status !== 0 && !/already exists|409/.test(r.stdout + r.stderr)) throw new Error(`registry add: ${(r.stdout + r.stderr).trim().slice(0, 300)}`);
  ctx.registryAdded = true;
}

async function ensureWorker() {
  if (workerPid()) return workerPid();
  await world.seedSix(ctx.info, say);
  const ref = `${ctx.info.registries.plain.host}/${world.SIX_REPO}:${world.SIX_TAG}`;
  ctx.pulledRefs.add(ref);
  const r = await runAsync(process.execPath, cli('image', 'pull', ref), { env: ctx.env });
  if (r.code !== 0) throw new Error(`image pull ${ref}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  await rmi(ref);
  const pid = workerPid();
  if (!pid) throw new Error('no download worker is running after a pull');
  return pid;
}

// ---------------------------------------------------------------- sections

async function sectionStartup() {
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-startup-'));
  try {
    fs.writeFileSync(
      path.join(cfg, 'registries.json'),
      JSON.stringify({ registries: [{ name: 'lab', url: 'https://lab.example:5000', enable_trust_cert: false, username: 'u', password: 'p', version: 'v2' }], repositories: [] }),
      { mode: 0o600 },
    );
    const env = nodeEnv({ STEVEDORE_CONFIG_DIR: cfg });
    const measured = [...variants, ...(today ? [today] : [])];
    for (const v of measured) {
      const list = timeRun(runOf(v).cmd, runOf(v, 'registry', 'list', '--json').args, { env });
      if (!list.stdout.includes('"lab"')) throw new Error(`${v.label}: registry list --json does not show the registry: ${list.stdout.slice(0, 200)}`);
    }
    const cands = [{ name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], env, cpu: true }];
    for (const v of measured) {
      cands.push({ name: `${v.key} --help`, ...runOf(v, '--help'), env, cpu: true });
      cands.push({ name: `${v.key} registry list --json`, ...runOf(v, 'registry', 'list', '--json'), env, cpu: true });
    }
    if (CA) {
      const withCa = { ...env, NODE_EXTRA_CA_CERTS: CA };
      cands.push(
        { name: 'node -e 0 (with NODE_EXTRA_CA_CERTS)', cmd: process.execPath, args: ['-e', '0'], env: withCa },
        { name: 'npm --help (with NODE_EXTRA_CA_CERTS)', ...runOf(variants[0], '--help'), env: withCa },
      );
    }
    say(`startup: ${RUNS.startup} runs of ${cands.length} commands, interleaved…`);
    const s = await alternate(cands, { runs: RUNS.startup, warmup: 2 });
    const med = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(pick(v))]));
    details.startup = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { wall: summary(pick(v)), cpu: summary(pick(v, 'cpu')), rssKiB: summary(pick(v, 'rss')) }]));
    const base = med['node -e 0'];
    for (const v of variants) {
      const t = (cmd) => (today ? s[`today ${cmd}`] : null);
      const help = med[`${v.key} --help`] - base;
      row('startup', `\`stevedore --help\` start, ${v.label}`, `${ms(med[`${v.key} --help`])}${v.key === 'npm' ? todayNote(t('--help')) : ''}`, `\`node -e 0\` ${ms(base)}`, signedMs(help), '≤ +20 ms', help <= 20, {
        rss: rssCell(s[`${v.key} --help`], v.key === 'npm' ? t('--help') : null),
      });
      const list = med[`${v.key} registry list --json`] - base;
      row('startup', `\`stevedore registry list --json\` start, ${v.label}`, `${ms(med[`${v.key} registry list --json`])}${v.key === 'npm' ? todayNote(t('registry list --json')) : ''}`, `\`node -e 0\` ${ms(base)}`, signedMs(list), '≤ +60 ms', list <= 60, {
        rss: rssCell(s[`${v.key} registry list --json`], v.key === 'npm' ? t('registry list --json') : null),
      });
    }
    if (CA) {
      const a = med['npm --help (with NODE_EXTRA_CA_CERTS)'];
      const b = med['node -e 0 (with NODE_EXTRA_CA_CERTS)'];
      row('startup', '`stevedore --help` with NODE_EXTRA_CA_CERTS set, npm package (info)', ms(a), `\`node -e 0\` with it ${ms(b)}`, `${signedMs(a - b)}; reading the CA bundle costs ${signedMs(b - base)} at every Node start`, null, null);
    }
  } finally {
    fs.rmSync(cfg, { recursive: true, force: true });
  }
}

/** Measures fn's median over `runs` calls after one warm call (connections, first parse). */
async function timeInProcess(fn, runs) {
  const c0 = performance.now();
  const first = await fn();
  const cold = performance.now() - c0;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { cold, first, ...summary(samples) };
}

/** The remote services built as src/cli.tsx builds them, over ctx.cfg (where `bench` was added). */
async function inProcessRemote() {
  const [{ createRemoteServices }, { RegistryService }, { RegistryStore }, { SettingsStore }, { SettingsService }, { CredentialResolver }] = await Promise.all([
    import('../src/services/remote/index.ts'),
    import('../src/services/registries.ts'),
    import('../src/store/registryStore.ts'),
    import('../src/store/settingsStore.ts'),
    import('../src/services/settings.ts'),
    import('../src/store/credentials.ts'),
  ]);
  const env = ctx.env;
  const warn = () => undefined;
  const store = new RegistryStore(ctx.cfg, warn);
  const settings = new SettingsService(new SettingsStore(ctx.cfg, warn));
  const credentials = new CredentialResolver(store, { env, warn });
  return createRemoteServices({
    env,
    settings: () => settings.all(),
    registries: new RegistryService(store, env.STEVEDORE_HUB_REGISTRY || 'https://registry-1.docker.io'),
    registryStore: store,
    credentials: { resolve: (q) => credentials.resolve(q) },
    // A running app knows these already (engine state); they are not part of the registry work timed here.
    installed: async () => new Map(),
    downloading: async () => new Set(),
    enginePlatform: async () => 'linux/amd64',
    localUsage: async () => ({ images: new Set(), containers: new Set() }),
    assetsDir: path.join(root, 'assets'),
    warn,
  });
}

async function sectionRemote() {
  const { info } = ctx;
  const plain = info.registries.plain;
  await world.seedTags(info, say);
  await world.seedSix(info, say);
  await ensureRegistry();
  const six = `${world.SIX_REPO}:${world.SIX_TAG}`;
  const skTags = { name: 'skopeo list-tags', cmd: 'skopeo', args: ['list-tags', '--tls-verify=false', `docker://${plain.host}/${world.TAGS_REPO}`], env: ctx.env, cpu: true };
  const skInspect = { name: 'skopeo inspect', cmd: 'skopeo', args: ['inspect', '--tls-verify=false', `docker://${plain.host}/${six}`], env: ctx.env, cpu: true };
  const measured = [...variants, ...(today ? [today] : [])];
  const sdTags = (v) => ({ name: `${v.key} image tags`, ...runOf(v, 'image', 'tags', world.TAGS_REPO, '--registry', 'bench', '--json'), env: ctx.env, cpu: true });
  const sdInspect = (v) => ({ name: `${v.key} image inspect --remote`, ...runOf(v, 'image', 'inspect', six, '--remote', '--registry', 'bench', '--json'), env: ctx.env, cpu: true });
  // Every side must do the whole job.
  const skCount = JSON.parse(timeRun(skTags.cmd, skTags.args, { env: ctx.env }).stdout).Tags.length;
  const skLayers = JSON.parse(timeRun(skInspect.cmd, skInspect.args, { env: ctx.env }).stdout).Layers.length;
  for (const v of measured) {
    const sdCount = JSON.parse(timeRun(sdTags(v).cmd, sdTags(v).args, { env: ctx.env }).stdout).tags.length;
    const sdLayers = JSON.parse(timeRun(sdInspect(v).cmd, sdInspect(v).args, { env: ctx.env }).stdout).Layers.length;
    if (skCount !== world.TAG_COUNT || sdCount !== world.TAG_COUNT) throw new Error(`tag counts: skopeo ${skCount}, ${v.label} ${sdCount}, expected ${world.TAG_COUNT}`);
    if (skLayers !== 6 || sdLayers !== 6) throw new Error(`inspect layers: skopeo ${skLayers}, ${v.label} ${sdLayers}, expected 6`);
  }

  say(`remote: ${RUNS.remote} runs each of image tags / skopeo list-tags and image inspect --remote / skopeo inspect (${measured.map((v) => v.label).join(', ')})…`);
  const tags = await alternate([skTags, ...measured.map(sdTags)], { runs: RUNS.remote });
  const insp = await alternate([skInspect, ...measured.map(sdInspect)], { runs: RUNS.remote });
  const st = median(pick(tags['skopeo list-tags']));
  const si = median(pick(insp['skopeo inspect']));
  details.remote = {
    tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, { wall: summary(pick(v)), cpu: summary(pick(v, 'cpu')), rssKiB: summary(pick(v, 'rss')) }])),
    inspect: Object.fromEntries(Object.entries(insp).map(([k, v]) => [k, { wall: summary(pick(v)), cpu: summary(pick(v, 'cpu')), rssKiB: summary(pick(v, 'rss')) }])),
  };
  for (const v of variants) {
    const tt = today && v.key === 'npm' ? tags['today image tags'] : null;
    const ti = today && v.key === 'npm' ? insp['today image inspect --remote'] : null;
    const ct = median(pick(tags[`${v.key} image tags`]));
    const ci = median(pick(insp[`${v.key} image inspect --remote`]));
    row('remote', `\`image tags\` (${world.TAG_COUNT.toLocaleString('en')} tags), one-shot, ${v.label}`, `${ms(ct)}${todayNote(tt)}`, `\`skopeo list-tags\` ${ms(st)}`, ratio(ct, st), '≤ 2×', ct / st <= 2, {
      rss: rssCell(tags[`${v.key} image tags`], tt),
    });
    row('remote', `\`image inspect --remote\` (6 layers), one-shot, ${v.label}`, `${ms(ci)}${todayNote(ti)}`, `\`skopeo inspect\` ${ms(si)}`, ratio(ci, si), '≤ 2×', ci / si <= 2, {
      rss: rssCell(insp[`${v.key} image inspect --remote`], ti),
    });
  }

  say(`remote: the same operations inside a running process (${RUNS.inProcess} calls each)…`);
  try {
    const remote = await inProcessRemote();
    try {
      const t = await timeInProcess(async () => (await remote.tags.list(world.TAGS_REPO, { registry: 'bench' })).tags.length, RUNS.inProcess);
      if (t.first !== world.TAG_COUNT) throw new Error(`in-process tags: ${t.first} tags`);
      const i = await timeInProcess(async () => (await remote.inspect.remote(six, { registry: "bench" })).layers.length, RUNS.inProcess);
      details.remote.inProcess = { tags: t, inspect: i };
      row('remote', `\`image tags\` (${world.TAG_COUNT.toLocaleString('en')} tags) in a running process`, ms(t.median, 1), `\`skopeo list-tags\` (whole run) ${ms(st)}`, ratio(t.median, st), '≤ 1×', t.median <= st, { note: `first call ${ms(t.cold)}` });
      row('remote', '`image inspect --remote` in a running process', ms(i.median, 1), `\`skopeo inspect\` (whole run) ${ms(si)}`, ratio(i.median, si), '≤ 1×', i.median <= si, { note: `first call ${ms(i.cold)}` });
    } finally {
      await remote.close();
    }
  } catch (error) {
    errorRow('remote', 'in-process tags / inspect', error);
  }
}

async function sectionPull() {
  const { info } = ctx;
  await world.seedSix(info, say);
  const ref = `${info.registries.plain.host}/${world.SIX_REPO}:${world.SIX_TAG}`;
  ctx.pulledRefs.add(ref);
  await rmi(ref);
  const workerCpu = [];
  let cold = null;
  const cands = [
    {
      name: 'stevedore',
      run: () => {
        const pid = workerPid();
        const before = pid ? procCpuMs(pid) : NaN;
        const s = timeRun(process.execPath, cli('image', 'pull', ref), { env: ctx.env, cpu: true });
        const after = procCpuMs(workerPid());
        if (pid) workerCpu.push(after - before);
        else cold ??= s; // this run started the worker
        return s;
      },
    },
    ...ctx.clients.map((c) => ({ name: c.bin, cmd: c.bin, args: ['pull', ref], env: ctx.env, cpu: true })),
  ];
  say(`pull: ${RUNS.pull} pulls of ${ref} (6 layers, 25 MB) per client, interleaved, removed after each…`);
  const s = await alternate(cands, { runs: RUNS.pull, after: () => rmi(ref) });
  const sw = median(pick(s.stevedore));
  const sc = median(pick(s.stevedore, 'cpu'));
  details.pull = {
    ref,
    ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { wall: summary(pick(v)), cpu: summary(pick(v, 'cpu')) }])),
    workerCpuPerPull: summary(workerCpu),
    coldStart: cold && { wall: cold.wall, cpu: cold.cpu },
  };
  for (const c of ctx.clients) {
    const dw = median(pick(s[c.bin]));
    const dc = median(pick(s[c.bin], 'cpu'));
    row('pull', `\`image pull\` (6 layers, 25 MB) wall`, sec(sw), `\`${c.bin} pull\` (${c.version}) ${sec(dw)}`, signedSec(sw - dw), '≤ +0.3 s', sw - dw <= 300);
    row('pull', '`image pull` CPU of the client process', ms(sc), `\`${c.bin} pull\` CLI ${ms(dc)}`, signedSec(sc - dc), '≤ +0.3 s', sc - dc <= 300, {
      note: `the worker used ${ms(median(workerCpu))} per pull`,
    });
  }
  if (cold) row('pull', '`image pull` that starts the worker (info)', sec(cold.wall), `warm ${sec(sw)}`, signedSec(cold.wall - sw), null, null);
}

async function sectionList() {
  const { info } = ctx;
  await world.ensureBulk(info, 'bench/img', 1000, say);
  const out = JSON.parse(stevedore(['image', 'list', '--json']).stdout);
  const count = out.total_count;
  for (const c of ctx.clients) {
    const lines = timeRun(c.bin, ['images', '--format', '{{json .}}'], { env: ctx.env }).stdout.trim().split('\n').length;
    if (lines < 1000) throw new Error(`${c.bin} images lists ${lines} images`);
  }
  const measured = [...variants, ...(today ? [today] : [])];
  for (const v of measured) {
    const n = JSON.parse(timeRun(runOf(v).cmd, runOf(v, 'image', 'list', '--json').args, { env: ctx.env }).stdout).total_count;
    if (n !== count) throw new Error(`${v.label}: image list --json lists ${n} repositories, the npm package ${count}`);
  }
  const cands = [
    ...measured.map((v) => ({ name: v.key, ...runOf(v, 'image', 'list', '--json'), env: ctx.env, cpu: true })),
    ...ctx.clients.map((c) => ({ name: c.bin, cmd: c.bin, args: ['images', '--format', '{{json .}}'], env: ctx.env, cpu: true })),
  ];
  say(`list: ${RUNS.list} runs each with ${count} repositories…`);
  const s = await alternate(cands, { runs: RUNS.list });
  details.list = { repositories: count, ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { wall: summary(pick(v)), cpu: summary(pick(v, 'cpu')), rssKiB: summary(pick(v, 'rss')) }])) };
  // Against the faster docker CLI (the stricter comparison); the other one is named beside it.
  const dockers = ctx.clients.map((c) => ({ c, t: median(pick(s[c.bin])) })).sort((a, b) => a.t - b.t);
  const fastest = dockers[0];
  const cmp = dockers.map(({ c, t }) => `\`${c.bin} images --format '{{json .}}'\` (${c.version}) ${ms(t)}`).join('; ');
  for (const v of variants) {
    const sd = median(pick(s[v.key]));
    const tl = today && v.key === 'npm' ? s.today : null;
    row('list', `\`image list --json\` (${count.toLocaleString('en')} images), ${v.label}`, `${ms(sd)}${todayNote(tl)}`, cmp, `${ratio(sd, fastest.t)} of the faster`, '≤ 1.2×', sd / fastest.t <= 1.2, { rss: rssCell(s[v.key], tl) });
  }
  await compileCacheRows(count);
}

/**
 * Does module.enableCompileCache() (cli.tsx, Node 22.1+) pay? The npm package on Node 24 (the one build:bin
 * fetched), `image list --json` with the cache as stevedore sets it and with NODE_DISABLE_COMPILE_CACHE=1.
 */
async function compileCacheRows(count) {
  const node = path.join(NODE_CACHE, `${SINGLE_FILE_NODE}-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`, 'node');
  if (!fs.existsSync(node)) return say(`list: no Node ${SINGLE_FILE_NODE} in node_modules/.cache/stevedore-node (npm run build:bin fetches it): no compile-cache rows`);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-cache-'));
  try {
    const env = { ...ctx.env, XDG_CACHE_HOME: cache };
    const cands = [
      { name: 'cache on', cmd: node, args: cli('image', 'list', '--json'), env, cpu: true },
      { name: 'cache off', cmd: node, args: cli('image', 'list', '--json'), env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' }, cpu: true },
    ];
    say(`list: the npm package on Node ${SINGLE_FILE_NODE}, compile cache on and off, ${RUNS.list} runs each…`);
    const s = await alternate(cands, { runs: RUNS.list });
    const on = median(pick(s['cache on']));
    const off = median(pick(s['cache off']));
    details.compileCache = { node: `${SINGLE_FILE_NODE}-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`, on: summary(pick(s['cache on'])), off: summary(pick(s['cache off'])) };
    row('list', `\`image list --json\` (${count.toLocaleString('en')} images), npm package on Node ${SINGLE_FILE_NODE}: module.enableCompileCache() (info)`, ms(on), `without it ${ms(off)}`, `${ratio(on, off)}; CPU ${ms(median(pick(s['cache on'], 'cpu')))} vs ${ms(median(pick(s['cache off'], 'cpu')))}`, null, null);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

// ---- stevedore serve: the same local list over HTTP, from a server that keeps its clients warm

/** One GET over a keep-alive agent; resolves with the body length (the answer is read to the end). */
function httpGet(agent, port, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { Cookie: cookie } }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: no answer in 30 s`)));
  });
}

async function sectionServe() {
  const { info } = ctx;
  await world.ensureBulk(info, 'bench/img', 1000, say);
  const password = 'bench-serve-password';
  const pw = timeRun(process.execPath, cli('serve', 'passwd', '--password-stdin'), { env: ctx.env, input: `${password}\n` });
  if (pw.status !== 0) throw new Error(`serve passwd: ${pw.stderr.trim().slice(0, 200)}`);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, cli('serve', '--listen', `127.0.0.1:${port}`), { env: ctx.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c.toString()));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const deadline = Date.now() + 30_000;
    while (!err.includes('listening on')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${err.trim().slice(0, 300)}`);
      await sleep(50);
    }
    const cookie = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/login', method: 'POST', agent }, (res) => {
        res.resume();
        const set = String(res.headers['set-cookie'] ?? '');
        res.on('end', () => (res.statusCode === 200 ? resolve(set.split(';')[0]) : reject(new Error(`login: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(`username=admin&password=${password}`);
    });
    const path = '/api/v1/image/?category=local';
    const bytes = await httpGet(agent, port, path, cookie);
    for (let i = 0; i < 10; i++) await httpGet(agent, port, path, cookie); // warm: engine connection, JIT
    // Latency: one request at a time. Throughput: 4 at a time (the machine has few cores; so has a NAS).
    const latency = [];
    const sequential = Math.max(50, RUNS.list * 10);
    for (let i = 0; i < sequential; i++) {
      const t0 = performance.now();
      await httpGet(agent, port, path, cookie);
      latency.push(performance.now() - t0);
    }
    const total = Math.max(100, RUNS.list * 20);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next++ < total) await httpGet(agent, port, path, cookie);
      }),
    );
    const rps = (total / (performance.now() - t0)) * 1000;
    say(`serve: ${sequential} sequential + ${total} concurrent GETs (${(bytes / 1024).toFixed(0)} KiB each); the CLI ${RUNS.list} times…`);
    const cliRuns = await alternate([{ name: 'cli', cmd: process.execPath, args: cli('image', 'list', '--json'), env: ctx.env }], { runs: RUNS.list });
    const cliMed = median(pick(cliRuns.cli));
    const p50 = median(latency);
    const p95 = percentile(latency, 95);
    details.serve = { bytes, latency: summary(latency), requestsPerSecond: rps, concurrency: 4, cli: summary(pick(cliRuns.cli)) };
    row('serve', `\`GET /api/v1/image/?category=local\` (1,000 images): p95, one at a time`, `p50 ${ms(p50)}, p95 ${ms(p95)}`, `\`stevedore image list --json\` ${ms(cliMed)} per call`, ratio(p95, cliMed), '≤ 0.5×', p95 / cliMed <= 0.5);
    row('serve', '`GET /api/v1/image/?category=local` (1,000 images): requests/s, 4 at a time', `${rps.toFixed(1)} req/s`, `CLI ${(1000 / cliMed).toFixed(1)} calls/s (one after another)`, `${(rps / (1000 / cliMed)).toFixed(1)}×`, null, null);
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.on('close', r)));
  }
}

// ---- the TUI

function tuiEnv() {
  return { ...ctx.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'xterm-256color' };
}
let hellos = null;
/** The Ink hello as the npm package runs (a bundle on this node) and as the single file does (its own SEA). */
async function inkHellos() {
  if (hellos) return hellos;
  const { buildInkHello, buildInkHelloBin } = await import('./ink-hello/build.mjs');
  const dir = path.join(RESULTS, 'ink-hello');
  const bundle = await buildInkHello(dir);
  hellos = { npm: { cmd: process.execPath, pre: [bundle] } };
  if (BIN) {
    say('tui: making the Ink hello a single file too (a startup snapshot holding Ink, as stevedore\'s)…');
    hellos.bin = { cmd: await buildInkHelloBin(dir), pre: [] };
  }
  hellos.today = hellos.npm;
  for (const v of variants) if (v.key.startsWith('bin')) hellos[v.key] = hellos.bin;
  return hellos;
}
const marker = (v) => v.pre[0] ?? v.cmd;
const openTui = (v = variants[0]) => new Pty([v.cmd, ...v.pre], { env: tuiEnv(), marker: marker(v) });
const openHello = (h) => new Pty([h.cmd, ...h.pre], { env: tuiEnv(), marker: marker(h) });

async function sectionTui() {
  const { info } = ctx;
  await world.removeImages(info, ['bench/flt-*']);
  await world.ensureBulk(info, 'bench/img', 1000, say);
  await ensureWorker(); // a user's machine has one after its first download; the app connects to it
  const hello = await inkHellos();
  const count = JSON.parse(stevedore(['image', 'list', '--json']).stdout).total_count;
  const settle = 1500;
  const once = async (open, test, what) => {
    const p = open();
    try {
      const t = await p.waitFor(test, { timeoutMs: 30_000, what });
      await sleep(settle); // then RSS "after load"
      const pid = p.programPid();
      const mem = procMemKiB(pid);
      return { wall: t, rss: mem.rss, hwm: mem.hwm };
    } finally {
      await p.close('q');
    }
  };
  const measured = [...variants, ...(today ? [today] : [])];
  const cands = [];
  for (const v of measured) {
    cands.push({ name: `${v.key} app`, run: () => once(() => openTui(v), (sc) => /bench\/img-\d/.test(sc.text()), `the first local image row (${v.label})`) });
    if (v.key !== 'today') cands.push({ name: `${v.key} hello`, run: () => once(() => openHello(hello[v.key]), (sc) => sc.text().includes('hello from ink'), `hello from ink (${v.label})`) });
  }
  say(`tui: first frame with ${count} local images vs the Ink hello started the same way (${measured.map((v) => v.label).join(', ')}), ${RUNS.tui} runs each…`);
  const s = await alternate(cands, { runs: RUNS.tui });
  details.tui = { images: count };
  for (const v of variants) {
    const app = s[`${v.key} app`];
    const hi = s[`${v.key} hello`];
    const t = today && v.key === 'npm' ? s['today app'] : null;
    const a = median(pick(app));
    const b = median(pick(hi));
    details.tui[v.key] = { firstFrame: summary(pick(app)), inkHello: summary(pick(hi)), rssKiB: summary(pick(app, 'rss')), peakRssKiB: summary(pick(app, 'hwm')), inkHelloRssKiB: summary(pick(hi, 'rss')) };
    const how = v.key.startsWith('bin') ? 'Ink hello as a single file' : 'bundled Ink hello';
    const peak = (samples) => mib(median(pick(samples, 'hwm')));
    row('tui', `TUI first frame (${count.toLocaleString('en')} local images), ${v.label}`, `${ms(a)}${todayNote(t)}`, `${how} ${ms(b)}`, signedMs(a - b), '≤ +50 ms', a - b <= 50, {
      rss: t ? `${peak(app)} (today ${peak(t)})` : peak(app),
    });
    row('tui', `RSS after load (${count.toLocaleString('en')} images), ${v.label}`, `${mib(median(pick(app, 'rss')))}${t ? ` (today ${mib(median(pick(t, 'rss')))})` : ''}`, `Ink hello ${mib(median(pick(hi, 'rss')))}`, `peak ${peak(app)}`, '≤ 120 MiB', median(pick(app, 'rss')) / 1024 <= 120, {
      rss: peak(app),
    });
  }
}

/** What the Local list shows for a filter: the same match as src/ui/screens/depots/presentation.ts. */
function expectedFor(results, filter) {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const hits = results.filter((r) => {
    const hay = [r.name, ...(r.images ?? []).map((i) => i.tag), ...(r.images ?? []).map((i) => String(i.id).slice(7, 19))].map((h) => String(h).toLowerCase());
    return words.every((w) => hay.some((h) => h.includes(w)));
  });
  return { count: hits.length, first: hits[0]?.name ?? null };
}

/** Reads the Local list off the screen: filter text, position line (n/count), first row's name. */
function readList(screen) {
  const lines = screen.allLines();
  const filterLine = lines.find((l) => /^\s*›?\s*filter /.test(l));
  const header = lines.findIndex((l) => /\bNAME\b/.test(l) && /\bTAGS\b/.test(l));
  const position = lines.map((l) => /^\s*\S?\s+(\d+)\/(\d+)(\s+\S)?\s*$/.exec(l)).find(Boolean);
  const firstRow = header >= 0 ? lines[header + 1] ?? '' : '';
  return {
    filter: filterLine === undefined ? null : filterLine.replace(/^\s*›?\s*filter /, '').trimEnd(),
    count: position ? Number(position[2]) : null,
    first: firstRow.replace(/^[\s›●↓*>]+/, '').split(/\s+/)[0] ?? null,
  };
}

const sameName = (shown, name) => shown === name || (shown.includes('…') && name.startsWith(shown.split('…')[0]) && name.endsWith(shown.split('…').pop()));

async function sectionKeys() {
  // The npm package last: its app goes on to the idle measurement.
  for (const v of [...variants].reverse()) await keysOf(v, v.key === 'npm' && wanted('idle'));
}

/** Keystroke latency of one way of running stevedore (v); keepForIdle: hand the app to sectionIdle. */
async function keysOf(v, keepForIdle) {
  const { info } = ctx;
  await world.ensureBulk(info, 'bench/img', 1000, say);
  await world.ensureBulk(info, 'bench/flt', 1000, say);
  await ensureWorker();
  const results = JSON.parse(stevedore(['image', 'list', '--json']).stdout).results;
  const total = results.length;
  // Type "flt-1" a character at a time, then back to "f" with backspace; four times: 33 keystrokes,
  // each a new filter over all rows (every prefix matches more rows than the list shows).
  const steps = [{ key: 'f', filter: 'f' }];
  for (let cycle = 0; cycle < RUNS.keystrokes; cycle++) {
    for (const f of ['fl', 'flt', 'flt-', 'flt-1']) steps.push({ key: f.at(-1), filter: f });
    for (const f of ['flt-', 'flt', 'fl', 'f']) steps.push({ key: '\u007f', filter: f });
  }
  for (const st of steps) Object.assign(st, expectedFor(results, st.filter));
  const p = openTui(v);
  let kept = false;
  try {
    await p.waitFor((sc) => readList(sc).count === total, { timeoutMs: 30_000, what: `the Local list with ${total} rows` });
    await sleep(1000);
    p.write('/');
    await p.waitFor((sc) => readList(sc).filter !== null, { what: 'the filter field' });
    await sleep(300);
    say(`keys (${v.label}): ${steps.length} keystrokes while filtering ${total} rows…`);
    const lat = [];
    for (const st of steps) {
      const t0 = p.now();
      p.write(st.key);
      const t = await p.waitFor(
        (sc) => {
          const l = readList(sc);
          return l.filter === st.filter && l.count === st.count && (!st.first || sameName(l.first ?? '', st.first));
        },
        { timeoutMs: 10_000, what: `the frame for filter "${st.filter}" (${st.count} rows, first ${st.first})` },
      );
      lat.push(t - t0);
      await sleep(120);
    }
    const mem = procMemKiB(p.programPid());
    const sm = summary(lat);
    details.keys ??= {};
    details.keys[v.key] = { rows: total, keystrokes: lat.length, latencyMs: sm, rssKiB: mem.rss, peakRssKiB: mem.hwm };
    row('keys', `keystroke to frame, filtering ${total.toLocaleString('en')} rows (${lat.length} keys), ${v.label}`, `p95 ${ms(sm.p95, 1)}`, `p50 ${ms(sm.median, 1)}, max ${ms(sm.max, 1)}`, `p95 ${ms(sm.p95, 1)}`, '≤ 33 ms p95', sm.p95 <= 33, { rss: mib(mem.hwm) });
    row('keys', `RSS after filtering ${total.toLocaleString('en')} rows, ${v.label}`, mib(mem.rss), '—', `peak ${mib(mem.hwm)}`, '≤ 120 MiB', mem.rss / 1024 <= 120, { rss: mib(mem.hwm) });
    // Keys in bursts of 10, as over SSH (one write, one read for the app): from "flt-1" to "flt-3" and
    // back, each burst passing through nine other filters first; the time is from the write to the
    // frame of the last key's filter (which no key before it in the burst produces).
    const bursts = [];
    for (let i = 0; i < RUNS.bursts; i++) {
      const to = i % 2 === 0 ? '3' : '1';
      bursts.push({ keys: `\u007f2${'\u007f'.repeat(4)}lt-${to}`, filter: `flt-${to}` });
    }
    for (const b of bursts) Object.assign(b, expectedFor(results, b.filter));
    p.write('lt-1');
    await p.waitFor((sc) => readList(sc).filter === 'flt-1', { what: 'the filter "flt-1"' });
    await sleep(300);
    say(`keys (${v.label}): ${bursts.length} bursts of 10 keystrokes while filtering ${total} rows…`);
    const blat = [];
    for (const b of bursts) {
      const t0 = p.now();
      p.write(b.keys);
      const t = await p.waitFor(
        (sc) => {
          const l = readList(sc);
          return l.filter === b.filter && l.count === b.count && (!b.first || sameName(l.first ?? '', b.first));
        },
        { timeoutMs: 10_000, what: `the frame for filter "${b.filter}" after a burst of 10 keys` },
      );
      blat.push(t - t0);
      await sleep(120);
    }
    const bs = summary(blat);
    details.keys[v.key].bursts = { size: 10, count: blat.length, latencyMs: bs };
    row('keys', `burst of 10 keys (one read) to the last key's frame, ${total.toLocaleString('en')} rows (${blat.length} bursts), ${v.label}`, `p95 ${ms(bs.p95, 1)}`, `single key p95 ${ms(sm.p95, 1)}`, `p50 ${ms(bs.median, 1)}, max ${ms(bs.max, 1)}`, '≤ 40 ms p95', bs.p95 <= 40);
    // Leave the filter, and hand the app to the idle measurement.
    p.write('\u001b');
    await p.waitFor((sc) => readList(sc).filter === null && readList(sc).count === total, { what: 'the unfiltered list' });
    if (keepForIdle) {
      ctx.tuiForIdle = p;
      kept = true;
    }
  } finally {
    if (!kept) await p.close('q');
  }
}

async function sectionIdle() {
  const worker = await ensureWorker();
  let tui = ctx.tuiForIdle;
  ctx.tuiForIdle = null;
  const hello = openHello((await inkHellos()).npm);
  try {
    if (!tui) {
      await world.ensureBulk(ctx.info, 'bench/img', 1000, say);
      tui = openTui();
      await tui.waitFor((sc) => /bench\/img-\d/.test(sc.text()), { timeoutMs: 30_000, what: 'the first local image row' });
    }
    await hello.waitForText('hello from ink');
    await sleep(2000); // let the last frames and timers settle
    const pids = { stevedore: tui.programPid(), inkHello: hello.programPid(), worker };
    const c0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, procCpuMs(pid)]));
    const b0 = tui.bytes;
    say(`idle: the app on the Local tab, the Ink hello and the download worker, ${IDLE_SECONDS} s…`);
    await sleep(IDLE_SECONDS * 1000);
    const used = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, procCpuMs(pid) - c0[k]]));
    const pct = (v) => `${((v / (IDLE_SECONDS * 1000)) * 100).toFixed(2)}% of a core`;
    details.idle = { seconds: IDLE_SECONDS, cpuMs: used, tuiBytesWritten: tui.bytes - b0 };
    row('idle', `idle CPU over ${IDLE_SECONDS} s: the app on the Local tab`, ms(used.stevedore), `Ink hello ${ms(used.inkHello)}`, pct(used.stevedore), null, null, { note: `${tui.bytes - b0} bytes written meanwhile` });
    row('idle', `idle CPU over ${IDLE_SECONDS} s: the download worker`, ms(used.worker), '—', pct(used.worker), null, null);
  } finally {
    await hello.close('q');
    if (tui) await tui.close('q');
  }
}

async function throttleRate() {
  const res = await W.httpRequest(ctx.info.throttlingProxy.control);
  return res.status === 200 ? Number(res.json().bytesPerSecond) : W.DEFAULT_THROTTLE;
}

async function sectionBytes() {
  const { info } = ctx;
  await world.removeImages(info, ['bench/img-*', 'bench/flt-*']);
  await world.seedSix(info, say);
  await ensureWorker();
  const ref = `${info.throttlingProxy.host}/${world.SIX_REPO}:${world.SIX_TAG}`;
  ctx.pulledRefs.add(ref);
  await rmi(ref);
  const previous = await throttleRate();
  await W.setThrottle(info, THROTTLE);
  try {
    const downloadsTitle = (sc) => {
      const m = /Downloads\s+(\d+) running, (?:\d+ queued, )?(\d+) finished/.exec(sc.text());
      return m ? { running: Number(m[1]), finished: Number(m[2]) } : null;
    };
    const app = async () => {
      const p = openTui();
      try {
        await p.waitFor((sc) => /\b1 Local\b/.test(sc.text()), { timeoutMs: 30_000, what: 'the app' });
        await sleep(500);
        p.write('D');
        await p.waitFor((sc) => downloadsTitle(sc) !== null, { what: 'the Downloads screen' });
        await sleep(500);
        const before = downloadsTitle(p.screen).finished;
        const r = await runAsync(process.execPath, cli('image', 'pull', '--detach', ref), { env: ctx.env });
        if (r.code !== 0) throw new Error(`image pull --detach: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
        const t0 = await p.waitFor((sc) => (downloadsTitle(sc)?.running ?? 0) > 0, { what: 'the download on the Downloads screen' });
        const t1 = await p.waitFor((sc) => downloadsTitle(sc)?.running === 0 && downloadsTitle(sc)?.finished === before + 1 && sc.text().includes('complete'), {
          timeoutMs: 180_000,
          what: 'the download complete',
        });
        const bytes = p.bytesBetween(t0, t1);
        return { wall: (bytes / (t1 - t0)) * 1000, bytes, seconds: (t1 - t0) / 1000 };
      } finally {
        await p.close('q');
      }
    };
    const docker = (bin) => async () => {
      const p = new Pty([bin, 'pull', ref], { env: { ...ctx.env, TERM: 'xterm-256color' }, marker: 'pull' });
      const code = await p.exit;
      if (code !== 0) throw new Error(`${bin} pull in a pty exited ${code}: ${p.screen.text().slice(-300)}`);
      const first = p.log[0]?.[0] ?? 0;
      const last = p.log.at(-1)?.[0] ?? first;
      return { wall: (p.bytes / (last - first)) * 1000, bytes: p.bytes, seconds: (last - first) / 1000 };
    };
    say(`bytes: a throttled pull of ${ref} (~${(THROTTLE / 2 ** 20).toFixed(0)} MiB/s per layer), ${RUNS.bytes} per side: the app's Downloads screen vs docker pull on a terminal…`);
    const s = await alternate([{ name: 'stevedore', run: app }, ...ctx.clients.map((c) => ({ name: c.bin, run: docker(c.bin) }))], {
      runs: RUNS.bytes,
      warmup: 0,
      after: () => rmi(ref),
    });
    const a = median(pick(s.stevedore));
    details.bytes = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { bytesPerSecond: summary(pick(v)), bytes: pick(v, 'bytes'), seconds: pick(v, 'seconds') }]));
    const cmp = ctx.clients.map((c) => `\`${c.bin} pull\` (${c.version}) ${kbps(median(pick(s[c.bin])))}`).join('; ');
    // Goal (issue 11): within 2× of `docker pull` on the same terminal, and ≤ 3.2 KB/s at 100x30.
    const dockerRate = ctx.clients.length ? Math.min(...ctx.clients.map((c) => median(pick(s[c.bin])))) : null;
    const goal = dockerRate === null ? 3_200 : Math.max(3_200, 2 * dockerRate);
    row('bytes', 'terminal bytes/s, Downloads screen (100x30) during a 6-layer pull', kbps(a), cmp || '—', `${(median(pick(s.stevedore, 'seconds'))).toFixed(1)} s download`, `≤ 2× docker (${kbps(goal)})`, a <= goal);
  } finally {
    await W.setThrottle(info, previous);
  }
}

// ---------------------------------------------------------------- README

function machineLine(m) {
  const clients = m.dockerClients.map((c) => `\`${c.path}\` ${c.version}`).join(' and ');
  const ways = `the npm package on Node ${m.node}${m.singleFile ? `, the single file (\`${m.singleFile.path}\`) on its Node ${m.singleFile.node}` : ''}${m.baseline ? `; "today" is the npm package of ${m.baseline}` : ''}`;
  return `${m.date.slice(0, 10)}, ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}; ${ways}; docker CLI ${clients}, engine ${m.dockerDaemon}; skopeo ${m.skopeo ?? 'not installed'}`;
}

function performanceSection(m, table, notes) {
  return `<!-- bench:start -->
## Performance

\`npm run bench\` builds, then measures stevedore side by side with the tool you would otherwise use, in
the same run and against the same test world (a real \`dockerd\` and registries): it alternates the two
over several runs after an untimed warm-up round and reports medians, the ratio or difference, and
whether each target is met. The start-up, one-shot, first-frame and keystroke rows measure both ways stevedore
installs: the npm package, and the single file (\`npm run build:bin\` first; \`--no-bin\` leaves it out), each
beside the same comparison, with the peak RSS of the stevedore process; \`--baseline main\` also measures the npm
package built from that git ref in the same runs ("today"). Besides what the tests need (see Set up) it needs
\`skopeo\`, util-linux's \`script\` and GNU \`time\` (\`apt-get install skopeo util-linux time\`). It reuses a
running test world (\`npx tsx test/world/cli.ts up\`; do not point it at a world a test run is using: it loads
2,000 images) or starts its own, seeds it (1,000 + 1,000 local images, a 3,000-tag repository, a 6-layer 25 MB
image), and removes what it added. It takes about 6 minutes on 2 cores. Options go after \`--\`
(\`npm run bench -- --quick\`): \`--quick\` (about 3 minutes), \`--runs N\`, \`--only tui,keys\` (sections
startup, remote, pull, list, serve, tui, keys, idle, bytes, updates, ssh), \`--own-world\`, \`--max-load L\`
(measure a section again when the load average passed L while it ran). It prints the table and writes
\`bench/results/latest.json\`; \`--update-readme\` rewrites this section.
\`node bench/profile.mjs -- image tags NAME\` (or \`--tui REGEX\`; \`--bin\` for the single file) shows where one
command's time goes. Absolute times are noisy on shared machines: the ratios and differences are the claim.

Latest run: ${machineLine(m)}.

${table}

${notes.join(' ')}
<!-- bench:end -->`;
}

function updateReadme(section) {
  const file = path.join(root, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- bench:start -->');
  const end = text.indexOf('<!-- bench:end -->');
  let next;
  if (start >= 0 && end > start) next = text.slice(0, start) + section + text.slice(end + '<!-- bench:end -->'.length);
  else {
    const dev = text.indexOf('\n## Development');
    if (dev < 0) throw new Error('README.md has neither the bench markers nor a "## Development" heading');
    next = `${text.slice(0, dev + 1)}${section}\n\n${text.slice(dev + 1)}`;
  }
  fs.writeFileSync(file, next);
}

// ---------------------------------------------------------------- main

async function cleanup(opened) {
  const steps = [];
  if (ctx.tuiForIdle) steps.push(() => ctx.tuiForIdle.close('q'));
  if (ctx.info) {
    steps.push(async () => {
      const pid = ctx.cfg && workerPid();
      if (pid) process.kill(pid, 'SIGTERM');
    });
    steps.push(() => world.removeImages(ctx.info, ['bench/img-*', 'bench/flt-*']));
    for (const ref of ctx.pulledRefs) steps.push(() => rmi(ref));
    steps.push(() => world.unseedRegistry(ctx.info));
  }
  if (ctx.cfg) steps.push(async () => fs.rmSync(ctx.cfg, { recursive: true, force: true }));
  if (ctx.baselineDir) steps.push(async () => fs.rmSync(ctx.baselineDir, { recursive: true, force: true }));
  if (opened) steps.push(() => opened.stop());
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      console.error(`[bench] cleanup: ${error instanceof Error ? error.message : error}`);
    }
  }
}

function tableOf(list) {
  const columns = ['what', 'stevedore', 'comparison', 'result', 'target', 'verdict', 'peak RSS'];
  return markdownTable(list.map((r) => ({ ...r, result: r.note ? `${r.result} (${r.note})` : r.result, 'peak RSS': r.rss ?? '—' })), columns);
}

function notesOf({ N: n, runs, idleSeconds }, seconds, ca, sectionLoads = {}) {
  const l = Object.entries(sectionLoads);
  return [
    ...(l.length ? [`Load average (1 min) while each section ran: ${l.map(([k, [a, b]]) => `${k} ${a.toFixed(1)}–${b.toFixed(1)}`).join(', ')} (other work on the machine slows every side alike: the ratios and differences are the claim).`] : []),
    `Medians of ${n} interleaved runs per side after a warm-up round (startup ${runs.startup}, pulls ${runs.pull}, TUI first frame ${runs.tui}, in-process calls ${runs.inProcess});`,
    `TUI figures in a 100x30 pseudo-terminal; keystroke latency from the key written to the frame showing that filter's rows; idle CPU over ${idleSeconds} s; ${seconds} s in all.`,
    `The Node processes ran without NODE_EXTRA_CA_CERTS${ca ? ` (set on this machine to ${ca}; the startup rows show what it costs)` : ''}.`,
  ];
}

async function main() {
  if (opts.readmeOnly) {
    const saved = JSON.parse(fs.readFileSync(opts.out, 'utf8'));
    const notes = saved.notes ?? notesOf(saved.options, saved.seconds, saved.machine.nodeExtraCaCerts.startsWith('set') ? /\((.*?)\)/.exec(saved.machine.nodeExtraCaCerts)?.[1] : null);
    updateReadme(performanceSection(saved.machine, saved.table ?? tableOf(saved.rows), notes));
    say(`updated the Performance section of README.md from ${path.relative(process.cwd(), opts.out)}`);
    return;
  }
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  for (const [tool, pkg] of [['skopeo', 'skopeo'], ['script', 'util-linux']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missingTools.set(tool, `${tool} is not installed (apt-get install ${pkg})`);
  }
  ctx.clients = dockerClients();
  if (ctx.clients.length === 0) throw new Error('no docker CLI found (apt-get install docker.io)');
  if (!GNU_TIME) say('GNU time is not installed (apt-get install time): no peak RSS for the one-shot commands');
  for (const v of variants) {
    if (!v.key.startsWith('bin')) continue;
    if (!fs.existsSync(v.cmd)) throw new Error(`${v.cmd} is missing: run npm run build:bin first (or --no-bin)`);
    const version = spawnSync(v.cmd, ['--version'], { encoding: 'utf8', env: nodeEnv() });
    v.node = /node +(v[\d.]+)/.exec(version.stdout)?.[1] ?? null;
    if (version.status !== 0 || !v.node) throw new Error(`${v.cmd} --version: ${(version.stderr || version.stdout).trim().slice(0, 300)}`);
  }
  const t0 = Date.now();
  let opened = null;
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say('interrupted: cleaning up (Ctrl-C again to leave at once)…');
    cleanup(opened).finally(() => process.exit(130));
  });
  let m;
  try {
    if (opts.baseline) today = await buildBaseline(opts.baseline);
    if (wanted('startup')) await guarded('startup', sectionStartup);
    const needsWorld = SECTIONS.filter((s) => s !== 'startup').some(wanted);
    if (needsWorld) {
      opened = await world.openWorld({ worldFile: opts.worldFile, own: opts.ownWorld, say });
      ctx.info = opened.info;
      ctx.cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-'));
      ctx.env = nodeEnv({ ...ctx.info.env, STEVEDORE_CONFIG_DIR: ctx.cfg, STEVEDORE_WORKER_IDLE_MS: '600000' });
    }
    const daemon = ctx.info
      ? spawnSync(ctx.clients[0].bin, ['version', '--format', '{{.Server.Version}}'], { env: ctx.env, encoding: 'utf8' }).stdout.trim()
      : spawnSync(ctx.clients[0].bin, ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).stdout.trim() || 'not reached';
    m = machine(ctx.clients, daemon);
    m.singleFile = BIN ? { path: BINS.map((b) => path.relative(root, b)).join('`, `'), node: variants.find((v) => v.key === 'bin').node } : null;
    m.baseline = today ? today.ref : null;
    say(`${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}; docker CLI ${m.dockerClients.map((c) => `${c.path} (${c.version})`).join(', ')}; engine ${daemon}; skopeo ${m.skopeo}`);
    if (wanted('remote')) await guarded('remote', sectionRemote);
    if (wanted('pull')) await guarded('pull', sectionPull);
    if (wanted('list')) await guarded('list', sectionList);
    if (wanted('serve')) await guarded('serve', sectionServe);
    if (wanted('tui')) await guarded('tui', sectionTui);
    if (wanted('keys')) await guarded('keys', sectionKeys);
    if (wanted('idle')) await guarded('idle', sectionIdle);
    if (wanted('bytes')) await guarded('bytes', sectionBytes);
    if (wanted('updates')) await guarded('updates', async () => (await import('./updates.mjs')).sectionUpdates({ info: ctx.info, W, cli, env: ctx.env, runs: RUNS.remote, row, say, details }));
    if (wanted('watch')) await guarded('watch', async () => (await import('./watch.mjs')).sectionWatch({ info: ctx.info, W, cli, env: ctx.env, runs: RUNS.remote, row, say, details }));
    if (wanted('ssh')) await guarded('ssh', async () => (await import('./ssh.mjs')).sectionSsh({ info: ctx.info, runs: RUNS.remote, row, say, details }));
    if (wanted('disk')) await guarded('disk', async () => (await import('./disk.mjs')).sectionDisk({ info: ctx.info, W, world, cli, env: ctx.env, runs: RUNS.remote, row, say, details }));
  } finally {
    await cleanup(opened);
  }
  const seconds = Math.round((Date.now() - t0) / 1000);
  const table = tableOf(rows);
  const notes = notesOf({ N, runs: RUNS, idleSeconds: IDLE_SECONDS }, seconds, CA, loads);
  console.log(`\n${m ? `Machine: ${machineLine(m)}\n\n` : ''}${table}\n\n${notes.join('\n')}`);
  const missed = rows.filter((r) => r.verdict === 'MISSED' || r.verdict === 'error');
  if (missed.length) console.log(`\n${missed.length} row(s) missed or failed: ${missed.map((r) => r.what).join('; ')}`);
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, JSON.stringify({ machine: m, options: { runs: RUNS, N, idleSeconds: IDLE_SECONDS, throttleBytesPerSecond: THROTTLE, only: opts.only, quick: opts.quick }, seconds, rows, details, table, notes }, null, 2));
  say(`wrote ${path.relative(process.cwd(), opts.out)}`);
  if (opts.updateReadme) {
    updateReadme(performanceSection(m, table, notes));
    say('updated the Performance section of README.md');
  }
}

/**
 * "Today's" npm package: the tree of git REF (git archive), built with this checkout's node_modules, measured
 * beside the new one. Removed by cleanup().
 */
async function buildBaseline(ref) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-baseline-'));
  ctx.baselineDir = dir;
  const commit = spawnSync('git', ['rev-parse', '--short=12', ref], { cwd: root, encoding: 'utf8' });
  if (commit.status !== 0) throw new Error(`--baseline ${ref}: not a git ref here (${commit.stderr.trim()})`);
  say(`baseline: building the npm package of ${ref} (${commit.stdout.trim()})…`);
  const archive = spawnSync('sh', ['-c', `git archive ${JSON.stringify(commit.stdout.trim())} | tar -x -C ${JSON.stringify(dir)}`], { cwd: root, encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr.trim()}`);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
  if (built.status !== 0) throw new Error(`building ${ref}: ${(built.stderr || built.stdout).trim().slice(-500)}`);
  return { key: 'today', label: `npm package of ${ref}`, ref: `${ref} (${commit.stdout.trim()})`, cmd: process.execPath, pre: [path.join(dir, 'dist', 'cli.js')], node: process.version };
}

const missingTools = new Map();
const NEEDS = { updates: ['skopeo'], remote: ['skopeo'], tui: ['script'], keys: ['script'], idle: ['script'], bytes: ['script'] };

/** The 1-minute load average of each section, sampled every second while it runs: { section: [min, max] }. */
const loads = {};

async function guarded(name, fn) {
  for (let attempt = 1; ; attempt++) {
    const t = Date.now();
    const seen = [os.loadavg()[0]];
    const sampler = setInterval(() => seen.push(os.loadavg()[0]), 1000);
    try {
      const missing = (NEEDS[name] ?? []).filter((tool) => missingTools.has(tool));
      if (missing.length) throw new Error(missing.map((tool) => missingTools.get(tool)).join('; '));
      await fn();
    } catch (error) {
      errorRow(name, `section ${name}`, error);
    } finally {
      clearInterval(sampler);
    }
    const load = [Math.min(...seen), Math.max(...seen)];
    loads[name] = load;
    say(`${name}: ${((Date.now() - t) / 1000).toFixed(0)} s, load average ${load[0].toFixed(1)}–${load[1].toFixed(1)}`);
    if (opts.maxLoad === null || load[1] <= opts.maxLoad || attempt > 2) return;
    say(`${name}: the load average reached ${load[1].toFixed(1)} (--max-load ${opts.maxLoad}): measuring it again`);
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i].section === name) rows.splice(i, 1);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
