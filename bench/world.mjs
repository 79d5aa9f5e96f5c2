// The test world for the benchmarks: reuse a running one (the file `npx tsx test/world/cli.ts up`
// writes, or STEVEDORE_WORLD_FILE / --world-file), else start one in a child process (so its Node
// servers — the throttling proxy among them — never wait on the harness) and stop it at the end.
// Also what the harness puts into the world, and takes out again: bulk local images, a 3,000-tag
// repository, a 6-layer ~25 MB image, pulled images.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The world's helpers (TypeScript: the harness registers tsx before importing this). */
export const W = await import('../test/world/index.ts');

export const TAGS_REPO = 'bench/tags3000';
export const TAG_COUNT = 3000;
export const SIX_REPO = 'bench/six';
export const SIX_TAG = '1.0';
/** Six layers, ~25 MB of incompressible data. */
export const SIX_LAYERS = [6_000_000, 5_000_000, 4_500_000, 4_000_000, 3_000_000, 2_500_000];

export async function openWorld({ worldFile, own, say }) {
  const file = worldFile || process.env.STEVEDORE_WORLD_FILE || W.WORLD_FILE;
  if (!own) {
    const info = W.readWorldFile(file);
    if (info && (await W.isWorldAlive(info))) {
      say(`reusing the running test world described by ${file}`);
      return { info, started: false, stop: async () => undefined };
    }
  }
  say('starting a test world (15–30 s)…');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stevedore-bench-world-'));
  const log = path.join(dir, 'world.log');
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/world/cli.ts'), 'up'], {
    cwd: root,
    env: { ...process.env, TMPDIR: dir }, // cli.ts writes $TMPDIR/stevedore-world.json: ours alone
    stdio: ['ignore', 'ignore', fd],
  });
  fs.closeSync(fd);
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = signal ?? code))));
  const ownFile = path.join(dir, 'stevedore-world.json');
  const deadline = Date.now() + 240_000;
  let info = null;
  while (!info) {
    if (exited !== null) throw new Error(`the test world did not start (exit ${exited}):\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the test world did not start within 240 s:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    }
    info = W.readWorldFile(ownFile);
    if (!info) await sleep(250);
  }
  say(`test world up in ${info.startedInMs} ms (${info.root})`);
  return {
    info,
    started: true,
    stop: async () => {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exit.then(() => true), sleep(60_000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function manifestDigest(reg, repo, tag) {
  const res = await W.httpRequest(`${reg.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: W.MANIFEST_ACCEPT } });
  return res.status === 200 ? W.header(res, 'docker-content-digest') ?? null : null;
}

/** The 3,000-tag repository (one manifest under every tag) in the plain registry. */
export async function seedTags(info, say) {
  const reg = info.registries.plain;
  const res = await W.httpRequest(`${reg.url}/v2/${TAGS_REPO}/tags/list`);
  const have = res.status === 200 ? (JSON.parse(res.text()).tags ?? []).length : 0;
  if (have === TAG_COUNT) return;
  say(`putting one manifest under ${TAG_COUNT} tags in ${TAGS_REPO}…`);
  const tag = (i) => `v${String(i).padStart(4, '0')}`;
  await W.pushImage(reg, TAGS_REPO, tag(0), { layers: [2048] });
  await W.putTags(reg, TAGS_REPO, tag(0), Array.from({ length: TAG_COUNT - 1 }, (_, i) => tag(i + 1)), 16);
}

/** The 6-layer ~25 MB image in the plain registry (also reachable through the throttling proxy). */
export async function seedSix(info, say) {
  const reg = info.registries.plain;
  if (await manifestDigest(reg, SIX_REPO, SIX_TAG)) return;
  say(`pushing ${SIX_REPO}:${SIX_TAG} (6 layers, ${(SIX_LAYERS.reduce((a, b) => a + b) / 1e6).toFixed(0)} MB)…`);
  await W.pushImage(reg, SIX_REPO, SIX_TAG, { layers: SIX_LAYERS, config: { Cmd: ['/data/layer-0.bin'], Labels: { 'org.opencontainers.image.title': 'stevedore bench' } } });
}

/** Deletes the repositories the harness pushed (their manifests, hence every tag; blobs stay until a GC). */
export async function unseedRegistry(info) {
  const reg = info.registries.plain;
  for (const [repo, tag] of [[TAGS_REPO, 'v0000'], [SIX_REPO, SIX_TAG]]) {
    const digest = await manifestDigest(reg, repo, tag);
    if (digest) await W.httpRequest(`${reg.url}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
  }
}

async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Local images whose reference matches one of the patterns (docker's reference filter): their IDs. */
export async function imageIds(info, patterns) {
  const filters = encodeURIComponent(JSON.stringify({ reference: patterns }));
  const list = (await W.engine(info, 'GET', `/images/json?filters=${filters}`)).json();
  return Array.isArray(list) ? list.map((i) => String(i.Id)) : [];
}

export async function removeImages(info, patterns) {
  const ids = await imageIds(info, patterns);
  await pool(ids, 8, (id) => W.engine(info, 'DELETE', `/images/${id}?force=1`));
  return ids.length;
}

/** `count` bulk images named `${prefix}-<i>:v1`, unless they are there already. */
export async function ensureBulk(info, prefix, count, say) {
  const have = (await imageIds(info, [`${prefix}-*`])).length;
  if (have === count) return;
  if (have) await removeImages(info, [`${prefix}-*`]);
  say(`loading ${count} local images ${prefix}-0…${count - 1}…`);
  await W.loadBulkImages(info, count, prefix);
}
