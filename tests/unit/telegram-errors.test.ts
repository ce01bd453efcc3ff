import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { chatId } from "../../src/ids.js";
import { classifyApiError, classifySendError, type BotApiErrorAnswer } from "../../src/telegram/errors.js";

const answer = (error_code: number, description: string, parameters?: BotApiErrorAnswer["parameters"]): BotApiErrorAnswer => ({
  error_code,
  description,
  ...(parameters ? { parameters } : {}),
});

describe("what Telegram's error answers mean for delivery", () => {
  it.each([
    ["Forbidden: bot was blocked by the user", "blocked"],
    ["Forbidden: user is deactivated", "deactivated"],
    ["Forbidden: bot was kicked from the group chat", "kicked"],
    ["Forbidden: bot was kicked from the supergroup chat", "kicked"],
    ["Forbidden: bot is not a member of the channel chat", "kicked"],
    ["Forbidden: bot is not a member of the supergroup chat", "kicked"],
    ["Forbidden: bot can't initiate conversation with a user", "forbidden"],
  ] as const)("403 %j: the chat is gone (%s)", (description, reason) => {
    expect(classifyApiError(answer(403, description))).toEqual({ kind: "chat-gone", reason });
  });

  it.each(["Bad Request: chat not found", "Bad Request: PEER_ID_INVALID", "Bad Request: user not found"])(
    "400 %j: the chat is gone (not found)",
    (description) => {
      expect(classifyApiError(answer(400, description))).toEqual({ kind: "chat-gone", reason: "not-found" });
    },
  );

  it("429 with retry_after: wait as long as Telegram says", () => {
    expect(classifyApiError(answer(429, "Too Many Requests: retry after 35", { retry_after: 35 }))).toEqual({
      kind: "rate-limited",
      retryAfterSeconds: 35,
    });
  });

  it("429 without retry_after (or 0): wait at least a second", () => {
    expect(classifyApiError(answer(429, "Too Many Requests"))).toEqual({ kind: "rate-limited", retryAfterSeconds: 1 });
    expect(classifyApiError(answer(429, "Too Many Requests: retry after 0", { retry_after: 0 }))).toEqual({
      kind: "rate-limited",
      retryAfterSeconds: 1,
    });
  });

  it("400 with migrate_to_chat_id: the group became a supergroup with a new id", () => {
    expect(
      classifyApiError(answer(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: -1001234567890 })),
    ).toEqual({ kind: "migrated", newChatId: chatId(-1001234567890) });
  });

  it.each([
    "Bad Request: wrong file identifier/HTTP URL specified",
    "Bad Request: failed to get HTTP URL content",
    "Bad Request: wrong type of the web page content",
    "Bad Request: IMAGE_PROCESS_FAILED",
    "Bad Request: PHOTO_INVALID_DIMENSIONS",
  ])("400 %j: the article's photo is the problem (send it as text)", (description) => {
    expect(classifyApiError(answer(400, description))).toEqual({ kind: "bad-photo", description });
  });

  it.each([
    "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 57",
    'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
    "Bad Request: message is too long",
    "Bad Request: message caption is too long",
  ])("400 %j: this message is refused (skip it for the chat)", (description) => {
    expect(classifyApiError(answer(400, description))).toEqual({ kind: "bad-request", description });
  });

  it.each([
    [500, "Internal Server Error"],
    [502, "Bad Gateway"],
    [409, "Conflict: terminated by other getUpdates request"],
  ])("%i %j: try again later", (code, description) => {
    expect(classifyApiError(answer(code, description))).toEqual({ kind: "transient", description: `${code} ${description}` });
  });

  it.each([
    [401, "Unauthorized"],
    [404, "Not Found"],
  ])("%i %j: the bot token is wrong (stop, tell the operator)", (code, description) => {
    expect(classifyApiError(answer(code, description))).toEqual({ kind: "unauthorized", description });
  });
});

describe("what a failed grammY call means for delivery", () => {
  const grammyError = (error_code: number, description: string, parameters?: { retry_after?: number; migrate_to_chat_id?: number }) =>
    new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code, description, ...(parameters ? { parameters } : {}) },
      "sendMessage",
      { chat_id: 123, text: "hello" },
    );

  it("a blocked reader", () => {
    expect(classifySendError(grammyError(403, "Forbidden: bot was blocked by the user"))).toEqual({ kind: "chat-gone", reason: "blocked" });
  });

  it("a flood wait", () => {
    expect(classifySendError(grammyError(429, "Too Many Requests: retry after 7", { retry_after: 7 }))).toEqual({
      kind: "rate-limited",
      retryAfterSeconds: 7,
    });
  });

  it("a migrated group", () => {
    expect(
      classifySendError(grammyError(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: -1009 })),
    ).toEqual({
      kind: "migrated",
      newChatId: chatId(-1009),
    });
  });

  it("a grammY error without parameters (grammY fills in {})", () => {
    expect(classifySendError(grammyError(400, "Bad Request: chat not found"))).toEqual({ kind: "chat-gone", reason: "not-found" });
  });

  it("a network failure is transient and says what went wrong by its code, not its text (which names the URL and the token)", () => {
    const cause = Object.assign(new Error("request to https://api.telegram.org/bot1:secret/sendMessage failed"), { code: "ECONNREFUSED" });
    expect(classifySendError(new HttpError("Network request for 'sendMessage' failed!", cause))).toEqual({
      kind: "transient",
      description: "network: ECONNREFUSED",
    });
    const timeout = Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
    expect(classifySendError(new HttpError("Network request for 'sendMessage' failed!", timeout))).toEqual({
      kind: "transient",
      description: "network: timeout",
    });
  });

  it("any other error is transient with its message", () => {
    expect(classifySendError(new Error("socket hang up"))).toEqual({ kind: "transient", description: "socket hang up" });
    expect(classifySendError("weird")).toEqual({ kind: "transient", description: "weird" });
  });
});
