// The real, built TUI in a real pseudo-terminal (tmux) against the test world, driven with keys as a
// person would: search a private registry, open its tags, download one, watch the progress, find the
// image in Local, delete it. After keys, the test waits for the app to say it is idle (every key
// applied, nothing in flight, the frame written), then reads the screen; a failure carries the key trace.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, docker, setThrottle } from '../../world/index.js';
import { assertBuilt, run, session } from '../engine/helpers.js';
import { type Terminal, openTerminal, withTrace } from './terminal.js';

describeWorld('the TUI in a terminal', (world) => {
  const s = session(world);
  const slow = world.throttlingProxy.host;
  let term: Terminal;

  beforeAll(async () => {
    assertBuilt();
    // A registry reached through the throttling proxy, so a download has a middle to watch.
    const added = await run(s, ['registry', 'add', 'slow', '--url', `http://${slow}`, '--api', 'v2']);
    expect(added.code, added.stderr).toBe(0);
    await setThrottle(world, 200 * 1024);
    term = openTerminal('e2e', s);
  });

  afterAll(async () => {
    term?.stop();
    await setThrottle(world, DEFAULT_THROTTLE);
    await docker(world, ['rmi', '-f', `${slow}/team/multi:1.0`]);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('searches a private registry, downloads a tag with live progress, then deletes the image from Local', () =>
    withTrace(term, async () => {
      await term.until('the depots', (t) => t.includes('1 Local') && t.includes('5 slow'));
      // Typed ahead, as a person who knows the app types: no waiting between these keys (the app
      // applies each to the screen the previous one left, and holds list keys until the list is there).
      term.key('5');
      term.burst('/multi');
      term.key('Enter');
      let t = await term.idle('the search of slow');
      expect(t).toContain('filter: multi');
      expect(t).toContain(`${slow}/team/multi`);
      expect(t).not.toContain(`${slow}/team/alpha`);
      // `multi` matches team/multi and team/multiarch: the first is team/multi.
      term.key('Enter');
      t = await term.idle('the tags screen');
      expect(t).toContain(`Tags of ${slow}/team/multi`);
      expect(t).toMatch(/›\s+1\.0/);
      term.key('p', 'D');
      t = await term.idle('the download started');
      expect(t).toContain(`downloading ${slow}/team/multi:1.0`);
      // The download itself is not a key: its progress is watched on the screen.
      const progress = await term.until('progress bars', (x) => /team\/multi:1\.0\s+(downloading|extracting)\s+[█▏▎▍▌▋▊▉]*░+\s+\d+%/.test(x) && /Downloading|Extracting/.test(x));
      expect(progress).toMatch(/↓ 1 downloading \d+%/);
      await term.until('the download to complete', (x) => /team\/multi:1\.0\s+complete/.test(x), 60_000);
      // Back and to Local at once (Downloads opened over the depots: one Esc is enough, a second does no harm).
      term.key('Escape', 'Escape', '1');
      t = await term.idle('the Local list');
      expect(t).toContain(`${slow}/team/multi`);
      expect(t).toMatch(/1\.0\s+(?:[0-9a-f]{12}\s+)?1\.\d+ MB/);
      // Select it (rows keep their place: the selection follows its row, keys wait for a list being fetched).
      const lines = t.split('\n');
      const row = lines.findIndex((l) => l.includes(`${slow}/team/multi `));
      const first = lines.findIndex((l) => l.includes('›'));
      for (let i = first; i < row; i++) term.key('Down');
      t = await term.idle('the row selected');
      expect(t.split('\n').find((l) => l.includes('›'))).toContain(`${slow}/team/multi `);
      term.key('d');
      t = await term.idle('the delete question');
      expect(t).toMatch(new RegExp(`Delete ${slow.replace(/\./g, '\\.')}/team/multi:1\\.0 \\([0-9a-f]{12}\\)\\?`));
      // Answered after it was drawn: it deletes.
      term.key('y');
      t = await term.idle('the image deleted');
      expect(t).toContain(`deleted ${slow}/team/multi:1.0`);
      expect(t.split('\n').some((l) => l.includes(`${slow}/team/multi `))).toBe(false);
      const local = await run(s, ['image', 'list', '--json']);
      expect(local.stdout).not.toContain(`${slow}/team/multi"`);
      term.key('q');
      await term.until('the app to end', (x) => x.includes('EXITED=0'));
    }));
});
