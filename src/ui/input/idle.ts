// The whole app is idle when no key waits to be applied, no list or service call is in flight, and
// the last frame has been written (lazygit's integration driver waits until every task is idle). Tests
// in a pseudo-terminal wait for it instead of polling the screen for words.
//
// The last frame: Ink writes a frame at most every 1000/maxFps ms, the trailing one from a timer. Idle
// is told only after `quietMs` (longer than that interval) with nothing new: timers run in the order
// they are due, so a frame Ink still owes is written before this check runs, however loaded the machine.

export interface IdleDeps {
  /** What keeps the app busy now ('' when nothing). */
  busy(): string;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  quietMs: number;
  /** Told each time the app goes idle after being busy, and when it goes busy again. */
  report(state: 'idle' | 'busy', why: string): void;
}

export class IdleWatch {
  private timer: unknown = null;
  private state: 'idle' | 'busy' | null = null;
  private why = '';

  constructor(private readonly deps: IdleDeps) {}

  /** New input was read: the next idle is told again (with what has been read by then). */
  input(): void {
    this.state = null;
    this.poke();
  }

  /** Something happened (a key applied, a request began or ended): look again. */
  poke(): void {
    const why = this.deps.busy();
    if (this.timer !== null) {
      this.deps.clearTimer(this.timer);
      this.timer = null;
    }
    if (why !== '') {
      // Told again when what it waits for changes (the trace shows what a key asked for).
      if (this.state !== 'busy' || why !== this.why) {
        this.state = 'busy';
        this.why = why;
        this.deps.report('busy', why);
      }
      return;
    }
    this.why = '';
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      if (this.deps.busy() !== '') return this.poke();
      if (this.state === 'idle') return;
      this.state = 'idle';
      this.deps.report('idle', '');
    }, this.deps.quietMs);
  }

  dispose(): void {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
  }
}
