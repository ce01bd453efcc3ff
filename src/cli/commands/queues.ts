import { parseArgs } from "node:util";
import { BULLETIN_QUEUE_NAMES, isBulletinQueueName, openOperatorQueues, type BulletinQueueName } from "../../queues.js";
import { JOB_STATES, readQueueDepths } from "../../ops/stats.js";
import { EXIT, UsageError, formatCount, guarded, table, type ExitCode, type OperatorCli, queuePrefixOfCli } from "../context.js";

export const QUEUES_USAGE = `Usage: queues <command> [queue…] [--json]   (queues: ${BULLETIN_QUEUE_NAMES.join(", ")}; none named: all)
  queues list                       each queue's jobs by state, and whether it is paused
  queues pause [queue…]             workers take no new job from it (jobs in flight finish); /readyz says so
  queues resume [queue…]
  queues retry-failed [queue…]      moves every failed job back to waiting
  queues clean [queue…] [--state failed|completed|delayed|waiting|prioritized] [--grace <seconds>] [--limit <n>]
                                    removes jobs in a state (default: failed and completed) older than
                                    --grace seconds (default 0), at most --limit per state (default all)`;

const CLEANABLE = ["failed", "completed", "delayed", "wait", "waiting", "prioritized"] as const;
type Cleanable = (typeof CLEANABLE)[number];

function queueNames(positionals: readonly string[]): BulletinQueueName[] {
  if (positionals.length === 0) return [...BULLETIN_QUEUE_NAMES];
  for (const name of positionals) {
    if (!isBulletinQueueName(name)) throw new UsageError(`no queue "${name}" (there are: ${BULLETIN_QUEUE_NAMES.join(", ")})`);
  }
  return [...new Set(positionals)] as BulletinQueueName[];
}

function nonNegativeInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, not "${text}"`);
  return Number(text);
}

/** `queues list|pause|resume|retry-failed|clean`. Returns the exit code. */
export async function runQueuesCommand(args: readonly string[], cli: OperatorCli): Promise<ExitCode> {
  const { io } = cli;
  return guarded(io, "queues", QUEUES_USAGE, async () => {
    const [command, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        json: { type: "boolean" },
        state: { type: "string", multiple: true },
        grace: { type: "string" },
        limit: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
    if (command === undefined || command === "help" || command === "--help") {
      io.stdout(`${QUEUES_USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (!["list", "pause", "resume", "retry-failed", "clean"].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (command !== "clean" && (values.state || values.grace || values.limit)) {
      throw new UsageError("--state, --grace and --limit are for queues clean");
    }
    const names = queueNames(positionals);
    const states = (values.state ?? ["failed", "completed"]).map((state) => {
      if (!(CLEANABLE as readonly string[]).includes(state))
        throw new UsageError(`--state must be one of ${CLEANABLE.join(", ")}, not "${state}"`);
      return state as Cleanable;
    });
    const graceSeconds = nonNegativeInteger(values.grace, "grace", 0);
    const limit = nonNegativeInteger(values.limit, "limit", 0);

    const queues = openOperatorQueues(cli.redis, queuePrefixOfCli(cli));
    try {
      const results: Record<string, unknown>[] = [];
      for (const name of names) {
        const queue = queues.byName(name);
        switch (command) {
          case "list":
            break;
          case "pause":
            await queue.pause();
            results.push({ queue: name, paused: true });
            if (!values.json) io.stdout(`${name}: paused\n`);
            break;
          case "resume":
            await queue.resume();
            results.push({ queue: name, paused: false });
            if (!values.json) io.stdout(`${name}: resumed\n`);
            break;
          case "retry-failed": {
            const failed = await queue.getFailedCount();
            if (failed > 0) await queue.retryJobs({ state: "failed", count: 1000 });
            const left = await queue.getFailedCount();
            results.push({ queue: name, retried: failed - left, failedLeft: left });
            if (!values.json) io.stdout(`${name}: ${formatCount(failed - left)} failed job(s) moved back to waiting\n`);
            break;
          }
          case "clean": {
            const removed: Record<string, number> = {};
            for (const state of states) removed[state] = (await queue.clean(graceSeconds * 1000, limit, state)).length;
            results.push({ queue: name, removed });
            if (!values.json) {
              io.stdout(`${name}: removed ${states.map((s) => `${formatCount(removed[s] ?? 0)} ${s}`).join(", ")}\n`);
            }
            break;
          }
        }
      }
      if (command === "list") {
        const depths = await readQueueDepths(names.map((n) => queues.byName(n)));
        if (values.json) io.stdout(`${JSON.stringify(depths, null, 2)}\n`);
        else {
          const rows = [
            ["QUEUE", "PAUSED", ...JOB_STATES.map((s) => s.toUpperCase())],
            ...depths.map((d) => [d.queue, d.paused ? "yes" : "no", ...JOB_STATES.map((s) => formatCount(d.jobs[s]))]),
          ];
          io.stdout(`${table(rows, { rightAlign: JOB_STATES.map((_, i) => i + 2) })}\n`);
        }
      } else if (values.json) {
        io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      }
      return EXIT.ok;
    } finally {
      await queues.close();
    }
  });
}
