import type { Redis } from "ioredis";
import type { Logger } from "../log.js";
import { execAll } from "../redis.js";
import type { Keys } from "../store/keys.js";
import { FlushTimer } from "./flush-timer.js";

/**
 * Durations operators chart, observed by whichever process does the work and summed in Redis as
 * histogram buckets, so that /metrics in any process reports every process's observations.
 */
export const TIMINGS = {
  fanout: {
    metric: "bulletin_fanout_duration_seconds",
    help: "Fan-out of one article: from its fan-out job's start to its categories' rounds started or joined.",
  },
  ingest_to_first_delivery: {
    metric: "bulletin_ingest_to_first_delivery_seconds",
    help: "From an article's ingest to the first chat Telegram accepted it for.",
  },
  ingest_to_delivery: {
    metric: "bulletin_ingest_to_delivery_seconds",
    help: "From an article's ingest to each chat Telegram accepted it for (one observation per article and chat; the top buckets are the last deliveries).",
  },
  budget_wait: {
    metric: "bulletin_send_budget_wait_seconds",
    help: "How long a send waited for a slot of the shared send budget (SEND_RATE, 429 pauses).",
  },
} as const;

export type TimingName = keyof typeof TIMINGS;

/** Upper bounds (seconds) of the buckets, as Prometheus `le`; the last bucket is +Inf. */
export const TIMING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

const FLUSH_INTERVAL_MS = 250;

interface Pending {
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** Pure: the index of the bucket `seconds` falls in (TIMING_BUCKETS.length for +Inf). */
export function bucketIndex(seconds: number): number {
  const index = TIMING_BUCKETS.findIndex((le) => seconds <= le);
  return index === -1 ? TIMING_BUCKETS.length : index;
}

export interface TimingTotals {
  /** Per bucket (not cumulative), the last one +Inf. */
  readonly buckets: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** Observations summed in memory and added to Redis a few times a second (and on stop). */
export class Timings {
  private pending = new Map<TimingName, Pending>();
  private readonly flushTimer: FlushTimer;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    logger: Logger,
  ) {
    this.flushTimer = new FlushTimer(
      () => this.flush(),
      FLUSH_INTERVAL_MS,
      (error) => logger.warn({ err: error }, "delivery timings not stored: the histograms miss them"),
    );
  }

  observe(name: TimingName, seconds: number): void {
    let entry = this.pending.get(name);
    if (!entry) this.pending.set(name, (entry = { buckets: new Array<number>(TIMING_BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
    entry.buckets[bucketIndex(seconds)]! += 1;
    entry.sum += seconds;
    entry.count += 1;
    this.flushTimer.schedule();
  }

  async flush(): Promise<void> {
    this.flushTimer.clear();
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [name, entry] of pending) {
      const key = this.keys.timings(name);
      entry.buckets.forEach((count, i) => count > 0 && pipeline.hincrby(key, `b${i}`, count));
      pipeline.hincrbyfloat(key, "sum", entry.sum);
      pipeline.hincrby(key, "count", entry.count);
    }
    await execAll(pipeline, "storing delivery timings");
  }
}

export async function readTimings(redis: Redis, keys: Keys): Promise<Map<TimingName, TimingTotals>> {
  const names = Object.keys(TIMINGS) as TimingName[];
  const pipeline = redis.pipeline();
  for (const name of names) pipeline.hgetall(keys.timings(name));
  const results = await execAll(pipeline, "reading delivery timings");
  return new Map(
    names.map((name, i) => {
      const raw = (results[i] ?? {}) as Record<string, string>;
      const buckets = Array.from({ length: TIMING_BUCKETS.length + 1 }, (_, b) => Number(raw[`b${b}`] ?? 0));
      return [name, { buckets, sum: Number(raw.sum ?? 0), count: Number(raw.count ?? 0) }];
    }),
  );
}

/** Pure: one histogram in Prometheus' text exposition format (cumulative buckets). */
export function renderHistogram(metric: string, help: string, totals: TimingTotals): string {
  const lines = [`# HELP ${metric} ${help}`, `# TYPE ${metric} histogram`];
  let cumulative = 0;
  TIMING_BUCKETS.forEach((le, i) => {
    cumulative += totals.buckets[i] ?? 0;
    lines.push(`${metric}_bucket{le="${le}"} ${cumulative}`);
  });
  cumulative += totals.buckets[TIMING_BUCKETS.length] ?? 0;
  lines.push(`${metric}_bucket{le="+Inf"} ${cumulative}`, `${metric}_sum ${totals.sum}`, `${metric}_count ${totals.count}`);
  return `${lines.join("\n")}\n`;
}
