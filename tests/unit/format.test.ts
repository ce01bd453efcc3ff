import { readFileSync } from "node:fs";
import type { MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../support/random.js";
import {
  CAPTION_LIMIT,
  ELLIPSIS,
  TEXT_LIMIT,
  cutText,
  escapeHtml,
  formatArticle,
  formatDigest,
  htmlTextLength,
  normalizeSummary,
  normalizeTitle,
  type DigestItem,
  type FormattableArticle,
} from "../../src/format/index.js";
import { en } from "../../src/i18n/en.js";
import { categorySlug } from "../../src/ids.js";
import { parseTelegramHtml } from "@bulletin/fake-bot-api";

const ZWNJ = "\u200C";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What the reader's Telegram shows: the plain text and its entities. Fails the test when Telegram would refuse it. */
function asTelegramShowsIt(html: string): { text: string; entities: MessageEntity[] } {
  const result = parseTelegramHtml(html);
  if (!result.ok) throw new Error(`Telegram would refuse this message: ${result.description}\n${html}`);
  return result;
}

/** The parts of a formatted article as the reader sees them. */
function readArticle(html: string) {
  const { text, entities } = asTelegramShowsIt(html);
  const bold = entities.find((e) => e.type === "bold" && e.offset === 0);
  const link = entities.find((e): e is MessageEntity.TextLinkMessageEntity => e.type === "text_link");
  if (bold === undefined || link === undefined) throw new Error(`no bold title or no link in ${JSON.stringify(text)}`);
  const title = text.slice(0, bold.length);
  const summary = link.offset > bold.length + 2 ? text.slice(bold.length + 2, link.offset - 2) : "";
  const linkText = text.slice(link.offset, link.offset + link.length);
  const afterLink = text.slice(link.offset + link.length);
  const hashtags = afterLink.startsWith("\n") ? afterLink.slice(1).split(" ") : [];
  return { text, title, summary, url: link.url, linkText, hashtags };
}

function article(overrides: Partial<FormattableArticle> = {}): FormattableArticle {
  return {
    title: "Kyiv: We do not give territorial concessions",
    summary: "A short summary.",
    url: "https://news.example.com/en/world/kyiv",
    categories: [categorySlug("world")],
    ...overrides,
  };
}

/** Checks that `shown` is `original`, or a start of it cut where a reader expects a cut, followed by "…". */
function expectCleanCut(shown: string, original: string): void {
  if (shown === original) return;
  expect(shown.endsWith(ELLIPSIS), `a shortened text ends with "…": ${shown.slice(-20)}`).toBe(true);
  const head = shown.slice(0, -ELLIPSIS.length);
  expect(original.startsWith(head), "a shortened text is the start of the original").toBe(true);
  expect(LONE_SURROGATE.test(head), "no half of an emoji").toBe(false);
  const next = original.charAt(head.length);
  // Between words: whitespace follows (a joiner left dangling before it is dropped with it).
  const atWordBoundary = /^[\u200C\u200D]*\s/.test(original.slice(head.length));
  if (!atWordBoundary) {
    // A character cut (one very long word): never beside a ZWNJ, which joins a Persian word.
    const around = JSON.stringify(original.slice(head.length - 10, head.length + 10));
    expect(head.endsWith(ZWNJ) || next === ZWNJ, `a cut beside a ZWNJ splits a Persian word: ${around}`).toBe(false);
  }
}

const PERSIAN_WORDS = [
  "می‌خواهم",
  "کتاب‌ها",
  "نمی‌دانم",
  "خبرگزاری",
  "بین‌المللی",
  "گزارش",
  "دولت",
  "سیاست‌های",
  "اقتصادی",
  "می‌شود",
  "آن‌ها",
  "روزنامه‌نگاران",
  "تهران",
  "جهان",
  "و",
  "در",
];

describe("an article as a Telegram message", () => {
  it("shows the sample article with its title in bold, its summary, a link to read more and #world", () => {
    const seed = JSON.parse(readFileSync(new URL("../fixtures/seed-article.json", import.meta.url), "utf8")) as {
      title: string;
      summary: string;
      url: string;
      categories: string[];
    };
    const message = formatArticle(
      { title: seed.title, summary: seed.summary, url: seed.url, categories: seed.categories.map(categorySlug) },
      en,
    );
    expect(message.kind).toBe("text");
    const shown = readArticle(message.html);
    expect(shown.title).toBe(seed.title);
    expect(shown.summary).toBe(seed.summary);
    expect(shown.linkText).toBe(en.readMore);
    expect(shown.url).toBe(seed.url);
    expect(shown.hashtags).toEqual(["#world"]);
    expect(shown.text).toBe(`${seed.title}\n\n${seed.summary}\n\n${en.readMore}\n#world`);
  });

  it("shows a hostile title exactly as written, never as markup", () => {
    const title = `<script>alert("x")</script> Tom &amp; Jerry </b> "quoted" 'single' &foo; &#65; <b>1 < 2 & 3 > 2`;
    const url = `https://example.com/a?b=1&c="2"&d=<3>`;
    const shown = readArticle(formatArticle(article({ title, summary: title, url }), en).html);
    expect(shown.title).toBe(title);
    expect(shown.summary).toBe(title);
    expect(shown.url).toBe(url);
  });

  it("escapes the four characters Telegram reads as markup", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    expect(htmlTextLength(`<b>${escapeHtml("a & b < c 😀")}</b>`)).toBe("a & b < c 😀".length);
  });

  it("turns categories into hashtags, with - as _", () => {
    const shown = readArticle(formatArticle(article({ categories: ["world", "middle-east", "world"].map(categorySlug) }), en).html);
    expect(shown.hashtags).toEqual(["#world", "#middle_east"]);
  });

  it("tidies the summary's whitespace but keeps its paragraphs", () => {
    const summary = "  First   paragraph,\tsame line.\r\n\r\n\r\n\n  Second   paragraph \n line two  ";
    expect(normalizeSummary(summary)).toBe("First paragraph, same line.\n\nSecond paragraph\nline two");
    expect(normalizeTitle(" A\n title  ")).toBe("A title");
    expect(readArticle(formatArticle(article({ summary }), en).html).summary).toBe(normalizeSummary(summary));
  });

  it("leaves out the summary line when there is none", () => {
    const html = formatArticle(article({ summary: undefined }), en).html;
    expect(asTelegramShowsIt(html).text).toBe(`Kyiv: We do not give territorial concessions\n\n${en.readMore}\n#world`);
  });

  it("cuts a 6,000-character Persian summary under 4096, between words, keeping ZWNJ words whole", () => {
    const words: string[] = [];
    let i = 0;
    while (words.join(" ").length < 6000) words.push(PERSIAN_WORDS[i++ % PERSIAN_WORDS.length] ?? "");
    const summary = words.join(" ");
    const message = formatArticle(article({ title: "گزارش خبرگزاری", summary }), en);
    expect(message.kind).toBe("text");
    const shown = readArticle(message.html);
    expect(shown.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(shown.text.length).toBeGreaterThan(TEXT_LIMIT - 30);
    expect(shown.summary.endsWith(ELLIPSIS)).toBe(true);
    expectCleanCut(shown.summary, summary);
    // The cut falls between words: every word shown, the last one included, is a whole word.
    const shownWords = shown.summary.slice(0, -1).split(" ");
    for (const word of shownWords) expect(PERSIAN_WORDS).toContain(word);
    expect(shown.url).toBe(article().url);
  });

  it("never cuts an emoji in half when the cut falls on it", () => {
    for (const emoji of ["😀", "👍🏽", "👨‍👩‍👧", "🇮🇷"]) {
      for (let shift = 0; shift < 8; shift++) {
        const summary = "x".repeat(shift) + emoji.repeat(Math.ceil(5000 / emoji.length));
        const shown = readArticle(formatArticle(article({ summary }), en).html);
        expect(shown.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
        expectCleanCut(shown.summary, summary);
        // only whole emoji before the "…"
        expect(shown.summary.slice(shift, -1)).toBe(emoji.repeat((shown.summary.length - 1 - shift) / emoji.length));
      }
    }
  });

  it("sends an article with an image as a photo with a caption of at most 1024", () => {
    const summary = "Long summary sentence about the news. ".repeat(100);
    const message = formatArticle(article({ summary, imageUrl: "https://img.example.com/a.jpg" }), en);
    expect(message).toMatchObject({ kind: "photo", photoUrl: "https://img.example.com/a.jpg" });
    const shown = readArticle(message.html);
    expect(shown.text.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(shown.text.length).toBeGreaterThan(CAPTION_LIMIT - 60);
    expect(shown.title).toBe(article().title);
    expect(shown.hashtags).toEqual(["#world"]);
    expectCleanCut(shown.summary, normalizeSummary(summary));
  });

  it("sends the same article as text, with more of the summary, when asked not to send the photo", () => {
    const summary = "Long summary sentence about the news. ".repeat(100);
    const message = formatArticle(article({ summary, imageUrl: "https://img.example.com/a.jpg" }), en, { photo: false });
    expect(message).toMatchObject({ kind: "text", linkPreview: true });
    expect(readArticle(message.html).text.length).toBeGreaterThan(CAPTION_LIMIT);
  });

  it("cuts the title too when even the title does not fit a caption, but keeps the link and hashtags", () => {
    const title = "A very long headline ".repeat(80);
    const message = formatArticle(
      article({ title, imageUrl: "https://img.example.com/a.jpg", categories: [categorySlug("world"), categorySlug("middle-east")] }),
      en,
    );
    const shown = readArticle(message.html);
    expect(shown.text.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(shown.summary).toBe("");
    expectCleanCut(shown.title, normalizeTitle(title));
    expect(shown.url).toBe(article().url);
    expect(shown.hashtags).toEqual(["#world", "#middle_east"]);
  });
});

describe("cutting plain text", () => {
  it("returns text that fits unchanged", () => {
    expect(cutText("short", 5)).toBe("short");
  });

  it("cuts at the last space that fits, the … included in the length", () => {
    expect(cutText("one two three four", 10)).toBe("one two…");
    expect(cutText("one two three four", 14)).toBe("one two three…");
  });

  it("cuts a single very long word between characters, never inside an emoji or beside a ZWNJ", () => {
    expect(cutText("abcdefghij", 5)).toBe("abcd…");
    expect(cutText("ab😀cd", 4)).toBe("ab…");
    expect(cutText("ab😀cd", 5)).toBe("ab😀…");
    expect(cutText(`abc${ZWNJ}defgh`, 5)).toBe("ab…");
    expect(cutText(`abc${ZWNJ}defgh`, 6)).toBe(`abc${ZWNJ}d…`);
    expect(cutText(`abc${ZWNJ}defgh`, 7)).toBe(`abc${ZWNJ}de…`);
  });
});

describe("a digest of several articles", () => {
  const items = (count: number, title: (i: number) => string): DigestItem[] =>
    Array.from({ length: count }, (_, i) => ({ title: title(i), url: `https://news.example.com/${i}` }));

  it("lists the articles newest first under a header, each title linking to its article", () => {
    const digest = formatDigest(
      items(3, (i) => `Article ${i}`),
      en,
    );
    expect(digest.included).toBe(3);
    const { text, entities } = asTelegramShowsIt(digest.html);
    expect(text).toBe(`${en.digestHeader(3)}\n\n• Article 2\n• Article 1\n• Article 0`);
    expect(entities.map((e) => (e.type === "text_link" ? e.url : e.type))).toEqual([
      "https://news.example.com/2",
      "https://news.example.com/1",
      "https://news.example.com/0",
    ]);
  });

  it("takes the oldest articles that fit in one message and says how many, for 500 long titles", () => {
    const all = items(500, (i) => `${i} ${"long headline words ".repeat(20)}`);
    const digest = formatDigest(all, en);
    const { text } = asTelegramShowsIt(digest.html);
    expect(text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(digest.included).toBeGreaterThan(1);
    expect(digest.included).toBeLessThan(500);
    const lines = text.split("\n").slice(2);
    expect(lines).toHaveLength(digest.included);
    // newest first: the last line is the oldest article, the first line the newest included
    expect(lines.at(-1)?.startsWith("• 0 ")).toBe(true);
    expect(lines[0]?.startsWith(`• ${digest.included - 1} `)).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(2 + 200);
    // One more line would not have fit: it is the longest prefix.
    const oneMore = formatDigest(all.slice(0, digest.included + 1), en);
    expect(oneMore.included).toBe(digest.included);
    // The rest continues in the next message.
    expect(formatDigest(all.slice(digest.included), en).html).toContain(`https://news.example.com/${digest.included}"`);
  });

  it("always includes at least one article, and shows hostile titles as text", () => {
    const title = `</a><b>"x" & y</b>`;
    const digest = formatDigest([{ title, url: "https://x.example/?a=1&b=2" }], en);
    expect(digest.included).toBe(1);
    expect(asTelegramShowsIt(digest.html).text).toBe(`${en.digestHeader(1)}\n\n• ${title}`);
    expect(formatDigest([], en)).toEqual({ html: "", included: 0 });
  });
});

const PIECES = [
  ...PERSIAN_WORDS,
  "Kyiv",
  "NATO",
  "membership",
  "alliance",
  "Секретарь",
  "新闻",
  "ニュース",
  "خبر",
  "é",
  "e\u0301",
  "😀",
  "👍🏽",
  "👨‍👩‍👧",
  "🇮🇷",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "<script>",
  "</b>",
  "<b>",
  "&amp;",
  "&",
  "&foo;",
  "&#65;",
  '"',
  "'",
  "<",
  ">",
  '<a href="x">',
  ZWNJ,
  "\u200D",
  "\u00A0",
  "\t",
  "\n",
  "\n\n\n",
  "  ",
  "\r\n",
  "\0",
  "\uD83D",
  "https://example.com/?a=1&b=2",
  "x".repeat(300),
  "می‌".repeat(200),
];

describe("any article, however hostile, makes a message Telegram accepts within its limit", () => {
  it("holds for 400 generated articles", () => {
    const next = seededRandom(20240601);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const text = (maxUnits: number): string => {
      let s = "";
      const target = Math.floor(next() * maxUnits);
      while (s.length < target) s += pick(PIECES) + (next() < 0.6 ? " " : "");
      return s;
    };
    for (let run = 0; run < 400; run++) {
      const input: FormattableArticle = {
        title: text(next() < 0.2 ? 3000 : 150) || "t",
        summary: next() < 0.9 ? text(next() < 0.5 ? 9000 : 1500) : undefined,
        url: next() < 0.9 ? "https://news.example.com/a?b=1&c=2" : `https://e.example/${text(50)}`,
        imageUrl: next() < 0.4 ? "https://img.example.com/a.jpg" : undefined,
        categories: Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
          categorySlug(pick(["world", "middle-east", "sport", "tech_news", "a-b-c"])),
        ),
      };
      const options = { photo: next() < 0.8 };
      const message = formatArticle(input, en, options);
      const limit = message.kind === "photo" ? CAPTION_LIMIT : TEXT_LIMIT;
      const context = `run ${run}: ${JSON.stringify(input).slice(0, 200)}`;

      const shown = readArticle(message.html);
      expect(shown.text.length, context).toBeLessThanOrEqual(limit);
      expect(htmlTextLength(message.html), context).toBe(shown.text.length);
      expect(LONE_SURROGATE.test(shown.text), context).toBe(false);
      expect(shown.linkText, context).toBe(en.readMore);
      expect(shown.hashtags.length, context).toBeGreaterThan(0);
      // A title of nothing but whitespace shows the URL instead.
      expectCleanCut(shown.title, normalizeTitle(input.title) || input.url);
      if (shown.summary !== "" && input.summary !== undefined) {
        expectCleanCut(shown.summary, normalizeSummary(input.summary));
      }

      const digest = formatDigest(
        Array.from({ length: 1 + Math.floor(next() * 60) }, () => ({ title: input.title, url: input.url })),
        en,
      );
      const digestShown = asTelegramShowsIt(digest.html);
      expect(digestShown.text.length, context).toBeLessThanOrEqual(TEXT_LIMIT);
      expect(digest.included, context).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("an operators' announcement", () => {
  it("is its text alone, escaped, with no link and no hashtags", () => {
    const message = formatArticle(
      { title: "Maintenance at 02:00 <b>tonight</b> & tomorrow", url: "", categories: [categorySlug("world")], announcement: true },
      en,
    );
    expect(message).toEqual({
      kind: "text",
      html: "📢 Maintenance at 02:00 &lt;b&gt;tonight&lt;/b&gt; &amp; tomorrow",
      linkPreview: false,
    });
  });
});
