/**
 * Property-based (fast-check): whatever a newsroom or a feed puts in an article, in any language,
 * what delivery sends is HTML Telegram accepts, within Telegram's limits after parsing. Checked with
 * the fake Bot API's parser, which parses as Telegram does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "@bulletin/fake-bot-api";
import { formatArticle } from "../../src/format/article.js";
import { formatDigest } from "../../src/format/digest.js";
import { CAPTION_LIMIT, TEXT_LIMIT } from "../../src/format/html.js";
import { messagesFor } from "../../src/i18n/index.js";
import { categorySlug } from "../../src/ids.js";
import { articleInputSchema } from "../../src/ingest/article.js";

/** Text as hostile as it comes: any code unit (lone surrogates too), control characters, markup, entities, RTL. */
const hostileText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc
      .array(
        fc.constantFrom("<b>", "</a>", '<a href="', "&amp;", "&#", "&", "<", ">", '"', "'", "خبر", "\u200c", "\u202e", "👩‍👩‍👧", "\ufeff", " "),
        { maxLength: 400 },
      )
      .map((parts) => parts.join("")),
    fc.string({ maxLength }).map((s) => s.repeat(1 + Math.floor(5000 / (s.length + 1)))),
  );
/** Any URL the ingest schema lets through, markup characters in its path included. */
const url = fc
  .oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    hostileText(300).map((s) => `https://news.example.com/${s}`),
  )
  .filter((u) => articleInputSchema.shape.url.safeParse(u).success);
const language = fc.oneof(fc.constantFrom("en", "fa"), fc.string({ maxLength: 8 }));

/** A surrogate without its pair: Telegram refuses such text ("text must be encoded in UTF-8"). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectSendable(html: string, limit: number): void {
  expect(LONE_SURROGATE.test(html), `a lone surrogate in ${JSON.stringify(html.slice(0, 200))}`).toBe(false);
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`Telegram would refuse it (${parsed.description}): ${JSON.stringify(html.slice(0, 300))}`);
  expect(parsed.text.length).toBeLessThanOrEqual(limit);
  expect(parsed.text.trim().length).toBeGreaterThan(0);
}

describe("any article, formatted", () => {
  it("is valid Telegram HTML within 4,096 characters as a message and 1,024 as a caption", () => {
    fc.assert(
      fc.property(
        fc.record({
          title: hostileText(3000),
          summary: fc.option(hostileText(25_000), { nil: undefined }),
          url,
          categories: fc.array(hostileText(40).map(categorySlug), { minLength: 1, maxLength: 20 }),
          imageUrl: fc.option(fc.webUrl(), { nil: undefined }),
        }),
        language,
        fc.record({
          hashtags: fc.boolean(),
          hashtagWords: fc.option(fc.array(hostileText(60), { maxLength: 20 }), { nil: undefined }),
          signature: fc.option(hostileText(600), { nil: undefined }),
        }),
        (article, lang, options) => {
          const message = formatArticle(article, messagesFor(lang), options);
          expectSendable(message.html, message.kind === "photo" ? CAPTION_LIMIT : TEXT_LIMIT);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("as a digest of several, is valid Telegram HTML within 4,096 characters and holds at least one", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ title: hostileText(1500), url }), { minLength: 1, maxLength: 60 }), language, (items, lang) => {
        const digest = formatDigest(items, messagesFor(lang));
        expect(digest.included).toBeGreaterThanOrEqual(1);
        expectSendable(digest.html, TEXT_LIMIT);
      }),
      { numRuns: 200 },
    );
  });

  it("as an operators' announcement, is valid Telegram HTML within 4,096 characters", () => {
    fc.assert(
      fc.property(hostileText(6000), language, (title, lang) => {
        const message = formatArticle({ title, url: "", categories: [], announcement: true }, messagesFor(lang));
        expectSendable(message.html, TEXT_LIMIT);
      }),
      { numRuns: 200 },
    );
  });
});
