import { isInteger, loadScript, unexpectedReply } from "../script.js";

/** index-inline-1.lua: answers how many words the article was added under (0: it was indexed before). */
export const indexInline = loadScript<
  readonly [day: string],
  readonly [seq: number, id: string, expireAt: number, ...words: string[]],
  number
>(new URL("index-inline-1.lua", import.meta.url), (reply) => (isInteger(reply) ? reply : unexpectedReply("an integer")));
