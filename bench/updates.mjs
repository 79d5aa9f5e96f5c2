// The `updates` section of the benchmarks (issue 12): checking 100 local tags across three registries —
// the plain registry, the bearer-token registry and Docker Hub (the hub registry behind the Hub front, which
// asks for anonymous tokens and counts manifest GETs, i.e. pulls) — with `stevedore image updates --refresh`,
// beside `skopeo inspect` run once per tag, the way a script does it today. Each registry is reached
// through a counting front (test/world/updates.ts), so the rows say how many requests of each kind went out:
// the goal is one HEAD per tag and no manifest GET when nothing changed, and zero Hub pulls.
// Everything runs asynchronously: the fronts are servers in this process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, ms, ratio, runAsync, summary } from './lib.mjs';

const PER_REGISTRY = [34, 33, 33];

/** Seeds, pulls, measures and cleans up; `row(section, what, stevedore, comparison, result, target, verdict)`. */
export async function sectionUpdates({ info, W, cli, env, runs, row, say, details }) {
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-upd-'));
  const [plainFront, tokenFront, hubFront] = await Promise.all([
    W.startRegistryFront(info.registries.plain),
    W.startRegistryFront(info.registries.token),
    W.startRegistryFront(info.registries.hub, { bearerRealm: `${info.tokenServer}/token`, hubHeaders: { limit: 100 } }),
  ]);
  const fronts = { plain: plainFront, token: tokenFront, hub: hubFront };
  const refs = [];
  const envHere = { ...env, STEVEDORE_CONFIG_DIR: cfg, STEVEDORE_HUB_REGISTRY: hubFront.url };
  try {
    say('updates: pushing and pulling 100 small images across three registries…');
    const small = (i) => ({ layers: [W.makeLayer(1_000 + i, 0)], config: { Cmd: ['/x'] }, created: '2024-01-01T00:00:00Z' });
    const plan = [
      ...Array.from({ length: PER_REGISTRY[0] }, (_, i) => ({ reg: info.registries.plain, repo: `benchupd/p${i}`, pull: `${plainFront.host}/benchupd/p${i}:1.0`, kind: 'plain' })),
      ...Array.from({ length: PER_REGISTRY[1] }, (_, i) => ({ reg: info.registries.token, repo: `public/benchupd-t${i}`, pull: `${tokenFront.host}/public/benchupd-t${i}:1.0`, kind: 'token' })),
      ...Array.from({ length: PER_REGISTRY[2] }, (_, i) => ({ reg: info.registries.hub, repo: `benchupd/h${i}`, pull: `benchupd/h${i}:1.0`, skopeo: `${hubFront.host}/benchupd/h${i}:1.0`, kind: 'hub' })),
    ];
    await mapLimited(plan, 8, (p, i) => W.pushImage(p.reg, p.repo, '1.0', small(i)));
    await mapLimited(plan, 4, async (p) => {
      const r = await W.docker(info, ['pull', '--quiet', p.pull]);
      if (r.code !== 0) throw new Error(`docker pull ${p.pull}: ${r.stderr.trim()}`);
      refs.push(p.pull);
    });
    const counts = () => Object.fromEntries(Object.entries(fronts).map(([k, f]) => [k, { ...f.counts }]));
    const reset = () => Object.values(fronts).forEach((f) => f.resetCounts());
    const check = async () => {
      const t0 = performance.now();
      const r = await runAsync(process.execPath, cli('image', 'updates', '--refresh', '--json', '--filter', 'benchupd'), { env: envHere });
      const wall = performance.now() - t0;
      if (r.code !== 0) throw new Error(`image updates: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
      return { wall, list: JSON.parse(r.stdout) };
    };
    const skopeoAll = async () => {
      const t0 = performance.now();
      for (const p of plan) {
        const ref = p.skopeo ?? p.pull;
        const r = await runAsync('skopeo', ['inspect', '--tls-verify=false', '--no-creds', `docker://${ref}`], { env: { ...process.env, REGISTRY_AUTH_FILE: path.join(cfg, 'none.json') } });
        if (r.code !== 0) throw new Error(`skopeo inspect ${ref}: ${r.stderr.trim().slice(0, 300)}`);
      }
      return performance.now() - t0;
    };

    // Warm-up (connections, the page cache), then timed rounds.
    await check();
    const walls = [];
    const perRound = [];
    for (let i = 0; i < runs; i++) {
      reset();
      const { wall, list } = await check();
      walls.push(wall);
      perRound.push(counts());
      if (list.length !== 100 || list.some((e) => e.status !== 'up_to_date')) throw new Error(`expected 100 tags up to date, got ${JSON.stringify(list.map((e) => e.status)).slice(0, 300)}`);
    }
    const skopeoRuns = Math.max(1, Math.min(3, Math.ceil(runs / 3)));
    const skopeoWalls = [];
    let skopeoCounts = null;
    for (let i = 0; i < skopeoRuns; i++) {
      reset();
      skopeoWalls.push(await skopeoAll());
      skopeoCounts = counts();
    }
    const a = median(walls);
    const b = median(skopeoWalls);
    details.updates = { stevedore: summary(walls), skopeo: summary(skopeoWalls), requests: perRound[0], skopeoRequests: skopeoCounts };
    row('updates', 'check 100 local tags, 3 registries (`image updates --refresh`)', ms(a), `\`skopeo inspect\` × 100 ${ms(b)}`, ratio(a, b), '< skopeo', a < b);
    const c = perRound[0];
    const heads = c.plain.head + c.token.head + c.hub.head;
    const gets = c.plain.get + c.token.get + c.hub.get;
    const tagLists = c.plain.tagLists + c.token.tagLists + c.hub.tagLists;
    const challenges = c.plain.challenges + c.token.challenges + c.hub.challenges + c.hub.tokensAsked;
    const sc = skopeoCounts;
    row(
      'updates',
      'requests when nothing changed',
      `${heads} HEAD, ${gets} manifest GET (+${tagLists} tag lists for newer versions, ${challenges} auth challenges)`,
      `skopeo: ${sc.plain.head + sc.token.head + sc.hub.head} HEAD, ${sc.plain.get + sc.token.get + sc.hub.get} manifest GET`,
      `${(heads / 100).toFixed(2)} HEAD per tag`,
      '1 HEAD per tag, 0 GET',
      heads === 100 && gets === 0,
    );
    row('updates', 'Docker Hub pulls counted (manifest GETs at the Hub front)', `${c.hub.get}`, `skopeo: ${sc.hub.get}`, `${c.hub.get}`, '0', c.hub.get === 0);

    // One image changed on each registry: still one HEAD per tag, and no GET (a changed single manifest
    // needs none).
    await W.pushImage(info.registries.plain, 'benchupd/p0', '1.0', small(1000));
    await W.pushImage(info.registries.token, 'public/benchupd-t0', '1.0', small(1001));
    await W.pushImage(info.registries.hub, 'benchupd/h0', '1.0', small(1002));
    reset();
    const { list } = await check();
    const changed = counts();
    const available = list.filter((e) => e.status === 'update_available').length;
    row(
      'updates',
      'requests with 3 of 100 changed',
      `${changed.plain.head + changed.token.head + changed.hub.head} HEAD, ${changed.plain.get + changed.token.get + changed.hub.get} manifest GET`,
      '',
      `${available} update${available === 1 ? '' : 's'} found`,
      '3 found, 0 GET',
      available === 3 && changed.plain.get + changed.token.get + changed.hub.get === 0,
    );
  } finally {
    await Promise.all(refs.map((ref) => W.docker(info, ['rmi', '--force', ref]).catch(() => undefined)));
    await Promise.all(Object.values(fronts).map((f) => f.close()));
    fs.rmSync(cfg, { recursive: true, force: true });
  }
}

async function mapLimited(items, limit, fn) {
  let next = 0;
  const out = new Array(items.length);
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
