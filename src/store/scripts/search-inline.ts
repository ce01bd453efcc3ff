import { articleId, type ArticleId } from "../../ids.js";
import { isInteger, loadScript, unexpectedReply } from "../script.js";

export interface InlineHit {
  readonly seq: number;
  readonly id: ArticleId;
}

function decodeHits(reply: unknown): InlineHit[] {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) return unexpectedReply("{seq, id, seq, id, …}");
  const hits: InlineHit[] = [];
  for (let i = 0; i < reply.length; i += 2) {
    const seq: unknown = reply[i];
    const id: unknown = reply[i + 1];
    if (!isInteger(seq) || typeof id !== "string") return unexpectedReply("{seq, id, seq, id, …}");
    hits.push({ seq, id: articleId(id) });
  }
  return hits;
}

/** search-inline-n.lua: KEYS are the days' hashes, newest first; the words follow `before` and `limit`. */
export const searchInline = loadScript<readonly string[], readonly [before: number, limit: number, ...words: string[]], InlineHit[]>(
  new URL("search-inline-n.lua", import.meta.url),
  decodeHits,
);
