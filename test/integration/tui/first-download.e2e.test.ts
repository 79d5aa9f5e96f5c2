// The first download shows at once (issue 20): ten fresh starts of the built app in a real terminal (tmux),
// each with its own settings folder (so no download worker runs yet), with `stress-ng --cpu 2` loading the
// machine; on the Tags screen `p` then `D`, and the download must be on the Downloads screen well inside the
// worker's 5 s connect deadline (before, the live view's first look raced the worker that very pull started and
// kept "no downloads yet" for that long).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, docker, setThrottle } from '../../world/index.js';
import { BIN, assertBuilt, run, session, workerGone, type Session } from '../engine/helpers.js';

const RUNS = 10;
// What went wrong was a mechanism: the live view's first look raced the worker and then waited out its 5 s
// connect deadline. Each run must show the download well inside that deadline; how soon depends on how fast
// this machine starts a Node process under load (0.7-1.0 s with only stress-ng on 2 cores; up to 1.5 s with
// other suites running as well), so the bound is half the deadline, and the times are printed for the README.
const LIMIT_MS = 2500;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

describeWorld('the first download shows at once, under load', (world) => {
  const slow = world.throttlingProxy.host;
  const sessions: Session[] = [];
  let load: ChildProcess | undefined;
  const name = (i: number): string => `stevedore-first-${process.pid}-${i}`;

  beforeAll(async () => {
    assertBuilt();
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for this test (apt-get install tmux)');
    if (spawnSync('stress-ng', ['--version']).status !== 0) throw new Error('stress-ng is needed for this test (apt-get install stress-ng)');
    // Slow enough that the download is still running when the screen is read.
    await setThrottle(world, 100 * 1024);
    load = spawn('stress-ng', ['--cpu', '2', '--timeout', '600s', '--quiet'], { stdio: 'ignore' });
  });

  afterAll(async () => {
    load?.kill('SIGTERM');
    for (let i = 0; i < RUNS; i++) spawnSync('tmux', ['kill-session', '-t', name(i)]);
    await Promise.all(sessions.map((s) => workerGone(s)));
    await setThrottle(world, DEFAULT_THROTTLE);
    await docker(world, ['rmi', '-f', `${slow}/team/multi:1.0`]);
    for (const s of sessions) rmSync(s.configDir, { recursive: true, force: true });
  });

  it(`${RUNS} of ${RUNS} fresh starts show the download within ${LIMIT_MS} ms of p`, async () => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = session(world);
      sessions.push(s);
      const added = await run(s, ['registry', 'add', 'slow', '--url', `http://${slow}`, '--api', 'v2']);
      expect(added.code, added.stderr).toBe(0);
      const id = name(i);
      const env = Object.entries(s.env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
      tmux('new-session', '-d', '-s', id, '-x', '100', '-y', '30', ...env, `${process.execPath} ${BIN}; echo EXITED=$?; sleep 600`);
      const screen = (): string => tmux('capture-pane', '-p', '-t', id);
      const until = async (what: string, check: (t: string) => boolean, ms = 30_000, every = 100): Promise<string> => {
        const deadline = Date.now() + ms;
        for (;;) {
          const t = screen();
          if (check(t)) return t;
          if (Date.now() > deadline) throw new Error(`run ${i + 1}: no ${what} in ${ms} ms; the screen was:\n${t}`);
          await new Promise((r) => setTimeout(r, every));
        }
      };
      await until('depots', (t) => t.includes('5 slow'));
      tmux('send-keys', '-t', id, '5');
      tmux('send-keys', '-t', id, '-l', '/multi');
      tmux('send-keys', '-t', id, 'Enter');
      await until('the filtered list', (t) => t.includes('filter: multi') && t.includes(`${slow}/team/multi`));
      tmux('send-keys', '-t', id, 'Enter');
      await until('the tags', (t) => t.includes(`Tags of ${slow}/team/multi`) && /›\s+1\.0/.test(t));
      const pressed = Date.now();
      tmux('send-keys', '-t', id, 'p', 'D');
      await until('the download on the Downloads screen', (t) => /Downloads {2}\d+ running/.test(t) && t.includes(`${slow}/team/multi:1.0 `) && !t.includes('no downloads yet'), 15_000, 20);
      times.push(Date.now() - pressed);
      // Leave it: cancel the download (for every session), quit, and start the next run from nothing.
      tmux('send-keys', '-t', id, 'x');
      await until('the cancel question', (t) => t.includes(`Cancel ${slow}/team/multi:1.0?`));
      tmux('send-keys', '-t', id, 'y');
      await until('the download cancelled', (t) => /team\/multi:1\.0\s+cancelled/.test(t), 30_000);
      tmux('send-keys', '-t', id, 'q');
      await until('the app to end', (t) => t.includes('EXITED=0'));
      spawnSync('tmux', ['kill-session', '-t', id]);
      await workerGone(s);
      await docker(world, ['rmi', '-f', `${slow}/team/multi:1.0`]);
    }
    console.log(`first download on screen after p (ms), ${RUNS} fresh starts under stress-ng --cpu 2: ${times.join(', ')}`);
    expect(times.filter((ms) => ms <= LIMIT_MS)).toHaveLength(RUNS);
  });
});
