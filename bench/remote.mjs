// Registry-side benchmark: tags of a 3,000-tag repository and a remote inspect, side by side with skopeo
// against the same local registry (the test world's plain http registry), in one run.
//   npx tsx bench/remote.mjs [--runs N]
// Reuses a running world (STEVEDORE_WORLD_FILE, or the file `tsx test/world/cli.ts up` writes), else starts
// one and stops it at the end. Rows:
//   one-shot   `node dist/cli.js image tags|inspect …` (a whole process) vs skopeo's whole run; target <= 3x
//   in-process the same operation through the services inside a running process vs skopeo's whole run;
//              target <= 1x
// The one-shot rows need the built CLI with the image commands wired to the remote side; without it they
// are skipped with the reason.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, median, printTable } from './lib.mjs';
import { createRemoteServices } from '../src/services/remote/index.ts';
import { RegistryService } from '../src/services/registries.ts';
import { CredentialResolver } from '../src/store/credentials.ts';
import { defaultSettings } from '../src/domain/settings.ts';
import { httpRequest, isWorldAlive, pushImage, putTags, readWorldFile, startWorld, WORLD_FILE } from '../test/world/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The built CLI to time (STEVEDORE_BENCH_CLI may name another build). */
const CLI = process.env.STEVEDORE_BENCH_CLI || path.join(root, 'dist', 'cli.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const IN_PROCESS_RUNS = 40;
const REPO = 'bench/tags3000';
const TAG_COUNT = 3000;
const INSPECT_REF = 'team/multi:1.0';

const say = (m) => console.error(`[bench remote] ${m}`);

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

async function ensureTags(reg) {
  const res = await httpRequest(`${reg.url}/v2/${REPO}/tags/list`);
  const have = res.status === 200 ? (JSON.parse(res.text()).tags ?? []).length : 0;
  if (have >= TAG_COUNT) return;
  say(`putting one manifest under ${TAG_COUNT} tags in ${REPO} (once per world)…`);
  const tag = (i) => `v${String(i).padStart(4, '0')}`;
  await pushImage(reg, REPO, tag(0), { layers: [2048] });
  await putTags(reg, REPO, tag(0), Array.from({ length: TAG_COUNT - 1 }, (_, i) => tag(i + 1)), 16);
}

function services(info, registryUrl) {
  const data = { registries: [{ name: 'bench', url: registryUrl, trustCert: false, username: '', password: '', version: 'v2' }], repositories: [] };
  const store = { read: () => structuredClone(data), update: (f) => f(structuredClone(data)) };
  const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-docker-'));
  const env = { ...process.env, ...info.env, DOCKER_CONFIG: dockerConfig };
  return createRemoteServices({
    env,
    settings: defaultSettings,
    registries: new RegistryService(store, info.env.STEVEDORE_HUB_REGISTRY),
    registryStore: store,
    credentials: new CredentialResolver(store, { env }),
    installed: async () => new Map(),
    downloading: async () => new Set(),
    enginePlatform: async () => 'linux/amd64',
    localUsage: async () => ({ images: new Set(), containers: new Set() }),
    assetsDir: path.join(root, 'assets'),
    warn: () => undefined,
  });
}

async function timeInProcess(fn, runs) {
  await fn(); // warm: connections, first parse
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** null when the one-shot CLI can run the command, else why not. */
function cliProblem(configDir, info, args) {
  const cli = CLI;
  if (!fs.existsSync(cli)) return `${cli} is missing (npm run build)`;
  const help = spawnSync(process.execPath, [cli, 'image', 'tags', '--help'], { encoding: 'utf8' });
  if (help.status !== 0) return '`dist/cli.js image tags --help` fails: the image commands are not wired yet';
  const env = { ...process.env, ...info.env, STEVEDORE_CONFIG_DIR: configDir };
  const add = spawnSync(process.execPath, [cli, 'registry', 'add', 'bench', '--url', info.registries.plain.url, '--api', 'v2', '--json'], { encoding: 'utf8', env });
  if (add.status !== 0 && !/already exists/.test(add.stdout + add.stderr)) return `registry add failed: ${(add.stdout + add.stderr).trim().slice(0, 200)}`;
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  if (run.status !== 0) return `\`stevedore ${args.join(' ')}\` fails: ${(run.stdout + run.stderr).trim().split('\n')[0]?.slice(0, 200)}`;
  return null;
}

const world = await getWorld();
try {
  const { info } = world;
  const plain = info.registries.plain;
  await ensureTags(plain);
  const skopeoTags = { name: 'skopeo list-tags', cmd: 'skopeo', args: ['list-tags', '--tls-verify=false', `docker://${plain.host}/${REPO}`] };
  const skopeoInspect = { name: 'skopeo inspect', cmd: 'skopeo', args: ['inspect', '--tls-verify=false', `docker://${plain.host}/${INSPECT_REF}`] };
  const check = spawnSync('skopeo', skopeoTags.args, { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`skopeo list-tags failed: ${check.stderr}`);
  const skopeoCount = JSON.parse(check.stdout).Tags.length;

  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-config-'));
  const cliEnv = { ...info.env, STEVEDORE_CONFIG_DIR: configDir, DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-dc-')) };
  const tagsArgs = ['image', 'tags', REPO, '--registry', 'bench', '--json'];
  const inspectArgs = ['image', 'inspect', INSPECT_REF, '--remote', '--registry', 'bench', '--json'];
  const problem = cliProblem(configDir, { ...info, env: cliEnv }, tagsArgs) ?? cliProblem(configDir, { ...info, env: cliEnv }, inspectArgs);
  const cli = (name, args) => ({ name, cmd: process.execPath, args: [CLI, ...args], env: cliEnv });

  say(`timing ${RUNS} runs of each command, interleaved…`);
  const tagsRuns = alternate(problem ? [skopeoTags] : [skopeoTags, cli('stevedore image tags', tagsArgs)], { runs: RUNS, env: process.env });
  const inspectRuns = alternate(problem ? [skopeoInspect] : [skopeoInspect, cli('stevedore image inspect --remote', inspectArgs)], { runs: RUNS, env: process.env });

  const remote = services(info, plain.url);
  let inProcessCount = 0;
  const tagsInProcess = await timeInProcess(async () => {
    inProcessCount = (await remote.tags.list(REPO, { registry: 'bench' })).tags.length;
  }, IN_PROCESS_RUNS);
  const inspectInProcess = await timeInProcess(() => remote.inspect.remote(INSPECT_REF, { registry: 'bench' }), IN_PROCESS_RUNS);
  await remote.close();
  if (inProcessCount !== TAG_COUNT || skopeoCount !== TAG_COUNT) throw new Error(`tag counts differ: stevedore ${inProcessCount}, skopeo ${skopeoCount}`);

  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  const verdict = (a, b, limit) => (a / b <= limit ? `ok (<= ${limit}x)` : `OVER (> ${limit}x)`);
  const st = tagsRuns['skopeo list-tags'].median;
  const si = inspectRuns['skopeo inspect'].median;
  const rows = [
    { operation: `tags (${TAG_COUNT})`, stevedore: 'in-process', 'stevedore ms': tagsInProcess.toFixed(1), 'skopeo ms': st.toFixed(1), ratio: ratio(tagsInProcess, st), target: verdict(tagsInProcess, st, 1) },
    { operation: 'remote inspect', stevedore: 'in-process', 'stevedore ms': inspectInProcess.toFixed(1), 'skopeo ms': si.toFixed(1), ratio: ratio(inspectInProcess, si), target: verdict(inspectInProcess, si, 1) },
  ];
  if (!problem) {
    const ct = tagsRuns['stevedore image tags'].median;
    const ci = inspectRuns['stevedore image inspect --remote'].median;
    rows.unshift(
      { operation: `tags (${TAG_COUNT})`, stevedore: 'one-shot CLI', 'stevedore ms': ct.toFixed(1), 'skopeo ms': st.toFixed(1), ratio: ratio(ct, st), target: verdict(ct, st, 3) },
      { operation: 'remote inspect', stevedore: 'one-shot CLI', 'stevedore ms': ci.toFixed(1), 'skopeo ms': si.toFixed(1), ratio: ratio(ci, si), target: verdict(ci, si, 3) },
    );
  }
  console.log(`\nregistry side vs skopeo ${spawnSync('skopeo', ['--version'], { encoding: 'utf8' }).stdout.trim()} — medians of ${RUNS} runs (CLI) / ${IN_PROCESS_RUNS} (in-process), plain http registry ${plain.host}\n`);
  printTable(rows, ['operation', 'stevedore', 'stevedore ms', 'skopeo ms', 'ratio', 'target']);
  if (problem) console.log(`\none-shot CLI rows skipped: ${problem}`);
} finally {
  await world.stop();
}
