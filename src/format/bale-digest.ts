import type { Messages } from "../i18n/index.js";
import { normalizeTitle } from "./article.js";
import { BALE_TEXT_LIMIT, markdownLinkTarget, neutralizeMarkdown } from "./bale.js";
import { DIGEST_TITLE_UNITS, type DigestItem, type GroupedDigestItem } from "./digest.js";
import { cleanText, cutText } from "./html.js";

const BULLET = "• ";

export interface BaleDigest {
  text: string;
  /** How many articles, from the start of the list (the oldest), the digest holds. */
  included: number;
}

/** One digest line within `room`: the title as a link, or the title alone when not even a one-character link fits (an absurd address). */
function line(title: string, url: string, room: number): string {
  const target = markdownLinkTarget(url);
  const link = `${BULLET}[${neutralizeMarkdown(cutText(title, Math.max(1, room - BULLET.length - target.length - 4)))}](${target})`;
  return link.length <= room ? link : `${BULLET}${neutralizeMarkdown(cutText(title, room - BULLET.length))}`;
}

/**
 * Several articles as one Bale message, as `formatDigest` does for Telegram:
 *
 *     📰 3 new articles
 *
 *     • [newest title](https://…)
 *     • [oldest title](https://…)
 *
 * Bale may count a message before parsing its Markdown, so the addresses count against the 4096
 * too: a Bale digest holds fewer articles than a Telegram one. Takes the longest prefix of
 * `articlesOldestFirst` that fits, newest shown first; `included` is at least one for a list that is
 * not empty. An empty list gives `{ text: "", included: 0 }`, which is not a sendable message.
 */
export function formatBaleDigest(articlesOldestFirst: readonly DigestItem[], messages: Messages): BaleDigest {
  const header = (count: number): string => neutralizeMarkdown(cleanText(messages.digestHeader(count)));
  const lines: string[] = [];
  let linesLength = 0;

  for (const article of articlesOldestFirst) {
    const url = cleanText(article.url).trim();
    const title = cutText(normalizeTitle(article.title) || url, DIGEST_TITLE_UNITS);
    const count = lines.length + 1;
    const next = `${BULLET}[${neutralizeMarkdown(title)}](${markdownLinkTarget(url)})`;
    const length = header(count).length + 2 + linesLength + (count > 1 ? 1 : 0) + next.length;
    if (length > BALE_TEXT_LIMIT) {
      if (lines.length === 0) lines.push(line(title, url, BALE_TEXT_LIMIT - header(1).length - 2));
      break;
    }
    lines.push(next);
    linesLength += (count > 1 ? 1 : 0) + next.length;
  }

  if (lines.length === 0) return { text: "", included: 0 };
  return { text: `${header(lines.length)}\n\n${lines.toReversed().join("\n")}`, included: lines.length };
}

/**
 * A reader's scheduled digest as one Bale message, as `formatGroupedDigest` does for Telegram:
 * headlines grouped by category (the group's title in bold), groups in `rank` order, each newest
 * first. Addresses count against the limit (see `formatBaleDigest`). Takes the longest prefix of
 * `itemsOldestFirst` that fits; `included` says how many.
 */
export function formatBaleGroupedDigest(itemsOldestFirst: readonly GroupedDigestItem[], messages: Messages): BaleDigest {
  const header = (count: number): string => neutralizeMarkdown(cleanText(messages.digestHeader(count)));
  const taken: { line: string; rank: number; groupLine: string }[] = [];
  const groups = new Set<number>();
  // Body length: each group's bold title plus "\n" and a line per item, groups separated by a blank line.
  let bodyLength = 0;
  for (const item of itemsOldestFirst) {
    const url = cleanText(item.url).trim();
    const groupLine = `*${neutralizeMarkdown(cleanText(item.group.title).trim() || "·")}*`;
    const newGroup = !groups.has(item.group.rank);
    const overhead = (newGroup ? (groups.size > 0 ? 2 : 0) + groupLine.length : 0) + 1;
    const room = BALE_TEXT_LIMIT - header(taken.length + 1).length - 2 - bodyLength - overhead;
    const title = cutText(normalizeTitle(item.title) || url, DIGEST_TITLE_UNITS);
    let next = `${BULLET}[${neutralizeMarkdown(title)}](${markdownLinkTarget(url)})`;
    if (next.length > room) {
      if (taken.length > 0) break;
      // The first headline always goes, cut to what is left.
      next = line(title, url, Math.max(BULLET.length + 1, room));
    }
    taken.push({ line: next, rank: item.group.rank, groupLine });
    groups.add(item.group.rank);
    bodyLength += overhead + next.length;
  }
  if (taken.length === 0) return { text: "", included: 0 };
  const byGroup = new Map<number, { groupLine: string; lines: string[] }>();
  for (const item of taken.toReversed()) {
    const group = byGroup.get(item.rank) ?? { groupLine: item.groupLine, lines: [] };
    group.lines.push(item.line);
    byGroup.set(item.rank, group);
  }
  const sections = [...byGroup.entries()].sort(([a], [b]) => a - b).map(([, group]) => [group.groupLine, ...group.lines].join("\n"));
  return { text: `${header(taken.length)}\n\n${sections.join("\n\n")}`, included: taken.length };
}
