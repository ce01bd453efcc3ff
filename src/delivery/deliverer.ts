import { setTimeout as sleep } from "node:timers/promises";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Categories } from "../config/categories.js";
import { formatArticle, formatDigest, hashtagWords, type ArticleMessage } from "../format/index.js";
import { epochMinute, type Clock } from "../time.js";
import { messagesFor } from "../i18n/index.js";
import { articleId, type ArticleId, type ChatId } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import { shareKeyboard } from "../sharing/share.js";
import type { Logger } from "../log.js";
import { JOB_NAMES, PRIORITY, type Queues } from "../queues.js";
import { DEFAULT_SETTINGS, encodeChatRecord, settingsOf, type ChatRecord, type ChatSettings } from "../store/chat-record.js";
import { tellAdmin } from "../channels/loss.js";
import type { ChatStore } from "../store/chats.js";
import { shardOf, type Keys } from "../store/keys.js";
import { BatchedScript, type BatchOf } from "../store/script.js";
import { claimChat } from "../store/scripts/claim-chat.js";
import { commitDelivery } from "../store/scripts/commit-delivery.js";
import { noteRateLimit } from "../store/scripts/note-rate-limit.js";
import { classifySendError, type SendFailure } from "../telegram/errors.js";
import { CHAT_PACING, type ChatPacing } from "../telegram/limits.js";
import type { ArticleCache } from "./articles.js";
import type { SendBudget } from "./budget.js";
import { dueDigest } from "./due-digest.js";
import { HeldReaders } from "./held.js";
import {
  applyDelivered,
  cursorSkip,
  logQueries,
  logQueryKey,
  mergePending,
  planDelivery,
  planDue,
  type DeliveryPlan,
  type DuePlan,
  type LogQuery,
  type LogRead,
} from "./plan.js";
import { FLOOD_RULE, floodScope, type FloodScope } from "./flood.js";
import { SEND_LEASE_MS } from "./lease.js";
import type { AdaptivePool } from "./pool.js";
import { decodeRecords } from "./records.js";
import { ArticleWordsCache, forReader, readerTiming, rescheduleOnly } from "./reader.js";
import type { DeliveryEvent, DeliveryStats } from "./stats.js";
import type { Timings } from "./timings.js";
import { topicsLeft, withTopicSent } from "./topics.js";

/** Articles read per category log per visit; a reader further behind gets the rest next time. */
const LOG_READ_LIMIT = 50;
/** Chats planned together (one log read and one article lookup for all of them). */
const PLAN_BATCH = 128;
const MAX_RATE_LIMIT_RETRIES = 10;
const TRANSIENT_RETRIES = 3;
const VISIT_BUCKET_MS = 50;
const FORMAT_CACHE_SIZE = 1000;

export interface PacingOptions extends ChatPacing {
  /** How long a claim lasts while a send is in flight. */
  readonly leaseMs: number;
  /** First wait before a visit job retries a chat after network or server errors. */
  readonly retryDelayMs: number;
}

export const DEFAULT_PACING: PacingOptions = {
  ...CHAT_PACING,
  leaseMs: SEND_LEASE_MS,
  retryDelayMs: 5000,
};

export interface DelivererDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly store: ChatStore;
  readonly api: Api;
  readonly budget: SendBudget;
  readonly pool: AdaptivePool;
  readonly articles: ArticleCache;
  /** For the hashtags: each category's title in the chat's language. */
  readonly categories: Categories;
  readonly queues: Pick<Queues, "delivery">;
  readonly stats: DeliveryStats;
  readonly timings: Timings;
  readonly logger: Logger;
  readonly paidBroadcast: boolean;
  /** SHARE_BUTTONS (issue 15): a "Share…" button under single articles sent to private chats. */
  readonly shareButtons?: boolean;
  readonly pacing?: PacingOptions;
  /** What time it is for readers' digests and quiet hours. */
  readonly clock: Clock;
  /** DEFAULT_TIMEZONE: the zone of readers who did not choose one. */
  readonly defaultTimezone: string;
}

/** The chats of one shard a visit looks at: chat id → its record as stored. */
export interface ShardRead {
  readonly shard: number;
  readonly records: ReadonlyMap<ChatId, string>;
}

/** A chat as read from its shard, before it is planned. */
interface Readable {
  readonly chat: ChatId;
  /** The record as read from Redis. */
  readonly encoded: string;
  /** Index of the chat's shard in the batch being visited. */
  readonly shardIndex: number;
}

interface Visit {
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

interface Rendered {
  /** Undefined when nothing is left to send (every topic has the article): only the record moves on. */
  readonly send: ((api: Api) => Promise<unknown>) | undefined;
  /** The articles the message carries. */
  readonly articles: readonly StoredArticle[];
  readonly seqs: readonly number[];
  readonly outOfOrder: boolean;
  readonly digest: boolean;
  /** A forum post while other topics still wait for the article: only this topic is recorded as done. */
  readonly topic?: { readonly seq: number; readonly thread: number | undefined };
  /** A held reader's digest that completes what was due: the next one is due then (undefined: nothing held). */
  readonly reschedule?: { readonly nextDue: number | undefined };
}

const GONE_EVENTS: Record<Extract<SendFailure, { kind: "chat-gone" }>["reason"], DeliveryEvent> = {
  blocked: "chat_gone_blocked",
  deactivated: "chat_gone_deactivated",
  kicked: "chat_gone_kicked",
  "not-found": "chat_gone_not_found",
  forbidden: "chat_gone_forbidden",
};

/**
 * Visits chats: works out what each has pending, sends it within the budget and the chat's pace,
 * and records it. Everything about one chat is idempotent: visiting it twice sends nothing twice,
 * because the cursor moves only after Telegram accepted the message.
 */
export class Deliverer {
  private readonly logger: Logger;
  private readonly pacing: PacingOptions;

  /** Claims and commits made in the same tick travel to Redis in one pipeline each. */
  private readonly claims: BatchOf<typeof claimChat>;
  private readonly commits: BatchOf<typeof commitDelivery>;
  private readonly formatCache = new Map<string, ArticleMessage>();
  /** Held readers' digests: thousands of readers due at one minute share a few. */
  private readonly dueCache = new Map<string, ReturnType<typeof dueDigest>>();
  /** Articles whose first delivery this process has seen recorded. */
  private readonly firstDeliveryKnown = new Set<ArticleId>();
  private readonly words = new ArticleWordsCache();
  private readonly held: HeldReaders;

  constructor(private readonly deps: DelivererDeps) {
    this.logger = deps.logger.child({ component: "delivery" });
    this.pacing = deps.pacing ?? DEFAULT_PACING;
    this.claims = new BatchedScript(deps.redis, claimChat);
    this.commits = new BatchedScript(deps.redis, commitDelivery);
    this.held = new HeldReaders(deps.redis, deps.keys, deps.store);
  }

  /**
   * Visits the given chats (shard by shard, in order) and hands each started send to `track`, so
   * that the caller can wait for all of them before it reports its work done. When `shouldStop`
   * says so it stops starting sends and answers the index of the first shard not fully served
   * (its chats are visited again later; visits are idempotent); otherwise `shards.length`.
   */
  async visit(
    shards: readonly ShardRead[],
    track: (send: Promise<void>) => void,
    shouldStop: () => boolean = () => false,
  ): Promise<number> {
    const chats: Readable[] = [];
    shards.forEach(({ records }, shardIndex) => {
      for (const [chat, encoded] of records) chats.push({ chat, encoded, shardIndex });
    });
    // Planned a batch at a time: plans wait for their sends only briefly, so they die young instead
    // of piling up in the old generation (the process's peak memory), and a time slice that ends
    // throws away at most one batch of plans.
    for (let start = 0; start < chats.length; start += PLAN_BATCH) {
      for (const visit of await this.plan(chats.slice(start, start + PLAN_BATCH))) {
        if (shouldStop()) return visit.shardIndex;
        if (visit.reschedule) {
          track(this.reschedule(visit, visit.reschedule.nextDue));
          continue;
        }
        const { done } = await this.deps.pool.submit(() => this.claimAndDeliver(visit));
        track(done.catch((error: unknown) => this.logger.error({ err: error, chat: visit.chat }, "delivery to a chat failed")));
      }
    }
    return shards.length;
  }

  /** One chat, now (a visit job). */
  async visitChat(chat: ChatId): Promise<void> {
    const shard = shardOf(chat);
    const [encoded] = await this.deps.redis.hmget(this.deps.keys.chats(shard), String(chat));
    if (!encoded) return;
    const sends: Promise<void>[] = [];
    await this.visit([{ shard, records: new Map([[chat, encoded]]) }], (send) => sends.push(send));
    await Promise.all(sends);
  }

  private async plan(chats: readonly Readable[]): Promise<Visit[]> {
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
    const results = (await pipeline.exec()) ?? [];
    queries.forEach((q, i) => {
      const flat = (results[i]?.[1] ?? []) as string[];
      const entries = [];
      for (let j = 0; j < flat.length; j += 2) entries.push({ id: articleId(flat[j]!), seq: Number(flat[j + 1]) });
      reads.set(logQueryKey(q), { entries, truncated: entries.length >= LOG_READ_LIMIT });
    });
    return reads;
  }

  private async claimAndDeliver(visit: Visit): Promise<void> {
    // The slot first, the claim right before the send: a claim never waits on the budget (and
    // a slot is lost only in the rare case that the chat turns out to be pacing).
    const waitStarted = performance.now();
    const slot = await this.deps.budget.take();
    this.deps.timings.observe("budget_wait", (performance.now() - waitStarted) / 1000);
    const claim = await this.claims.run(
      [this.deps.keys.chats(shardOf(visit.chat)), this.deps.keys.pace(visit.chat)],
      [String(visit.chat), visit.encoded, this.paceMs(visit.record) + this.pacing.leaseMs],
    );
    if (claim.kind === "claimed") return this.deliver(visit, slot);
    // Changed meanwhile (another process delivered): look again with the record as it is now.
    await this.deferVisit(visit.chat, claim.kind === "changed" ? 0 : claim.waitMs);
  }

  private paceMs(record: ChatRecord): number {
    return record.kind === "private" ? this.pacing.privateMs : this.pacing.groupMs;
  }

  /**
   * A visit job for `chat` in `delayMs`. Visits due within the same 50 ms share one job id (one
   * visit serves them all); the minimum delay keeps a follow-up from sharing the id of the visit
   * job that is running now, which BullMQ would ignore.
   */
  private async deferVisit(chat: ChatId, delayMs: number): Promise<void> {
    const delay = Math.max(VISIT_BUCKET_MS, delayMs);
    const due = Math.ceil((Date.now() + delay) / VISIT_BUCKET_MS);
    this.logger.debug({ chat, delay }, "visiting the chat again later");
    await this.deps.queues.delivery.add(
      JOB_NAMES.visit,
      { chatId: chat },
      { jobId: `visit-${chat}-${due}`, delay, priority: PRIORITY.visit },
    );
  }

  private render(visit: Visit, withPhoto = true): Rendered | undefined {
    const { plan, chat, record } = visit;
    const messages = messagesFor(record.language);
    const common = { parse_mode: "HTML" as const, ...(this.deps.paidBroadcast ? { allow_paid_broadcast: true } : {}) };
    if (plan.type === "skip") return undefined;
    if (plan.type === "due") return this.renderDue(visit, plan, common);
    if (plan.type === "single") {
      const article: StoredArticle = plan.item.article;
      // Readers get the defaults; a channel or group gets what its admins chose.
      const settings = record.kind === "private" ? DEFAULT_SETTINGS : settingsOf(record);
      const message = this.formatted(article, record.language, withPhoto && settings.photo, settings);
      const { seq } = plan.item;
      const seqs = [...plan.skipped, seq];
      // One post per visit: in a forum, the first topic still waiting for the article; the others
      // follow at the chat's pace, each with its own slot.
      const left = topicsLeft(record, seq, article);
      if (left.length === 0) return { send: undefined, articles: [], seqs, outOfOrder: plan.outOfOrder, digest: false };
      const [thread, ...others] = left;
      const share = this.deps.shareButtons && record.kind === "private" && !article.announcement;
      const where = {
        ...common,
        ...(thread === undefined ? {} : { message_thread_id: thread }),
        ...(share ? { reply_markup: shareKeyboard(messages) } : {}),
      };
      const send = async (api: Api) => {
        if (message.kind === "photo") return api.sendPhoto(chat, message.photoUrl, { ...where, caption: message.html });
        const link_preview_options = message.linkPreview && settings.linkPreview ? { url: article.url } : { is_disabled: true };
        return api.sendMessage(chat, message.html, { ...where, link_preview_options });
      };
      const topic = others.length > 0 ? { topic: { seq, thread } } : {};
      return { send, articles: [article], seqs: others.length > 0 ? [] : seqs, outOfOrder: plan.outOfOrder, digest: false, ...topic };
    }
    const digest = formatDigest(
      plan.items.map((i) => i.article),
      messages,
    );
    const included = plan.items.slice(0, digest.included);
    const last = included[included.length - 1]!.seq;
    const seqs = [...included.map((i) => i.seq), ...plan.skipped.filter((seq) => seq < last)];
    const send = (api: Api) => api.sendMessage(chat, digest.html, { ...common, link_preview_options: { is_disabled: true } });
    return { send, articles: included.map((i) => i.article), seqs, outOfOrder: false, digest: included.length > 1 };
  }

  /** A held reader's digest, grouped by category; undefined when nothing is left to send (only passed-over articles). */
  private renderDue(visit: Visit, plan: DuePlan, common: object): Rendered | undefined {
    if (plan.items.length === 0) return undefined;
    const { html, seqs, articles } = dueDigest(visit.record, plan, this.deps.categories, this.dueCache);
    // Done when the message carries everything pending (not when an announcement or a longer backlog follows).
    const done = seqs.length === visit.pending;
    const send = (api: Api) => api.sendMessage(visit.chat, html, { ...common, link_preview_options: { is_disabled: true } });
    return { send, articles, seqs, outOfOrder: false, digest: true, ...(done ? { reschedule: { nextDue: plan.nextDue } } : {}) };
  }

  /** Holds a reader's articles until `nextDue` (or releases the hold); a record that changed meanwhile is looked at again. */
  private async reschedule(visit: Visit, nextDue: number | undefined): Promise<void> {
    try {
      if (!(await this.held.hold(visit.chat, visit.encoded, visit.record, nextDue))) await this.deferVisit(visit.chat, 0);
    } catch (error) {
      this.logger.error({ err: error, chat: visit.chat }, "holding a reader's articles failed");
    }
  }

  /** An article formatted once per language (and channel settings), not once per reader. */
  private formatted(article: StoredArticle, language: string, withPhoto: boolean, settings: ChatSettings): ArticleMessage {
    const key = `${article.id}|${language}|${withPhoto}|${settings.hashtags}|${settings.signature}`;
    let message = this.formatCache.get(key);
    if (!message) {
      if (this.formatCache.size >= FORMAT_CACHE_SIZE) this.formatCache.clear();
      message = formatArticle(article, messagesFor(language), {
        photo: withPhoto,
        hashtags: settings.hashtags,
        hashtagWords: hashtagWords(this.deps.categories, article.categories, language),
        signature: settings.signature,
      });
      this.formatCache.set(key, message);
    }
    return message;
  }

  /** Sends the visit's message in `slot` (a slot of the send budget), or in a new one if it is late by now. */
  private async deliver(visit: Visit, slot: number): Promise<void> {
    let rendered = this.render(visit);
    if (!rendered) {
      // Expired articles are counted and logged; announcements a channel passes over are not news.
      if (visit.expired > 0) {
        this.deps.stats.count("expired_article", visit.expired);
        this.logger.warn({ chat: visit.chat, seqs: visit.plan.skipped }, "articles expired before they reached this chat; skipped");
      }
      const complete = visit.plan.type === "due" && visit.pending === visit.plan.skipped.length;
      await this.commit(visit, visit.plan.skipped, false, complete ? { nextDue: visit.plan.nextDue } : undefined);
      if (visit.pending > visit.plan.skipped.length) await this.deferVisit(visit.chat, 0);
      return;
    }
    if (!rendered.send) {
      await this.commit(visit, rendered.seqs, rendered.outOfOrder);
      if (visit.pending > rendered.seqs.length) await this.deferVisit(visit.chat, 0);
      return;
    }
    let rateLimited = 0;
    let transient = 0;
    let unusedSlot: number | undefined = slot;
    for (;;) {
      if (unusedSlot === undefined || !this.deps.budget.onTime(unusedSlot)) await this.deps.budget.take();
      unusedSlot = undefined;
      const started = performance.now();
      let failure: SendFailure | undefined;
      try {
        const send = rendered.send;
        if (send) await this.whileClaimed(visit, () => send(this.deps.api));
        // Counted as Telegram accepted it (paid broadcasts); the count never fails a delivery.
        void this.deps.budget.sent();
      } catch (error) {
        failure = classifySendError(error);
      }
      this.deps.pool.observe(performance.now() - started);
      if (!failure) {
        await (rendered.topic
          ? this.commitTopic(visit, rendered.topic)
          : this.commit(visit, rendered.seqs, rendered.outOfOrder, rendered.reschedule));
        this.logger.debug({ chat: visit.chat, seqs: rendered.seqs, digest: rendered.digest }, "sent");
        // One message per visit: what did not fit (a channel's next post, the article's next forum
        // topic, the rest of a long backlog, the articles held back by breaking news) goes out when
        // the chat's pace allows.
        if (visit.pending > rendered.seqs.length) await this.deferVisit(visit.chat, this.paceMs(visit.record));
        this.deps.stats.count(rendered.digest ? "sent_digest" : "sent");
        this.deps.stats.count("articles_delivered", rendered.seqs.length);
        await this.recordDeliveryTimes(rendered.articles);
        return;
      }
      switch (failure.kind) {
        case "rate-limited":
          this.deps.stats.count("rate_limited");
          if ((await this.floodScope(visit.chat)) === "chat") {
            // The chat's own flood limit (a group's 20 a minute): it alone waits, without holding a send.
            this.logger.info(
              { chat: visit.chat, retryAfter: failure.retryAfterSeconds },
              "the chat is over its own flood limit; it alone waits",
            );
            return this.giveBack(visit, failure.retryAfterSeconds * 1000);
          }
          this.logger.warn(
            { chat: visit.chat, retryAfter: failure.retryAfterSeconds },
            "Telegram asked the bot to slow down (429s for several chats); every sender pauses",
          );
          await this.deps.budget.pause(failure.retryAfterSeconds);
          if (++rateLimited > MAX_RATE_LIMIT_RETRIES) return this.giveBack(visit, failure.retryAfterSeconds * 1000);
          await this.extendClaim(visit, failure.retryAfterSeconds * 1000);
          continue;
        case "transient":
          this.deps.stats.count("transient_error");
          if (++transient > TRANSIENT_RETRIES) {
            this.logger.warn({ chat: visit.chat, reason: failure.description }, "send keeps failing; the chat is retried later");
            return this.giveBack(visit, this.pacing.retryDelayMs);
          }
          await sleep(250 * 2 ** transient);
          continue;
        case "bad-photo": {
          this.deps.stats.count("photo_fallback");
          this.logger.warn({ chat: visit.chat, reason: failure.description }, "Telegram refused the article's photo; sending it as text");
          const asText = this.render(visit, false);
          if (!asText) return;
          rendered = asText;
          continue;
        }
        case "chat-gone":
          this.deps.stats.count(GONE_EVENTS[failure.reason]);
          this.logger.info(
            { chat: visit.chat, reason: failure.reason },
            "chat is gone; it is marked inactive and its subscriptions dropped",
          );
          {
            const { before } = await this.deps.store.update(visit.chat, (r) => r && { ...r, active: false, subscriptions: [] });
            if (before?.active && before.kind !== "private") await tellAdmin(this.deps.api, visit.chat, before, "lost", this.logger);
          }
          return;
        case "migrated":
          this.deps.stats.count("chat_migrated");
          await this.migrate(visit.chat, failure.newChatId);
          return;
        case "bad-request":
          this.deps.stats.count("bad_request");
          this.logger.warn(
            { chat: visit.chat, reason: failure.description, seqs: rendered.seqs },
            "Telegram refused the message; skipping it for this chat",
          );
          await (rendered.topic ? this.commitTopic(visit, rendered.topic) : this.commit(visit, rendered.seqs, rendered.outOfOrder));
          if (visit.pending > rendered.seqs.length) await this.deferVisit(visit.chat, this.paceMs(visit.record));
          return;
        case "unauthorized":
          throw new Error(`Telegram refused the bot token (${failure.description}); check BOT_TOKEN and TELEGRAM_API_ROOT`);
      }
    }
  }

  private async commit(
    visit: Visit,
    seqs: readonly number[],
    outOfOrder: boolean,
    reschedule?: { readonly nextDue: number | undefined },
  ): Promise<void> {
    if (reschedule) {
      return this.held.commit(visit.chat, visit.encoded, visit.record, seqs, reschedule.nextDue, this.paceMs(visit.record));
    }
    const after = applyDelivered(visit.record, seqs, outOfOrder);
    const applied = await this.commits.run(
      [this.deps.keys.chats(shardOf(visit.chat)), this.deps.keys.pace(visit.chat)],
      [String(visit.chat), visit.encoded, encodeChatRecord(after), this.paceMs(visit.record)],
    );
    if (!applied) {
      // The record changed while the message was in flight (a subscription, say): apply the
      // delivery to the record as it is now.
      await this.deps.store.update(visit.chat, (current) => current && applyDelivered(current, seqs, outOfOrder));
    }
  }

  /** A forum post in one topic while others still wait for the article: that topic is done. */
  private async commitTopic(visit: Visit, { seq, thread }: NonNullable<Rendered["topic"]>): Promise<void> {
    const applied = await this.commits.run(
      [this.deps.keys.chats(shardOf(visit.chat)), this.deps.keys.pace(visit.chat)],
      [String(visit.chat), visit.encoded, encodeChatRecord(withTopicSent(visit.record, seq, thread)), this.paceMs(visit.record)],
    );
    if (!applied) await this.deps.store.update(visit.chat, (current) => current && withTopicSent(current, seq, thread));
  }

  /**
   * How long each article took to reach this chat, and the first chat it reached across all
   * processes: the first process to mark the article observes the time since its ingest (each
   * process asks Redis once per article).
   */
  private async recordDeliveryTimes(articles: readonly StoredArticle[]): Promise<void> {
    const delivered = Date.now();
    for (const article of articles) this.deps.timings.observe("ingest_to_delivery", Math.max(0, delivered - article.receivedAt) / 1000);
    const fresh = articles.filter((a) => !this.firstDeliveryKnown.has(a.id));
    if (fresh.length === 0) return;
    if (this.firstDeliveryKnown.size > 10_000) this.firstDeliveryKnown.clear();
    const now = Date.now();
    for (const article of fresh) {
      this.firstDeliveryKnown.add(article.id);
      if ((await this.deps.redis.hsetnx(this.deps.keys.article(article.id), "firstDeliveredAt", now)) === 1) {
        this.deps.timings.observe("ingest_to_first_delivery", Math.max(0, now - article.receivedAt) / 1000);
      }
    }
  }

  /** Moves a chat's cursor past articles it already has, then looks again for what follows. */
  private async skipTo(chat: ChatId, seq: number): Promise<void> {
    await this.deps.store.update(chat, (current) => current && applyDelivered(current, [seq], false));
    await this.deferVisit(chat, 0);
  }

  /**
   * Runs `send` with the chat's claim renewed while it waits for Telegram's answer: a slow answer
   * (the message may be there already) must not let the claim run out, or the next visit would send
   * the same articles again. Only a crashed process's claim runs out.
   */
  private async whileClaimed<T>(visit: Visit, send: () => Promise<T>): Promise<T> {
    const pace = this.deps.keys.pace(visit.chat);
    const holdMs = this.paceMs(visit.record) + this.pacing.leaseMs;
    const renewal = setInterval(() => {
      this.deps.redis
        .pexpire(pace, holdMs)
        .catch((error: unknown) => this.logger.warn({ err: error, chat: visit.chat }, "cannot renew a claim"));
    }, this.pacing.leaseMs / 3);
    try {
      return await send();
    } finally {
      clearInterval(renewal);
    }
  }

  /** Notes the chat's 429 where every process sees it, and tells whether it is the chat's alone or global. */
  private async floodScope(chat: ChatId): Promise<FloodScope> {
    const refused = await noteRateLimit.run(this.deps.redis, [this.deps.keys.budget.recentRateLimits], [String(chat), FLOOD_RULE.windowMs]);
    return floodScope(chat, refused);
  }

  private async extendClaim(visit: Visit, waitMs: number): Promise<void> {
    await this.deps.redis.pexpire(this.deps.keys.pace(visit.chat), waitMs + this.pacing.leaseMs);
  }

  /** Lets go of a chat for now and makes sure it is visited again: nothing is lost. */
  private async giveBack(visit: Visit, delayMs: number): Promise<void> {
    await this.deps.redis.pexpire(this.deps.keys.pace(visit.chat), delayMs);
    await this.deferVisit(visit.chat, delayMs + 50);
  }

  /** A group became a supergroup: its subscriptions and cursor move to the new id, and delivery follows. */
  private async migrate(from: ChatId, to: ChatId): Promise<void> {
    const before = await this.deps.store.migrate(from, to);
    this.logger.info({ from, to }, "group was upgraded to a supergroup; subscriptions moved");
    if (before?.active) await tellAdmin(this.deps.api, to, before, "moved", this.logger);
    await this.deferVisit(to, 0);
  }
}
