import { describe, expect, it } from "vitest";
import { isQuiet, minuteOfDay, nextDaily, nextHourly, quietEnd, rescheduled, timingOf, zoneOf } from "../../src/preferences/schedule.js";
import { DEFAULT_PREFS, type ReaderPrefs } from "../../src/store/chat-record.js";
import { canonicalTimeZone, epochMinute } from "../../src/time.js";

/** The epoch minute of an ISO time, and back. */
const at = (iso: string): number => epochMinute(Date.parse(iso));
const iso = (minute: number): string => new Date(minute * 60_000).toISOString().replace(":00.000Z", "Z");
const hhmm = (h: number, m = 0) => h * 60 + m;

describe("a daily digest in the reader's time zone", () => {
  it("Tehran (UTC+3:30 all year): 08:00 there is 04:30 UTC", () => {
    expect(iso(nextDaily("Asia/Tehran", hhmm(8), at("2025-06-01T00:00Z")))).toBe("2025-06-01T04:30Z");
    expect(iso(nextDaily("Asia/Tehran", hhmm(8), at("2025-12-01T00:00Z")))).toBe("2025-12-01T04:30Z");
  });

  it("Tehran when it still kept summer time (UTC+4:30 in June 2021)", () => {
    expect(iso(nextDaily("Asia/Tehran", hhmm(8), at("2021-06-01T00:00Z")))).toBe("2021-06-01T03:30Z");
  });

  it("the next one is tomorrow once today's time has come, and never the minute it is now", () => {
    expect(iso(nextDaily("Asia/Tehran", hhmm(8), at("2025-06-01T04:30Z")))).toBe("2025-06-02T04:30Z");
    expect(iso(nextDaily("Asia/Tehran", hhmm(8), at("2025-06-01T04:29Z")))).toBe("2025-06-01T04:30Z");
  });

  it("Europe/London: 08:00 GMT in winter, 08:00 BST (07:00 UTC) the day the clocks go forward", () => {
    const saturday = nextDaily("Europe/London", hhmm(8), at("2025-03-29T00:00Z"));
    expect(iso(saturday)).toBe("2025-03-29T08:00Z");
    const sunday = nextDaily("Europe/London", hhmm(8), saturday);
    expect(iso(sunday)).toBe("2025-03-30T07:00Z");
    expect(sunday - saturday).toBe(23 * 60);
  });

  it("Europe/London: a time the clocks skip (01:30 on 30 March 2025) comes as late as the jump, 02:30 BST", () => {
    expect(iso(nextDaily("Europe/London", hhmm(1, 30), at("2025-03-29T12:00Z")))).toBe("2025-03-30T01:30Z");
    expect(minuteOfDay("Europe/London", at("2025-03-30T01:30Z"))).toBe(hhmm(2, 30));
  });

  it("Europe/London: a time that happens twice (01:30 on 26 October 2025) counts once, the first time", () => {
    const first = nextDaily("Europe/London", hhmm(1, 30), at("2025-10-25T12:00Z"));
    expect(iso(first)).toBe("2025-10-26T00:30Z");
    expect(iso(nextDaily("Europe/London", hhmm(1, 30), first))).toBe("2025-10-27T01:30Z");
  });

  it("Europe/London: over a whole year, exactly one digest a day, each at 08:00 on the local clock", () => {
    let due = at("2024-12-31T12:00Z");
    const days = new Set<string>();
    for (let i = 0; i < 365; i++) {
      due = nextDaily("Europe/London", hhmm(8), due);
      expect(minuteOfDay("Europe/London", due)).toBe(hhmm(8));
      days.add(new Date(due * 60_000).toLocaleDateString("en-CA", { timeZone: "Europe/London" }));
    }
    expect(days.size).toBe(365);
    expect([...days][0]).toBe("2025-01-01");
    expect([...days].at(-1)).toBe("2025-12-31");
  });
});

describe("an hourly digest", () => {
  it("comes on the full hour of the reader's clock: :30 UTC in Tehran", () => {
    expect(iso(nextHourly("Asia/Tehran", at("2025-06-01T10:05Z")))).toBe("2025-06-01T10:30Z");
    expect(iso(nextHourly("Asia/Tehran", at("2025-06-01T10:30Z")))).toBe("2025-06-01T11:30Z");
  });

  it("keeps coming every hour across London's clock changes", () => {
    expect(iso(nextHourly("Europe/London", at("2025-03-30T00:30Z")))).toBe("2025-03-30T01:00Z");
    expect(iso(nextHourly("Europe/London", at("2025-10-26T00:00Z")))).toBe("2025-10-26T01:00Z");
    expect(iso(nextHourly("Europe/London", at("2025-10-26T01:00Z")))).toBe("2025-10-26T02:00Z");
  });

  it("keeps to the full hour where the offset has 45 minutes (Asia/Kathmandu, UTC+5:45)", () => {
    expect(iso(nextHourly("Asia/Kathmandu", at("2025-06-01T10:00Z")))).toBe("2025-06-01T10:15Z");
  });
});

describe("quiet hours", () => {
  const night = { from: hhmm(23), to: hhmm(7) };
  const lunch = { from: hhmm(13), to: hhmm(14) };

  it.each([
    ["23:00", "2025-06-01T19:30Z", true],
    ["23:30", "2025-06-01T20:00Z", true],
    ["03:00", "2025-06-01T23:30Z", true],
    ["06:59", "2025-06-02T03:29Z", true],
    ["07:00", "2025-06-02T03:30Z", false],
    ["12:00", "2025-06-02T08:30Z", false],
    ["22:59", "2025-06-01T19:29Z", false],
  ])("a window across midnight, 23:00-07:00 in Tehran: %s is quiet: %s", (_local, time, quiet) => {
    expect(isQuiet(night, "Asia/Tehran", at(time))).toBe(quiet);
  });

  it("a window within the day: 13:00 is in it, 14:00 is not", () => {
    expect(isQuiet(lunch, "Europe/London", at("2025-01-10T13:00Z"))).toBe(true);
    expect(isQuiet(lunch, "Europe/London", at("2025-01-10T14:00Z"))).toBe(false);
    expect(isQuiet(lunch, "Europe/London", at("2025-07-10T12:30Z"))).toBe(true);
  });

  it("ends at its next `to` on the reader's clock: the next morning for a night window", () => {
    expect(iso(quietEnd(night, "Asia/Tehran", at("2025-06-01T20:00Z")))).toBe("2025-06-02T03:30Z");
    expect(iso(quietEnd(night, "Asia/Tehran", at("2025-06-01T23:30Z")))).toBe("2025-06-02T03:30Z");
  });
});

describe("what a visit does for a reader now", () => {
  const zone = "Asia/Tehran";
  const noon = at("2025-06-01T08:30Z");
  const daily = (h: number): ReaderPrefs => ({ ...DEFAULT_PREFS, digest: { kind: "daily", at: hhmm(h) } });

  it("an instant reader outside quiet hours: send", () => {
    expect(timingOf(DEFAULT_PREFS, zone, noon)).toEqual({ kind: "send" });
  });

  it("an instant reader inside quiet hours: hold until they end", () => {
    const prefs = { ...DEFAULT_PREFS, quiet: { from: hhmm(12), to: hhmm(13) } };
    expect(timingOf(prefs, zone, noon)).toEqual({ kind: "hold-until", nextDue: at("2025-06-01T09:30Z") });
  });

  it("an instant reader held until quiet hours ended: one digest, then nothing held", () => {
    const prefs = { ...DEFAULT_PREFS, quiet: { from: hhmm(11), to: hhmm(12) }, nextDue: noon };
    expect(timingOf(prefs, zone, noon)).toEqual({ kind: "digest", nextDue: undefined });
  });

  it("a daily reader without a slot yet: hold until the next one", () => {
    expect(timingOf(daily(8), zone, noon)).toEqual({ kind: "hold-until", nextDue: at("2025-06-02T04:30Z") });
  });

  it("a daily reader before their time: hold; at it: a digest, and tomorrow's slot", () => {
    const prefs = { ...daily(8), nextDue: at("2025-06-02T04:30Z") };
    expect(timingOf(prefs, zone, noon)).toEqual({ kind: "hold" });
    expect(timingOf(prefs, zone, at("2025-06-02T04:30Z"))).toEqual({ kind: "digest", nextDue: at("2025-06-03T04:30Z") });
    expect(timingOf(prefs, zone, at("2025-06-02T04:33Z"))).toEqual({ kind: "digest", nextDue: at("2025-06-03T04:30Z") });
  });

  it("a daily digest due inside quiet hours waits for their end", () => {
    const prefs = { ...daily(8), quiet: { from: hhmm(7), to: hhmm(9) }, nextDue: at("2025-06-02T04:30Z") };
    expect(timingOf(prefs, zone, at("2025-06-02T04:30Z"))).toEqual({ kind: "hold-until", nextDue: at("2025-06-02T05:30Z") });
  });
});

describe("a change of preferences reschedules what is held", () => {
  const zone = "Asia/Tehran";
  const now = at("2025-06-01T08:30Z");
  const daily8: ReaderPrefs = { ...DEFAULT_PREFS, digest: { kind: "daily", at: hhmm(8) } };

  it("choosing a daily digest holds until its first slot", () => {
    expect(rescheduled(DEFAULT_PREFS, daily8, zone, now)).toBe(at("2025-06-02T04:30Z"));
  });

  it("a new time zone moves the slot to that zone's clock", () => {
    const before = { ...daily8, nextDue: at("2025-06-02T04:30Z") };
    expect(rescheduled(before, { ...before, timezone: "Europe/London" }, zone, now)).toBe(at("2025-06-02T07:00Z"));
  });

  it("back to instant: what was held goes out at once", () => {
    const before = { ...daily8, nextDue: at("2025-06-02T04:30Z") };
    expect(rescheduled(before, { ...before, digest: { kind: "instant" } }, zone, now)).toBe(now);
    expect(rescheduled(DEFAULT_PREFS, DEFAULT_PREFS, zone, now)).toBeUndefined();
  });

  it("muting a word keeps the slot, even one already due", () => {
    const due = { ...daily8, nextDue: now - 1 };
    expect(rescheduled(due, { ...due, muted: ["oil"] }, zone, now)).toBe(now - 1);
  });

  it("new quiet hours release an instant reader's held articles (a visit holds them again if need be)", () => {
    const held = { ...DEFAULT_PREFS, quiet: { from: hhmm(22), to: hhmm(7) }, nextDue: now + 600 };
    expect(rescheduled(held, { ...held, quiet: undefined }, zone, now)).toBe(now);
  });
});

describe("time zone names", () => {
  it.each([
    ["Asia/Tehran", "Asia/Tehran"],
    ["asia/tehran", "Asia/Tehran"],
    ["Europe/London", "Europe/London"],
    ["America/Argentina/Buenos_Aires", "America/Buenos_Aires"],
    ["UTC", "UTC"],
  ])("%s is known as %s", (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
  });

  it.each(["Mars/Olympus", "Tehran", "+03:30", "", "Asia/Tehran; DROP", "../etc/passwd"])("%j is not a zone", (name) => {
    expect(canonicalTimeZone(name)).toBeUndefined();
  });

  it("a reader's zone Node does not know falls back to the default", () => {
    expect(zoneOf({ ...DEFAULT_PREFS, timezone: "Mars/Olympus" }, "Asia/Tehran")).toBe("Asia/Tehran");
    expect(zoneOf({ ...DEFAULT_PREFS, timezone: "Europe/London" }, "Asia/Tehran")).toBe("Europe/London");
    expect(zoneOf(DEFAULT_PREFS, "Asia/Tehran")).toBe("Asia/Tehran");
  });
});
