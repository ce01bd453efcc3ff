import type { Messages } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";
import { normalizeTitle } from "./article.js";
import { TEXT_LIMIT, cleanText, cutText, escapeHtml } from "./html.js";

export type DigestItem = Pick<StoredArticle, "title" | "url">;

/** A title in a digest is cut to this many UTF-16 code units, "…" included. */
export const DIGEST_TITLE_UNITS = 200;

const BULLET = "• ";

export interface Digest {
  html: string;
  /** How many articles, from the start of the list (the oldest), the digest holds. */
  included: number;
}

/**
 * Several articles as one message:
 *
 *     📰 3 new articles
 *
 *     • <a href="…">newest title</a>
 *     • <a href="…">…</a>
 *     • <a href="…">oldest title</a>
 *
 * Takes the longest prefix of `articlesOldestFirst` that fits one message (4096 units after
 * parsing) and shows it newest first. `included` says how many were taken, at least one when the
 * list is not empty (its title is cut further if needed); the rest belong in the next message.
 * An empty list gives `{ html: "", included: 0 }`, which is not a sendable message.
 */
export function formatDigest(articlesOldestFirst: readonly DigestItem[], messages: Messages): Digest {
  const header = (count: number): string => cleanText(messages.digestHeader(count));
  const lines: { title: string; url: string }[] = [];
  let linesLength = 0;

  for (const article of articlesOldestFirst) {
    const url = cleanText(article.url).trim();
    const title = cutText(normalizeTitle(article.title) || url, DIGEST_TITLE_UNITS);
    const count = lines.length + 1;
    // header, blank line, then the lines separated by newlines
    const length = header(count).length + 2 + linesLength + (count > 1 ? 1 : 0) + BULLET.length + title.length;
    if (length > TEXT_LIMIT) {
      if (lines.length === 0) {
        const room = TEXT_LIMIT - header(1).length - 2 - BULLET.length;
        lines.push({ title: cutText(title, Math.max(1, room)), url });
      }
      break;
    }
    lines.push({ title, url });
    linesLength += (count > 1 ? 1 : 0) + BULLET.length + title.length;
  }

  if (lines.length === 0) return { html: "", included: 0 };
  const body = lines
    .toReversed()
    .map(({ title, url }) => `${BULLET}<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>`)
    .join("\n");
  return { html: `${escapeHtml(header(lines.length))}\n\n${body}`, included: lines.length };
}
