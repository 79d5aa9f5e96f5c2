// The `disk` section of the benchmarks (issue 23): what UNIQUE costs for 1,000 local images. The fixture is
// the worst case for it: 1,000 images on one small shared base, each with a layer of its own, so every image
// needs its own history (images that share all their layers cost one history between them). Measured in
// process, as the app would call it, against the Local listing alone (what the first frame needs):
//   - the rows on screen (30) with the layer cache warm (every start after the first): must add ≤ 100 ms;
//   - the rows on screen the first time ever (no cache): the chains of all 1,000 images are needed, so the app
//     shows the list first and fills UNIQUE in after (this row says how long after);
//   - every image (what `image list --json` needs), cold and warm;
// `image list --json` one-shot with the cache file warm and removed; and the built app in a pseudo-terminal
// (100x30): its first frame with the Local rows (UNIQUE is not waited for: `—` until worked out), and the
// frame in which every row on screen shows its UNIQUE bytes, with the app's layer cache warm and cold.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternate, median, ms, pick, signedMs, summary, timeRun } from './lib.mjs';
import { Pty } from './pty.mjs';

const COUNT = 1000;
const ON_SCREEN = 30;
const PREFIX = 'bench/disk';

/** 1,000 images `bench/disk-<i>:v1` on one shared base layer, each with one layer of its own, in one docker load. */
async function loadDistinct(info, W) {
  const { tar } = await import('../test/world/tar.ts');
  const base = tar([{ name: 'base.txt', data: Buffer.from('stevedore bench disk base\n'.repeat(40)) }]);
  const entries = [];
  const addLayer = (data) => {
    const diffId = W.sha256(data);
    entries.push({ name: diffId.slice(7), type: 'dir' }, { name: `${diffId.slice(7)}/layer.tar`, data });
    return { diffId, path: `${diffId.slice(7)}/layer.tar` };
  };
  const shared = addLayer(base);
  const manifest = [];
  const created = '2024-01-01T00:00:00Z';
  for (let i = 0; i < COUNT; i++) {
    const own = addLayer(tar([{ name: `own-${i}.txt`, data: Buffer.from(`image ${i}\n`) }]));
    const config = Buffer.from(
      JSON.stringify({
        architecture: W.hostPlatform().architecture,
        os: 'linux',
        created,
        config: { Cmd: ['/base.txt'] },
        rootfs: { type: 'layers', diff_ids: [shared.diffId, own.diffId] },
        history: [
          { created, created_by: 'ADD base.txt / # buildkit' },
          { created, created_by: 'ENV I=1', empty_layer: true },
          { created, created_by: 'COPY own.txt / # buildkit' },
        ],
      }),
    );
    const name = `${W.sha256(config).slice(7)}.json`;
    entries.push({ name, data: config });
    manifest.push({ Config: name, RepoTags: [`${PREFIX}-${i}:v1`], Layers: [shared.path, own.path] });
  }
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) });
  const res = await W.engine(info, 'POST', '/images/load?quiet=1', tar(entries), { 'content-type': 'application/x-tar' });
  const failure = res.status !== 200 ? res.text() : W.streamError(res.text());
  if (failure) throw new Error(`docker load of ${COUNT} images failed: ${failure}`);
}

export async function sectionDisk({ info, W, world, cli, env, runs, row, say, details }) {
  // Built as src/services/engine/index.ts builds them, with the client at hand to close after each start.
  const [{ EngineClient, resolveEndpoint }, { LocalImageService }, { DiskUsageService }, { LayerFacts }] = await Promise.all([
    import('../src/clients/engine/index.ts'),
    import('../src/services/engine/images.ts'),
    import('../src/services/engine/diskUsage.ts'),
    import('../src/services/engine/layerFacts.ts'),
  ]);
  const dirs = [];
  const fresh = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-disk-'));
    dirs.push(dir);
    return dir;
  };
  const CACHE = 'layers-bench.json';
  const services = (configDir) => {
    const client = new EngineClient(resolveEndpoint(env), env);
    const get = async () => client;
    const images = new LocalImageService(get);
    const disk = new DiskUsageService({ client: get, listLocal: (signal) => images.listLocal(signal ? { signal } : {}), facts: new LayerFacts(get, path.join(configDir, CACHE)) });
    return { images, disk, close: () => client.close() };
  };
  try {
    // Only this section's images on the engine: the listing is the 1,000 of the fixture.
    await world.removeImages(info, ['bench/img-*', 'bench/flt-*', `${PREFIX}-*`]);
    say(`disk: loading ${COUNT} images, each with a layer of its own on a shared base…`);
    await loadDistinct(info, W);
    const warmDir = fresh();
    // One full pass fills the cache file every "warm" run copies.
    const seed = services(warmDir);
    const sizes = await seed.disk.sizes();
    seed.close();
    if (sizes.size !== COUNT || [...sizes.values()].some((s) => s.unique === null || s.unique <= 0)) throw new Error(`expected ${COUNT} images with a unique layer, got ${sizes.size}`);
    if (!fs.existsSync(path.join(warmDir, CACHE))) throw new Error('no layers cache file was written');

    /** One start of the app: a new services object (new connection), cold or with the cache file copied in. */
    const start = (warm) => {
      const dir = fresh();
      if (warm) fs.copyFileSync(path.join(warmDir, CACHE), path.join(dir, CACHE));
      return services(dir);
    };
    const timed = async (warm, what) => {
      const e = start(warm);
      try {
        const t0 = performance.now();
        const repos = await e.images.listLocal();
        const listed = performance.now() - t0;
        if (what === 'list') return { wall: listed };
        const ids = what === 'screen' ? repos.slice(0, ON_SCREEN).flatMap((r) => r.images.map((i) => i.id)) : undefined;
        await e.disk.sizes({ repos, ...(ids ? { ids } : {}) });
        return { wall: performance.now() - t0, list: listed };
      } finally {
        e.close();
      }
    };
    say(`disk: ${runs} rounds in process…`);
    const s = await alternate(
      [
        { name: 'list', run: () => timed(true, 'list') },
        { name: 'screen warm', run: () => timed(true, 'screen') },
        { name: 'screen cold', run: () => timed(false, 'screen') },
        { name: 'all warm', run: () => timed(true, 'all') },
        { name: 'all cold', run: () => timed(false, 'all') },
      ],
      { runs },
    );
    const list = median(pick(s.list));
    const m = (k) => median(pick(s[k]));
    row('disk', `Local listing + UNIQUE of the ${ON_SCREEN} rows on screen, ${COUNT.toLocaleString('en')} images, layer cache warm`, ms(m('screen warm')), `the listing alone ${ms(list)}`, signedMs(m('screen warm') - list), '≤ +100 ms', m('screen warm') - list <= 100);
    row(
      'disk',
      `the same the first time ever (no cache: the chains of all ${COUNT.toLocaleString('en')} images)`,
      ms(m('screen cold')),
      `the listing alone ${ms(list)}`,
      `${signedMs(m('screen cold') - list)}, after the first frame`,
      null,
      null,
    );
    row('disk', `UNIQUE of all ${COUNT.toLocaleString('en')} images (what \`image list --json\` needs)`, `${ms(m('all warm'))} warm`, `${ms(m('all cold'))} cold`, `${signedMs(m('all warm') - list)} / ${signedMs(m('all cold') - list)} over the listing`, null, null);

    // One-shot: `image list --json` with the cache file there, and removed before each run.
    // (The CLI names its file after the engine: found after the first run; each cold run writes it again.)
    const cfg = fresh();
    const envHere = { ...env, STEVEDORE_CONFIG_DIR: cfg };
    timeRun(process.execPath, cli('image', 'list', '--json'), { env: envHere });
    const cliCache = fs.readdirSync(cfg).find((f) => /^layers-[0-9a-f]{12}\.json$/.test(f));
    if (!cliCache) throw new Error('image list --json wrote no layers cache file');
    const one = await alternate(
      [
        { name: 'warm', cmd: process.execPath, args: cli('image', 'list', '--json'), env: envHere },
        {
          name: 'cold',
          run: () => {
            fs.rmSync(path.join(cfg, cliCache), { force: true });
            return timeRun(process.execPath, cli('image', 'list', '--json'), { env: envHere });
          },
        },
      ],
      { runs },
    );
    row('disk', `\`image list --json\` (${COUNT.toLocaleString('en')} images) with unique_size, cache warm`, ms(median(pick(one.warm))), `no cache ${ms(median(pick(one.cold)))}`, signedMs(median(pick(one.warm)) - median(pick(one.cold))), null, null);

    // The app: first frame (a bench/disk row on screen) and UNIQUE filled in for every row on screen.
    const rowsOf = (sc) => sc.text().split('\n').filter((l) => /bench\/disk-\d+/.test(l));
    const app = async (warm) => {
      const dir = fresh();
      if (warm) fs.copyFileSync(path.join(cfg, cliCache), path.join(dir, cliCache));
      const p = new Pty([process.execPath, ...cli()], { env: { ...env, STEVEDORE_CONFIG_DIR: dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'xterm-256color' }, marker: cli()[0] });
      try {
        const first = await p.waitFor((sc) => rowsOf(sc).length > 0, { timeoutMs: 30_000, what: 'the first Local row' });
        const filled = await p.waitFor((sc) => rowsOf(sc).length > 0 && rowsOf(sc).every((l) => !l.includes(' — ')), { timeoutMs: 60_000, what: 'UNIQUE on every row on screen' });
        return { wall: filled - first, first, filled };
      } finally {
        await p.close('q');
      }
    };
    const tui = await alternate(
      [
        { name: 'warm', run: () => app(true) },
        { name: 'cold', run: () => app(false) },
      ],
      { runs },
    );
    const firstWarm = median(pick(tui.warm, 'first'));
    const addWarm = median(pick(tui.warm));
    row('disk', `TUI: UNIQUE on every row on screen after the Local list's first frame (${COUNT.toLocaleString('en')} images, cache warm)`, `+${ms(addWarm)}`, `first frame ${ms(firstWarm)} (not waiting for UNIQUE)`, signedMs(addWarm), '≤ +100 ms', addWarm <= 100);
    row('disk', 'TUI: the same the first time ever (no layer cache)', `+${ms(median(pick(tui.cold)))}`, `first frame ${ms(median(pick(tui.cold, 'first')))}`, signedMs(median(pick(tui.cold))), null, null);
    details.disk = {
      images: COUNT,
      onScreen: ON_SCREEN,
      inProcess: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, summary(pick(v))])),
      oneShot: { warm: summary(pick(one.warm)), cold: summary(pick(one.cold)) },
      tui: Object.fromEntries(Object.entries(tui).map(([k, v]) => [k, { firstFrame: summary(pick(v, 'first')), uniqueFilled: summary(pick(v, 'filled')), added: summary(pick(v)) }])),
    };
  } finally {
    await world.removeImages(info, [`${PREFIX}-*`]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
