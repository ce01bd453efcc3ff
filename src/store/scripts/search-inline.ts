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

/** search-inline-n.lua. */
export const searchInline = loadScript<
  readonly string[],
  readonly [words: number, hours: number, before: number, limit: number],
  InlineHit[]
>(new URL("search-inline-n.lua", import.meta.url), decodeHits);
