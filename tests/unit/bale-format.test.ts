import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBaleMarkdown } from "@bulletin/fake-bot-api";
import { seededRandom } from "../support/random.js";
import {
  BALE_CAPTION_LIMIT,
  BALE_TEXT_LIMIT,
  baleHashtags,
  formatBaleArticle,
  markdownLinkTarget,
  neutralizeMarkdown,
  type BaleArticleMessage,
  type BaleFormattableArticle,
} from "../../src/format/bale.js";
import { formatBaleDigest } from "../../src/format/bale-digest.js";
import { normalizeSummary, normalizeTitle } from "../../src/format/index.js";
import { startsRtl } from "../../src/i18n/bidi.js";
import { en } from "../../src/i18n/en.js";
import { fa } from "../../src/i18n/fa.js";
import { categorySlug } from "../../src/ids.js";

const ZWNJ = "\u200C";
const RLM = "\u200F";

type Entity = { type: string; offset: number; length: number; url?: string };

/**
 * What a reader's Bale shows for a message, read the strictest way its Markdown could be read
 * (parseBaleMarkdown, the Bale fake's reader). A delimiter left open fails the test: Bale might
 * refuse the message or show the markup.
 */
function asBaleShowsIt(markdown: string): { text: string; entities: Entity[] } {
  const { text, entities, unpaired } = parseBaleMarkdown(markdown);
  if (unpaired.length > 0) throw new Error(`markup left open (${unpaired.join(" ")}): ${markdown}`);
  return { text, entities };
}

/** The look-alikes turned back into what the publisher wrote. */
function asWritten(shown: string): string {
  const back: Record<string, string> = { "∗": "*", "＿": "_", "［": "[", "］": "]", ˋ: "`", "∼": "~", "∣": "|", "⧵": "\\" };
  return shown.replace(/[∗＿［］ˋ∼∣⧵]/g, (c) => back[c] ?? c);
}

/** The parts of a formatted article as the reader sees them, checking it carries exactly a bold title and one link. */
function readArticle(message: BaleArticleMessage) {
  const markdown = message.kind === "text" ? message.text : message.caption;
  const { text, entities } = asBaleShowsIt(markdown);
  expect(
    entities.map((e) => e.type),
    `only a bold title and a link: ${markdown}`,
  ).toEqual(["bold", "text_link"]);
  const [bold, link] = entities as [Entity, Entity];
  expect(bold.offset).toBe(0);
  const title = text.slice(0, bold.length).replace(RLM, "");
  const summary = link.offset > bold.length + 2 ? text.slice(bold.length + 2, link.offset - 2) : "";
  const afterLink = text.slice(link.offset + link.length);
  const hashtags = afterLink.startsWith("\n") ? afterLink.slice(1).split("\n")[0]!.replace(RLM, "").split(" ") : [];
  return { markdown, text, title, summary, url: link.url!, linkText: text.slice(link.offset, link.offset + link.length), hashtags };
}

function article(overrides: Partial<BaleFormattableArticle> = {}): BaleFormattableArticle {
  return {
    title: "Kyiv: We do not give territorial concessions",
    summary: "A short summary.",
    url: "https://news.example.com/en/world/kyiv",
    categories: [categorySlug("world")],
    ...overrides,
  };
}

const sourceOf = (m: BaleArticleMessage): string => (m.kind === "text" ? m.text : m.caption);

describe("an article as a Bale message", () => {
  it("shows the sample article with its title in bold, its summary, a link to read more and #world", () => {
    const seed = JSON.parse(readFileSync(new URL("../fixtures/seed-article.json", import.meta.url), "utf8")) as {
      title: string;
      summary: string;
      url: string;
      categories: string[];
    };
    const message = formatBaleArticle(
      { title: seed.title, summary: seed.summary, url: seed.url, categories: seed.categories.map(categorySlug) },
      en,
    );
    expect(message.kind).toBe("text");
    const shown = readArticle(message);
    expect(shown.title).toBe(seed.title);
    expect(shown.summary).toBe(seed.summary);
    expect(shown.linkText).toBe(en.readMore);
    expect(shown.url).toBe(seed.url);
    expect(shown.hashtags).toEqual(["#world"]);
    expect(shown.markdown).toBe(`*${seed.title}*\n\n${seed.summary}\n\n[${en.readMore}](${seed.url})\n#world`);
  });

  const HOSTILE_TITLES = [
    "*Breaking* _news_ [click here](https://evil.example/phish) `rm -rf` ~gone~ ||spoiler||",
    "[Read more](javascript:alert(1))",
    "Ends with a backslash \\",
    "\\*not escaped\\* \\_either\\_",
    '<b>bold?</b> Tom &amp; Jerry &lt; 1 < 2 & 3 > 2 <a href="x">y</a>',
    "Unclosed * star and _ underscore and [ bracket and ` tick",
    "](https://evil.example) ) ( [[[ ]]] ((( )))",
    "```pre``` **double** __double__",
    "*",
    "_",
    "a_b_c snake_case_name 2*3*4",
  ];

  it.each(HOSTILE_TITLES)("shows the hostile title %j as written, injecting neither formatting nor a link", (title) => {
    const url = "https://news.example.com/a";
    const shown = readArticle(formatBaleArticle(article({ title, summary: title, url }), en));
    expect(asWritten(shown.title)).toBe(normalizeTitle(title));
    expect(asWritten(shown.summary)).toBe(normalizeSummary(title));
    expect(shown.url).toBe(url);
    expect(shown.linkText).toBe(en.readMore);
  });

  it("keeps < and & as they are: Bale parses no HTML, so nothing is entity-encoded", () => {
    const title = "Q&A: is 1 < 2? <script>alert(1)</script> &amp;";
    const shown = readArticle(formatBaleArticle(article({ title }), en));
    expect(shown.title).toBe(title);
  });

  it("percent-encodes the characters of a URL that Markdown could read, keeping the same address", () => {
    const url = "https://example.com/a_b/(c)*d[e]~f|g?q='1'&r=\"2\"&s=<3>";
    const shown = readArticle(formatBaleArticle(article({ url }), en));
    expect(shown.url).toBe(markdownLinkTarget(url));
    expect(shown.url).not.toMatch(/[()[\]*_`~|\\<>"'\s]/);
    expect(decodeURIComponent(shown.url)).toBe(url);
  });

  it("joins hashtag words with a zero-width non-joiner, never an _ that could pair into italics", () => {
    const shown = readArticle(
      formatBaleArticle(article({ categories: ["world", "middle-east", "north_africa", "world"].map(categorySlug) }), en),
    );
    expect(shown.hashtags).toEqual(["#world", `#middle${ZWNJ}east`, `#north${ZWNJ}africa`]);
    expect(baleHashtags(["Middle East", "خاور میانه", "-"])).toEqual([`#Middle${ZWNJ}East`, `#خاور${ZWNJ}میانه`]);
  });

  it("reads a Persian article right to left, even a title that opens with a Latin word", () => {
    const message = formatBaleArticle(
      article({
        title: "iPhone ۱۶ در ایران عرضه شد",
        summary: "گوشی‌های جدید از هفته‌ی آینده در فروشگاه‌ها خواهند بود.\nSamsung هم مدل تازه‌اش را می‌آورد.",
        url: "https://news.example.com/fa/tech/iphone",
        language: "fa",
        categories: ["world", "middle-east"].map(categorySlug),
      }),
      fa,
      { hashtagWords: ["جهان", "خاور میانه"] },
    );
    const shown = readArticle(message);
    expect(shown.title).toBe("iPhone ۱۶ در ایران عرضه شد");
    const lines = shown.text.split("\n").filter((line) => line !== "");
    for (const line of lines) expect(startsRtl(line), `right to left: ${line}`).toBe(true);
    expect(shown.linkText).toBe(fa.readMore);
    expect(shown.hashtags).toEqual(["#جهان", `#خاور${ZWNJ}میانه`]);
    expect(asWritten(shown.summary).replaceAll(RLM, "")).toBe(
      "گوشی‌های جدید از هفته‌ی آینده در فروشگاه‌ها خواهند بود.\nSamsung هم مدل تازه‌اش را می‌آورد.",
    );
  });

  it("leaves an English article left to right for a Persian reader, and their link and hashtag lines right to left", () => {
    const shown = readArticle(formatBaleArticle(article({ language: "en" }), fa));
    expect(startsRtl(shown.text.split("\n")[0]!)).toBe(false);
    const footer = shown.text.split("\n\n").at(-1)!.split("\n");
    for (const line of footer) expect(startsRtl(line), `right to left: ${line}`).toBe(true);
    expect(shown.hashtags).toEqual(["#world"]);
  });

  it("fits a 6,000-character summary under 4096, cut between words", () => {
    const summary = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(" ");
    const message = formatBaleArticle(article({ summary }), en);
    expect(sourceOf(message).length).toBeLessThanOrEqual(BALE_TEXT_LIMIT);
    const shown = readArticle(message);
    expect(shown.summary.endsWith("…")).toBe(true);
    expect(summary.startsWith(shown.summary.slice(0, -1))).toBe(true);
  });

  it("fits a photo's caption under 1024 and keeps the title, link and hashtags", () => {
    const message = formatBaleArticle(
      article({ imageUrl: "https://news.example.com/p.jpg", summary: "long ".repeat(600), title: "*_[".repeat(40) }),
      en,
    );
    expect(message.kind).toBe("photo");
    expect(sourceOf(message).length).toBeLessThanOrEqual(BALE_CAPTION_LIMIT);
    const shown = readArticle(message);
    expect(asWritten(shown.title)).toBe("*_[".repeat(40));
    expect(shown.hashtags).toEqual(["#world"]);
  });

  it("sends as text a photo whose caption could not hold even its link", () => {
    const url = `https://news.example.com/${"x".repeat(1100)}`;
    const message = formatBaleArticle(article({ url, imageUrl: "https://news.example.com/p.jpg" }), en);
    expect(message.kind).toBe("text");
    expect(readArticle(message).url).toBe(url);
  });

  it("stays within 4096 for an absurd URL of 2,000 markup characters, leaving the link out rather than the article", () => {
    const url = `https://news.example.com/${"_()".repeat(660)}`;
    const message = formatBaleArticle(article({ url }), en);
    expect(sourceOf(message).length).toBeLessThanOrEqual(BALE_TEXT_LIMIT);
    const { entities } = asBaleShowsIt(sourceOf(message));
    expect(entities.map((e) => e.type)).toEqual(["bold"]);
  });

  it("posts an announcement as its plain text, markup neutralized", () => {
    const message = formatBaleArticle(article({ title: "Maintenance *tonight* at [22:00](x)", announcement: true }), en);
    expect(message).toEqual({ kind: "text", text: "📢 Maintenance ∗tonight∗ at ［22:00］(x)" });
    expect(asBaleShowsIt(sourceOf(message)).entities).toEqual([]);
  });

  it("keeps the length of neutralized text, so cuts measured on the plain text still hold", () => {
    const text = "*_[]`~|\\ عادی plain 😀";
    expect(neutralizeMarkdown(text)).toHaveLength(text.length);
    expect(neutralizeMarkdown(text)).not.toMatch(/[*_[\]`~|\\]/);
  });

  it("formats 500 random hostile articles as a bold title and one link, within Bale's limits", () => {
    const next = seededRandom(15_2026);
    const pieces = [
      "*",
      "_",
      "[",
      "]",
      "(",
      ")",
      "`",
      "```",
      "~",
      "|",
      "\\",
      "<",
      "&",
      "#",
      "\n",
      " ",
      "خبر",
      "می‌شود",
      "News",
      "😀",
      "https://x.io/a_b",
    ];
    const random = (n: number): string => Array.from({ length: n }, () => pieces[Math.floor(next() * pieces.length)]).join("");
    for (let i = 0; i < 500; i++) {
      const title = random(1 + Math.floor(next() * 400));
      const summary = random(Math.floor(next() * 1500));
      const withPhoto = next() < 0.5;
      const message = formatBaleArticle(
        article({
          title,
          summary,
          language: next() < 0.5 ? "fa" : "en",
          ...(withPhoto ? { imageUrl: "https://news.example.com/p.jpg" } : {}),
        }),
        next() < 0.5 ? fa : en,
        { hashtagWords: [random(5), "Middle East"], signature: random(20) },
      );
      expect(sourceOf(message).length).toBeLessThanOrEqual(message.kind === "photo" ? BALE_CAPTION_LIMIT : BALE_TEXT_LIMIT);
      const shown = readArticle(message);
      expect(shown.url).toBe("https://news.example.com/en/world/kyiv");
      const expected = normalizeTitle(title) || "https://news.example.com/en/world/kyiv";
      const written = asWritten(shown.title);
      expect(written === expected || (written.endsWith("…") && expected.startsWith(written.slice(0, -1).trimEnd()))).toBe(true);
    }
  });
});

describe("a digest as a Bale message", () => {
  it("lists the articles newest first, each title a link, hostile titles shown as written", () => {
    const items = [
      { title: "First *old*", url: "https://news.example.com/1" },
      { title: "[Second](https://evil.example)", url: "https://news.example.com/2_(b)" },
      { title: "سوم _خبر_", url: "https://news.example.com/3" },
    ];
    const digest = formatBaleDigest(items, en);
    expect(digest.included).toBe(3);
    const { text, entities } = asBaleShowsIt(digest.text);
    expect(text.split("\n")[0]).toBe(en.digestHeader(3));
    expect(entities.map((e) => e.type)).toEqual(["text_link", "text_link", "text_link"]);
    expect(entities.map((e) => asWritten(text.slice(e.offset, e.offset + e.length)))).toEqual([
      "سوم _خبر_",
      "[Second](https://evil.example)",
      "First *old*",
    ]);
    expect(entities.map((e) => decodeURIComponent(e.url!))).toEqual([
      "https://news.example.com/3",
      "https://news.example.com/2_(b)",
      "https://news.example.com/1",
    ]);
  });

  it("counts the addresses against 4096, so a long list is split and the rest waits for the next message", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      title: `Article ${i} ${"about something ".repeat(4)}`,
      url: `https://news.example.com/world/${i}/${"a".repeat(60)}`,
    }));
    const digest = formatBaleDigest(items, fa);
    expect(digest.text.length).toBeLessThanOrEqual(BALE_TEXT_LIMIT);
    expect(digest.included).toBeGreaterThan(10);
    expect(digest.included).toBeLessThan(200);
    expect(asBaleShowsIt(digest.text).entities).toHaveLength(digest.included);
    expect(digest.text.startsWith(fa.digestHeader(digest.included))).toBe(true);
  });

  it("still sends one article whose address alone is too long for a link, as its title", () => {
    const digest = formatBaleDigest([{ title: "Long", url: `https://news.example.com/${"_()".repeat(660)}` }], en);
    expect(digest.included).toBe(1);
    expect(digest.text.length).toBeLessThanOrEqual(BALE_TEXT_LIMIT);
    expect(asBaleShowsIt(digest.text).entities).toEqual([]);
  });

  it("gives nothing to send for no articles", () => {
    expect(formatBaleDigest([], en)).toEqual({ text: "", included: 0 });
  });
});
