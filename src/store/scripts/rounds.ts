import { isInteger, loadScript, unexpectedReply, type ReplyDecoder } from "../script.js";

type Outcome = "joined" | "empty" | "pending" | "done" | "stale";

/** What a round script did: started a round over these shards (ascending), or one of its other outcomes. */
export type RoundReply<O extends Outcome> =
  { readonly kind: "start"; readonly round: number; readonly shards: number[] } | { readonly kind: O };

/** Both round scripts answer {'start', round, shards joined by ','} or {'<outcome>'}. */
function roundReply<O extends Outcome>(outcomes: readonly O[]): ReplyDecoder<RoundReply<O>> {
  const expected = `{'start', round, shards} or ${outcomes.map((o) => `{'${o}'}`).join(", ")}`;
  const isOutcome = (kind: unknown): kind is O => outcomes.includes(kind as O);
  return (reply) => {
    if (!Array.isArray(reply)) return unexpectedReply(expected);
    const items: readonly unknown[] = reply;
    const [kind, round, joined] = items;
    if (kind === "start" && items.length <= 3 && isInteger(round) && (typeof joined === "string" || joined == null)) {
      const shards = (joined ?? "").split(",").filter(Boolean).map(Number);
      if (shards.every(isInteger)) return { kind, round, shards };
    } else if (items.length === 1 && isOutcome(kind)) {
      return { kind };
    }
    return unexpectedReply(expected);
  };
}

/** touch-round-3.lua. */
export const touchRound = loadScript<
  readonly [round: string, pendingChunks: string, shardIndex: string],
  readonly [article: string, maxChunks: number],
  RoundReply<"joined" | "empty">
>(new URL("touch-round-3.lua", import.meta.url), roundReply(["joined", "empty"]));

/** finish-chunk-3.lua. */
export const finishChunk = loadScript<
  readonly [round: string, pendingChunks: string, shardIndex: string],
  readonly [round: number, chunk: number, maxChunks: number],
  RoundReply<"pending" | "done" | "empty" | "stale">
>(new URL("finish-chunk-3.lua", import.meta.url), roundReply(["pending", "done", "empty", "stale"]));
