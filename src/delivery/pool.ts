/**
 * How many sends one process keeps in flight. By Little's law, sustaining `rate` sends per second
 * with a round trip of `latency` seconds needs rate × latency requests in flight; the pool measures
 * the round trip (moving average) and keeps twice that, within [min, max]. At 1,000/s and 60 ms
 * that is ~120; at 30/s it stays small.
 */
export class AdaptivePool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private latencyMs: number;

  constructor(
    private readonly rate: number,
    private readonly bounds: { min: number; max: number } = { min: 4, max: 256 },
    initialLatencyMs = 50,
  ) {
    this.latencyMs = initialLatencyMs;
  }

  get limit(): number {
    const needed = Math.ceil(this.rate * (this.latencyMs / 1000) * 2) + this.bounds.min;
    return Math.min(this.bounds.max, Math.max(this.bounds.min, needed));
  }

  get inFlight(): number {
    return this.active;
  }

  /** Records one round trip to Telegram. */
  observe(latencyMs: number): void {
    this.latencyMs = this.latencyMs * 0.9 + latencyMs * 0.1;
  }

  /**
   * Waits for room, then starts `task` and returns its promise (wrapped so the caller can collect
   * it): the caller is held back while the pool is full, which paces the producer too.
   */
  async submit<T>(task: () => Promise<T>): Promise<{ done: Promise<T> }> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    // Started through a promise so that a task that throws at once still frees its place.
    const done = Promise.resolve()
      .then(task)
      .finally(() => {
        this.active--;
        this.waiting.shift()?.();
      });
    return { done };
  }
}
