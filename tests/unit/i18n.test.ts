import { describe, expect, it } from "vitest";
import { loadCategories } from "../../src/config/categories.js";
import { formatArticle, hashtagWords, hashtags } from "../../src/format/index.js";
import { RLM, isolate, persianDigits, startRtl, startsRtl } from "../../src/i18n/bidi.js";
import { en } from "../../src/i18n/en.js";
import { fa } from "../../src/i18n/fa.js";
import {
  formatClock,
  formatCount,
  formatDate,
  joinList,
  messagesFor,
  parseLanguageChoice,
  plural,
  supportedLanguage,
} from "../../src/i18n/index.js";
import { world } from "../support/records.js";
import { CATEGORIES_FILE } from "../support/stack.js";

const FSI = "\u2068";
const PDI = "\u2069";

/**
 * The first character that sets a paragraph's direction, as Unicode's bidi algorithm (rule P2)
 * finds it: isolated inserts are skipped whole (nested ones too), letters and the LRM, RLM and
 * ALM marks count. Written here on its own, not with the code under test.
 */
function firstStrong(text: string): string | undefined {
  let depth = 0;
  for (const char of text) {
    if (char === FSI) depth++;
    else if (char === PDI) depth = Math.max(0, depth - 1);
    else if (depth === 0 && /[\p{L}\u200E\u200F\u061C]/u.test(char)) return char;
  }
  return undefined;
}

const rightToLeft = (char: string | undefined) =>
  char !== undefined && (char === "\u200F" || char === "\u061C" || /[\p{Script=Arabic}\p{Script=Hebrew}]/u.test(char));

/**
 * Stands in for any argument a message takes: a Latin string when written into the text, a list
 * of one Latin string where a list is expected, "not a number" where a number is (so it must not
 * decide the direction either), and true where a flag is.
 */
const LATIN = Object.freeze(["Latin @someone_42 https://example.com/x"]);

/** Every message of a catalogue, by its path ("admin.queue"), with Latin arguments filled in. */
function renderAll(catalogue: object, path = ""): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]: [string, unknown]): [string, string][] => {
    const name = path ? `${path}.${key}` : key;
    if (typeof value === "string") return [[name, value]];
    if (typeof value === "function") {
      const message: unknown = (value as (...args: unknown[]) => unknown)(...Array.from({ length: value.length }, () => LATIN));
      if (typeof message !== "string") throw new Error(`${name} did not give a string`);
      return [[name, message]];
    }
    if (typeof value === "object" && value !== null) return renderAll(value, name);
    throw new Error(`${name} is neither a message nor a group of them`);
  });
}

describe("the Persian catalogue", () => {
  const messages = renderAll(fa);

  it("has every message of the English one, and nothing else", () => {
    expect(messages.map(([name]) => name).sort()).toEqual(
      renderAll(en)
        .map(([name]) => name)
        .sort(),
    );
  });

  it("starts every message right to left, whatever Latin text its arguments hold", () => {
    // The operators' messages are HTML: Telegram lays out the text, not the tags.
    const shown = (name: string, text: string) => (name.startsWith("admin.") ? text.replace(/<[^>]*>/g, "") : text);
    const wrong = messages
      .filter(([name, text]) => !rightToLeft(firstStrong(shown(name, text))))
      .map(([name, text]) => `${name}: ${JSON.stringify(text)}`);
    expect(wrong).toEqual([]);
  });

  it("closes every isolate it opens", () => {
    const unbalanced = messages
      .filter(([, text]) => {
        let depth = 0;
        for (const char of text) {
          depth += char === FSI ? 1 : char === PDI ? -1 : 0;
          if (depth < 0) return true;
        }
        return depth !== 0;
      })
      .map(([name]) => name);
    expect(unbalanced).toEqual([]);
  });

  it("writes the numbers Bulletin counts in Persian digits", () => {
    expect(fa.digestHeader(12)).toBe("📰 ۱۲ خبر تازه");
    expect(fa.admin.sent(1200, 3, 45)).toBe("فرستاده‌شده: ۱٬۲۰۰ تکی، ۳ خلاصه؛ ۴۵ خبر");
    expect(fa.admin.queue("delivery", false, 1, 0, 2, 10)).toBe(`صف ${isolate("delivery")}: ۱ / ۰ / ۲ / ۱۰`);
  });

  it("names the /language command in both menus", () => {
    expect(Object.keys(fa.commandDescriptions)).toEqual(Object.keys(en.commandDescriptions));
    expect(Object.keys(en.commandDescriptions)).toContain("language");
  });
});

describe("the English catalogue", () => {
  it("counts with plurals and separators", () => {
    expect(en.digestHeader(1)).toBe("📰 1 new article");
    expect(en.digestHeader(1500)).toBe("📰 1,500 new articles");
    expect(en.admin.failed([])).toBe("failed: none");
    expect(en.admin.failed([en.admin.failure("blocked", 2), en.admin.failure("kicked", 1)])).toBe("failed: blocked 2, kicked 1");
  });
});

describe("bidi helpers", () => {
  it("isolate wraps an insert, and nothing for nothing", () => {
    expect(isolate("@news")).toBe(`${FSI}@news${PDI}`);
    expect(isolate(42)).toBe(`${FSI}42${PDI}`);
    expect(isolate("")).toBe("");
  });

  it("startsRtl looks at the first strong letter, skipping isolated (and nested) inserts", () => {
    expect(startsRtl("سلام")).toBe(true);
    expect(startsRtl("📰 ۱۲ خبر")).toBe(true);
    expect(startsRtl(`${isolate("world")} (جهان)`)).toBe(true);
    expect(startsRtl(`${isolate(`a ${isolate("b")} c`)} جهان`)).toBe(true);
    expect(startsRtl("world (جهان)")).toBe(false);
    expect(startsRtl("۱۲ / ۳")).toBe(false);
    expect(startsRtl(`${RLM}world`)).toBe(true);
  });

  it("startRtl adds one RLM only where the text would start left to right", () => {
    expect(startRtl("سلام")).toBe("سلام");
    expect(startRtl("world: ۳")).toBe(`${RLM}world: ۳`);
    expect(startRtl(startRtl("world"))).toBe(`${RLM}world`);
  });

  it("persianDigits changes only the digits", () => {
    expect(persianDigits("07:30, 2025")).toBe("۰۷:۳۰, ۲۰۲۵");
  });
});

describe("numbers, clocks, dates, plurals and lists", () => {
  it("formatCount groups digits the language's way", () => {
    expect(formatCount(1234567, "en")).toBe("1,234,567");
    expect(formatCount(1234567, "fa")).toBe("۱٬۲۳۴٬۵۶۷");
    expect(formatCount(0, "fa")).toBe("۰");
  });

  it("formatClock writes a minute of the day on a 24-hour clock", () => {
    expect(formatClock(7 * 60 + 5, "en")).toBe("07:05");
    expect(formatClock(23 * 60 + 59, "fa")).toBe("۲۳:۵۹");
    expect(formatClock(0, "fa")).toBe("۰۰:۰۰");
    expect(() => formatClock(24 * 60, "en")).toThrow(RangeError);
    expect(() => formatClock(7.5, "en")).toThrow(RangeError);
  });

  it("formatDate gives the day in the reader's zone, in the Persian calendar for Persian", () => {
    // Nowruz 1404: 00:30 on 21 March 2025 in Tehran is still 20 March in London.
    const nowruz = Date.UTC(2025, 2, 20, 21, 0);
    expect(formatDate(nowruz, "fa", "Asia/Tehran")).toBe("۱ فروردین ۱۴۰۴");
    expect(formatDate(nowruz, "fa", "Europe/London")).toBe("۳۰ اسفند ۱۴۰۳");
    expect(formatDate(nowruz, "en", "Asia/Tehran")).toBe("March 21, 2025");
  });

  it("plural picks the language's form (Intl.PluralRules)", () => {
    const articles = { one: "article", other: "articles" };
    expect(plural(1, "en", articles)).toBe("article");
    expect(plural(0, "en", articles)).toBe("articles");
    expect(plural(2, "en", articles)).toBe("articles");
    expect(plural(5, "fa", { other: "خبر" })).toBe("خبر");
  });

  it("joinList uses the Persian comma in Persian", () => {
    expect(joinList(["World", "Politics"], "en")).toBe("World, Politics");
    expect(joinList(["جهان", "سیاست"], "fa")).toBe("جهان، سیاست");
    expect(joinList([], "fa")).toBe("");
  });
});

describe("languages", () => {
  it("a Telegram language_code is Persian for fa and fa-IR, English for anything else", () => {
    expect(supportedLanguage("fa")).toBe("fa");
    expect(supportedLanguage("fa-IR")).toBe("fa");
    expect(supportedLanguage("en-GB")).toBe("en");
    expect(supportedLanguage("de")).toBe("en");
    expect(supportedLanguage(undefined)).toBe("en");
    expect(messagesFor("fa-IR")).toBe(fa);
    expect(messagesFor("ru")).toBe(en);
  });

  it("/language takes a code or a name in either language, and refuses anything else", () => {
    expect(parseLanguageChoice("fa")).toBe("fa");
    expect(parseLanguageChoice("FA-ir")).toBe("fa");
    expect(parseLanguageChoice("فارسی")).toBe("fa");
    expect(parseLanguageChoice("Persian")).toBe("fa");
    expect(parseLanguageChoice("English")).toBe("en");
    expect(parseLanguageChoice("en-US")).toBe("en");
    expect(parseLanguageChoice("xx")).toBeUndefined();
    expect(parseLanguageChoice("de")).toBeUndefined();
    expect(parseLanguageChoice("fa-")).toBeUndefined();
    expect(parseLanguageChoice("")).toBeUndefined();
  });
});

describe("hashtags in the reader's language", () => {
  const categories = loadCategories(CATEGORIES_FILE);

  it("come from the category's title in that language, the slug when it has none", () => {
    expect(hashtagWords(categories, ["world", "economy"], "fa")).toEqual(["جهان", "اقتصاد"]);
    expect(hashtagWords(categories, ["world"], "en")).toEqual(["World"]);
    expect(hashtagWords(categories, ["world"], "de")).toEqual(["world"]);
    expect(hashtagWords(categories, ["gone"], "fa")).toEqual(["gone"]);
  });

  it("hold only what Telegram reads as one hashtag", () => {
    expect(hashtags(["Middle East", "middle-east", "علم و فناوری", "می‌خواهند", "سَلام"])).toEqual([
      "#Middle_East",
      "#middle_east",
      "#علم_و_فناوری",
      "#می‌خواهند",
      "#سلام",
    ]);
  });

  it("close a Persian article, under its link", () => {
    const message = formatArticle({ title: "خبر", summary: "", url: "https://news.example.com/1", categories: [world] }, fa, {
      hashtagWords: hashtagWords(categories, ["world"], "fa"),
    });
    expect(message.html).toBe(`<b>خبر</b>\n\n<a href="https://news.example.com/1">ادامه‌ی خبر</a>\n#جهان`);
  });
});
