// "A question that destroys something listens only to keys typed after it was drawn" (STYLE.md). Reads
// of the terminal and frames written to it are numbered on one counter (the router's); a question opens
// a gate when React commits it, the gate notes the first frame written after that, and from then on
// takes only keys from later reads. Keys read earlier (typed ahead, or while the question was not on
// the screen yet) are dropped and counted, so the question can say how many it ignored.

export class Gate {
  /** The counter when the question was committed (null: not yet): frames after it show the question. */
  openedAt: number | null = null;
  /** Number of the first frame written after the question was committed (null: not drawn yet). */
  drawnAt: number | null = null;
  /** Keys dropped so far. */
  dropped = 0;
  private readonly listeners = new Set<(dropped: number) => void>();

  /** The question was committed; `seq` is the counter then. */
  open(seq: number): void {
    this.openedAt = seq;
    this.drawnAt = null;
  }

  /** A frame numbered `seq` was written to the terminal. */
  frame(seq: number): void {
    if (this.openedAt !== null && this.drawnAt === null && seq > this.openedAt) this.drawnAt = seq;
  }

  /** True for a key from a read after the question was drawn. */
  accepts(read: number): boolean {
    return this.drawnAt !== null && read > this.drawnAt;
  }

  drop(): void {
    this.dropped += 1;
    for (const l of this.listeners) l(this.dropped);
  }

  /** Told each time a key is dropped (the question shows the count). */
  onDrop(listener: (dropped: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
