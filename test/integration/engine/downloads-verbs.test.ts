// `image downloads cancel ID | retry ID | clear` against the world's dockerd, through the worker.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, removeAllImages, setThrottle } from '../../world/index.js';
import { assertBuilt, json, run, session, until, workerGone, type Session } from './helpers.js';

interface Download {
  id: string;
  name: string;
  percent: number | null;
  status: string;
  error: string | null;
  started_at: string;
}

describeWorld('engine: image downloads cancel, retry, clear', (world) => {
  const sessions: Session[] = [];
  const slow = world.throttlingProxy.host;

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
  });

  afterEach(async () => {
    await setThrottle(world, DEFAULT_THROTTLE);
    await Promise.all(sessions.map((s) => workerGone(s)));
    await removeAllImages(world);
  });

  afterAll(async () => {
    await Promise.all(sessions.map((s) => workerGone(s)));
    for (const s of sessions) rmSync(s.configDir, { recursive: true, force: true });
  });

  it('cancels a running download by its ID, retries it to the end, then clears the finished ones', async () => {
    // Slow enough (~17 s for its 700 kB layer) to be still running when the cancel comes, on a loaded machine too.
    await setThrottle(world, 40 * 1024);
    const s = session(world);
    sessions.push(s);
    const started = await json<{ id: string }>(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--detach']);
    await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => (l[0]?.percent ?? 0) > 0, 30_000, 'progress');
    const cancel = await run(s, ['image', 'downloads', 'cancel', started.id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    const cancelled = await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => l[0]?.status === 'cancelled', 30_000, 'cancelled');
    expect(cancelled[0]).toMatchObject({ id: started.id, status: 'cancelled' });
    expect(Date.parse(cancelled[0]?.started_at ?? '')).toBeGreaterThan(0);
    // Once it has ended, cancel says so (as the app's `x` does) instead of claiming it stopped it.
    const again = await run(s, ['image', 'downloads', 'cancel', started.id, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 409 } });
    expect(JSON.parse(again.stdout).error.message).toMatch(/is not running \(it is cancelled\)/);
    await setThrottle(world, 0);
    const retry = await run(s, ['image', 'downloads', 'retry', started.id]);
    expect(retry.code, retry.stderr).toBe(0);
    await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => l[0]?.status === 'complete', 60_000, 'complete');
    const cleared = await json<{ cleared: number }>(s, ['image', 'downloads', 'clear']);
    expect(cleared).toEqual({ cleared: 1 });
    expect(await json<Download[]>(s, ['image', 'downloads'])).toEqual([]);
  });

  it('says what it needs: an ID for cancel, a known verb', async () => {
    const s = session(world);
    sessions.push(s);
    const noId = await run(s, ['image', 'downloads', 'cancel']);
    // Usage errors (DESIGN.md "Exit codes"): 2, as for an unknown flag.
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/needs a download ID/);
    const bad = await run(s, ['image', 'downloads', 'pause', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/use cancel ID, retry ID or clear/);
    const unknown = await run(s, ['image', 'downloads', 'cancel', 'nope']);
    // An ID no download has is an operation error (404), not a usage error.
    expect(unknown.code).toBe(1);
  });
});
