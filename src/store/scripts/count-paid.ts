import { isInteger, loadScript, unexpectedReply } from "../script.js";

function decodePaid(reply: unknown): number {
  return isInteger(reply) && reply >= 0 ? reply : unexpectedReply("a number of paid messages, 0 or more");
}

/** count-paid-2.lua: counts messages sent, and answers how many of them were above the free rate. */
export const countPaid = loadScript<readonly [window: string, paidMessages: string], readonly [freeRate: number, sent: number], number>(
  new URL("count-paid-2.lua", import.meta.url),
  decodePaid,
);
