import { nextDaily } from "../preferences/schedule.js";
import { epochMinute, type Clock } from "../time.js";

const MINUTE_MS = 60_000;

/**
 * The sandbox's time: the system's, moved forward from the page, so that a daily digest or the end
 * of quiet hours comes without waiting for it. It only moves forward, as time does for Bulletin.
 * Only the readers' schedules read it (digest slots, quiet hours); Telegram's limits and the send
 * budget keep the real time.
 */
export class SandboxClock implements Clock {
  private aheadMs = 0;

  now(): number {
    return Date.now() + this.aheadMs;
  }

  /** How far ahead of the system's time it is, in ms. */
  get ahead(): number {
    return this.aheadMs;
  }

  forward(minutes: number): void {
    if (!Number.isFinite(minutes) || minutes <= 0) throw new RangeError(`the sandbox's clock only moves forward, not ${minutes} minutes`);
    this.aheadMs += minutes * MINUTE_MS;
  }

  /** Forward to the next time `zone`'s clocks show `at` (a minute of the day, 0..1439), at the start of that minute. */
  skipTo(zone: string, at: number): void {
    const now = this.now();
    this.aheadMs += nextDaily(zone, at, epochMinute(now)) * MINUTE_MS - now;
  }
}
