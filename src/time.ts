/**
 * Time as Bulletin reads it: one clock that tests can move (digests and quiet hours are about
 * minutes and days, and stories must not wait for them), minutes since the epoch, and time zones.
 */

/** What time it is, in ms since the epoch. Production uses the system's; stories pass their own. */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

const MINUTE_MS = 60_000;

/** The minute since the epoch that `ms` falls in: the unit of digest times and quiet hours. */
export function epochMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS);
}

/** An IANA zone name's shape: `Asia/Tehran`, `America/Argentina/Buenos_Aires`, `UTC`, `Etc/GMT+3`. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * The IANA time zone `name` as Node spells it (`asia/tehran` → `Asia/Tehran`), or undefined when
 * Node does not know it. Offsets such as `+03:30` are not zone names and are refused.
 */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (!ZONE_NAME.test(trimmed)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
