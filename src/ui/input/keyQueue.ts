// The keystroke layer's second half: keys are applied one at a time, in order, each to the state the
// previous one produced. After a key is dispatched the queue asks React to commit (`commit()`) and
// goes on only when told the commit happened (`committed()`): handlers and layers then belong to the
// screen the previous key left, never to a closure from before it. A key for a layer that is still
// loading its list is held (`3p` pulls from tab 3 once tab 3 has rows), with a deadline. Each key
// keeps the number of the read it came in (a question that destroys something drops older ones).
import { isTextEvent } from './route';
import type { KeyEvent } from './tokenizer';

export interface QueueDeps {
  /**
   * Offers the key to the layers: 'hold' keeps it at the head of the queue; 'repeat' says its
   * command composes, so the same key right after it may be applied before the commit; 'text' says
   * a text field took it, so more text right after it may go there before the commit. `read` is the
   * number of the read the key came in.
   */
  route(event: KeyEvent, force: boolean, read: number): 'done' | 'hold' | 'repeat' | 'text';
  /** Asks React for a commit; may call `committed()` before it returns (legacy, synchronous mode). */
  commit(): void;
  /** Runs `fn` soon, outside of React's render and commit. */
  defer(fn: () => void): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  /** Called when the last queued key has been applied (tests wait for it). */
  idle?(): void;
}

/** How long a key waits for a list that is loading before it is applied anyway. */
export const HOLD_MS = 5000;

interface Queued {
  event: KeyEvent;
  read: number;
}

export class KeyQueue {
  private queue: Queued[] = [];
  private awaitingCommit = false;
  private draining = false;
  private scheduled = false;
  private holdTimer: unknown = null;
  private holdExpired = false;

  constructor(private readonly deps: QueueDeps) {}

  get size(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.queue.length > 0 || this.awaitingCommit;
  }

  /** Keys of one read (numbered `read`; tests may leave it out). */
  push(events: readonly KeyEvent[], read = 0): void {
    if (events.length === 0) return;
    // ctrl+c is never stuck behind keys held for a list that does not come.
    if (this.holdTimer !== null && events.some((e) => e.kind === 'key' && e.name === 'ctrl+c')) {
      this.queue = [];
      this.stopHold();
    }
    for (const event of events) this.queue.push({ event, read });
    this.drain();
  }

  /** React committed: the next key may go. */
  committed(): void {
    if (!this.awaitingCommit) return;
    this.awaitingCommit = false;
    if (!this.draining) this.schedule();
  }

  /** Layers changed (a list arrived): a held key may go now. */
  changed(): void {
    if (this.holdTimer !== null) this.schedule();
  }

  dispose(): void {
    this.queue = [];
    this.stopHold();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.deps.defer(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private stopHold(): void {
    if (this.holdTimer !== null) this.deps.clearTimer(this.holdTimer);
    this.holdTimer = null;
    this.holdExpired = false;
  }

  drain(): void {
    if (this.draining || this.awaitingCommit) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.awaitingCommit) {
        const head = this.queue[0] as Queued;
        const outcome = this.deps.route(head.event, this.holdExpired, head.read);
        if (outcome === 'hold') {
          if (this.holdTimer === null) {
            this.holdTimer = this.deps.setTimer(() => {
              this.holdExpired = true;
              this.schedule();
            }, HOLD_MS);
          }
          return;
        }
        this.stopHold();
        this.queue.shift();
        const event = head.event;
        const next = this.queue[0]?.event;
        if (outcome === 'repeat' && next?.kind === 'key' && event.kind === 'key' && next.name === event.name) continue;
        if (outcome === 'text' && next !== undefined && isTextEvent(next)) continue;
        this.awaitingCommit = true;
        this.deps.commit();
      }
    } finally {
      this.draining = false;
    }
    if (!this.busy) this.deps.idle?.();
  }
}
