import type { Role } from "../../config/common.js";
import type { FloodLimit } from "../../bot/flood.js";
import type { PacingOptions } from "../../delivery/deliverer.js";
import type { Sandbox } from "../../sandbox/start.js";
import type { Clock } from "../../time.js";
import type { Runtime } from "../runtime.js";
import { startBot } from "./bot.js";
import { startFeedsRole } from "./feeds.js";
import { startHttp } from "./http.js";
import { startWorkers } from "./workers.js";

/** Knobs tests and benchmarks turn; production runs with the defaults. */
export interface Tuning {
  readonly pacing?: PacingOptions;
  /** Each user's commands and presses answered in a window (stories not about floods raise it). */
  readonly flood?: FloodLimit;
  /** BullMQ: how soon a job of a dead worker is taken over (ms). */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly deliveryConcurrency?: number;
  readonly sliceMs?: number;
  /** Benchmarks only: a send budget above Telegram's limits, to measure Bulletin's own ceiling. */
  readonly sendRate?: number;
  /** Fixed bounds for the number of sends in flight (benchmarks compare at equal concurrency). */
  readonly inFlight?: { readonly min: number; readonly max: number };
  /** What time it is for digests and quiet hours: stories move it instead of waiting (in-process only). */
  readonly clock?: Clock;
  /** How long one reading of /metrics is served (default METRICS_CACHE_MS), on which clock. */
  readonly metricsCache?: { readonly ttlMs?: number; readonly now?: () => number };
  /** How long a graceful stop may take before the process gives up on sends in flight (default SHUTDOWN_DEADLINE_MS). */
  readonly shutdownDeadlineMs?: number;
  /** How often the due scan runs (ms): stories move their clock and should not wait 15 s for it. */
  readonly dueScanMs?: number;
}

export interface RunningRole {
  readonly role: Role;
  /** Where the HTTP role listens. */
  readonly url?: string;
  /** Stop taking work, finish what is in flight. */
  stop(): Promise<void>;
  /**
   * The shutdown deadline passed while stop() waits (a send Telegram does not answer): keep what is
   * done (counters), leave the rest to be taken over. The process exits after this.
   */
  abort?(): Promise<void>;
}

/** Starts one role (ROLES) in this process: each lives in a file of its own next to this one. */
export async function startRole(role: Role, runtime: Runtime, tuning: Tuning = {}, sandbox?: Sandbox): Promise<RunningRole> {
  switch (role) {
    case "bot":
      return startBot(runtime, tuning);
    case "workers":
      return startWorkers(runtime, tuning);
    case "http":
      return startHttp(runtime, tuning, sandbox);
    case "feeds":
      return startFeedsRole(runtime);
  }
}
