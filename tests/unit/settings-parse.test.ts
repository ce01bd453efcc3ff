import { describe, expect, it } from "vitest";
import { mutedEntries, parseClock, parseDigest, parseQuiet, parseZone, planMute, planUnmute } from "../../src/preferences/parse.js";

describe("a time a reader types", () => {
  it("is a 24-hour H:MM or HH:MM, in Latin or Persian digits", () => {
    expect(parseClock("07:30")).toBe(450);
    expect(parseClock("7:30")).toBe(450);
    expect(parseClock("00:00")).toBe(0);
    expect(parseClock("23:59")).toBe(1439);
    expect(parseClock("۲۱:۰۰")).toBe(1260);
    expect(parseClock("٠٨:١٥")).toBe(495);
  });

  it("is refused when it is no time of day", () => {
    for (const typed of ["25:00", "24:00", "7", "07:60", "7.30", "0730", "", "7:3", "daily"]) expect(parseClock(typed)).toBeUndefined();
  });
});

describe("/digest", () => {
  it("reads off, hourly and daily HH:MM in any case", () => {
    expect(parseDigest("off")).toEqual({ kind: "ok", mode: { kind: "instant" } });
    expect(parseDigest("Instant")).toEqual({ kind: "ok", mode: { kind: "instant" } });
    expect(parseDigest(" hourly ")).toEqual({ kind: "ok", mode: { kind: "hourly" } });
    expect(parseDigest("DAILY 8:05")).toEqual({ kind: "ok", mode: { kind: "daily", at: 485 } });
  });

  it("says what is wrong: no mode, daily without a time, a wrong time", () => {
    expect(parseDigest("")).toEqual({ kind: "usage" });
    expect(parseDigest("weekly")).toEqual({ kind: "usage" });
    expect(parseDigest("hourly 08:00")).toEqual({ kind: "usage" });
    expect(parseDigest("daily 08:00 09:00")).toEqual({ kind: "usage" });
    expect(parseDigest("daily")).toEqual({ kind: "missing-time" });
    expect(parseDigest("daily 25:00")).toEqual({ kind: "bad-time", typed: "25:00" });
    expect(parseDigest("daily 7")).toEqual({ kind: "bad-time", typed: "7" });
  });
});

describe("/quiet", () => {
  it("reads a window, across midnight too, with any dash and spaces around it", () => {
    expect(parseQuiet("23:00-07:00")).toEqual({ kind: "ok", quiet: { from: 1380, to: 420 } });
    expect(parseQuiet("13:00 – 14:30")).toEqual({ kind: "ok", quiet: { from: 780, to: 870 } });
    expect(parseQuiet("۲۳:۰۰-۰۷:۰۰")).toEqual({ kind: "ok", quiet: { from: 1380, to: 420 } });
    expect(parseQuiet("OFF")).toEqual({ kind: "off" });
  });

  it("refuses a window of no length, a wrong time, or no window", () => {
    expect(parseQuiet("07:00-07:00")).toEqual({ kind: "zero-length", at: 420 });
    expect(parseQuiet("7:00-07:00")).toEqual({ kind: "zero-length", at: 420 });
    expect(parseQuiet("23:00-25:00")).toEqual({ kind: "bad-time", typed: "25:00" });
    expect(parseQuiet("11-07:00")).toEqual({ kind: "bad-time", typed: "11" });
    expect(parseQuiet("")).toEqual({ kind: "usage" });
    expect(parseQuiet("23:00")).toEqual({ kind: "usage" });
    expect(parseQuiet("23:00-07:00-08:00")).toEqual({ kind: "usage" });
    expect(parseQuiet("23:00 07:00")).toEqual({ kind: "usage" });
  });
});

describe("/timezone", () => {
  it("takes the zones and aliases Node knows, in Node's spelling", () => {
    expect(parseZone("Europe/London")).toEqual({ kind: "ok", zone: "Europe/London" });
    expect(parseZone("asia/tehran")).toEqual({ kind: "ok", zone: "Asia/Tehran" });
    expect(parseZone("UTC")).toEqual({ kind: "ok", zone: "UTC" });
    expect(parseZone("Asia/Calcutta").kind).toBe("ok");
    expect(parseZone("US/Eastern")).toEqual({ kind: "ok", zone: "America/New_York" });
  });

  it("refuses anything else, and suggests the zone of a city typed alone", () => {
    expect(parseZone("")).toEqual({ kind: "usage" });
    expect(parseZone("Mars/Olympus")).toEqual({ kind: "unknown", typed: "Mars/Olympus" });
    expect(parseZone("+03:30")).toEqual({ kind: "unknown", typed: "+03:30" });
    expect(parseZone("tehran")).toEqual({ kind: "unknown", typed: "tehran", suggestion: "Asia/Tehran" });
    expect(parseZone("new york")).toEqual({ kind: "unknown", typed: "new york", suggestion: "America/New_York" });
    expect(parseZone("تهران")).toEqual({ kind: "unknown", typed: "تهران", suggestion: "Asia/Tehran" });
    expect(parseZone("لس\u200cآنجلس")).toMatchObject({ suggestion: "America/Los_Angeles" });
    expect(parseZone("لس آنجلس")).toMatchObject({ suggestion: "America/Los_Angeles" });
  });
});

describe("/mute and /unmute", () => {
  it("take words one by one, or phrases between commas", () => {
    expect(mutedEntries(" football  cricket ")).toEqual(["football", "cricket"]);
    expect(mutedEntries("climate   change, football")).toEqual(["climate change", "football"]);
    expect(mutedEntries("فوتبال، کشتی")).toEqual(["فوتبال", "کشتی"]);
    expect(mutedEntries("  ")).toEqual([]);
  });

  it("mutes all the entries, normalized and once each, or none", () => {
    expect(planMute(["football"], ["Cricket", "FOOTBALL", "cricket"])).toEqual({
      kind: "ok",
      muted: ["football", "cricket"],
      added: ["cricket"],
      already: ["football"],
    });
    expect(planMute([], ["كتاب"])).toMatchObject({ kind: "ok", added: ["کتاب"] });
    expect(planMute([], [])).toEqual({ kind: "usage" });
    expect(planMute([], ["ok", "!!!"])).toEqual({ kind: "not-a-word", entry: "!!!" });
    const long = "x".repeat(65);
    expect(planMute([], ["ok", long])).toEqual({ kind: "too-long", entry: long });
    expect(planMute([], ["x".repeat(64)]).kind).toBe("ok");
  });

  it("keeps to 50 words a reader", () => {
    const fortyNine = Array.from({ length: 49 }, (_, i) => `word${i}`);
    expect(planMute(fortyNine, ["one"]).kind).toBe("ok");
    expect(planMute(fortyNine, ["one", "two"])).toEqual({ kind: "too-many", have: 49, room: 1 });
    expect(planMute([...fortyNine, "one"], ["word3", "one"]).kind).toBe("ok");
    expect(planMute([...fortyNine, "one"], ["two"])).toEqual({ kind: "too-many", have: 50, room: 0 });
  });

  it("unmutes what was muted, however it is typed, and names the rest", () => {
    expect(planUnmute(["football", "کتاب"], ["Football", "كتاب", "tennis"])).toEqual({
      kind: "ok",
      muted: [],
      removed: ["football", "کتاب"],
      notMuted: ["tennis"],
    });
    expect(planUnmute(["football"], [])).toEqual({ kind: "usage" });
  });
});
