import { describe, expect, it } from "vitest";
import { startsRtl } from "../../src/i18n/bidi.js";
import { messagesFor, type Language } from "../../src/i18n/index.js";
import {
  SCREENS,
  menuKeyboard,
  menuText,
  parseMenuData,
  summaryText,
  zonePresets,
  type SettingsView,
} from "../../src/bot/settings-menu.js";
import { DEFAULT_PREFS, type ReaderPrefs } from "../../src/store/chat-record.js";

/** 1 March 2026, 10:30 UTC, in epoch minutes. */
const NOW = Date.UTC(2026, 2, 1, 10, 30) / 60_000;

function view(language: Language, prefs: ReaderPrefs = DEFAULT_PREFS, defaultZone = "Asia/Tehran"): SettingsView {
  return { t: messagesFor(language), language, prefs, zone: prefs.timezone ?? defaultZone, defaultZone, now: NOW };
}

const dataOn = (v: SettingsView, screen: (typeof SCREENS)[number]) =>
  menuKeyboard(v, screen)
    .inline_keyboard.flat()
    .map((button) => ("callback_data" in button ? button.callback_data : undefined));

describe("the /settings menu's buttons", () => {
  it("carry data that reads back as what they show, within Telegram's 64 bytes", () => {
    for (const screen of SCREENS) {
      for (const data of dataOn(view("en"), screen)) {
        expect(data).toBeDefined();
        expect(Buffer.byteLength(data!)).toBeLessThanOrEqual(64);
        expect(parseMenuData(data!, "Asia/Tehran")).toBeDefined();
      }
    }
    expect(parseMenuData("pr:d:0800", "Asia/Tehran")).toEqual({
      kind: "set",
      screen: "digest",
      change: { digest: { kind: "daily", at: 480 } },
    });
    expect(parseMenuData("pr:q:off", "Asia/Tehran")).toEqual({ kind: "set", screen: "quiet", change: { quiet: undefined } });
    expect(parseMenuData("pr:l:fa", "Asia/Tehran")).toEqual({ kind: "set", screen: "languages", change: { languages: ["fa"] } });
    expect(parseMenuData("pr:z:UTC", "Asia/Tehran")).toEqual({ kind: "set", screen: "zone", change: { timezone: "UTC" } });
    expect(parseMenuData("pr:s:zone", "Asia/Tehran")).toEqual({ kind: "show", screen: "zone" });
  });

  it("refuse every data they do not carry: other times, zones, languages, screens", () => {
    for (const data of [
      "pr:d:0801",
      "pr:d:2500",
      "pr:q:0700-0700",
      "pr:q:2300-0800",
      "pr:l:de",
      "pr:l:",
      "pr:z:Europe/Paris",
      "pr:z:Mars/Olympus",
      "pr:s:",
      "pr:s:admin",
      "pr:",
      "PR:d:0800",
      "pr:d:0800 ",
    ]) {
      expect(parseMenuData(data, "Asia/Tehran")).toBeUndefined();
    }
  });

  it("offer DEFAULT_TIMEZONE first when it is not one of the presets", () => {
    expect(zonePresets("Asia/Tehran")[0]).toBe("Asia/Tehran");
    expect(zonePresets("Asia/Kabul").slice(0, 2)).toEqual(["Asia/Kabul", "Asia/Tehran"]);
    expect(parseMenuData("pr:z:Asia/Kabul", "Asia/Kabul")).toBeDefined();
    expect(parseMenuData("pr:z:Asia/Kabul", "Asia/Tehran")).toBeUndefined();
  });

  it("mark what the reader has now", () => {
    const prefs: ReaderPrefs = {
      ...DEFAULT_PREFS,
      digest: { kind: "hourly" },
      quiet: { from: 0, to: 480 },
      languages: ["en"],
      timezone: "UTC",
    };
    const labels = (screen: (typeof SCREENS)[number]) =>
      menuKeyboard(view("en", prefs), screen)
        .inline_keyboard.flat()
        .map((button) => button.text)
        .filter((text) => text.startsWith("✅"));
    expect(labels("digest")).toEqual(["✅ Hourly"]);
    expect(labels("quiet")).toEqual(["✅ 00:00–08:00"]);
    expect(labels("languages")).toEqual(["✅ Only English"]);
    expect(labels("zone")).toEqual(["✅ UTC"]);
  });
});

describe("the settings texts", () => {
  const prefs: ReaderPrefs = {
    ...DEFAULT_PREFS,
    digest: { kind: "daily", at: 1260 },
    quiet: { from: 1380, to: 420 },
    languages: ["fa", "en"],
    timezone: "Europe/London",
    muted: ["football", "کتاب"],
  };

  it("in English", () => {
    expect(summaryText(view("en", prefs))).toBe(
      [
        "⚙️ Your settings",
        "📬 Delivery: one digest a day at 21:00",
        "🌙 Quiet hours: 23:00–07:00",
        "🌐 Article languages: only Persian, English",
        "🕰 Time zone: Europe/London (now 10:30)",
        "🔇 Muted words: football, \u2068کتاب\u2069",
      ].join("\n"),
    );
  });

  it("in Persian: every line of every screen starts right to left, with Persian digits", () => {
    const persian = view("fa", prefs);
    expect(summaryText(persian)).toContain("📬 تحویل خبرها: یک خلاصه در روز، ساعت ۲۱:۰۰");
    expect(summaryText(persian)).toContain("🌐 زبان خبرها: فقط فارسی، انگلیسی");
    for (const screen of SCREENS) {
      const lines = menuText(persian, screen)
        .split("\n")
        .filter((line) => line !== "");
      expect(lines.filter((line) => !startsRtl(line))).toEqual([]);
    }
  });
});
