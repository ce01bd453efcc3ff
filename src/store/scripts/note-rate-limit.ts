import { isInteger, loadScript, unexpectedReply } from "../script.js";

function decodeCount(reply: unknown): number {
  return isInteger(reply) && reply >= 1 ? reply : unexpectedReply("a count of chats, at least 1");
}

/** note-rate-limit-1.lua: answers how many chats got a 429 within the window. */
export const noteRateLimit = loadScript<readonly [recent: string], readonly [chat: string, windowMs: number], number>(
  new URL("note-rate-limit-1.lua", import.meta.url),
  decodeCount,
);
