/**
 * What delivery makes of Bale's answers and messages (docs/bale.md): its error answers, the pause
 * after a 429 that does not say how long, and a held reader's digest in Bale Markdown.
 */
import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { formatBaleGroupedDigest } from "../../src/format/bale-digest.js";
import { BALE_TEXT_LIMIT } from "../../src/format/bale.js";
import type { GroupedDigestItem } from "../../src/format/index.js";
import { messagesFor } from "../../src/i18n/index.js";
import { classifyBaleApiError, classifyBaleSendError } from "../../src/platforms/bale-errors.js";
import { PLATFORM_TRAITS, RateBackoff } from "../../src/platforms/platform.js";
import type { BotApiErrorAnswer } from "../../src/telegram/errors.js";

const answer = (error_code: number, description: string, parameters?: BotApiErrorAnswer["parameters"]): BotApiErrorAnswer => ({
  error_code,
  description,
  ...(parameters ? { parameters } : {}),
});
const en = messagesFor("en");

describe("Bale's error answers", () => {
  it.each([
    [403, "Forbidden: bot was blocked by the user"],
    [403, "Forbidden: permission_denied"],
    [400, "permission_denied"],
  ])("%i %j: the chat blocked or removed the bot", (code, description) => {
    expect(classifyBaleApiError(answer(code, description))).toEqual({ kind: "chat-gone", reason: "blocked" });
  });

  it.each([400, 404, 440])("%i 'no such group or user': the chat is gone", (code) => {
    expect(classifyBaleApiError(answer(code, "Bad Request: no such group or user"))).toEqual({ kind: "chat-gone", reason: "not-found" });
  });

  it("429, 420 and 'bot limit exceed' are rate limits: retry_after when told, else left to the backoff", () => {
    expect(classifyBaleApiError(answer(429, "Too Many Requests", { retry_after: 7 }))).toEqual({
      kind: "rate-limited",
      retryAfterSeconds: 7,
    });
    expect(classifyBaleApiError(answer(429, "Too Many Requests"))).toEqual({ kind: "rate-limited", retryAfterSeconds: undefined });
    expect(classifyBaleApiError(answer(420, "Flood"))).toEqual({ kind: "rate-limited", retryAfterSeconds: undefined });
    expect(classifyBaleApiError(answer(400, "bot limit exceed"))).toEqual({ kind: "rate-limited", retryAfterSeconds: undefined });
  });

  it("a bad token (401, 404 Not Found, 'Token not found') stops delivery; other 400s skip the message", () => {
    for (const [code, description] of [
      [401, "Unauthorized"],
      [404, "Not Found"],
      [400, "Bad Request: Token not found"],
    ] as const) {
      expect(classifyBaleApiError(answer(code, description)).kind).toBe("unauthorized");
    }
    expect(classifyBaleApiError(answer(400, "Bad Request: message is too long"))).toEqual({
      kind: "bad-request",
      description: "Bad Request: message is too long",
    });
    expect(classifyBaleApiError(answer(400, "Bad Request: wrong photo url")).kind).toBe("bad-photo");
  });

  it("5xx and network errors are retried", () => {
    expect(classifyBaleApiError(answer(502, "Bad Gateway"))).toEqual({ kind: "transient", description: "502 Bad Gateway" });
    const network = new HttpError("Network request for 'sendMessage' failed!", Object.assign(new Error("x"), { code: "ECONNRESET" }));
    expect(classifyBaleSendError(network)).toEqual({ kind: "transient", description: "network: ECONNRESET" });
    const grammy = new GrammyError("e", { ok: false, error_code: 403, description: "Forbidden: permission_denied" }, "sendMessage", {});
    expect(classifyBaleSendError(grammy)).toEqual({ kind: "chat-gone", reason: "blocked" });
  });

  it("is Bale's classifier only on Bale: Telegram's 404 is still Telegram's", () => {
    expect(PLATFORM_TRAITS.bale.classifySendError).toBe(classifyBaleSendError);
    expect(PLATFORM_TRAITS.bale.topics).toBe(false);
    expect(PLATFORM_TRAITS.telegram.topics).toBe(true);
  });
});

describe("the pause after a 429 that did not say how long", () => {
  it("is 2 s, doubling while 429s continue, at most 60 s, and starts again after a send goes through", () => {
    const backoff = new RateBackoff();
    expect(Array.from({ length: 7 }, () => backoff.pause())).toEqual([2, 4, 8, 16, 32, 60, 60]);
    backoff.reset();
    expect(backoff.pause()).toBe(2);
  });
});

describe("a held reader's digest on Bale", () => {
  const item = (i: number, group: GroupedDigestItem["group"], title = `Headline ${i}`): GroupedDigestItem => ({
    title,
    url: `https://news.example.com/${i}`,
    group,
  });
  const world = { title: "World", rank: 0 };
  const politics = { title: "Politics_now", rank: 1 };

  it("groups headlines under bold category titles, newest first, markup in titles shown as look-alikes", () => {
    const digest = formatBaleGroupedDigest([item(1, politics), item(2, world, "*Bold* claim"), item(3, world)], en);
    expect(digest.included).toBe(3);
    expect(digest.text).toBe(
      [
        en.digestHeader(3),
        "",
        "*World*",
        "• [Headline 3](https://news.example.com/3)",
        "• [∗Bold∗ claim](https://news.example.com/2)",
        "",
        "*Politics＿now*",
        "• [Headline 1](https://news.example.com/1)",
      ].join("\n"),
    );
  });

  it("holds what fits Bale's limit, addresses counted, the oldest first; the rest waits for the next message", () => {
    const items = Array.from({ length: 300 }, (_, i) => item(i, i % 2 === 0 ? world : politics, `${i} ${"headline words ".repeat(8)}`));
    const digest = formatBaleGroupedDigest(items, en);
    expect(digest.text.length).toBeLessThanOrEqual(BALE_TEXT_LIMIT);
    expect(digest.included).toBeGreaterThan(10);
    expect(digest.included).toBeLessThan(300);
    expect(digest.text).toContain(`https://news.example.com/${digest.included - 1})`);
    expect(digest.text).not.toContain(`https://news.example.com/${digest.included})`);
  });

  it("always carries the first headline, cut to fit, and nothing for an empty list", () => {
    const digest = formatBaleGroupedDigest([item(1, world, "word ".repeat(3000))], en);
    expect(digest.included).toBe(1);
    expect(digest.text.length).toBeLessThanOrEqual(BALE_TEXT_LIMIT);
    expect(formatBaleGroupedDigest([], en)).toEqual({ text: "", included: 0 });
  });
});
