import { setTimeout as sleep } from "node:timers/promises";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Categories } from "../config/categories.js";
import type { ShareNetwork } from "../config/env.js";
import type { Clock } from "../time.js";
import { formatChatRef, type ChatId, type Platform } from "../ids.js";
import type { Logger } from "../log.js";
import { JOB_NAMES, PRIORITY, type Queues } from "../queues.js";
import { tellAdmin } from "../channels/loss.js";
import type { ChatStore } from "../store/chats.js";
import { shardOf, type Keys } from "../store/keys.js";
import { PLATFORM_TRAITS, RateBackoff, type PlatformTraits } from "../platforms/platform.js";
import type { SendFailure } from "../telegram/errors.js";
import { CHAT_PACING, type ChatPacing } from "../telegram/limits.js";
import type { ArticleCache } from "./articles.js";
import type { SendBudget } from "./budget.js";
import { ChatClaims } from "./claims.js";
import { DeliveryTimes } from "./delivery-times.js";
import { HeldReaders } from "./held.js";
import { applyDelivered } from "./plan.js";
import { SEND_LEASE_MS } from "./lease.js";
import type { AdaptivePool } from "./pool.js";
import { renderContext, renderVisit, type RenderContext } from "./render.js";
import type { DeliveryEvent, DeliveryStats } from "./stats.js";
import type { Timings } from "./timings.js";
import { VisitPlanner, type Readable, type Visit } from "./visits.js";

/** Chats planned together (one log read and one article lookup for all of them). */
const PLAN_BATCH = 128;
const MAX_RATE_LIMIT_RETRIES = 10;
const TRANSIENT_RETRIES = 3;
const VISIT_BUCKET_MS = 50;

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
  /**
   * Whose chats this deliverer visits (default Telegram): `keys`, `store`, `api` and `budget` are
   * that platform's (one deliverer per platform, see src/platforms/).
   */
  readonly platform?: Platform;
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
  /** SHARE_NETWORKS: on Bale, the share button's links. */
  readonly shareNetworks?: readonly ShareNetwork[];
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
 *
 * This is the order of a visit and what it does when Telegram refuses; the parts live beside it:
 * planning a batch of chats (visits.ts), the message (render.ts), the chat's claim and the commit of
 * what was sent (claims.ts), and the times operators chart (delivery-times.ts).
 */
export class Deliverer {
  private readonly logger: Logger;
  private readonly pacing: PacingOptions;
  private readonly planner: VisitPlanner;
  private readonly claims: ChatClaims;
  private readonly rendering: RenderContext;
  private readonly deliveryTimes: DeliveryTimes;
  private readonly held: HeldReaders;
  private readonly traits: PlatformTraits;
  /** The pause after a 429 that did not say how long (Bale's, at times). */
  private readonly backoff = new RateBackoff();

  constructor(private readonly deps: DelivererDeps) {
    this.traits = PLATFORM_TRAITS[deps.platform ?? "telegram"];
    this.logger = deps.logger.child({ component: "delivery", ...(deps.platform === "bale" ? { platform: "bale" } : {}) });
    this.pacing = deps.pacing ?? DEFAULT_PACING;
    this.held = new HeldReaders(deps.redis, deps.keys, deps.store);
    this.planner = new VisitPlanner(deps, this.logger, (chat, seq) => this.skipTo(chat, seq));
    this.claims = new ChatClaims(deps, this.held, this.pacing, this.logger);
    this.rendering = renderContext({
      platform: this.traits.platform,
      categories: deps.categories,
      paidBroadcast: deps.paidBroadcast,
      shareButtons: deps.shareButtons ?? false,
      shareNetworks: deps.shareNetworks ?? [],
    });
    this.deliveryTimes = new DeliveryTimes(deps);
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
      for (const visit of await this.planner.plan(chats.slice(start, start + PLAN_BATCH))) {
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

  private async claimAndDeliver(visit: Visit): Promise<void> {
    // The claim first, the slot right before the send: a chat that turns out to be pacing, or
    // changed by another process, costs no slot, and no slot waits on a claim's round trip to Redis
    // (a slot more than a few ms late is given up, and under load that round trip is often longer).
    const claim = await this.claims.claim(visit);
    if (claim.kind === "claimed") return this.deliver(visit);
    // Changed meanwhile (another process delivered): look again with the record as it is now.
    await this.deferVisit(visit.chat, claim.kind === "changed" ? 0 : claim.waitMs);
  }

  /** Waits for a slot of the send budget (the claim held meanwhile, see `deliver`). */
  private async takeSlot(): Promise<void> {
    const waitStarted = performance.now();
    await this.deps.budget.take();
    this.deps.timings.observe("budget_wait", (performance.now() - waitStarted) / 1000);
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
    // A Telegram visit job is written as before Bale (no platform): older workers read it alike.
    const bale = this.traits.platform === "bale";
    await this.deps.queues.delivery.add(
      JOB_NAMES.visit,
      bale ? { chatId: chat, platform: "bale" } : { chatId: chat },
      // BullMQ refuses ':' in a job id: Bale's visits are `visit-b<id>-…`.
      {
        jobId: `visit-${formatChatRef({ platform: this.traits.platform, id: chat }).replace(":", "")}-${due}`,
        delay,
        priority: PRIORITY.visit,
      },
    );
  }

  /** Holds a reader's articles until `nextDue` (or releases the hold); a record that changed meanwhile is looked at again. */
  private async reschedule(visit: Visit, nextDue: number | undefined): Promise<void> {
    try {
      if (!(await this.held.hold(visit.chat, visit.encoded, visit.record, nextDue))) await this.deferVisit(visit.chat, 0);
    } catch (error) {
      this.logger.error({ err: error, chat: visit.chat }, "holding a reader's articles failed");
    }
  }

  /**
   * Sends the visit's message to the claimed chat, each attempt in a slot of the send budget taken
   * right before it. The claim is renewed while the attempt waits for its slot (a 429's pause can
   * last long) and for Telegram's answer.
   */
  private async deliver(visit: Visit): Promise<void> {
    let rendered = renderVisit(visit, this.rendering);
    if (!rendered) {
      // Expired articles are counted and logged; announcements a channel passes over are not news.
      if (visit.expired > 0) {
        this.deps.stats.count("expired_article", visit.expired);
        this.logger.warn({ chat: visit.chat, seqs: visit.plan.skipped }, "articles expired before they reached this chat; skipped");
      }
      const complete = visit.plan.type === "due" && visit.pending === visit.plan.skipped.length;
      await this.claims.commit(visit, visit.plan.skipped, false, complete ? { nextDue: visit.plan.nextDue } : undefined);
      if (visit.pending > visit.plan.skipped.length) await this.deferVisit(visit.chat, 0);
      return;
    }
    if (!rendered.send) {
      await this.claims.commit(visit, rendered.seqs, rendered.outOfOrder);
      if (visit.pending > rendered.seqs.length) await this.deferVisit(visit.chat, 0);
      return;
    }
    let rateLimited = 0;
    let transient = 0;
    for (;;) {
      let started = performance.now();
      let failure: SendFailure | undefined;
      try {
        const send = rendered.send;
        if (send) {
          await this.claims.whileClaimed(visit, async () => {
            await this.takeSlot();
            started = performance.now();
            return send(this.deps.api);
          });
        }
        // Counted as Telegram accepted it (paid broadcasts); the count never fails a delivery.
        void this.deps.budget.sent();
        this.backoff.reset();
      } catch (error) {
        failure = this.traits.classifySendError(error);
      }
      this.deps.pool.observe(performance.now() - started);
      if (!failure) {
        await (rendered.topic
          ? this.claims.commitTopic(visit, rendered.topic)
          : this.claims.commit(visit, rendered.seqs, rendered.outOfOrder, rendered.reschedule));
        this.logger.debug({ chat: visit.chat, seqs: rendered.seqs, digest: rendered.digest }, "sent");
        // One message per visit: what did not fit (a channel's next post, the article's next forum
        // topic, the rest of a long backlog, the articles held back by breaking news) goes out when
        // the chat's pace allows.
        if (visit.pending > rendered.seqs.length) await this.deferVisit(visit.chat, this.claims.paceMs(visit.record));
        this.deps.stats.count(rendered.digest ? "sent_digest" : "sent");
        this.deps.stats.count("articles_delivered", rendered.seqs.length);
        await this.deliveryTimes.record(rendered.articles);
        return;
      }
      switch (failure.kind) {
        case "rate-limited": {
          this.deps.stats.count("rate_limited");
          // Bale may not say how long: 2 s, doubling while 429s continue (RateBackoff).
          const retryAfter = failure.retryAfterSeconds ?? this.backoff.pause();
          if ((await this.deps.budget.rateLimited(visit.chat, retryAfter)) === "chat") {
            // The chat's own flood limit (a group's 20 a minute): it alone waits, without holding a send.
            this.logger.info({ chat: visit.chat, retryAfter }, "the chat is over its own flood limit; it alone waits");
            return this.giveBack(visit, retryAfter * 1000);
          }
          this.logger.warn(
            { chat: visit.chat, retryAfter },
            `${this.traits.platform} asked the bot to slow down (429s for several chats); every sender to it pauses`,
          );
          if (++rateLimited > MAX_RATE_LIMIT_RETRIES) return this.giveBack(visit, retryAfter * 1000);
          await this.claims.extend(visit, retryAfter * 1000);
          continue;
        }
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
          const asText = renderVisit(visit, this.rendering, false);
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
            if (before?.active && before.kind !== "private") {
              await tellAdmin(this.deps.api, visit.chat, before, "lost", this.logger, this.traits.platform);
            }
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
          await (rendered.topic
            ? this.claims.commitTopic(visit, rendered.topic)
            : this.claims.commit(visit, rendered.seqs, rendered.outOfOrder));
          if (visit.pending > rendered.seqs.length) await this.deferVisit(visit.chat, this.claims.paceMs(visit.record));
          return;
        case "unauthorized":
          throw new Error(
            this.traits.platform === "bale"
              ? `Bale refused the bot token (${failure.description}); check BALE_BOT_TOKEN and BALE_API_ROOT`
              : `Telegram refused the bot token (${failure.description}); check BOT_TOKEN and TELEGRAM_API_ROOT`,
          );
      }
    }
  }

  /** Moves a chat's cursor past articles it already has, then looks again for what follows. */
  private async skipTo(chat: ChatId, seq: number): Promise<void> {
    await this.deps.store.update(chat, (current) => current && applyDelivered(current, [seq], false));
    await this.deferVisit(chat, 0);
  }

  /** Lets go of a chat for now and makes sure it is visited again: nothing is lost. */
  private async giveBack(visit: Visit, delayMs: number): Promise<void> {
    await this.claims.releaseIn(visit, delayMs);
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
