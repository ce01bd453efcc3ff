/**
 * Where Redis's clock stands against this process's monotonic clock (`performance.now()`), the
 * way NTP estimates it: a call that read Redis's time gives the offset between that time and the
 * middle of the call, right to within half the call's round trip. The estimate is the offset of the
 * fastest of the recent calls, so a reply that waited behind a busy event loop (a GC, a long task)
 * does not move it; only recent calls count, so a step of Redis's wall clock is followed.
 */
export class RedisClock {
  private readonly samples: { readonly offsetMs: number; readonly roundTripMs: number }[] = [];

  constructor(private readonly keep = 16) {}

  /** A call sent at `sentAt` and answered at `receivedAt` (local ms) read Redis's time `redisMs`. */
  observe(sentAt: number, receivedAt: number, redisMs: number): void {
    this.samples.push({ offsetMs: redisMs - (sentAt + receivedAt) / 2, roundTripMs: receivedAt - sentAt });
    if (this.samples.length > this.keep) this.samples.shift();
  }

  /** Redis's time `redisMs` on the local clock; undefined before the first call was observed. */
  toLocal(redisMs: number): number | undefined {
    let best = this.samples[0];
    for (const sample of this.samples) if (sample.roundTripMs < best!.roundTripMs) best = sample;
    return best && redisMs - best.offsetMs;
  }
}
