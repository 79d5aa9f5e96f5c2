// Engine-side benchmark, side by side in one run against the test world's dockerd:
//   1. `stevedore image list --json` with 1,000+ local images vs `docker images --format '{{json .}}'`
//      (target: <= 1.5x the docker client's wall time);
//   2. a pull of a multi-layer image: `stevedore image pull` (through the background worker) vs `docker pull`
//      (targets: wall <= docker's + 0.3 s; CPU of the client process <= docker CLI's + 0.3 s).
// Both docker clients are timed and named: /usr/bin/docker (Debian's 20.10, matches the daemon) and
// /usr/local/bin/docker (28.2), when present.
//   npm run build && npx tsx bench/engine.mjs [--runs N] [--images N]
// Reuses a running world (STEVEDORE_WORLD_FILE, or the file `tsx test/world/cli.ts up` writes), else starts
// one and stops it at the end. The bulk images it loads are removed again at the end.
// When NODE_EXTRA_CA_CERTS is set in the environment (this sandbox sets it), Node reads that CA bundle at
// every start (~50 ms here, before any of stevedore's code runs), so stevedore is timed both with the
// environment as it is and without that variable; the docker clients do not read it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './lib.mjs';
import { isWorldAlive, loadBulkImages, readWorldFile, startWorld, WORLD_FILE } from '../test/world/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.STEVEDORE_BENCH_CLI || path.join(root, 'dist', 'cli.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 9);
const IMAGES = arg('--images', 1200);
const PREFIX = 'bench/engine-list';
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const say = (m) => console.error(`[bench engine] ${m}`);

async function getWorld() {
  const file = process.env.STEVEDORE_WORLD_FILE || WORLD_FILE;
  const info = readWorldFile(file);
  if (info && (await isWorldAlive(info))) {
    say(`reusing the world described by ${file}`);
    return { info, stop: async () => undefined };
  }
  say('starting a test world (about 15 s)…');
  const world = await startWorld();
  return { info: world.info, stop: () => world.stop() };
}

function dockerClients() {
  const out = [];
  for (const bin of ['/usr/bin/docker', '/usr/local/bin/docker']) {
    if (!fs.existsSync(bin)) continue;
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    out.push({ bin, version: v.replace(/^Docker version /, '').replace(/,.*$/, '') });
  }
  return out;
}

/** One timed run: wall ms, and the CPU (user+sys ms) of that process (through /usr/bin/time). */
function timed(cmd, args, env) {
  const full = TIME ? [TIME, ['-f', '@@%U %S', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { env, encoding: 'utf8', maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').slice(-500)}`);
  const m = /@@([\d.]+) ([\d.]+)\s*$/.exec(r.stderr || '');
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, stdout: r.stdout };
}

/** CPU ms (user+sys) a process has used so far, from /proc. */
function procCpu(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function workerPid(configDir) {
  const lock = fs.readdirSync(configDir).find((f) => /^worker-.*\.lock$/.test(f));
  return lock ? Number(fs.readFileSync(path.join(configDir, lock), 'utf8')) : null;
}

const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'n/a');

async function main() {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const { info, stop } = await getWorld();
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-engine-'));
  const env = { ...process.env, ...info.env, STEVEDORE_CONFIG_DIR: configDir, STEVEDORE_WORKER_IDLE_MS: '120000' };
  const docker = (bin, args) => spawnSync(bin, ['-H', info.dockerHost, ...args], { env, encoding: 'utf8', maxBuffer: 512 << 20 });
  const clients = dockerClients();
  const daemon = docker(clients[0].bin, ['version', '--format', '{{.Server.Version}}']).stdout.trim();
  say(`engine ${daemon} at ${info.dockerHost}; docker clients: ${clients.map((c) => `${c.bin} (${c.version})`).join(', ')}`);
  try {
    // ---- 1. list ----
    say(`loading ${IMAGES} images…`);
    await loadBulkImages(info, IMAGES, PREFIX);
    const count = JSON.parse(timed(process.execPath, [CLI, 'image', 'list', '--json'], env).stdout).total_count;
    const listRows = [];
    const bare = { ...env };
    delete bare.NODE_EXTRA_CA_CERTS;
    const variants = env.NODE_EXTRA_CA_CERTS ? [['stevedore', env], ['stevedore (without NODE_EXTRA_CA_CERTS)', bare]] : [['stevedore', env]];
    const list = {};
    for (const [name] of variants) list[name] = [];
    for (const c of clients) list[c.bin] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      for (const [name, e] of variants) {
        const s = timed(process.execPath, [CLI, 'image', 'list', '--json'], e);
        if (i > 0) list[name].push(s);
      }
      for (const c of clients) {
        const d = timed(c.bin, ['-H', info.dockerHost, 'images', '--format', '{{json .}}'], env);
        if (i > 0) list[c.bin].push(d);
      }
    }
    const med = (samples, key) => median(samples.map((x) => x[key]));
    for (const [name, samples] of Object.entries(list)) {
      const client = clients.find((c) => c.bin === name);
      const ratios = variants.map(([v]) => `${(med(list[v], 'wall') / med(samples, 'wall')).toFixed(2)}x`).join(' / ');
      listRows.push({
        command: client ? `${name} images --format '{{json .}}' (${client.version})` : `${name} image list --json`,
        wall: ms(med(samples, 'wall')),
        cpu: ms(med(samples, 'cpu')),
        ratio: client ? `stevedore/docker = ${ratios} (target <= 1.5x)` : '',
      });
    }
    console.log(`\nLocal list: ${count} repositories (${IMAGES} loaded images + what was there), median of ${RUNS} runs`);
    if (variants.length > 1) console.log(`(ratios: stevedore with the environment as it is / without NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS})`);
    printTable(listRows, ['command', 'wall', 'cpu', 'ratio']);
    spawnSync('sh', ['-c', `docker -H ${info.dockerHost} images --format '{{.Repository}}:{{.Tag}}' | grep '^${PREFIX}' | xargs -r -n 200 docker -H ${info.dockerHost} rmi -f >/dev/null`], { env });

    // ---- 2. pull ----
    const ref = info.seeded.multi;
    // Remove the image by ID (every tag of it), so each pull downloads every layer again.
    const rmi = () => {
      const id = docker(clients[0].bin, ['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim();
      if (id) docker(clients[0].bin, ['rmi', '-f', id]);
    };
    rmi();
    const pull = { stevedore: [], ...(variants.length > 1 ? { 'stevedore (without NODE_EXTRA_CA_CERTS)': [] } : {}) };
    for (const c of clients) pull[c.bin] = [];
    let coldWorker = null;
    for (let i = 0; i < RUNS + 1; i++) {
      const pid = workerPid(configDir);
      const before = pid ? procCpu(pid) : 0;
      const s = timed(process.execPath, [CLI, 'image', 'pull', ref], env);
      const after = procCpu(workerPid(configDir));
      rmi();
      if (i === 0) coldWorker = s;
      else pull.stevedore.push({ ...s, worker: after - before });
      if (variants.length > 1) {
        const b = timed(process.execPath, [CLI, 'image', 'pull', ref], bare);
        rmi();
        if (i > 0) pull['stevedore (without NODE_EXTRA_CA_CERTS)'].push({ ...b, worker: NaN });
      }
      for (const c of clients) {
        const d = timed(c.bin, ['-H', info.dockerHost, 'pull', ref], env);
        rmi();
        if (i > 0) pull[c.bin].push(d);
      }
    }
    const stevedorePull = med(pull.stevedore, 'wall');
    const stevedoreCpu = med(pull.stevedore, 'cpu');
    const pullRows = [];
    for (const [name, samples] of Object.entries(pull)) {
      const client = clients.find((c) => c.bin === name);
      pullRows.push({
        command: client ? `${name} pull (${client.version})` : `${name} image pull (worker warm)`,
        wall: ms(med(samples, 'wall')),
        'client cpu': ms(med(samples, 'cpu')),
        'worker cpu': client ? '' : ms(med(samples, 'worker')),
        'vs docker': !client ? '' : `wall +${((stevedorePull - med(samples, 'wall')) / 1000).toFixed(2)} s, client cpu +${((stevedoreCpu - med(samples, 'cpu')) / 1000).toFixed(2)} s (targets <= +0.3 s)`,
      });
    }
    pullRows.push({ command: 'stevedore image pull (first run: starts the worker)', wall: ms(coldWorker.wall), 'client cpu': ms(coldWorker.cpu), 'worker cpu': '', 'vs docker': '' });
    console.log(`\nPull of ${ref} (4 layers, ~1.5 MB, plain registry), median of ${RUNS} runs`);
    printTable(pullRows, ['command', 'wall', 'client cpu', 'worker cpu', 'vs docker']);
  } finally {
    const pid = workerPid(configDir);
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    fs.rmSync(configDir, { recursive: true, force: true });
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
