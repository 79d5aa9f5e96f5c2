// Downloads through the background worker, driven by the built CLI against the world's dockerd and
// registries: progress events, credentials, failures, sessions that come and go, SIGHUP, cancel, idle exit.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, docker, removeAllImages, setThrottle } from '../../world/index.js';
import { BIN, alive, assertBuilt, json, jsonLines, run, session, start, until, workerGone, workerPid, type Session } from './helpers.js';

interface Download {
  name: string;
  percent: number | null;
  status: string;
  error: string | null;
}

/**
 * The rate for tests that act in the middle of a pull (join it, SIGHUP, Ctrl-C, kill the worker): team/multi's
 * 700 kB layer then takes ~17 s, so it is still running however long a loaded machine takes to start the CLI
 * processes that look at it (at 100-300 kB/s it was sometimes over first). The tests lift it to let it finish.
 */
const MIDDLE_RATE = 40 * 1024;

describeWorld('engine: downloads through the background worker', (world) => {
  const sessions: Session[] = [];
  const user = (extra: Record<string, string> = {}): Session => {
    const s = session(world, extra);
    sessions.push(s);
    return s;
  };
  const plain = world.registries.plain.host;
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

  it('pulls a multi-layer image: progress events with a percent that never goes back, then done with the digest', async () => {
    await setThrottle(world, 1024 * 1024);
    const s = user();
    const r = await run(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const events = jsonLines(r.stdout.split('\n').filter(Boolean));
    const progress = events.filter((e) => e.event === 'progress');
    const done = events.at(-1);
    expect(done).toEqual({ event: 'done', name: `${slow}/team/multi:1.0`, digest: world.digests.multi });
    expect(progress.length).toBeGreaterThan(2);
    const percents = progress.map((e) => e.percent).filter((p): p is number => typeof p === 'number');
    expect(percents.every((p) => Number.isInteger(p) && p >= 0 && p <= 100)).toBe(true);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    for (const e of progress) {
      expect(Object.keys(e).sort()).toEqual(['current', 'detail', 'event', 'layers', 'name', 'percent', 'status', 'total']);
      expect(['waiting', 'downloading', 'extracting']).toContain(e.status);
    }
    const layers = progress.at(-1)?.layers as Array<{ id: string }>;
    expect(layers.length).toBe(4);
    const local = await docker(world, ['image', 'inspect', '--format', '{{index .RepoDigests 0}}', `${slow}/team/multi:1.0`]);
    expect(local.stdout.trim()).toBe(`${slow}/team/multi@${world.digests.multi}`);
    const history = await json<Download[]>(s, ['image', 'downloads']);
    expect(history).toMatchObject([{ name: `${slow}/team/multi:1.0`, percent: 100, status: 'complete', error: null }]);
    expect(history).toHaveLength(1);
  });

  it('pulls one platform of a multi-platform image from the docker.io mirror with --platform', async () => {
    const s = user();
    const r = await run(s, ['image', 'pull', 'redis:7', '--platform', 'linux/arm64', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(jsonLines(r.stdout.split('\n').filter(Boolean)).at(-1)).toEqual({ event: 'done', name: 'redis:7', digest: world.digests.redis });
    const arch = await docker(world, ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', 'redis:7']);
    expect(arch.stdout.trim()).toBe('linux/arm64');
    const bad = await run(s, ['image', 'pull', 'redis:7', '--platform', 'linux', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe(400);
  });

  it('pulls from the TLS registry with basic auth from a configured registry (credentials resolved by the worker)', async () => {
    const tls = world.registries.tls;
    const s = user();
    const added = await run(s, ['registry', 'add', 'secure', '--url', `https://${tls.host}`, '--api', 'v2', '--username', tls.username ?? '', '--password-stdin'], tls.password);
    expect(added.code, added.stderr).toBe(0);
    const r = await run(s, ['image', 'pull', `${tls.host}/secure/app:1.0`, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(jsonLines(r.stdout.split('\n').filter(Boolean)).at(-1)).toEqual({ event: 'done', name: `${tls.host}/secure/app:1.0`, digest: world.digests.secure });
    // The same pull without credentials is refused by the registry.
    const anonymous = user();
    const refused = await run(anonymous, ['image', 'pull', `${tls.host}/secure/app:1.0`, '--json']);
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stdout.trim().split('\n').at(-1) ?? '{}') as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(401);
    expect(error.message).toMatch(/no basic auth credentials|unauthorized|authentication required/);
  });

  it('resolves a short name with --registry and refuses a reference naming another host', async () => {
    const s = user();
    expect((await run(s, ['registry', 'add', 'plain', '--url', `http://${plain}`, '--api', 'v2'])).code).toBe(0);
    const r = await run(s, ['image', 'pull', 'team/alpha:1.0', '--registry', 'plain', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(jsonLines(r.stdout.split('\n').filter(Boolean)).at(-1)).toMatchObject({ event: 'done', name: `${plain}/team/alpha:1.0`, digest: world.digests.alpha });
    const other = await run(s, ['image', 'pull', 'quay.io/team/alpha:1.0', '--registry', 'plain', '--json']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).error.code).toBe(400);
  });

  it('fails a missing tag on a private registry with the engine message', async () => {
    const s = user();
    const r = await run(s, ['image', 'pull', `${plain}/team/alpha:nope`, '--json']);
    expect(r.code).toBe(1);
    const error = (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(404);
    expect(error.message).toMatch(/manifest unknown|not found/);
    expect(error.message).toContain(`${plain}/team/alpha`);
    const human = await run(s, ['image', 'pull', `${plain}/team/alpha:nope`]);
    expect(human.stderr).toMatch(/^error: .*(manifest unknown|not found)/m);
    const history = await json<Download[]>(s, ['image', 'downloads']);
    expect(history.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect(history[0]?.error).toBe(error.message);
  });

  it('shows a pull started by one process to another, which can follow it to the end', async () => {
    await setThrottle(world, MIDDLE_RATE);
    const s = user();
    const detached = await json<{ id: string; name: string; status: string }>(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--detach']);
    expect(detached.name).toBe(`${slow}/team/multi:1.0`);
    const seen = await json<Download[]>(s, ['image', 'downloads']);
    expect(seen).toEqual([expect.objectContaining({ name: `${slow}/team/multi:1.0`, error: null })]);
    expect(['waiting', 'downloading', 'extracting']).toContain(seen[0]?.status);
    // Another process pulling the same reference joins the same download.
    const again = await json<{ id: string }>(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--detach']);
    expect(again.id).toBe(detached.id);
    await setThrottle(world, 0);
    const finished = await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => l[0]?.status === 'complete', 60_000, 'complete');
    expect(finished).toMatchObject([{ name: `${slow}/team/multi:1.0`, percent: 100, status: 'complete', error: null }]);
    expect(finished).toHaveLength(1);
  });

  it('goes on when the client that started it gets SIGHUP in the middle', async () => {
    await setThrottle(world, MIDDLE_RATE);
    const s = user();
    const pull = start(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--json']);
    await pull.waitForLine((l) => {
      const e = JSON.parse(l) as { percent?: unknown };
      return typeof e.percent === 'number' && e.percent > 0;
    });
    // The terminal goes away: SIGHUP to the client's whole process group.
    process.kill(-(pull.child.pid ?? 0), 'SIGHUP');
    const exit = await pull.exited;
    expect(exit.signal).toBe('SIGHUP');
    const middle = await json<Download[]>(s, ['image', 'downloads']);
    expect(middle[0]?.status).toMatch(/downloading|extracting/);
    expect(middle[0]?.percent).toBeLessThan(100);
    await setThrottle(world, 0);
    const done = await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => l[0]?.status === 'complete', 60_000, 'complete after SIGHUP');
    expect(done[0]?.percent).toBe(100);
    expect((await docker(world, ['image', 'inspect', `${slow}/team/multi:1.0`])).code).toBe(0);
  });

  it('cancels in the middle on Ctrl-C: exit 130 and a cancelled event', async () => {
    await setThrottle(world, MIDDLE_RATE);
    const s = user();
    const pull = start(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--json']);
    await pull.waitForLine((l) => {
      const e = JSON.parse(l) as { percent?: unknown };
      return typeof e.percent === 'number' && e.percent > 0;
    });
    pull.child.kill('SIGINT');
    const exit = await pull.exited;
    expect(exit.code).toBe(130);
    expect(JSON.parse(pull.lines.at(-1) ?? '{}')).toEqual({ event: 'cancelled', name: `${slow}/team/multi:1.0` });
    const history = await json<Download[]>(s, ['image', 'downloads']);
    expect(history).toEqual([expect.objectContaining({ status: 'cancelled', error: null })]);
    expect(history[0]?.percent ?? 0).toBeLessThan(100);
  });

  it('a worker killed in the middle leaves its download failed, "interrupted"; a new worker takes over', async () => {
    await setThrottle(world, MIDDLE_RATE);
    const s = user();
    await json(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--detach']);
    await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => (l[0]?.percent ?? 0) > 0, 30_000, 'progress');
    const pid = workerPid(s);
    expect(pid).not.toBeNull();
    process.kill(pid ?? 0, 'SIGKILL');
    await until(async () => alive(pid ?? 0), (a) => !a, 10_000, 'worker gone');
    const after = await json<Download[]>(s, ['image', 'downloads']);
    expect(after).toEqual([expect.objectContaining({ name: `${slow}/team/multi:1.0`, status: 'failed', error: 'interrupted' })]);
    await setThrottle(world, 0);
    const again = await run(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((await json<Download[]>(s, ['image', 'downloads'])).map((d) => [d.status, d.error])).toEqual([
      ['failed', 'interrupted'],
      ['complete', null],
    ]);
  });

  it('starts one worker for two racing starts, and the worker exits when idle', async () => {
    const s = user({ STEVEDORE_WORKER_IDLE_MS: '1000' });
    const spawnWorker = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [BIN, '__worker'], { env: s.env, stdio: 'ignore' });
        child.on('close', (code) => resolve(code));
      });
    const [a, b] = [spawnWorker(), spawnWorker()];
    // One of them answers; the other one has already gone.
    await until(async () => existsSync(join(s.configDir, readdirSync(s.configDir).find((f) => f.endsWith('.sock')) ?? 'none')), Boolean, 10_000, 'socket');
    const pid = workerPid(s);
    expect(pid).not.toBeNull();
    expect(await json<Download[]>(s, ['image', 'downloads'])).toEqual([]);
    const codes = await Promise.all([a, b]);
    expect(codes).toEqual([0, 0]);
    // Idle (no downloads, no clients) for a second: gone, socket and lock removed.
    expect(alive(pid ?? 0)).toBe(false);
    expect(readdirSync(s.configDir).filter((f) => f.endsWith('.sock') || f.endsWith('.lock'))).toEqual([]);
  });
});
