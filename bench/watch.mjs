// The `watch` section of the benchmarks (issue 22): a scheduled round (`stevedore watch --once`, what the timer
// or cron runs) over 100 local tags with nothing new, a webhook notifier configured. The goal: one HEAD per tag,
// no manifest GET, no notice (the receiver gets nothing), and what that round costs in time. Then one image
// changes: still one HEAD per tag, exactly one notice. The tags are half `latest`, half `1.0` (a version-shaped
// tag also reads its repository's tag list for newer versions: counted apart, never a manifest GET).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, ms, runAsync, summary } from './lib.mjs';

const TAGS = 100;

/** Seeds, pulls, measures and cleans up; `row(section, what, stevedore, comparison, result, target, verdict)`. */
export async function sectionWatch({ info, W, cli, env, runs, row, say, details }) {
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-watch-'));
  const [front, hook] = await Promise.all([W.startRegistryFront(info.registries.plain), W.startWebhookReceiver()]);
  const refs = [];
  const envHere = { ...env, STEVEDORE_CONFIG_DIR: cfg };
  try {
    say(`watch: pushing and pulling ${TAGS} small images…`);
    const plan = Array.from({ length: TAGS }, (_, i) => ({ repo: `benchwatch/w${i}`, tag: i % 2 === 0 ? 'latest' : '1.0' }));
    const small = (i) => ({ layers: [W.makeLayer(3_000 + i, 0)], config: { Cmd: ['/x'] }, created: '2024-01-01T00:00:00Z' });
    await mapLimited(plan, 8, (p, i) => W.pushImage(info.registries.plain, p.repo, p.tag, small(i)));
    await mapLimited(plan, 4, async (p) => {
      const ref = `${front.host}/${p.repo}:${p.tag}`;
      const r = await W.docker(info, ['pull', '--quiet', ref]);
      if (r.code !== 0) throw new Error(`docker pull ${ref}: ${r.stderr.trim()}`);
      refs.push(ref);
    });
    const added = await runAsync(process.execPath, cli('notify', 'add', 'bench', '--webhook', `${hook.url}/bench`), { env: envHere });
    if (added.code !== 0) throw new Error(`notify add: ${(added.stderr || added.stdout).trim()}`);
    const round = async () => {
      const t0 = performance.now();
      const r = await runAsync(process.execPath, cli('watch', '--once', '--json'), { env: envHere });
      const wall = performance.now() - t0;
      if (r.code !== 0) throw new Error(`watch --once: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
      return { wall, round: JSON.parse(r.stdout.trim()) };
    };

    // The same check without the watch around it, for comparison (run alternately).
    const check = async () => {
      const t0 = performance.now();
      const r = await runAsync(process.execPath, cli('image', 'updates', '--refresh', '--json'), { env: envHere });
      if (r.code !== 0) throw new Error(`image updates: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
      return performance.now() - t0;
    };
    await round(); // warm-up: connections, the page cache
    await check();
    const walls = [];
    const checks = [];
    let first = null;
    for (let i = 0; i < runs; i++) {
      front.resetCounts();
      const { wall, round: r } = await round();
      walls.push(wall);
      first ??= { counts: { ...front.counts }, round: r };
      checks.push(await check());
      if (r.checked !== TAGS || r.updates !== 0) throw new Error(`expected ${TAGS} tags and no update, got ${r.checked} checked, ${r.updates} updates`);
    }
    const c = first.counts;
    const notices = hook.requests.length;
    details.watch = { wall: summary(walls), check: summary(checks), requests: c, notices };
    row(
      'watch',
      `a scheduled round, ${TAGS} local tags, nothing new (\`watch --once\`)`,
      `${c.head} HEAD, ${c.get} manifest GET, ${notices} notices (+${c.tagLists} tag lists for newer versions)`,
      `\`image updates --refresh\` ${ms(median(checks))}`,
      `${ms(median(walls))} per round`,
      `${TAGS} HEAD, 0 GET, 0 notices`,
      c.head === TAGS && c.get === 0 && notices === 0,
    );

    // One image changes: the round still asks one HEAD per tag and tells exactly once.
    await W.pushImage(info.registries.plain, plan[0].repo, plan[0].tag, small(10_000));
    front.resetCounts();
    const { round: changed } = await round();
    const counted = { ...front.counts };
    const after = hook.requests.length;
    const again = await round();
    row(
      'watch',
      `a round with 1 of ${TAGS} changed, then the next round`,
      `${counted.head} HEAD, ${counted.get} manifest GET; ${after} notice, then ${hook.requests.length - after}`,
      '',
      `${changed.updates} update found`,
      '1 notice, then none',
      after === 1 && hook.requests.length === 1 && again.round.deliveries.length === 0,
    );
  } finally {
    await Promise.all(refs.map((ref) => W.docker(info, ['rmi', '--force', ref]).catch(() => undefined)));
    await Promise.all([front.close(), hook.close()]);
    fs.rmSync(cfg, { recursive: true, force: true });
  }
}

async function mapLimited(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}
