import type { Categories } from "../config/categories.js";
import type { Role } from "../config/common.js";
import type { Config } from "../config/env.js";
import { ensureCanListen } from "../http/port.js";
import type { Logger } from "../log.js";
import type { Sandbox } from "../sandbox/start.js";
import { startRole, type RunningRole, type Tuning } from "./roles/index.js";
import { createRuntime, type Runtime } from "./runtime.js";

export interface Bulletin {
  readonly runtime: Runtime;
  readonly roles: readonly RunningRole[];
  /** The HTTP server's address when the http role runs. */
  readonly httpUrl: string | undefined;
  /** Graceful stop: no new work, in-flight sends finish, queues and Redis closed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly roles?: readonly Role[];
  readonly tuning?: Tuning;
  readonly categories?: Categories;
  /**
   * A sandbox's built-in Bot API and clock: the sandbox's keys are cleared first, the readers'
   * schedules follow its clock and the http role serves /sandbox.
   */
  readonly sandbox?: Sandbox;
}

/**
 * How long a graceful stop may wait for sends in flight: below compose's (and Kubernetes') 30 s
 * grace, so that Bulletin, not a SIGKILL, decides what happens to the work it holds.
 */
export const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * The HTTP server first: a port that turns out busy after all (ensureCanListen checked it) stops
 * start-up before the bot and the workers take any work.
 */
const START_ORDER: readonly Role[] = ["http", "bot", "workers", "feeds"];

/** Starts the configured roles in this process. */
export async function startBulletin(config: Config, logger: Logger, options: StartOptions = {}): Promise<Bulletin> {
  const wanted = options.roles ?? config.roles;
  if (wanted.includes("http")) await ensureCanListen(config.http.host, config.http.port);
  const runtime = await createRuntime(config, logger, options.categories, {
    emptySandbox: options.sandbox !== undefined,
    clock: options.tuning?.clock ?? options.sandbox?.clock,
  });
  const roles: RunningRole[] = [];
  try {
    for (const role of START_ORDER.filter((r) => wanted.includes(r)))
      roles.push(await startRole(role, runtime, options.tuning, options.sandbox));
  } catch (error) {
    await Promise.allSettled(roles.map((r) => r.stop()));
    await runtime.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    runtime,
    roles,
    httpUrl: roles.find((r) => r.url)?.url,
    stop() {
      stopped ??= (async () => {
        // Intake first (HTTP, bot, feeds), then the workers finish what they hold, then connections close.
        const order: Role[] = ["http", "bot", "feeds", "workers"];
        const graceful = (async () => {
          for (const name of order) await Promise.all(roles.filter((r) => r.role === name).map((r) => r.stop()));
        })();
        const deadlineMs = options.tuning?.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS;
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), deadlineMs)));
        const outcome = await Promise.race([graceful.then(() => "done" as const), late]);
        clearTimeout(timer);
        if (outcome === "late") {
          logger.warn(
            { deadlineMs },
            "shutdown deadline passed with work in flight: its jobs go back to the queue (BullMQ's stalled check) for the next process",
          );
          await Promise.allSettled(roles.map((r) => r.abort?.() ?? Promise.resolve()));
          graceful.catch(() => undefined);
        }
        await runtime.close();
        logger.info("stopped");
      })();
      return stopped;
    },
  };
}
