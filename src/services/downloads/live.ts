// The live view of one worker's downloads, kept once per client: one `subscribe` to the worker however many
// listen, one snapshot (a new one only when something changed, with the worker's version), handed to each
// listener at the rate it asks for (`intervalMs`: at most that often, and at once when a download starts or
// ends). Without a worker it shows the history the last one left and looks for a worker every `pollMs`; a
// connection opened by anyone (a `start` that launched the worker) is taken at once, checked every 50 ms
// without any I/O, so the first download shows as soon as the worker holding it answers.
import type { TimerClock } from '../../domain/clock';
import { Throttle } from './throttle';
import type { DownloadRecord } from './protocol';

/** What the live view needs of an open connection to the worker (client.ts's Connection). */
export interface LiveConnection {
  closed: boolean;
  request(body: { op: 'subscribe' }): Promise<unknown>;
  onUpdate(listener: (changed: DownloadRecord[], cleared: string[], version: number | null) => void): () => void;
  onClose(listener: (error: Error) => void): () => void;
}

export interface LiveSource {
  /** The connection open now, if any (no I/O). */
  current(): LiveConnection | null;
  /** Connects without starting a worker: null when none runs; `stuck` when one is there but does not answer. */
  connect(): Promise<LiveConnection | { none: true; stuck: boolean }>;
  /** What the last worker left (running entries read as failed "interrupted"). */
  history(): DownloadRecord[];
  /** Narrows the worker's answer to `subscribe` (the whole list). */
  records(value: unknown): DownloadRecord[];
}

export interface LiveSnapshot {
  /** Goes up with every change (the worker's version when it says it). */
  version: number;
  downloads: DownloadRecord[];
}

export type LiveListener = (all: DownloadRecord[], version: number) => void;

/** How often an unattached view looks (without I/O) for a connection someone else opened. */
const TAKE_MS = 50;

export class LiveView {
  private snapshot: LiveSnapshot = { version: 0, downloads: [] };
  private readonly all = new Map<string, DownloadRecord>();
  private readonly listeners = new Map<LiveListener, { throttle: Throttle | null; shape: string }>();
  private detach: (() => void) | null = null;
  private pollTimer: unknown = null;
  private takeTimer: unknown = null;
  private running = false;
  private attaching = false;
  private local = 0;

  constructor(
    private readonly source: LiveSource,
    private readonly clock: TimerClock,
    private readonly pollMs: number,
  ) {}

  get current(): LiveSnapshot {
    return this.snapshot;
  }

  /** Listens (the first listener starts the view); `intervalMs`: at most that often, a start or end at once. */
  subscribe(listener: LiveListener, options: { intervalMs?: number } = {}): () => void {
    const interval = options.intervalMs ?? 0;
    const entry = { throttle: interval > 0 ? new Throttle(() => this.deliver(listener), interval, this.clock) : null, shape: '' };
    this.listeners.set(listener, entry);
    if (!this.running) this.start();
    else if (this.snapshot.version > 0 || this.snapshot.downloads.length > 0) this.deliver(listener);
    return () => {
      entry.throttle?.cancel();
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private start(): void {
    this.running = true;
    void this.attach();
  }

  private stop(): void {
    this.running = false;
    this.clearTimers();
    this.detach?.();
    this.detach = null;
  }

  private clearTimers(): void {
    if (this.pollTimer !== null) this.clock.clearTimeout(this.pollTimer);
    if (this.takeTimer !== null) this.clock.clearTimeout(this.takeTimer);
    this.pollTimer = null;
    this.takeTimer = null;
  }

  private async attach(): Promise<void> {
    if (!this.running || this.attaching || this.detach) return;
    this.attaching = true;
    this.clearTimers();
    try {
      const found = this.source.current() ?? (await this.source.connect());
      if (!this.running) return;
      if ('none' in found) {
        // No worker: its history. A worker that does not answer: the last view stays (it is not "interrupted").
        if (!found.stuck) this.fromHistory(this.source.history());
        else if (this.local === 0) this.publish(null);
        this.wait();
        return;
      }
      this.follow(found);
    } finally {
      this.attaching = false;
    }
  }

  /** Until a worker is there: a look for one every pollMs, and a connection someone else opens taken at once. */
  private wait(): void {
    if (!this.running) return;
    this.pollTimer = this.clock.setTimeout(() => void this.attach(), this.pollMs);
    const take = (): void => {
      this.takeTimer = null;
      if (!this.running || this.detach) return;
      if (this.source.current()) return void this.attach();
      this.takeTimer = this.clock.setTimeout(take, TAKE_MS);
    };
    this.takeTimer = this.clock.setTimeout(take, TAKE_MS);
  }

  private follow(connection: LiveConnection): void {
    const offUpdate = connection.onUpdate((changed, cleared, version) => {
      for (const id of cleared) this.all.delete(id);
      for (const r of changed) this.all.set(r.id, r);
      this.publish(version);
    });
    const offClose = connection.onClose(() => {
      this.detach?.();
      this.detach = null;
      if (this.running) this.pollTimer = this.clock.setTimeout(() => void this.attach(), TAKE_MS);
    });
    this.detach = () => {
      offUpdate();
      offClose();
    };
    connection.request({ op: 'subscribe' }).then(
      (answer) => {
        if (this.detach) this.replace(this.source.records(answer), null);
      },
      () => undefined, // the close listener attaches again
    );
  }

  /** The history, published only when it differs from what is shown (it is read again on every look). */
  private fromHistory(list: DownloadRecord[]): void {
    const key = (all: Iterable<DownloadRecord>): string => [...all].map((d) => `${d.id}:${d.status}:${d.finishedAt ?? ''}`).join(',');
    if (this.local > 0 && key(list) === key(this.all.values())) return;
    this.replace(list, null);
  }

  private replace(list: DownloadRecord[], version: number | null): void {
    this.all.clear();
    for (const r of list) this.all.set(r.id, r);
    this.publish(version);
  }

  private publish(version: number | null): void {
    this.local = Math.max(this.local + 1, version ?? 0);
    this.snapshot = { version: this.local, downloads: [...this.all.values()] };
    for (const [listener, entry] of this.listeners) {
      // What is there and its status (a start, an end) goes out at once; progress at the listener's rate.
      const shape = this.snapshot.downloads.map((d) => `${d.id}:${d.status}`).join(',');
      if (!entry.throttle) this.deliver(listener);
      else if (shape !== entry.shape) {
        entry.shape = shape;
        entry.throttle.flush();
      } else entry.throttle.request();
    }
  }

  private deliver(listener: LiveListener): void {
    if (this.listeners.has(listener)) listener(this.snapshot.downloads, this.snapshot.version);
  }
}
