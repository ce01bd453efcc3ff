/**
 * Sharing's pure pieces: the words an article is found by and a query searches, the share choices
 * built from a delivered message, and articles as inline results.
 */
import { describe, expect, it } from "vitest";
import { parseCategories } from "../../src/config/categories.js";
import { formatArticle } from "../../src/format/index.js";
import { messagesFor } from "../../src/i18n/index.js";
import { articleId, categorySlug } from "../../src/ids.js";
import type { StoredArticle } from "../../src/ingest/article.js";
import { inlineResults } from "../../src/sharing/inline-results.js";
import { indexedWords, MAX_INDEXED_WORDS, MAX_QUERY_WORDS, parseOffset, queryWords } from "../../src/sharing/search-index.js";
import { inlineQueryOf, shareChoices, sharedArticleOf, shareKeyboard } from "../../src/sharing/share.js";

const en = messagesFor("en");
const fa = messagesFor("fa");
const categories = parseCategories({ categories: [{ slug: "world", title: { en: "World", fa: "جهان" } }] }, "test");

function article(overrides: Partial<StoredArticle> = {}): StoredArticle {
  return {
    id: articleId("a1"),
    seq: 7,
    url: "https://news.example.com/fa/1?x=1&y=2",
    title: "سفر رئیس‌جمهور به ایران",
    summary: "رئیس‌جمهور امروز وارد تهران شد.",
    categories: [categorySlug("world")],
    priority: "normal",
    receivedAt: 0,
    source: "http",
    ...overrides,
  };
}

describe("the words of the inline index", () => {
  it("an article is found by its title's and summary's words, normalized like muted words, each once, without stop words", () => {
    expect(indexedWords({ title: "Oil PRICES rise; oil falls", summary: "ايران و كتاب" })).toEqual([
      "oil",
      "prices",
      "rise",
      "falls",
      "ایران",
      "کتاب",
    ]);
    // The zero-width non-joiner goes, and so does the hamza of ئ (a mark once decomposed).
    expect(indexedWords({ title: "رئیس‌جمهور" })).toEqual(["رییسجمهور"]);
  });

  it("leaves out the stop words every article has, in English and Persian, and so does a query", () => {
    expect(indexedWords({ title: "The state of the art", summary: "سفر به ایران و عراق" })).toEqual([
      "state",
      "art",
      "سفر",
      "ایران",
      "عراق",
    ]);
    expect(queryWords("the art of")).toEqual(["art"]);
    expect(queryWords("the and of")).toEqual([]);
  });

  it("keeps at most MAX_INDEXED_WORDS, the title's first", () => {
    const summary = Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ");
    const words = indexedWords({ title: "headline words", summary });
    expect(words).toHaveLength(MAX_INDEXED_WORDS);
    expect(words.slice(0, 2)).toEqual(["headline", "words"]);
  });

  it("a query's words: Arabic letters and a zero-width non-joiner typed in are the title's", () => {
    expect(queryWords("ايران")).toEqual(["ایران"]);
    expect(queryWords("رئيس‌جمهور")).toEqual(indexedWords({ title: "رئیس‌جمهور" }));
    expect(queryWords("  Oil, oil!  ")).toEqual(["oil"]);
  });

  it("emoji, markup and punctuation alone are no words; many words keep the longest", () => {
    expect(queryWords("🙂🔥")).toEqual([]);
    expect(queryWords("*** ??? %%%")).toEqual([]);
    expect(queryWords("<script>alert(1)</script>")).toEqual(["script", "alert", "1"]);
    const many = queryWords("a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj");
    expect(many).toHaveLength(MAX_QUERY_WORDS);
    expect(many).not.toContain("a");
  });

  it("a page offset is a seq; anything else is the first page", () => {
    expect(parseOffset("1234")).toBe(1234);
    expect(parseOffset("")).toBe(0);
    expect(parseOffset("-5")).toBe(0);
    expect(parseOffset("1e9")).toBe(0);
    expect(parseOffset("9".repeat(40))).toBe(0);
  });
});

describe("the share button", () => {
  it("is one button, in the reader's language", () => {
    expect(shareKeyboard(en)).toEqual({ inline_keyboard: [[{ text: "↗️ Share…", callback_data: "share" }]] });
    expect(shareKeyboard(fa).inline_keyboard[0]![0]!.text).toBe("↗️ هم‌رسانی…");
  });

  it("finds the article in the delivered message: the bold title and the Read more link", () => {
    const text = "Title & more\n\nSummary\n\nRead more\n#World";
    const entities = [
      { type: "bold" as const, offset: 0, length: 12 },
      { type: "text_link" as const, offset: 23, length: 9, url: "https://e.com/1" },
    ];
    expect(sharedArticleOf({ text, entities })).toEqual({ title: "Title & more", url: "https://e.com/1" });
    expect(sharedArticleOf({ caption: text, caption_entities: entities })).toEqual({ title: "Title & more", url: "https://e.com/1" });
    expect(sharedArticleOf({ text: "no links here" })).toBeUndefined();
  });

  it("offers the networks in SHARE_NETWORKS order, with the URL and title encoded", () => {
    const shared = { title: "Oil & gas: 100%", url: "https://e.com/a?b=1&c=2" };
    const choices = shareChoices(shared, en, { networks: ["x", "facebook", "telegram"], inlineMode: false });
    expect(choices.inline_keyboard).toEqual([
      [
        { text: "X", url: "https://x.com/intent/post?url=https%3A%2F%2Fe.com%2Fa%3Fb%3D1%26c%3D2&text=Oil%20%26%20gas%3A%20100%25" },
        { text: "Facebook", url: "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fe.com%2Fa%3Fb%3D1%26c%3D2" },
        { text: "Telegram", url: "https://t.me/share/url?url=https%3A%2F%2Fe.com%2Fa%3Fb%3D1%26c%3D2&text=Oil%20%26%20gas%3A%20100%25" },
      ],
    ]);
  });

  it("types the title as the inline query when inline mode is on, within Telegram's 256 characters", () => {
    const long = { title: "word ".repeat(100).trim(), url: "https://e.com/1" };
    expect([...inlineQueryOf(long)].length).toBeLessThanOrEqual(256);
    const [button] = shareChoices(long, en, { networks: ["telegram"], inlineMode: true }).inline_keyboard[0]!;
    expect(button).toMatchObject({
      text: "Telegram",
      switch_inline_query_chosen_chat: { query: inlineQueryOf(long), allow_group_chats: true },
    });
  });
});

describe("inline results", () => {
  it("carry the title, summary, thumbnail and link, and the message of a delivered article", () => {
    const a = article({ imageUrl: "https://news.example.com/1.jpg" });
    const [result] = inlineResults([a], categories, "fa");
    expect(result).toMatchObject({
      type: "article",
      id: "7",
      title: "سفر رئیس‌جمهور به ایران",
      description: "رئیس‌جمهور امروز وارد تهران شد.",
      thumbnail_url: "https://news.example.com/1.jpg",
      url: a.url,
    });
    expect(result!.input_message_content).toEqual({
      message_text: formatArticle(a, fa, { photo: false, hashtagWords: ["جهان"] }).html,
      parse_mode: "HTML",
      link_preview_options: { url: a.url, prefer_large_media: true },
    });
  });

  it("escape hostile titles and leave out what an article lacks", () => {
    const [result] = inlineResults([article({ title: "<b>x</b> & y", summary: undefined })], categories, "en");
    expect(result!.title).toBe("<b>x</b> & y");
    expect(result).not.toHaveProperty("description");
    expect(result).not.toHaveProperty("thumbnail_url");
    expect((result!.input_message_content as { message_text: string }).message_text).toContain("<b>&lt;b&gt;x&lt;/b&gt; &amp; y</b>");
  });
});
