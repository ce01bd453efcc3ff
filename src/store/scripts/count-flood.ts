import { isInteger, loadScript, unexpectedReply } from "../script.js";

/** What the bot does with a user's update: answer it, answer with the notice only, or ignore it. */
export type FloodVerdict = "answer" | "notice" | "ignore";

export interface FloodCount {
  readonly verdict: FloodVerdict;
  /** How long until the user's window passes, ms. */
  readonly leftMs: number;
}

const VERDICTS: readonly FloodVerdict[] = ["answer", "notice", "ignore"];

function decodeFloodCount(reply: unknown): FloodCount {
  const items: readonly unknown[] = Array.isArray(reply) ? reply : [];
  const [code, left] = items;
  const verdict = isInteger(code) ? VERDICTS[code] : undefined;
  if (items.length !== 2 || !verdict || !isInteger(left)) return unexpectedReply("{0|1|2, ms left}");
  return { verdict, leftMs: left };
}

/** count-flood-1.lua. */
export const countFlood = loadScript<readonly [counter: string], readonly [windowMs: number, limit: number], FloodCount>(
  new URL("count-flood-1.lua", import.meta.url),
  decodeFloodCount,
);
