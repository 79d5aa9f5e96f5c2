// `stevedore watch` (DESIGN.md "Updates", issue 22): the update check on a schedule, and one notice per new
// digest per image. A round asks every registry (a HEAD per tag, as `image updates --refresh`), takes the tags
// with an update, and for each notifier the ones it has not been told about (watch.json keeps, per notifier,
// the remote digest it last took for each tag). Nothing new: no message, no extra request. Something new:
// the versions are looked up once (versions.ts), one message per notifier lists every new image, and what a
// notifier took is recorded only when it took it, so a failed delivery is tried again next round.
// Without notifiers the message goes to the caller (stdout: cron mails it), recorded under STDOUT.
import type { Clock } from '../../domain/clock';
import { describeError } from '../../domain/errors';
import { redactSecrets } from '../../domain/sanitize';
import type { UpdateNotice } from '../../domain/notice';
import type { Notifier } from '../../domain/notifiers';
import type { UpdateResult } from '../../domain/updates';
import type { RoundRecord, Told } from '../../store/watchStore';

export type { RoundRecord };
import type { NotifyServices } from '../notify/index';
import type { CheckRound, UpdateServices } from './index';

/** Where notices go when no notifier is configured: the command's standard output. */
export const STDOUT = '-';

export interface WatchStoreLike {
  told(engine: string): Record<string, Told>;
  record(engine: string, told: Record<string, Told>, round: RoundRecord, keep: (key: string) => boolean): void;
  lastRound(engine: string): RoundRecord | null;
}

export interface WatchDeps {
  updates: () => Promise<Pick<UpdateServices, 'check' | 'describe' | 'engineKey'>>;
  notify: () => Promise<Pick<NotifyServices, 'list' | 'send'>>;
  store: () => Promise<WatchStoreLike>;
  clock: Clock;
}

export interface Delivery {
  notifier: string;
  kind: Notifier['kind'] | 'stdout';
  notices: UpdateNotice[];
  /** Null when delivered. */
  error: string | null;
}

export interface WatchRound {
  at: string;
  engine: string;
  checked: number;
  /** Tags with an update available (told before or not). */
  updates: number;
  /** Notices new to at least one notifier. */
  notices: UpdateNotice[];
  deliveries: Delivery[];
  notes: string[];
  requests: CheckRound['requests'];
}

export interface WatchServices {
  /** One round: check, tell each notifier what is new to it, record what it took. */
  round(options?: { signal?: AbortSignal }): Promise<WatchRound>;
  /** What the last round did on this engine (`watch status`). */
  lastRound(): Promise<RoundRecord | null>;
}

/** A failure as one line (never a secret: messages carry none, and URLs are redacted anyway). */
export function errorText(error: unknown): string {
  return redactSecrets(describeError(error));
}

const keyOf = (r: { fullName: string; tag: string }): string => `${r.fullName}:${r.tag}`;

export function createWatchServices(deps: WatchDeps): WatchServices {
  return {
    async round(options = {}) {
      const [updates, notify, store] = await Promise.all([deps.updates(), deps.notify(), deps.store()]);
      const engine = await updates.engineKey();
      const check = await updates.check({ refresh: true, ...(options.signal ? { signal: options.signal } : {}) });
      const available = check.results.filter((r): r is UpdateResult & { remoteDigest: string } => r.status === 'update_available' && r.remoteDigest !== null);
      const notifiers = await notify.list();
      const told = store.told(engine);
      const targets: Array<{ name: string; kind: Delivery['kind']; notifier: Notifier | null }> =
        notifiers.length > 0 ? notifiers.map((n) => ({ name: n.name, kind: n.kind, notifier: n })) : [{ name: STDOUT, kind: 'stdout', notifier: null }];
      const pendingOf = (name: string): Array<UpdateResult & { remoteDigest: string }> => available.filter((r) => told[name]?.[keyOf(r)] !== r.remoteDigest);
      const newOnes = available.filter((r) => targets.some((t) => pendingOf(t.name).includes(r)));
      // Versions only when there is something to tell (a quiet round costs the HEADs and nothing more).
      const notices = newOnes.length > 0 ? await updates.describe(newOnes, options.signal ? { signal: options.signal } : {}) : [];
      const noticeOf = new Map(notices.map((n) => [keyOf(n), n]));
      const deliveries: Delivery[] = [];
      const took: Record<string, Told> = {};
      for (const t of targets) {
        const pending = pendingOf(t.name);
        if (pending.length === 0) continue;
        const list = pending.map((r) => noticeOf.get(keyOf(r))).filter((n): n is UpdateNotice => n !== undefined);
        let error: string | null = null;
        if (t.notifier) {
          try {
            await notify.send(t.notifier, list, { engine, ...(options.signal ? { signal: options.signal } : {}) });
          } catch (e) {
            error = errorText(e);
          }
        }
        deliveries.push({ notifier: t.name, kind: t.kind, notices: list, error });
        if (error === null) took[t.name] = Object.fromEntries(list.map((n) => [keyOf(n), n.remoteDigest]));
      }
      const at = new Date(deps.clock.now()).toISOString();
      const present = new Set(check.results.map(keyOf));
      store.record(
        engine,
        took,
        {
          at,
          checked: check.results.length,
          updates: available.length,
          notified: Object.fromEntries(deliveries.filter((d) => d.error === null).map((d) => [d.notifier, d.notices.length])),
          failed: Object.fromEntries(deliveries.filter((d) => d.error !== null).map((d) => [d.notifier, d.error as string])),
        },
        (key) => present.has(key),
      );
      return { at, engine, checked: check.results.length, updates: available.length, notices, deliveries, notes: check.notes, requests: check.requests };
    },
    async lastRound() {
      const [updates, store] = await Promise.all([deps.updates(), deps.store()]);
      return store.lastRound(await updates.engineKey());
    },
  };
}

export interface LoopOptions {
  /** Milliseconds between the start of one round and the next (read before each wait). */
  interval: () => number | Promise<number>;
  signal: AbortSignal;
  onRound: (round: WatchRound) => void;
  onError: (error: unknown) => void;
  /** Waits `ms` or until `signal` aborts (the clock is injected in tests). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  clock: Clock;
}

/** Rounds until `signal` aborts: a failing round is reported and the next one comes at its time. */
export async function watchLoop(watch: WatchServices, o: LoopOptions): Promise<void> {
  while (!o.signal.aborted) {
    const started = o.clock.now();
    try {
      o.onRound(await watch.round({ signal: o.signal }));
    } catch (error) {
      if (o.signal.aborted) break;
      o.onError(error);
    }
    if (o.signal.aborted) break;
    const wait = Math.max(0, (await o.interval()) - (o.clock.now() - started));
    await o.sleep(wait, o.signal);
  }
}
