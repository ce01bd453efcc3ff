/**
 * The timer of a buffer that is summed in memory and written to Redis a few times a second (and on
 * stop), so that counting costs a send nothing: the first change after a write starts it, and the
 * buffer's `flush` runs when it fires.
 */
export class FlushTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly intervalMs: number,
    /** A flush the timer ran failed (one on stop fails its caller). */
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** After a change to the buffer: a flush within the interval, unless one is due already. */
  schedule(): void {
    this.timer ??= setTimeout(() => void this.flush().catch(this.onFailure), this.intervalMs);
  }

  /** When the buffer is written (by the timer or on stop): the next change starts the timer again. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
