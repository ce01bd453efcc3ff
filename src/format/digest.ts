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

/** An article in a reader's scheduled digest, with the category it is listed under. */
export interface GroupedDigestItem extends DigestItem {
  /** The category's title in the reader's language; `rank` orders the groups (the categories file's order). */
  readonly group: { readonly title: string; readonly rank: number };
}

/**
 * A reader's scheduled digest (daily, hourly, or after quiet hours) as one message, headlines
 * grouped by category:
 *
 *     📰 5 new articles
 *
 *     <b>World</b>
 *     • <a href="…">newest title</a>
 *     • <a href="…">older title</a>
 *
 *     <b>Economy</b>
 *     • …
 *
 * Groups follow `rank`, each newest first. Like `formatDigest`, takes the longest prefix of
 * `itemsOldestFirst` that fits one message (so the cursor moves in order); `included` says how many.
 */
export function formatGroupedDigest(itemsOldestFirst: readonly GroupedDigestItem[], messages: Messages): Digest {
  const header = (count: number): string => cleanText(messages.digestHeader(count));
  const taken: { title: string; url: string; group: GroupedDigestItem["group"] }[] = [];
  const groups = new Set<number>();
  // Body length: each group "title" plus "\n• line" per item, groups separated by a blank line.
  let bodyLength = 0;
  for (const item of itemsOldestFirst) {
    const url = cleanText(item.url).trim();
    const groupTitle = cleanText(item.group.title);
    const newGroup = !groups.has(item.group.rank);
    const overhead = (newGroup ? (groups.size > 0 ? 2 : 0) + groupTitle.length : 0) + 1 + BULLET.length;
    const room = TEXT_LIMIT - header(taken.length + 1).length - 2 - bodyLength - overhead;
    let title = cutText(normalizeTitle(item.title) || url, DIGEST_TITLE_UNITS);
    if (title.length > room) {
      if (taken.length > 0) break;
      // The first headline always goes, cut to what is left.
      title = cutText(title, Math.max(1, room));
    }
    taken.push({ title, url, group: { title: groupTitle, rank: item.group.rank } });
    groups.add(item.group.rank);
    bodyLength += overhead + title.length;
  }
  if (taken.length === 0) return { html: "", included: 0 };
  const byGroup = new Map<number, typeof taken>();
  for (const item of taken.toReversed()) {
    const list = byGroup.get(item.group.rank) ?? [];
    list.push(item);
    byGroup.set(item.group.rank, list);
  }
  const sections = [...byGroup.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, items]) =>
      [
        `<b>${escapeHtml(items[0]!.group.title)}</b>`,
        ...items.map(({ title, url }) => `${BULLET}<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>`),
      ].join("\n"),
    );
  return { html: `${escapeHtml(header(taken.length))}\n\n${sections.join("\n\n")}`, included: taken.length };
}
