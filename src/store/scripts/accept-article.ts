import { articleId, type ArticleId } from "../../ids.js";
import { isInteger, loadScript, unexpectedReply } from "../script.js";

export type Acceptance =
  | { readonly kind: "accepted"; readonly id: ArticleId; readonly seq: number }
  /** A duplicate of the article stored under `id`. */
  | { readonly kind: "duplicate"; readonly id: ArticleId };

function decodeAcceptance(reply: unknown): Acceptance {
  const items: readonly unknown[] = Array.isArray(reply) ? reply : [];
  const [status, id, seq] = items;
  if (typeof id === "string") {
    if (status === 1 && items.length === 3 && isInteger(seq)) return { kind: "accepted", id: articleId(id), seq };
    if (status === 0 && items.length === 2) return { kind: "duplicate", id: articleId(id) };
  }
  return unexpectedReply("{1, id, seq} or {0, existing id}");
}

/** accept-article-n.lua. */
export const acceptArticle = loadScript<
  readonly [dedupeById: string, dedupeByUrl: string, sequence: string, article: string, ...logs: string[]],
  readonly [id: string, json: string, dedupeTtlMs: number, articleTtlMs: number, logLength: number],
  Acceptance
>(new URL("accept-article-n.lua", import.meta.url), decodeAcceptance);
