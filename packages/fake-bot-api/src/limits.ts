/**
 * Telegram's flood limits: sends per sliding second for the whole bot (free and paid broadcasts),
 * per private chat and per group or channel. Over a limit, a send is answered 429 with retry_after.
 *
 * The windows are rings of the most recent accepted timestamps, so checking a send is O(1)
 * however many requests are in flight.
 */
import type { Chat } from "grammy/types";
import { tooManyRequests } from "./errors.js";
import type { Flavour } from "./flavours.js";
import type { ChatLimit, FakeTelegramLimits } from "./types.js";

const defaultLimits = (flavour: Flavour): FakeTelegramLimits => ({
  perSecond: flavour.perSecond,
  paidPerSecond: 1000,
  retryAfter: 1,
  omitRetryAfter: false,
  privateChat: false,
  groupChat: false,
});
const TELEGRAM_PRIVATE_LIMIT: ChatLimit = { count: 1, windowMs: 1000 };
const TELEGRAM_GROUP_LIMIT: ChatLimit = { count: 20, windowMs: 60_000 };

export class TimestampRing {
  private readonly buf: Float64Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(Math.max(1, capacity));
  }

  push(t: number): void {
    this.buf[this.next] = t;
    this.next = (this.next + 1) % this.buf.length;
    if (this.size < this.buf.length) this.size++;
  }

  /** The k-th most recent timestamp (1 = newest), or undefined when fewer were recorded. */
  recent(k: number): number | undefined {
    if (k < 1 || k > this.size) return undefined;
    return this.buf[(this.next - k + this.buf.length) % this.buf.length];
  }

  /** A ring of another capacity holding the same most recent timestamps. */
  resized(capacity: number): TimestampRing {
    const ring = new TimestampRing(capacity);
    for (let k = Math.min(this.size, ring.buf.length); k >= 1; k--) ring.push(this.recent(k) ?? 0);
    return ring;
  }
}

/**
 * ms to wait until one more send fits, 0 when it fits now. "At most `limit` in any window" holds
 * exactly when the limit-th most recent accepted send is at least `windowMs` old.
 */
function windowWait(ring: TimestampRing, limit: number, windowMs: number, now: number): number {
  if (limit <= 0) return windowMs;
  const t = ring.recent(limit);
  return t === undefined ? 0 : Math.max(0, t + windowMs - now);
}

/** A chat as the limits see it: its type, and the window of its recent sends (kept with the chat). */
export interface LimitedChat {
  readonly chat: Chat;
  window?: TimestampRing;
}

export class FloodLimits {
  private settings: FakeTelegramLimits;
  private globalWindow: TimestampRing;

  constructor(
    changes: Partial<FakeTelegramLimits>,
    private readonly flavour: Flavour,
  ) {
    this.settings = mergeLimits(defaultLimits(flavour), changes);
    this.globalWindow = new TimestampRing(this.globalCapacity());
  }

  set(changes: Partial<FakeTelegramLimits>): void {
    this.settings = mergeLimits(this.settings, changes);
    this.globalWindow = this.globalWindow.resized(this.globalCapacity());
  }

  current(): Readonly<FakeTelegramLimits> {
    return { ...this.settings };
  }

  /** `retry_after` (seconds) of the global limit's 429. */
  get retryAfter(): number {
    return this.settings.retryAfter;
  }

  /** Throws the messenger's 429 when one more send to the chat now would break a limit. */
  check(target: LimitedChat, paid: boolean, now: number): void {
    const global = paid ? this.settings.paidPerSecond : this.settings.perSecond;
    if (global !== null && windowWait(this.globalWindow, global, 1000, now) > 0) {
      throw this.refusal(this.settings.retryAfter);
    }
    const chatLimit = this.chatLimitOf(target.chat);
    if (!chatLimit) return;
    if (target.window?.capacity !== chatLimit.count) {
      target.window = target.window ? target.window.resized(chatLimit.count) : new TimestampRing(chatLimit.count);
    }
    const wait = windowWait(target.window, chatLimit.count, chatLimit.windowMs, now);
    // Per-chat flood waits are real durations in Telegram, rounded up to whole seconds.
    if (wait > 0) throw this.refusal(Math.max(1, Math.ceil(wait / 1000)));
  }

  private refusal(retryAfter: number): ReturnType<typeof tooManyRequests> {
    return tooManyRequests(retryAfter, this.flavour.rateLimited(retryAfter), !this.settings.omitRetryAfter);
  }

  /** Whether a send now is above the free per-second limit (a paid broadcast then costs Stars). */
  aboveFreeLimit(now: number): boolean {
    return this.settings.perSecond !== null && windowWait(this.globalWindow, this.settings.perSecond, 1000, now) > 0;
  }

  /** Counts an accepted send in the bot's window and the chat's. */
  record(target: LimitedChat, now: number): void {
    this.globalWindow.push(now);
    target.window?.push(now);
  }

  private chatLimitOf(chat: Chat): ChatLimit | undefined {
    const setting = chat.type === "private" ? this.settings.privateChat : this.settings.groupChat;
    if (setting === false) return undefined;
    if (setting === true) return chat.type === "private" ? TELEGRAM_PRIVATE_LIMIT : TELEGRAM_GROUP_LIMIT;
    return setting;
  }

  private globalCapacity(): number {
    return Math.max(1, this.settings.perSecond ?? 0, this.settings.paidPerSecond ?? 0);
  }
}

/** Fields given as undefined keep their current value. */
function mergeLimits(current: FakeTelegramLimits, changes: Partial<FakeTelegramLimits>): FakeTelegramLimits {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
  return { ...current, ...(Object.fromEntries(defined) as Partial<FakeTelegramLimits>) };
}
