// The real, built TUI in a real pseudo-terminal (tmux) against the test world, driven with keys as a
// person would: search a private registry, open its tags, download one, watch the progress, find the
// image in Local, delete it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, docker, setThrottle } from '../../world/index.js';
import { BIN, assertBuilt, run, session } from '../engine/helpers.js';

const SESSION = `stevedore-e2e-${process.pid}`;
const STDERR = join(tmpdir(), `${SESSION}.stderr`);

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', SESSION);
}

function keys(...k: string[]): void {
  for (const key of k) tmux('send-keys', '-t', SESSION, key);
}

async function until(what: string, check: (s: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    last = screen();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  const stderr = existsSync(STDERR) ? readFileSync(STDERR, 'utf8') : '';
  const procs = spawnSync('ps', ['-eo', 'pid,stat,etime,args'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => /cli\.js|dockerd/.test(l)).join('\n');
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}\nthe app's stderr:\n${stderr}\nprocesses:\n${procs}`);
}

describeWorld('the TUI in a terminal', (world) => {
  const s = session(world);
  const slow = world.throttlingProxy.host;

  beforeAll(async () => {
    assertBuilt();
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for the end-to-end TUI test (apt-get install tmux)');
    // A registry reached through the throttling proxy, so a download has a middle to watch.
    const added = await run(s, ['registry', 'add', 'slow', '--url', `http://${slow}`, '--api', 'v2']);
    expect(added.code, added.stderr).toBe(0);
    await setThrottle(world, 200 * 1024);
    const env = Object.entries(s.env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', ...env, `${process.execPath} ${BIN} 2>${STDERR}; echo EXITED=$?; sleep 600`);
  });

  afterAll(async () => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    await setThrottle(world, DEFAULT_THROTTLE);
    await docker(world, ['rmi', '-f', `${slow}/team/multi:1.0`]);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('searches a private registry, downloads a tag with live progress, then deletes the image from Local', async () => {
    await until('the depots', (t) => t.includes('1 Local') && t.includes('5 slow'));
    // Typed ahead, as a person who knows the app types: no waiting between these keys (the app
    // applies each to the screen the previous one left, and holds list keys until the list is there).
    keys('5');
    tmux('send-keys', '-t', SESSION, '-l', '/multi');
    keys('Enter');
    await until('the filter kept', (t) => t.includes('filter: multi') && t.includes(`${slow}/team/multi`) && !t.includes(`${slow}/team/alpha`));
    // `multi` matches team/multi and team/multiarch: the first is team/multi.
    keys('Enter');
    await until('the tags screen', (t) => t.includes(`Tags of ${slow}/team/multi`) && /›\s+1\.0/.test(t));
    keys('p', 'D');
    await until('the download to start', (t) => t.includes(`downloading ${slow}/team/multi:1.0`));
    const progress = await until('progress bars', (t) => /team\/multi:1\.0\s+(downloading|extracting)\s+[█▏▎▍▌▋▊▉]*░+\s+\d+%/.test(t) && /Downloading|Extracting/.test(t));
    expect(progress).toMatch(/↓ 1 downloading \d+%/);
    await until('the download to complete', (t) => /team\/multi:1\.0\s+complete/.test(t), 60_000);
    // Back and to Local at once (Downloads opened over the depots: one Esc is enough, a second does no harm).
    keys('Escape', 'Escape', '1');
    await until('the image in Local', (t) => t.includes(`${slow}/team/multi`) && /1\.0\s+(?:[0-9a-f]{12}\s+)?1\.\d+ MB/.test(t));
    // Select it and delete it, once the list has settled (the update check it starts has answered). A `d` typed
    // within a few ms of the list appearing has been seen lost in the full suite under load (not reproduced with
    // the screen tests' fakes); this test is about the delete flow, the type-ahead tests cover bursts.
    await until('the Local list settled', (t) => !/checking for updates|loading…/.test(t) && t.includes(`${slow}/team/multi`));
    const lines = screen().split('\n');
    const row = lines.findIndex((l) => l.includes(`${slow}/team/multi `));
    const first = lines.findIndex((l) => l.includes('›'));
    for (let i = first; i < row; i++) keys('Down');
    await until('the row selected', (t) => t.split('\n').some((l) => l.includes('›') && l.includes(`${slow}/team/multi `)));
    keys('d');
    await until('the delete question', (t) => new RegExp(`Delete ${slow.replace(/\./g, '\\.')}/team/multi:1\\.0 \\([0-9a-f]{12}\\)\\?`).test(t));
    keys('y');
    await until('the image gone', (t) => t.includes(`deleted ${slow}/team/multi:1.0`) && !t.split('\n').some((l) => l.includes(`${slow}/team/multi `)));
    const local = await run(s, ['image', 'list', '--json']);
    expect(local.stdout).not.toContain(`${slow}/team/multi"`);
    keys('q');
    await until('the app to end', (t) => t.includes('EXITED=0'));
  });
});
