import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { Logger } from "../log.js";
import type { ChatId } from "../ids.js";
import type { Keys } from "../store/keys.js";
import { countPaid } from "../store/scripts/count-paid.js";
import { grantSlots } from "../store/scripts/grant-slots.js";
import { noteRateLimit } from "../store/scripts/note-rate-limit.js";
import { FREE_SEND_RATE } from "../telegram/limits.js";
import { FLOOD_RULE, floodScope, type FloodScope } from "./flood.js";
import { RedisClock } from "./redis-clock.js";

export interface BudgetOptions {
  /** Messages per second, all processes together. */
  readonly rate: number;
  /** Count messages sent above Telegram's free 30/s (paid broadcasts). */
  readonly countPaid?: boolean;
  /**
   * "broadcast" (delivery, the default) or "replies" (the bot's answers to readers): a reply gets
   * the next free slot ahead of the broadcast when one is near, and otherwise goes at once on credit.
   */
  readonly lane?: BudgetLane;
  /** Replies only: past their horizon they go at once and owe their slots (default), or wait for them. */
  readonly onCredit?: boolean;
}

export type BudgetLane = "broadcast" | "replies";

/**
 * Slots are granted a little below the configured rate (HEADROOM) and a slot used more than
 * LATE_TOLERANCE_MS after its time is given up: together these keep every one-second window at
 * or under the rate even when timers fire late or requests take different paths.
 */
const HEADROOM = 0.98;
/**
 * At Telegram's free rate and below, a second holds only 30 sends, so 2 % leaves 20 ms for sends
 * that bunch on their way (measured: up to ~25 ms on a busy 2-core machine), and a 429 there
 * pauses every sender, the readers' answers included. 3 % leaves 31 ms.
 */
const FREE_RATE_HEADROOM = 0.97;
/**
 * Each ms of it lets a second hold one more send at 1,000/s (slots used late land in the next
 * window), out of HEADROOM's 20. The paid step (`npm run bench -- paid`), four runs each: at 8 ms the
 * fake Telegram's fullest second held 994–1,000 sends and one run in four met 429s; at 4 ms 983–997,
 * but 970–978/s sent; at 6 ms 990–1,000, 978–980/s, no 429.
 */
const LATE_TOLERANCE_MS = 6;
/**
 * How far ahead each lane may book slots. A reply may book past the broadcast's horizon, so that it
 * never competes with delivery for a slot; past its own horizon it waits no longer but goes at once
 * and owes its slot (grant-slots-2.lua), so a reader's answer waits at most this long for the budget.
 */
export const LANE_AHEAD_MS: Readonly<Record<BudgetLane, number>> = { broadcast: 250, replies: 1000 };
/** Replies waiting together ask for their slots in one script call, at most this many. */
const REPLIES_PER_GRANT = 100;
const GRANT_RETRY_MS = 500;

/**
 * A send slot handed to a caller: its time on this process's monotonic clock (`performance.now()`,
 * ms), or a send that goes now and was booked as a debt.
 */
interface Slot {
  readonly at: number;
  readonly owed: boolean;
}

/**
 * The send budget shared by every delivery process through Redis, as a GCRA (grant-slots-2.lua): each
 * grant is a time slot `interval` after the previous one, on Redis's clock, so processes on different
 * machines interleave without bursting. While a 429's retry_after runs, nobody gets a slot.
 *
 * Replies first: delivery books at most 250 ms ahead, a reply up to 1 s (LANE_AHEAD_MS). So a
 * reply is granted the next free slot in one call (at most 250 ms plus the replies before it away),
 * and the broadcast, finding that slot taken, continues after it: both share one rate. When more
 * readers write at once than the rate answers within 1 s (a burst of new readers), the replies past
 * the horizon go at once and their slots are booked as a debt: delivery gives way until it is paid,
 * and the replies keep only their chats' pace (bot/pacing.ts) and a 429's pause.
 */
export class SendBudget {
  private readonly intervalUs: number;
  private readonly batch: number;
  private readonly aheadUs: number;
  private readonly owes: boolean;
  /** Slots granted to this process, earliest first. */
  private slots: Slot[] = [];
  /** Whether a fetch of slots from Redis runs; set and cleared in the same ticks as `waiting` is checked. */
  private refilling = false;
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private readonly logger: Logger;
  /** Until when (`performance.now()`) this process sends nothing: a 429 seen here or announced by another process. */
  private pausedUntil = 0;
  /** Where Redis's clock stands against ours: granted slots are times on Redis's clock. */
  private readonly redisClock = new RedisClock();
  /** Messages sent this tick and not counted yet (paid broadcasts), and the count that will take them. */
  private sentUncounted = 0;
  private counting: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly options: BudgetOptions,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: "budget" });
    const headroom = options.rate <= FREE_SEND_RATE ? FREE_RATE_HEADROOM : HEADROOM;
    this.intervalUs = Math.max(1, Math.round(1_000_000 / (options.rate * headroom)));
    const lane = options.lane ?? "broadcast";
    // Replies ask for as many slots as there are replies waiting (serveWaiting): a slot kept for a
    // later reply would be lost to everyone when it passes.
    this.batch = lane === "replies" ? 0 : Math.min(50, Math.max(1, Math.round(options.rate / 20)));
    this.aheadUs = LANE_AHEAD_MS[lane] * 1000;
    this.owes = lane === "replies" && options.onCredit !== false;
  }

  /**
   * Listens for pauses announced by other processes on `subscriber` (a connection of its own), so
   * that a 429 stops every process at once, not only when their granted slots run out.
   */
  async listen(subscriber: Redis): Promise<void> {
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.keys.budget.pauseChannel) this.pauseLocally(Number(message));
    });
    await subscriber.subscribe(this.keys.budget.pauseChannel);
  }

  private pauseLocally(ms: number): void {
    this.slots = [];
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
  }

  /**
   * Resolves at this caller's slot: send right after, with nothing awaited in between (a slot is
   * good for LATE_TOLERANCE_MS only). A reply owing its slot resolves at once (paused or not late).
   */
  async take(): Promise<void> {
    for (;;) {
      const pause = this.pausedUntil - performance.now();
      if (pause > 0) {
        await sleep(pause);
        continue;
      }
      const slot = await this.nextSlot();
      if (slot.owed && performance.now() >= this.pausedUntil) return;
      const wait = slot.at - performance.now();
      // Below a millisecond a timer would only add its own delay.
      if (wait >= 1) await sleep(wait);
      if (this.onTime(slot.at)) return;
    }
  }

  /**
   * Whether a slot may still be used now. A late slot is given up rather than used: sends that
   * were held up (a busy event loop, a slow Redis reply) would otherwise leave together and crowd
   * one second with more than the rate.
   */
  private onTime(slot: number): boolean {
    const now = performance.now();
    return now - slot <= LATE_TOLERANCE_MS && now >= this.pausedUntil;
  }

  /** The next granted slot; callers queue in order while slots are fetched from Redis. */
  private nextSlot(): Promise<Slot> {
    const slot = this.slots.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.refilling) void this.serveWaiting();
    });
  }

  /**
   * Fetches slots until every waiting caller has one. The flag is cleared in the same tick as the
   * last look at `waiting`, so a caller arriving just then always finds a fetch running or starts one.
   */
  private async serveWaiting(): Promise<void> {
    this.refilling = true;
    try {
      while (this.waiting.length > 0) {
        try {
          await this.grant();
        } catch (error) {
          // Nobody may send without a slot: the callers wait while Redis is unreachable.
          this.logger.warn({ err: error }, "cannot get send slots from Redis; retrying");
          await sleep(GRANT_RETRY_MS);
        }
        while (this.waiting.length > 0 && this.slots.length > 0) this.waiting.shift()!(this.slots.shift()!);
      }
    } finally {
      this.refilling = false;
    }
  }

  private async grant(): Promise<void> {
    const wanted = this.batch > 0 ? this.batch : Math.min(REPLIES_PER_GRANT, this.waiting.length);
    const sentAt = performance.now();
    const grant = await grantSlots.run(
      this.redis,
      [this.keys.budget.theoreticalArrival, this.keys.budget.pausedUntil],
      [wanted, this.intervalUs, this.aheadUs, this.owes ? 1 : 0],
    );
    const receivedAt = performance.now();
    if (!grant.granted) {
      await sleep(Math.max(1, Math.ceil(grant.waitUs / 1000)));
      return;
    }
    // Placed on Redis's clock, not counted from when the reply was read: a reply read late (a GC)
    // would shift all its slots later, onto the next grant's, and crowd a second past the rate.
    this.redisClock.observe(sentAt, receivedAt, grant.nowUs / 1000);
    const now = this.redisClock.toLocal(grant.nowUs / 1000) ?? receivedAt;
    this.slots.push(...grant.delaysUs.map((delayUs) => ({ at: now + delayUs / 1000, owed: false })));
    for (let i = 0; i < grant.owed; i++) this.slots.push({ at: receivedAt, owed: true });
  }

  /**
   * Telegram said 429 for `chat`: noted where every process sees it, and scoped (flood.ts). A global
   * one pauses every sender here; a chat's own is the caller's to wait out for that chat alone.
   */
  async rateLimited(chat: ChatId, seconds: number): Promise<FloodScope> {
    const refused = await noteRateLimit.run(this.redis, [this.keys.budget.recentRateLimits], [String(chat), FLOOD_RULE.windowMs]);
    const scope = floodScope(chat, refused);
    if (scope === "global") await this.pause(seconds);
    return scope;
  }

  /** Telegram said 429: every process waits `seconds` before its next send. */
  async pause(seconds: number): Promise<void> {
    const ms = Math.ceil(seconds * 1000);
    this.pauseLocally(ms);
    await this.redis.set(this.keys.budget.pausedUntil, "1", "PX", ms);
    await this.redis.publish(this.keys.budget.pauseChannel, String(ms));
  }

  /**
   * A message Telegram accepted. With paid broadcasts, the ones above the free 30 a second (all
   * processes, per second of Redis's clock) are counted: each costs Stars. Counted here, when sent,
   * because a granted slot may go unused (late, paused, or the chat was pacing).
   */
  sent(): Promise<void> {
    if (!this.options.countPaid) return Promise.resolve();
    this.sentUncounted++;
    // A tick's sends are counted together: one script call, not one per message at 1,000 a second.
    this.counting ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const sent = this.sentUncounted;
      this.sentUncounted = 0;
      this.counting = undefined;
      try {
        await countPaid.run(this.redis, [this.keys.budget.paidWindow, this.keys.budget.paidMessages], [FREE_SEND_RATE, sent]);
      } catch (error) {
        // A count lost to Redis is not worth failing a delivery that Telegram accepted.
        this.logger.warn({ err: error, sent }, "cannot count paid messages in Redis");
      }
    });
    return this.counting;
  }

  async paidMessages(): Promise<number> {
    return Number((await this.redis.get(this.keys.budget.paidMessages)) ?? 0);
  }
}
