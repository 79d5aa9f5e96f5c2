// Regenerates the README's screenshots (assets/screenshots/*.svg) from the real app: the built bin runs in tmux
// against the test world (a real dockerd, registries and the Docker Hub stand-in), is driven with keys, and each
// screen is captured with its colours (`tmux capture-pane -e -p`) and rendered by scripts/ansi-svg.ts.
//
//   npm run build && npx tsx scripts/screenshots.ts [--size 100x30] [--out assets/screenshots]
//                                                   [--text assets/screens] [--text-only]
// `--text DIR` also writes each screen as plain text (`DIR/01-local.txt`, `-80x24` added for other sizes);
// `--text-only` writes only those (to refresh the text captures at 80x24 without touching the README's images).
//
// It reuses a running world when STEVEDORE_WORLD_FILE names one (`npx tsx test/world/cli.ts up`), else starts
// its own (needs root, as the tests do) and stops it at the end. It leaves the engine as it found it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_THROTTLE, docker, isWorldAlive, readWorldFile, setThrottle, startWorld, type WorldInfo } from '../test/world/index.js';
import { renderSvg } from './ansi-svg.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli.js');
const SESSION = `stevedore-shots-${process.pid}`;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const [columns, rows] = arg('--size', '100x30').split('x').map(Number) as [number, number];
const outDir = join(ROOT, arg('--out', 'assets/screenshots'));
const textDir = arg('--text', '');
const textOnly = process.argv.includes('--text-only');
/** The text captures' names (assets/screens/), numbered in the order a person meets the screens. */
const TEXT_NAMES: Record<string, string> = {
  doctor: '00-doctor',
  local: '01-local',
  selected: '02-selected',
  'dockerhub-search': '03-dockerhub-search',
  tags: '04-tags-private',
  inspect: '05-inspect-remote',
  downloads: '06-downloads',
  registries: '07-registries',
  help: '10-help',
};

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const plainScreen = (): string => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...k: string[]): void => {
  for (const key of k) tmux('send-keys', '-t', SESSION, key);
};
const type = (text: string): void => {
  for (const ch of text) tmux('send-keys', '-t', SESSION, '-l', ch);
};

async function until(what: string, check: (screen: string) => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    last = plainScreen();
    if (check(last)) {
      // One more frame's time, so a screen that is still filling in (sizes, counts) is captured whole.
      await new Promise((r) => setTimeout(r, 400));
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

const written: string[] = [];
function shoot(name: string, title: string): void {
  if (!textOnly) {
    const capture = tmux('capture-pane', '-e', '-p', '-t', SESSION);
    writeFileSync(join(outDir, `${name}.svg`), renderSvg(capture, { columns, rows, title }));
    written.push(`${name}.svg`);
    console.log(`  ${name}.svg`);
  }
  if (textDir) {
    const file = `${TEXT_NAMES[name] ?? name}${columns === 100 && rows === 30 ? '' : `-${columns}x${rows}`}.txt`;
    const text = plainScreen().split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
    writeFileSync(join(ROOT, textDir, file), `${text}\n`);
    written.push(file);
    console.log(`  ${textDir}/${file}`);
  }
}

async function dockerOk(world: WorldInfo, args: string[]): Promise<void> {
  const r = await docker(world, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
}

function run(env: NodeJS.ProcessEnv, args: string[], input?: string): void {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`stevedore ${args.join(' ')}: ${r.stderr}`);
}

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error('run `npm run build` first');
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed (apt-get install tmux)');
  const reused = process.env.STEVEDORE_WORLD_FILE ? readWorldFile(process.env.STEVEDORE_WORLD_FILE) : null;
  const own = reused && (await isWorldAlive(reused)) ? null : await startWorld({ seed: true });
  const world: WorldInfo = own ? own.info : (reused as WorldInfo);
  const configDir = mkdtempSync(join(tmpdir(), 'sd-shots-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    ...world.env,
    STEVEDORE_CONFIG_DIR: configDir,
    STEVEDORE_WORKER_IDLE_MS: '2000',
  };
  const slow = world.throttlingProxy.host;
  const pulled = [world.seeded.alpine ?? 'alpine:3.19', world.seeded.redis ?? 'redis:7', world.seeded.beta ?? ''];
  mkdirSync(outDir, { recursive: true });
  if (textDir) mkdirSync(join(ROOT, textDir), { recursive: true });
  const added: string[] = [];
  try {
    for (const ref of pulled) {
      if ((await docker(world, ['image', 'inspect', ref])).code === 0) continue;
      await dockerOk(world, ['pull', ref]);
      added.push(ref);
    }
    run(env, ['registry', 'add', 'lab', '--url', `http://${slow}`, '--api', 'v2']);
    await setThrottle(world, 100 * 1024);
    const tmuxEnv = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    console.log(`screenshots at ${columns}x${rows} into ${outDir}`);

    // `stevedore doctor`, as the first five minutes start.
    tmux('new-session', '-d', '-s', SESSION, '-x', String(columns), '-y', String(rows), ...tmuxEnv, `${process.execPath} ${BIN} doctor; sleep 600`);
    await until('the doctor', (s) => /Everything checked is fine|problems? found/.test(s));
    shoot('doctor', 'stevedore doctor');
    tmux('kill-session', '-t', SESSION);

    tmux('new-session', '-d', '-s', SESSION, '-x', String(columns), '-y', String(rows), ...tmuxEnv, `${process.execPath} ${BIN}; sleep 600`);
    await until('the Local depot', (s) => s.includes('1 Local') && s.includes('alpine') && s.includes('redis'));
    shoot('local', 'stevedore: Local images');
    keys('2');
    await until('the Selected depot', (s) => /jellyfin|nextcloud|pihole/i.test(s));
    shoot('selected', 'stevedore: Selected images');
    keys('4');
    await until('the Docker Hub tab', (s) => /Docker Hub/.test(s));
    keys('/');
    await until('the search field', (s) => /search/i.test(s));
    type('mysql');
    await until('search results', (s) => /mysql/.test(s) && /mariadb|percona|bitnami/i.test(s));
    keys('Enter');
    await until('the search kept', (s) => /filter: mysql|search: mysql/.test(s));
    shoot('dockerhub-search', 'stevedore: Docker Hub search');
    keys('5');
    await until('the registry tab', (s) => s.includes(`${slow}/team/multi`));
    const lines = plainScreen().split('\n');
    const target = lines.findIndex((l) => l.includes(`${slow}/team/multi `));
    const selected = lines.findIndex((l) => l.includes('›'));
    for (let i = selected; i < target; i++) keys('Down');
    await until('team/multi selected', (s) => s.split('\n').some((l) => l.includes('›') && l.includes(`${slow}/team/multi `)));
    keys('Enter');
    await until('the tags', (s) => s.includes(`Tags of ${slow}/team/multi`) && /›\s+1\.0/.test(s));
    shoot('tags', 'stevedore: Tags');
    keys('i');
    await until('remote inspect', (s) => /Layers|LAYERS|layers/.test(s) && /sha256:/.test(s));
    shoot('inspect', 'stevedore: Inspect (remote, without pulling)');
    keys('Escape');
    await until('back on the tags', (s) => s.includes(`Tags of ${slow}/team/multi`));
    keys('p');
    await until('the download to start', (s) => s.includes(`downloading ${slow}/team/multi:1.0`));
    keys('D');
    await until('progress bars', (s) => /\d+%/.test(s) && /downloading|extracting/i.test(s) && !/0 running/.test(s));
    shoot('downloads', 'stevedore: Downloads');
    await until('the download to complete', (s) => /team\/multi:1\.0\s+complete/.test(s), 120_000);
    keys('R');
    await until('the registries', (s) => /Docker Hub/.test(s) && /lab/.test(s) && /http:\/\//.test(s));
    shoot('registries', 'stevedore: Registries');
    keys('?');
    await until('the help', (s) => /help/i.test(s) && /quit/.test(s));
    shoot('help', 'stevedore: Help (?)');
    keys('Escape');
    keys('q');
  } finally {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    await setThrottle(world, DEFAULT_THROTTLE).catch(() => undefined);
    for (const ref of [`${slow}/team/multi:1.0`, ...added]) await docker(world, ['rmi', ref]).catch(() => undefined);
    rmSync(configDir, { recursive: true, force: true });
    if (own) await own.stop();
  }
  console.log(`${written.length} screenshots written`);
}

await main();
