// The watch round and loop (issue 22) over the real WatchStore in a temp dir, with the update check and the
// notifiers as fakes (their real sides are tested against real servers elsewhere): one notice per new digest per
// notifier, nothing when nothing is new, a failing notifier served next round, the loop on an injected clock.
import { describe, expect, it } from 'vitest';
import type { UpdateNotice } from '../../../../src/domain/notice';
import type { Notifier } from '../../../../src/domain/notifiers';
import type { UpdateResult } from '../../../../src/domain/updates';
import { createWatchServices, watchLoop, STDOUT, type WatchRound } from '../../../../src/services/updates/watch';
import { WatchStore } from '../../../../src/store/watchStore';
import { tempDir } from '../../helpers';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

function world() {
  let results: UpdateResult[] = [];
  const notifiers: Notifier[] = [];
  const sent: Array<{ notifier: string; notices: UpdateNotice[] }> = [];
  const failing = new Set<string>();
  let now = Date.parse('2031-01-01T00:00:00Z');
  const store = new WatchStore(tempDir(), () => undefined);
  const result = (name: string, remote: string | null, status: UpdateResult['status'] = 'update_available'): UpdateResult => ({
    name,
    fullName: `registry.example/${name}`,
    tag: 'latest',
    id: digest('0'),
    status,
    reason: null,
    localDigest: digest('1'),
    remoteDigest: remote,
    newerTags: [],
    checkedAt: new Date(now).toISOString(),
  });
  const watch = createWatchServices({
    updates: async () => ({
      engineKey: async () => 'unix:///var/run/docker.sock',
      check: async () => ({ results, notes: [], requests: { head: results.length, get: 0, tagLists: 0 }, hubRateLimit: null }),
      describe: async (rs) => rs.map((r) => ({ name: r.name, fullName: r.fullName, tag: r.tag, id: r.id, localDigest: r.localDigest, remoteDigest: r.remoteDigest ?? '', fromVersion: null, toVersion: null, releaseNotes: null })),
    }),
    notify: async () => ({
      list: async () => notifiers,
      send: async (n, notices) => {
        if (failing.has(n.name)) throw new Error(`${n.name} is down`);
        sent.push({ notifier: n.name, notices: [...notices] });
      },
    }),
    store: async () => store,
    clock: { now: () => now },
  });
  return { watch, store, sent, failing, notifiers, result, set: (r: UpdateResult[]) => (results = r), advance: (ms: number) => (now += ms), now: () => now };
}

const hook: Notifier = { name: 'hook', kind: 'webhook', url: 'https://h.example/x', format: 'json', secret: null };
const mail: Notifier = { name: 'mail', kind: 'sendmail', to: ['a@b.org'], from: null };

describe('watch rounds', () => {
  it('tells each notifier once per new digest; quiet when nothing changed', async () => {
    const w = world();
    w.notifiers.push(hook, mail);
    w.set([w.result('app', digest('1'), 'up_to_date')]);
    expect((await w.watch.round()).deliveries).toEqual([]);
    w.set([w.result('app', digest('2'))]);
    const r = await w.watch.round();
    expect(r.deliveries.map((d) => [d.notifier, d.notices.length, d.error])).toEqual([['hook', 1, null], ['mail', 1, null]]);
    expect((await w.watch.round()).deliveries).toEqual([]);
    w.set([w.result('app', digest('3'))]);
    expect((await w.watch.round()).deliveries.map((d) => d.notifier)).toEqual(['hook', 'mail']);
    expect(w.sent).toHaveLength(4);
  });

  it('a notifier that fails gets it again next round, with what came since, in one message', async () => {
    const w = world();
    w.notifiers.push(hook, mail);
    w.failing.add('hook');
    w.set([w.result('app', digest('2'))]);
    const r1 = await w.watch.round();
    expect(r1.deliveries.map((d) => [d.notifier, d.error])).toEqual([['hook', 'hook is down'], ['mail', null]]);
    expect((await w.watch.lastRound())?.failed).toEqual({ hook: 'hook is down' });
    w.failing.delete('hook');
    w.set([w.result('app', digest('2')), w.result('db', digest('5'))]);
    const r2 = await w.watch.round();
    expect(r2.deliveries.map((d) => [d.notifier, d.notices.map((n) => n.name)])).toEqual([['hook', ['app', 'db']], ['mail', ['db']]]);
    expect((await w.watch.round()).deliveries).toEqual([]);
  });

  it('without notifiers the news is handed back (stdout), also once', async () => {
    const w = world();
    w.set([w.result('app', digest('2'))]);
    expect((await w.watch.round()).deliveries).toEqual([expect.objectContaining({ notifier: STDOUT, kind: 'stdout', error: null })]);
    expect((await w.watch.round()).deliveries).toEqual([]);
  });

  it('forgets tags that left the engine', async () => {
    const w = world();
    w.notifiers.push(hook);
    w.set([w.result('app', digest('2'))]);
    await w.watch.round();
    w.set([]);
    await w.watch.round();
    expect(w.store.told('unix:///var/run/docker.sock')).toEqual({ hook: {} });
  });
});

describe('the loop', () => {
  it('a round per interval on the injected clock, a failed round reported, stops when asked', async () => {
    const w = world();
    w.set([w.result('app', digest('2'))]);
    const stop = new AbortController();
    const rounds: WatchRound[] = [];
    const errors: unknown[] = [];
    const waits: number[] = [];
    let calls = 0;
    const watch = {
      round: async () => {
        calls++;
        w.advance(1_000); // a round takes a second
        if (calls === 2) throw new Error('registry down');
        return w.watch.round();
      },
      lastRound: () => w.watch.lastRound(),
    };
    await watchLoop(watch, {
      interval: () => 60_000,
      signal: stop.signal,
      onRound: (r) => rounds.push(r),
      onError: (e) => errors.push(e),
      sleep: async (ms) => {
        waits.push(ms);
        w.advance(ms);
        if (waits.length === 3) stop.abort();
      },
      clock: { now: () => w.now() },
    });
    expect(calls).toBe(3);
    expect(rounds).toHaveLength(2);
    expect(errors.map(String)).toEqual(['Error: registry down']);
    expect(waits).toEqual([59_000, 59_000, 59_000]);
  });
});
