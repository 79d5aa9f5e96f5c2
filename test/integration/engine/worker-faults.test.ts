// The download worker misbehaving, driven by the built CLI against the world: a worker stopped with
// SIGSTOP (every command answers within its deadline; remote listings still come, with a warning; a fresh
// worker takes over), and two terminals following one download (Ctrl-C in one detaches it only).
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, removeAllImages, setThrottle } from '../../world/index.js';
import { alive, assertBuilt, json, run, serveLoggedIn, session, start, until, workerGone, workerPid, type Served, type Session } from './helpers.js';

interface Download {
  name: string;
  percent: number | null;
  status: string;
  error: string | null;
}

const DEADLINE_MS = 1500;

describeWorld('engine: a download worker that does not answer; followers of one download', (world) => {
  const sessions: Session[] = [];
  const stopped: number[] = [];
  const user = (extra: Record<string, string> = {}): Session => {
    const s = session(world, { STEVEDORE_WORKER_DEADLINE_MS: String(DEADLINE_MS), ...extra });
    sessions.push(s);
    return s;
  };
  const slow = world.throttlingProxy.host;
  const servers: Served[] = [];

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
  });

  afterEach(async () => {
    for (const served of servers.splice(0)) await served.stop();
    for (const pid of stopped.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await setThrottle(world, DEFAULT_THROTTLE);
    await Promise.all(sessions.map((s) => workerGone(s)));
    await removeAllImages(world);
  });

  afterAll(async () => {
    await Promise.all(sessions.map((s) => workerGone(s)));
    for (const s of sessions) rmSync(s.configDir, { recursive: true, force: true });
  });

  it('a stopped worker (SIGSTOP): listings answer within the deadline with a warning; downloads name the log; a pull takes over', async () => {
    await setThrottle(world, 50 * 1024);
    const s = user();
    await json(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--detach']);
    const pid = workerPid(s);
    expect(pid).not.toBeNull();
    process.kill(pid ?? 0, 'SIGSTOP');
    stopped.push(pid ?? 0);

    // Remote listing: results, "downloading" unknown, a warning naming the worker's log.
    let t0 = Date.now();
    const official = await run(s, ['image', 'list', '--category', 'official', '--json']);
    const officialMs = Date.now() - t0;
    expect(official.code, official.stderr).toBe(0);
    const listed = JSON.parse(official.stdout) as { results: Array<{ downloading: unknown }>; warnings: string[] };
    expect(listed.results.length).toBeGreaterThan(0);
    expect(listed.results.every((r) => r.downloading === null)).toBe(true);
    // The worker's deadline fired (1.5 s, named in the warning); a command that waited on the stopped worker
    // would hang until killed, so finishing well within the test's time is what this guards.
    expect(listed.warnings.join('\n')).toMatch(/cannot read the running downloads: the download worker is not answering \(no reply within 1\.5 s\).*see .*worker-.*\.log/);
    expect(officialMs).toBeLessThan(30_000);

    // The local list too.
    const local = await run(s, ['image', 'list', '--json']);
    expect(local.code, local.stderr).toBe(0);
    expect((JSON.parse(local.stdout) as { warnings: string[] }).warnings.join('\n')).toContain('the download worker is not answering');

    // `image downloads`: an error that says so and where the log is (504), not a hang or a stale list.
    t0 = Date.now();
    const downloads = await run(s, ['image', 'downloads', '--json']);
    expect(downloads.code).toBe(1);
    const error = (JSON.parse(downloads.stdout) as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(504);
    expect(error.message).toMatch(/the download worker is not answering \(no reply within 1\.5 s\).*see .*worker-.*\.log/);
    expect(Date.now() - t0).toBeLessThan(30_000);

    // A pull starts a fresh worker, which takes over the socket and lock from the stopped one.
    await setThrottle(world, 0);
    t0 = Date.now();
    const pulled = await run(s, ['image', 'pull', `${slow}/team/alpha:1.0`, '--json']);
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
    const fresh = workerPid(s);
    expect(fresh).not.toBe(pid);
    expect(alive(fresh ?? 0)).toBe(true);
    const after = await json<Download[]>(s, ['image', 'downloads']);
    expect(after.map((d) => [d.name, d.status])).toContainEqual([`${slow}/team/alpha:1.0`, 'complete']);
  });

  it('a stopped worker that was taken over hands over what it finishes when it comes back: "complete", not "interrupted"', async () => {
    await setThrottle(world, 50 * 1024);
    const s = user();
    const ref = `${slow}/team/multi:1.0`;
    await json(s, ['image', 'pull', ref, '--detach']);
    const pid = workerPid(s) ?? 0;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGSTOP');
    stopped.push(pid);

    await setThrottle(world, 0);
    const pulled = await run(s, ['image', 'pull', `${slow}/team/alpha:1.0`, '--json']);
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
    expect(workerPid(s)).not.toBe(pid);
    // While the stopped worker says nothing, its download reads as interrupted...
    const during = await json<Download[]>(s, ['image', 'downloads']);
    expect(during.find((d) => d.name === ref)).toMatchObject({ status: 'failed', error: 'interrupted' });

    // ...and once it runs again and finishes it, its outcome replaces that line; then it leaves.
    process.kill(pid, 'SIGCONT');
    const after = await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => l.find((d) => d.name === ref)?.status === 'complete', 60_000, `${ref} complete`);
    expect(after.filter((d) => d.name === ref)).toEqual([expect.objectContaining({ status: 'complete', error: null, percent: 100 })]);
    const local = await json<{ results: Array<{ name: string }> }>(s, ['image', 'list']);
    expect(local.results.map((r) => r.name)).toContain(`${slow}/team/multi`);
    await until(async () => alive(pid), (a) => !a, 30_000, 'the taken-over worker to leave');
  });

  it('a long-lived client (serve, as the app) takes over at its first pull after its worker stopped', async () => {
    await setThrottle(world, 50 * 1024);
    const s = user();
    await json(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--detach']);
    const pid = workerPid(s) ?? 0;
    const served = await serveLoggedIn(s);
    servers.push(served);
    // serve's connection to the worker is open (it asked it once) when the worker stops.
    const status = await served.call('GET', '/api/v1/image/downloadstatus');
    expect(status.status).toBe(200);
    expect(status.body).toEqual([expect.objectContaining({ name: `${slow}/team/multi:1.0` })]);
    process.kill(pid, 'SIGSTOP');
    stopped.push(pid);

    const queued = await served.call('POST', '/api/v1/image/dockerhub/docker/alpine/3.19/download', {});
    expect(queued, 'the first pull takes over').toMatchObject({ status: 200, body: { id: expect.any(String), status: 'waiting' } });
    const fresh = workerPid(s);
    expect(fresh).not.toBe(pid);
    expect(alive(fresh ?? 0)).toBe(true);
    const listed = await served.call('GET', '/api/v1/image/downloadstatus');
    expect(listed.body).toContainEqual(expect.objectContaining({ name: 'alpine:3.19' }));
  });

  it('Ctrl-C in one of two terminals following a download detaches it; the download goes on; Ctrl-C in the last cancels', async () => {
    await setThrottle(world, 60 * 1024);
    const s = user();
    const ref = `${slow}/team/multi:1.0`;
    const first = start(s, ['image', 'pull', ref, '--json']);
    const progressed = (l: string): boolean => {
      const e = JSON.parse(l) as { percent?: unknown };
      return typeof e.percent === 'number' && e.percent > 0;
    };
    await first.waitForLine(progressed);
    const second = start(s, ['image', 'pull', ref, '--json']);
    await second.waitForLine((l) => (JSON.parse(l) as { event?: string }).event === 'progress');

    first.child.kill('SIGINT');
    const one = await first.exited;
    expect(one.code).toBe(130);
    expect(JSON.parse(first.lines.at(-1) ?? '{}')).toMatchObject({ event: 'detached', name: ref, followers: 1 });
    const middle = await json<Download[]>(s, ['image', 'downloads']);
    expect(middle[0]?.status).toMatch(/downloading|extracting/);

    second.child.kill('SIGINT');
    const two = await second.exited;
    expect(two.code).toBe(130);
    expect(JSON.parse(second.lines.at(-1) ?? '{}')).toEqual({ event: 'cancelled', name: ref });
    const history = await until(() => json<Download[]>(s, ['image', 'downloads']), (l) => l[0]?.status === 'cancelled', 15_000, 'cancelled');
    expect(history).toEqual([expect.objectContaining({ name: ref, status: 'cancelled' })]);
  });
});
