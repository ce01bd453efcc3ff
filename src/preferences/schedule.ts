import type { DigestMode, ReaderPrefs } from "../store/chat-record.js";

/**
 * When a reader's articles go out: digest slots and quiet hours in the reader's time zone, on
 * epoch minutes (src/time.ts). Pure: the time is always an argument.
 *
 * Daylight saving time follows the rule of `Temporal`'s "compatible" disambiguation: a time of day
 * that a clock change skips (01:30 when the clocks jump from 01:00 to 02:00) happens as late as the
 * jump (02:30), and a time of day that happens twice (when the clocks go back) counts once, the
 * first time. So a daily digest comes exactly once on every local day.
 */

export const MINUTES_PER_DAY = 1440;

const mod = (n: number, m: number): number => ((n % m) + m) % m;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** How many minutes `zone`'s clocks are ahead of UTC at epoch minute `minute`. */
export function offsetAt(zone: string, minute: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(minute * 60_000)) parts[part.type] = Number(part.value);
  const { year = 1970, month = 1, day = 1, hour = 0, minute: minutes = 0 } = parts;
  const wall = Date.UTC(year, month - 1, day, hour, minutes) / 60_000;
  return wall - minute;
}

/** The minute of the day (0..1439) the clocks of `zone` show at epoch minute `minute`. */
export function minuteOfDay(zone: string, minute: number): number {
  return mod(minute + offsetAt(zone, minute), MINUTES_PER_DAY);
}

/**
 * The epoch minute at which `zone`'s clocks show `wall` (minutes since the epoch on the local
 * clock), disambiguated as the file's comment says.
 */
export function instantOf(zone: string, wall: number): number {
  const before = offsetAt(zone, wall - MINUTES_PER_DAY);
  const after = offsetAt(zone, wall + MINUTES_PER_DAY);
  const shows = (minute: number) => minute + offsetAt(zone, minute) === wall;
  const valid = [wall - before, wall - after].filter(shows);
  if (valid.length > 0) return Math.min(...valid);
  // Skipped by the clocks: as late as the jump.
  return wall - before;
}

/** The first epoch minute after `now` at which `zone`'s clocks show `at` (a minute of the day). */
export function nextDaily(zone: string, at: number, now: number): number {
  const today = Math.floor((now + offsetAt(zone, now)) / MINUTES_PER_DAY);
  for (let day = today - 1; ; day++) {
    const due = instantOf(zone, day * MINUTES_PER_DAY + at);
    if (due > now) return due;
  }
}

/** The first epoch minute after `now` at which `zone`'s clocks show a full hour. */
export function nextHourly(zone: string, now: number): number {
  let due = now + 1;
  // A clock change can move the local minute of the hour: look again after one (Lord Howe's is 30 minutes).
  for (let attempt = 0; attempt < 3; attempt++) {
    const past = mod(due + offsetAt(zone, due), 60);
    if (past === 0) break;
    due += 60 - past;
  }
  return due;
}

const slots = new Map<string, number>();
const SLOT_CACHE_SIZE = 10_000;

/**
 * The next digest slot after `now` for an hourly or daily reader. Remembered: at a daily minute,
 * thousands of readers of one zone ask for the same answer.
 */
export function nextSlot(mode: Exclude<DigestMode, { kind: "instant" }>, zone: string, now: number): number {
  const key = `${zone}|${mode.kind === "daily" ? mode.at : "h"}|${now}`;
  let slot = slots.get(key);
  if (slot === undefined) {
    slot = mode.kind === "daily" ? nextDaily(zone, mode.at, now) : nextHourly(zone, now);
    if (slots.size >= SLOT_CACHE_SIZE) slots.clear();
    slots.set(key, slot);
  }
  return slot;
}

export interface QuietHours {
  readonly from: number;
  readonly to: number;
}

/** Whether epoch minute `now` falls inside the quiet hours (`from` included, `to` not; a window may wrap midnight). */
export function isQuiet(quiet: QuietHours, zone: string, now: number): boolean {
  const minute = minuteOfDay(zone, now);
  return quiet.from < quiet.to ? minute >= quiet.from && minute < quiet.to : minute >= quiet.from || minute < quiet.to;
}

/** The epoch minute at which the quiet hours that hold `now` end. */
export function quietEnd(quiet: QuietHours, zone: string, now: number): number {
  return nextDaily(zone, quiet.to, now);
}

const knownZones = new Map<string, boolean>();

/** The reader's zone: their own when Node knows it, else `fallback` (DEFAULT_TIMEZONE). */
export function zoneOf(prefs: ReaderPrefs, fallback: string): string {
  const zone = prefs.timezone;
  if (zone === undefined) return fallback;
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      formatterFor(zone);
      known = true;
    } catch {
      known = false;
    }
    knownZones.set(zone, known);
  }
  return known ? zone : fallback;
}

/** What a visit does for a reader now, before it looks at their articles. */
export type Timing =
  /** Send as articles come (an instant reader outside quiet hours). */
  | { readonly kind: "send" }
  /** Send nothing: the held articles go out at `nextDue`, which is still ahead. */
  | { readonly kind: "hold" }
  /** Send nothing and hold the articles from now until `nextDue`. */
  | { readonly kind: "hold-until"; readonly nextDue: number }
  /** Due: everything pending goes as one digest, then the next one is due at `nextDue` (undefined: nothing is held any more). */
  | { readonly kind: "digest"; readonly nextDue: number | undefined };

/** The timing of a visit at epoch minute `now`, for a reader in `zone`. */
export function timingOf(prefs: ReaderPrefs, zone: string, now: number): Timing {
  if (prefs.nextDue !== undefined && prefs.nextDue > now) return { kind: "hold" };
  if (prefs.quiet && isQuiet(prefs.quiet, zone, now)) return { kind: "hold-until", nextDue: quietEnd(prefs.quiet, zone, now) };
  const next = prefs.digest.kind === "instant" ? undefined : nextSlot(prefs.digest, zone, now);
  if (prefs.nextDue !== undefined) return { kind: "digest", nextDue: next };
  return next === undefined ? { kind: "send" } : { kind: "hold-until", nextDue: next };
}

const sameDigest = (a: DigestMode, b: DigestMode): boolean =>
  a.kind === b.kind && (a.kind !== "daily" || (b.kind === "daily" && a.at === b.at));

/**
 * The `nextDue` after a reader changed their preferences from `before` to `after` at `now`:
 * - a new digest mode or time zone starts a new schedule: the next slot, or for an instant
 *   reader who had articles held, now (they go out at the next visit, as one digest);
 * - new quiet hours release an instant reader's held articles now (a visit inside the new
 *   window holds them again until it ends); a digest reader keeps their slot;
 * - any other change (muted words, languages) keeps what was due.
 */
export function rescheduled(before: ReaderPrefs, after: ReaderPrefs, defaultZone: string, now: number): number | undefined {
  const held = before.nextDue;
  const zone = zoneOf(after, defaultZone);
  const newSchedule = !sameDigest(before.digest, after.digest) || zoneOf(before, defaultZone) !== zone;
  const newQuiet = before.quiet?.from !== after.quiet?.from || before.quiet?.to !== after.quiet?.to;
  if (after.digest.kind === "instant") {
    if (held === undefined) return undefined;
    return newSchedule || newQuiet ? Math.min(held, now) : held;
  }
  if (newSchedule || held === undefined) return nextSlot(after.digest, zone, now);
  return held;
}
