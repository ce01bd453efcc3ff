/**
 * A reader's own way, at plan time and without I/O: which articles they want (languages, muted
 * words), when a visit sends, holds or delivers their digest, and how that digest reads.
 */
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "@bulletin/fake-bot-api";
import { Categories } from "../../src/config/categories.js";
import { dueDigest } from "../../src/delivery/due-digest.js";
import { dueSeqs, planDue, withNextDue, type DuePlan, type PendingArticle } from "../../src/delivery/plan.js";
import { ArticleWordsCache, forReader, readerTiming, rescheduleOnly, wantsArticle } from "../../src/delivery/reader.js";
import { formatGroupedDigest, TEXT_LIMIT, type GroupedDigestItem } from "../../src/format/index.js";
import { en } from "../../src/i18n/en.js";
import { articleId, categorySlug } from "../../src/ids.js";
import type { StoredArticle } from "../../src/ingest/article.js";
import { nextDaily } from "../../src/preferences/schedule.js";
import { DEFAULT_PREFS, type ReaderPrefs } from "../../src/store/chat-record.js";
import { politics, readerRecord, world } from "../support/records.js";

const TEHRAN = "Asia/Tehran";
/** 2026-03-01 12:00 in Tehran (UTC+3:30), in epoch minutes. */
const NOON = Date.UTC(2026, 2, 1, 8, 30) / 60_000;

function article(seq: number, overrides: Partial<StoredArticle> = {}): StoredArticle {
  return {
    id: articleId(`a${seq}`),
    seq,
    url: `https://news.example.com/${seq}`,
    title: `Article ${seq}`,
    categories: [world],
    priority: "normal",
    receivedAt: 1_700_000_000_000 + seq,
    source: "http",
    ...overrides,
  };
}

/** The due digest's plan (a leading announcement would make it a single message). */
function due(...args: Parameters<typeof planDue>): DuePlan {
  const plan = planDue(...args);
  if (plan.type !== "due") throw new Error(`expected a due digest, got ${plan.type}`);
  return plan;
}

const prefs = (overrides: Partial<ReaderPrefs>): ReaderPrefs => ({ ...DEFAULT_PREFS, ...overrides });
const words = new ArticleWordsCache().of;

describe("the articles a reader wants", () => {
  it("only the languages they chose (fa-IR counts as fa); an article without a language always counts", () => {
    const persianOnly = prefs({ languages: ["fa"] });
    expect(wantsArticle(persianOnly, article(1, { language: "fa" }), words)).toBe(true);
    expect(wantsArticle(persianOnly, article(2, { language: "fa-IR" }), words)).toBe(true);
    expect(wantsArticle(persianOnly, article(3, { language: "en" }), words)).toBe(false);
    expect(wantsArticle(persianOnly, article(4), words)).toBe(true);
    expect(wantsArticle(DEFAULT_PREFS, article(5, { language: "en" }), words)).toBe(true);
  });

  it("no article whose title or summary holds a muted word, as a whole word, whatever its spelling", () => {
    // Stored muted words are normalized: ی for ي, ک for ك, Latin digits, lower case.
    const muted = prefs({ muted: ["بازی", "کرونا", "covid 19", "iran"] });
    const wants = (overrides: Partial<StoredArticle>) => wantsArticle(muted, article(9, overrides), new ArticleWordsCache().of);
    expect(wants({ title: "بازي فوتبال امشب" })).toBe(false); // Arabic yeh
    expect(wants({ title: "بازیگر جوان" })).toBe(true); // not the whole word
    expect(wants({ title: "موج تازه‌ی كرونا" })).toBe(false); // Arabic kaf
    expect(wants({ title: "Vaccines", summary: "New COVID-19 wave" })).toBe(false);
    expect(wants({ title: "IRAN: talks resume" })).toBe(false);
    expect(wants({ title: "Iranian cinema" })).toBe(true);
  });

  it("filtered articles stay pending without their article, so the cursor passes them in order; others untouched", () => {
    const pending: PendingArticle[] = [
      { seq: 1, article: article(1, { language: "en" }) },
      { seq: 2, article: article(2, { language: "fa" }) },
      { seq: 3, article: undefined },
    ];
    const farah = readerRecord({ prefs: prefs({ languages: ["fa"] }) });
    expect(forReader(farah, pending, words)).toEqual({ pending: [{ seq: 1, article: undefined }, pending[1], pending[2]], filtered: 1 });
    const plain = forReader(readerRecord(), pending, words);
    expect(plain.pending).toBe(pending);
    const channel = readerRecord({ kind: "channel", prefs: prefs({ languages: ["fa"] }) });
    expect(forReader(channel, pending, words).filtered).toBe(0);
  });

  it("an article's text is normalized once, however many readers' words are checked against it", () => {
    const cache = new ArticleWordsCache();
    const a = article(7, { title: "بازي" });
    expect(cache.of(a)).toBe(cache.of({ ...a }));
  });
});

describe("when a visit sends to a reader", () => {
  it("at once for default readers, channels and instant readers outside quiet hours", () => {
    expect(readerTiming(readerRecord(), TEHRAN, NOON)).toEqual({ kind: "send" });
    expect(readerTiming(readerRecord({ prefs: prefs({ muted: ["x"] }) }), TEHRAN, NOON)).toEqual({ kind: "send" });
    const channel = readerRecord({ kind: "channel", prefs: prefs({ digest: { kind: "hourly" } }) });
    expect(readerTiming(channel, TEHRAN, NOON)).toEqual({ kind: "send" });
  });

  it("a daily reader's articles are held until their time, and then go as one digest", () => {
    const daily = prefs({ digest: { kind: "daily", at: 8 * 60 } });
    const tomorrow8 = nextDaily(TEHRAN, 8 * 60, NOON);
    expect(readerTiming(readerRecord({ prefs: daily }), TEHRAN, NOON)).toEqual({ kind: "hold-until", nextDue: tomorrow8 });
    const held = readerRecord({ prefs: { ...daily, nextDue: tomorrow8 } });
    expect(readerTiming(held, TEHRAN, NOON)).toEqual({ kind: "hold" });
    expect(readerTiming(held, TEHRAN, tomorrow8)).toEqual({ kind: "digest", nextDue: tomorrow8 + 24 * 60 });
  });

  it("quiet hours hold an instant reader's articles until they end, then release them as one digest", () => {
    const quiet = prefs({ quiet: { from: 11 * 60, to: 13 * 60 } });
    const one = nextDaily(TEHRAN, 13 * 60, NOON);
    expect(readerTiming(readerRecord({ prefs: quiet }), TEHRAN, NOON)).toEqual({ kind: "hold-until", nextDue: one });
    expect(readerTiming(readerRecord({ prefs: { ...quiet, nextDue: one } }), TEHRAN, one)).toEqual({ kind: "digest", nextDue: undefined });
  });

  it("only the schedule changes when nothing is to be sent: a hold with something pending, an empty due digest", () => {
    const single = { type: "single" as const, item: { seq: 1, article: article(1) }, outOfOrder: false, skipped: [] };
    expect(rescheduleOnly({ kind: "hold-until", nextDue: 5 }, single)).toEqual({ nextDue: 5 });
    expect(rescheduleOnly({ kind: "hold-until", nextDue: 5 }, { type: "skip", skipped: [1] })).toBeUndefined();
    expect(rescheduleOnly({ kind: "digest", nextDue: 9 }, planDue([], 9))).toEqual({ nextDue: 9 });
    expect(rescheduleOnly({ kind: "digest", nextDue: 9 }, planDue([{ seq: 1, article: undefined }], 9))).toBeUndefined();
    expect(rescheduleOnly({ kind: "send" }, single)).toBeUndefined();
  });

  it("a reader who left is taken out of the due index at their next visit", () => {
    const gone = readerRecord({ active: false, subscriptions: [], prefs: prefs({ digest: { kind: "hourly" }, nextDue: NOON }) });
    expect(readerTiming(gone, TEHRAN, NOON)).toEqual({ kind: "digest", nextDue: undefined });
  });

  it("the record's next due minute is replaced, or removed", () => {
    const r = readerRecord({ prefs: prefs({ digest: { kind: "hourly" }, nextDue: 10 }) });
    expect(withNextDue(r, 70).prefs?.nextDue).toBe(70);
    expect(withNextDue(r, undefined).prefs).toEqual({ digest: { kind: "hourly" }, muted: [] });
    expect(withNextDue(readerRecord(), 5)).toEqual(readerRecord());
  });
});

describe("a held reader's digest", () => {
  const categories = new Categories([
    { slug: world, title: { en: "World", fa: "جهان" }, feeds: [] },
    { slug: politics, title: { en: "Politics", fa: "سیاست" }, feeds: [] },
    { slug: categorySlug("economy"), title: { en: "Economy" }, feeds: [] },
  ]);

  it("groups headlines by category in the file's order, newest first, with links, in the reader's language", () => {
    const reader = readerRecord({
      language: "fa",
      subscriptions: [
        { slug: politics, since: 0 },
        { slug: world, since: 0 },
      ],
    });
    const plan = due(
      [
        { seq: 1, article: article(1, { title: "نشست سران", categories: [politics] }) },
        { seq: 2, article: undefined },
        { seq: 3, article: article(3, { title: "باران در شمال", categories: [world] }) },
        { seq: 4, article: article(4, { title: "رأی‌گیری", categories: [world, politics] }) },
      ],
      99,
    );
    const digest = dueDigest(reader, plan, categories, new Map());
    const shown = parseTelegramHtml(digest.text);
    if (!shown.ok) throw new Error(shown.description);
    expect(shown.text).toBe(["📰 ۳ خبر تازه", "", "جهان", "• رأی‌گیری", "• باران در شمال", "", "سیاست", "• نشست سران"].join("\n"));
    expect(shown.entities.filter((e) => e.type === "text_link").map((e) => (e.type === "text_link" ? e.url : ""))).toEqual([
      "https://news.example.com/4",
      "https://news.example.com/3",
      "https://news.example.com/1",
    ]);
    expect(digest).toMatchObject({ seqs: [1, 2, 3, 4], complete: true });
  });

  it("is cut cleanly at Telegram's limit: the oldest that fit, the rest (and what was passed over after them) in the next message", () => {
    const items: GroupedDigestItem[] = Array.from({ length: 300 }, (_, i) => ({
      title: `${i} ${"headline words ".repeat(8)}`,
      url: `https://news.example.com/${i}`,
      group: i % 2 === 0 ? { title: "World", rank: 0 } : { title: "Politics", rank: 1 },
    }));
    const first = formatGroupedDigest(items, en);
    const shown = parseTelegramHtml(first.html);
    if (!shown.ok) throw new Error(shown.description);
    expect(shown.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(first.included).toBeGreaterThan(20);
    expect(first.included).toBeLessThan(300);
    expect(formatGroupedDigest(items.slice(0, first.included + 1), en).included).toBe(first.included);
    expect(shown.text.split("\n").filter((line) => line.startsWith("• "))).toHaveLength(first.included);

    const plan = due(
      Array.from({ length: 6 }, (_, i) => ({ seq: i + 1, article: i === 3 ? undefined : article(i + 1) })),
      undefined,
    );
    expect(dueSeqs(plan, 2)).toEqual({ seqs: [1, 2], complete: false });
    expect(dueSeqs(plan, 3)).toEqual({ seqs: [1, 2, 3], complete: false });
    expect(dueSeqs(plan, 4)).toEqual({ seqs: [1, 2, 3, 4, 5], complete: false });
    expect(dueSeqs(plan, 5)).toEqual({ seqs: [1, 2, 3, 4, 5, 6], complete: true });
  });

  it("an operators' announcement still goes alone, in its turn: the digest takes what comes before it", () => {
    const notice = article(3, { announcement: true, title: "Maintenance tonight" });
    const pending = [
      { seq: 1, article: article(1) },
      { seq: 2, article: undefined },
      { seq: 3, article: notice },
      { seq: 4, article: article(4) },
    ];
    expect(planDue(pending, 9)).toEqual({ type: "due", items: [pending[0]], skipped: [2], nextDue: 9 });
    expect(planDue(pending.slice(1), 9)).toEqual({ type: "single", item: pending[2], outOfOrder: false, skipped: [2] });
  });

  it("one very long headline alone is cut to fit", () => {
    const digest = formatGroupedDigest(
      [{ title: "word ".repeat(2000), url: "https://x.example/1", group: { title: "World", rank: 0 } }],
      en,
    );
    const shown = parseTelegramHtml(digest.html);
    if (!shown.ok) throw new Error(shown.description);
    expect(digest.included).toBe(1);
    expect(shown.text.length).toBeLessThanOrEqual(TEXT_LIMIT);
  });
});
