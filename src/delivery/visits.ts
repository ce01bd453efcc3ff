import { articleId, type ArticleId, type ChatId } from "../ids.js";
import type { Logger } from "../log.js";
import { execAll } from "../redis.js";
import type { ChatRecord } from "../store/chat-record.js";
import { epochMinute } from "../time.js";
import type { DelivererDeps } from "./deliverer.js";
import {
  cursorSkip,
  logQueries,
  logQueryKey,
  mergePending,
  planDelivery,
  planDue,
  type DeliveryPlan,
  type LogQuery,
  type LogRead,
} from "./plan.js";
import { ArticleWordsCache, forReader, readerTiming, rescheduleOnly } from "./reader.js";
import { decodeRecords } from "./records.js";

/** Articles read per category log per visit; a reader further behind gets the rest next time. */
const LOG_READ_LIMIT = 50;

/** A chat as read from its shard, before it is planned. */
export interface Readable {
  readonly chat: ChatId;
  /** The record as read from Redis. */
  readonly encoded: string;
  /** Index of the chat's shard in the batch being visited. */
  readonly shardIndex: number;
}

/** A chat with something to do: what to send it, or only when its held articles are due. */
export interface Visit {
  readonly chat: ChatId;
  readonly record: ChatRecord;
  /** The record as read from Redis: claims and commits compare against it. */
  readonly encoded: string;
  /** Index of the visit's shard in the batch being visited. */
  readonly shardIndex: number;
  readonly plan: DeliveryPlan;
  /** How many articles are pending, or Infinity when a log read hit its limit. */
  readonly pending: number;
  /** How many of them expired before they could be delivered. */
  readonly expired: number;
  /** Nothing to send: only the reader's next due minute changes (held until then; undefined: nothing held). */
  readonly reschedule?: { readonly nextDue: number | undefined };
}

type PlannerDeps = Pick<DelivererDeps, "redis" | "keys" | "articles" | "stats" | "clock" | "defaultTimezone">;

/**
 * Plans a batch of chats together: each category log is read once for all of them and each article
 * looked up once, then every chat gets its own plan (the pure part is in plan.ts and reader.ts).
 */
export class VisitPlanner {
  private readonly words = new ArticleWordsCache();

  /**
   * `skipTo` moves a chat's cursor past articles it already has (no plan is made for it now): a
   * write and a later visit, which the deliverer owns.
   */
  constructor(
    private readonly deps: PlannerDeps,
    private readonly logger: Logger,
    private readonly skipTo: (chat: ChatId, seq: number) => Promise<void>,
  ) {}

  async plan(chats: readonly Readable[]): Promise<Visit[]> {
    const { sound, corrupt } = decodeRecords(chats);
    for (const { chat, reason } of corrupt) {
      this.deps.stats.count("corrupt_record");
      this.logger.warn({ chat, reason }, "chat record is corrupt; the chat is skipped, the others are delivered");
    }
    const now = epochMinute(this.deps.clock.now());
    const records = [];
    for (const entry of sound) {
      const timing = readerTiming(entry.record, this.deps.defaultTimezone, now);
      // A held reader's digest is not due yet: nothing to read.
      if (timing.kind !== "hold") records.push({ ...entry, timing, queries: logQueries(entry.record) });
    }
    const queries = new Map<string, LogQuery>();
    for (const entry of records) for (const q of entry.queries) queries.set(logQueryKey(q), q);
    const reads = await this.readLogs([...queries.values()]);
    const candidates: { entry: (typeof records)[number]; pending: { seq: number; id: ArticleId }[]; truncated: boolean }[] = [];
    const wanted: ArticleId[] = [];
    for (const entry of records) {
      const chatReads = entry.queries.map((q) => reads.get(logQueryKey(q))!);
      const pending = mergePending(entry.record, chatReads);
      if (pending.length === 0 && entry.timing.kind !== "digest") {
        const skip = cursorSkip(entry.record, chatReads);
        if (skip !== undefined) await this.skipTo(entry.chat, skip);
        continue;
      }
      candidates.push({ entry, pending, truncated: chatReads.some((r) => r.truncated) });
      wanted.push(...pending.map((p) => p.id));
    }
    const articles = await this.deps.articles.getMany(wanted);
    const visits: Visit[] = [];
    for (const { entry, pending, truncated } of candidates) {
      const withArticles = pending.map((p) => ({ seq: p.seq, article: articles.get(p.id) }));
      const expired = withArticles.filter((p) => p.article === undefined).length;
      const wanted = forReader(entry.record, withArticles, this.words.of).pending;
      const { timing } = entry;
      const plan = timing.kind === "digest" ? planDue(wanted, timing.nextDue) : planDelivery(entry.record.kind, wanted);
      if (!plan) continue;
      const reschedule = rescheduleOnly(timing, plan);
      visits.push({ ...entry, plan, pending: truncated ? Infinity : pending.length, expired, ...(reschedule ? { reschedule } : {}) });
    }
    return visits;
  }

  private async readLogs(queries: readonly LogQuery[]): Promise<Map<string, LogRead>> {
    const reads = new Map<string, LogRead>();
    if (queries.length === 0) return reads;
    const pipeline = this.deps.redis.pipeline();
    for (const q of queries) {
      pipeline.zrangebyscore(this.deps.keys.log(q.slug), `(${q.from}`, "+inf", "WITHSCORES", "LIMIT", 0, LOG_READ_LIMIT);
    }
    // A read Redis refused fails the visit (the job is retried): read as empty, the chat's
    // articles would look already delivered.
    const results = await execAll(pipeline, "reading the category logs");
    queries.forEach((q, i) => {
      const flat = (results[i] ?? []) as string[];
      const entries = [];
      for (let j = 0; j < flat.length; j += 2) entries.push({ id: articleId(flat[j]!), seq: Number(flat[j + 1]) });
      reads.set(logQueryKey(q), { entries, truncated: entries.length >= LOG_READ_LIMIT });
    });
    return reads;
  }
}
