import type { Categories } from "../config/categories.js";
import type { Messages } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";
import { CAPTION_LIMIT, TEXT_LIMIT, cleanText, cutText, escapeHtml, htmlTextLength } from "./html.js";

export type FormattableArticle = Pick<StoredArticle, "title" | "summary" | "url" | "imageUrl" | "categories" | "announcement">;

/** What delivery sends: a text message (`sendMessage`) or a photo with a caption (`sendPhoto`). */
export type ArticleMessage = { kind: "text"; html: string; linkPreview: boolean } | { kind: "photo"; photoUrl: string; html: string };

export interface FormatArticleOptions {
  /** `false` sends text even when the article has an image (e.g. after Telegram refused the image). */
  photo?: boolean;
  /** `false` leaves the categories' hashtags out (a channel's choice). */
  hashtags?: boolean;
  /** The words the hashtags are made of, in the reader's language (`hashtagWords`); the category slugs when absent. */
  hashtagWords?: readonly string[];
  /** A last line under every post (a channel's signature, e.g. "@regional_news"). */
  signature?: string;
}

/** A signature longer than this is cut: it must never crowd out the article. */
export const SIGNATURE_UNITS = 200;

/** Below this, a shortened summary says nothing: it is left out instead. */
const MIN_SUMMARY_UNITS = 40;
/** Hashtags give way only when the title would otherwise be cut below this. */
const MIN_TITLE_UNITS = 64;

/**
 * An article as a Telegram message in HTML parse mode:
 *
 *     <b>Title</b>
 *
 *     Summary…
 *
 *     <a href="https://…">Read more</a>
 *     #World #Middle_East
 *
 * Every piece of article text is escaped. The whole fits Telegram's limit (a caption's 1024 with a
 * photo, a message's 4096 without): the summary is shortened first, then left out, then the title is
 * shortened; the link and the hashtags stay.
 */
export function formatArticle(article: FormattableArticle, messages: Messages, options: FormatArticleOptions = {}): ArticleMessage {
  if (article.announcement) {
    // An operators' service message: its text alone, no link, no hashtags.
    return { kind: "text", html: escapeHtml(cutText(`📢 ${cleanText(article.title).trim()}`, TEXT_LIMIT)), linkPreview: false };
  }
  const url = cleanText(article.url).trim();
  const parts: Parts = {
    title: normalizeTitle(article.title) || url,
    summary: normalizeSummary(article.summary ?? ""),
    url,
    linkText: cleanText(messages.readMore),
    hashtags: options.hashtags === false ? [] : hashtags(options.hashtagWords ?? article.categories),
    signature: cutText(cleanText(options.signature ?? "").trim(), SIGNATURE_UNITS),
  };
  const photoUrl = options.photo === false ? undefined : article.imageUrl;
  const html = fit(parts, photoUrl ? CAPTION_LIMIT : TEXT_LIMIT);
  return photoUrl ? { kind: "photo", photoUrl, html } : { kind: "text", html, linkPreview: true };
}

interface Parts {
  title: string;
  summary: string;
  url: string;
  linkText: string;
  hashtags: string[];
  signature: string;
}

function render(p: Parts): string {
  const blocks = [`<b>${escapeHtml(p.title)}</b>`];
  if (p.summary !== "") blocks.push(escapeHtml(p.summary));
  let footer = `<a href="${escapeHtml(p.url)}">${escapeHtml(p.linkText)}</a>`;
  if (p.hashtags.length > 0) footer += `\n${escapeHtml(p.hashtags.join(" "))}`;
  if (p.signature !== "") footer += `\n${escapeHtml(p.signature)}`;
  blocks.push(footer);
  return blocks.join("\n\n");
}

function fit(parts: Parts, limit: number): string {
  const p: Parts = { ...parts, hashtags: [...parts.hashtags] };
  const excess = (): number => htmlTextLength(render(p)) - limit;

  let over = excess();
  if (over > 0 && p.summary !== "") {
    const room = p.summary.length - over;
    p.summary = room >= MIN_SUMMARY_UNITS ? cutText(p.summary, room) : "";
    over = excess();
  }
  // Only absurdly many categories (or a very long translation of "Read more") get here.
  while (over > 0 && p.hashtags.length > 0 && p.title.length - over < Math.min(p.title.length, MIN_TITLE_UNITS)) {
    p.hashtags.pop();
    over = excess();
  }
  if (over > 0) {
    p.title = cutText(p.title, Math.max(1, p.title.length - over));
    over = excess();
  }
  if (over > 0) {
    p.linkText = cutText(p.linkText, Math.max(1, p.linkText.length - over));
  }
  return render(p);
}

/** A title on one line: every run of whitespace (newlines too) becomes one space. */
export function normalizeTitle(title: string): string {
  return cleanText(title).replace(/\s+/g, " ").trim();
}

/** Runs of spaces collapse to one, lines are trimmed, paragraphs keep at most one blank line between. */
export function normalizeSummary(summary: string): string {
  return cleanText(summary)
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * What an article's categories are called in `language`, for its hashtags: each category's title
 * in that language ("جهان", "Middle East"), its slug when it has no title in that language.
 */
export function hashtagWords(categories: Categories, slugs: readonly string[], language: string): string[] {
  return slugs.map((slug) => categories.get(slug)?.title[language] ?? slug);
}

/**
 * Words as hashtags. Telegram's hashtags hold letters, decimal digits, `_` and the zero-width
 * non-joiner (part of a Persian word): a space or a `-` becomes `_` ("Middle East" →
 * #Middle_East) and diacritics are dropped, so that the whole word stays one tag.
 */
export function hashtags(words: readonly string[]): string[] {
  const tags = words
    .map((word) =>
      word
        .trim()
        .replace(/\p{M}/gu, "")
        .replace(/[^\p{L}\p{Nd}_\u200C]/gu, "_"),
    )
    .filter((tag) => tag !== "")
    .map((tag) => `#${tag}`);
  return [...new Set(tags)];
}
