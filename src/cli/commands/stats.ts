import { sentInLastMinute } from "../../delivery/stats.js";
import { parseArgs } from "node:util";
import { openOperatorQueues } from "../../queues.js";
import {
  DELIVERY_EVENTS,
  INGEST_OUTCOMES,
  INGEST_SOURCES,
  JOB_STATES,
  countChats,
  readCounters,
  readFeeds,
  readQueueDepths,
  readSubscribers,
  type ChatCounts,
  type CategorySubscribers,
  type Counters,
  type FeedsSummary,
  type QueueDepth,
} from "../../ops/stats.js";
import {
  EXIT,
  categoriesOf,
  formatCount,
  guarded,
  keysOf,
  storeOf,
  table,
  type ExitCode,
  type OperatorCli,
  queuePrefixOfCli,
} from "../context.js";

export const STATS_USAGE = `Usage: stats [--json] [--no-chats]
  Subscribers per category, chats by kind, queue depths, delivery and ingest counters, feed health.
  --no-chats skips counting chats by kind (it reads every chat record: seconds for a million).`;

export interface Stats {
  readonly at: string;
  readonly subscribers: readonly CategorySubscribers[];
  readonly chats?: ChatCounts;
  readonly queues: readonly QueueDepth[];
  readonly counters: Counters;
  /** Messages sent by every process in the last 60 seconds. */
  readonly sentLastMinute: number;
  readonly feeds: FeedsSummary;
}

export async function collectStats(cli: OperatorCli, options: { readonly chats: boolean }): Promise<Stats> {
  const categories = categoriesOf(cli);
  const store = storeOf(cli);
  const queues = openOperatorQueues(cli.redis, queuePrefixOfCli(cli));
  try {
    const now = (cli.now ?? Date.now)();
    const [subscribers, chats, depths, counters, feeds, sentLastMinute] = await Promise.all([
      readSubscribers(store, categories),
      options.chats ? countChats(store) : undefined,
      readQueueDepths(queues.all),
      readCounters(cli.redis, keysOf(cli)),
      readFeeds(cli.redis, cli.prefix, categories, cli.feedInterval),
      sentInLastMinute(cli.redis, keysOf(cli), now),
    ]);
    return {
      at: new Date(now).toISOString(),
      subscribers,
      ...(chats ? { chats } : {}),
      queues: depths,
      counters,
      sentLastMinute,
      feeds,
    };
  } finally {
    await queues.close();
  }
}

function render(stats: Stats): string {
  const n = formatCount;
  const sections: string[] = [];
  sections.push(
    table([["CATEGORY", "TELEGRAM", "BALE"], ...stats.subscribers.map((s) => [s.category, n(s.subscribers), n(s.bale)])], {
      rightAlign: [1, 2],
    }),
  );
  if (stats.chats) {
    const { active, inactive, corrupt } = stats.chats;
    const kinds = Object.keys(active) as (keyof typeof active)[];
    sections.push(
      table(
        [
          ["CHATS", "ACTIVE", "INACTIVE"],
          ...kinds.map((k) => [k, n(active[k]), n(inactive[k])]),
          ["total", n(kinds.reduce((s, k) => s + active[k], 0)), n(kinds.reduce((s, k) => s + inactive[k], 0))],
        ],
        { rightAlign: [1, 2] },
      ) + (corrupt > 0 ? `\n${n(corrupt)} chat record(s) could not be read` : ""),
    );
  }
  sections.push(
    table(
      [
        ["QUEUE", "PAUSED", ...JOB_STATES.map((s) => s.toUpperCase())],
        ...stats.queues.map((q) => [q.queue, q.paused ? "yes" : "no", ...JOB_STATES.map((s) => n(q.jobs[s]))]),
      ],
      { rightAlign: JOB_STATES.map((_, i) => i + 2) },
    ),
  );
  const { platforms, ingested, paidMessages } = stats.counters;
  const { telegram, bale } = platforms;
  // Each platform's counters side by side (issue 15): Telegram's are the fields of every release before Bale.
  const row = (label: string, event: keyof typeof telegram): string[] => [label, n(telegram[event]), n(bale[event])];
  const failures = Object.entries(DELIVERY_EVENTS)
    .filter(([, meaning]) => meaning.failed)
    .map(([event, meaning]) => row(`failed: ${meaning.failed!}`, event as keyof typeof telegram));
  sections.push(
    table(
      [
        ["DELIVERY", "TELEGRAM", "BALE"],
        ["sent in the last minute (both)", `${n(stats.sentLastMinute)} (${(stats.sentLastMinute / 60).toFixed(1)}/s)`, ""],
        row("messages sent (single)", "sent"),
        row("messages sent (digest)", "sent_digest"),
        row("articles delivered", "articles_delivered"),
        row("articles expired before delivery", "expired_article"),
        row("chat records skipped as corrupt", "corrupt_record"),
        ...failures,
        ["paid messages (above 30/s)", n(paidMessages), "-"],
      ],
      { rightAlign: [1, 2] },
    ),
  );
  sections.push(
    table(
      [
        ["INGEST", ...INGEST_OUTCOMES.map((o) => o.toUpperCase())],
        ...INGEST_SOURCES.map((source) => [source, ...INGEST_OUTCOMES.map((o) => n(ingested[source][o]))]),
      ],
      { rightAlign: INGEST_OUTCOMES.map((_, i) => i + 1) },
    ),
  );
  const { byState, feeds } = stats.feeds;
  let feedText = `FEEDS  ${n(byState.ok)} ok, ${n(byState.failing)} failing, ${n(byState.new)} never polled`;
  const failing = feeds.filter((f) => f.state === "failing");
  if (failing.length > 0) {
    feedText += `\n${table([
      ["FAILING FEED", "FAILURES", "LAST ERROR"],
      ...failing.map((f) => [f.url ?? f.feedId, n(f.consecutiveFailures), f.lastError ?? ""]),
    ])}`;
  }
  sections.push(feedText);
  return `${sections.join("\n\n")}\n`;
}

/** `stats`: everything an operator wants to see at a glance; `--json` for scripts. */
export async function runStatsCommand(args: readonly string[], cli: OperatorCli): Promise<ExitCode> {
  return guarded(cli.io, "stats", STATS_USAGE, async () => {
    const { values } = parseArgs({
      args: [...args],
      options: { json: { type: "boolean" }, "no-chats": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help) {
      cli.io.stdout(`${STATS_USAGE}\n`);
      return EXIT.ok;
    }
    const stats = await collectStats(cli, { chats: !values["no-chats"] });
    cli.io.stdout(values.json ? `${JSON.stringify(stats, null, 2)}\n` : render(stats));
    return EXIT.ok;
  });
}
