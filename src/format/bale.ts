import type { Messages } from "../i18n/index.js";
import { startRtl, startsRtl } from "../i18n/bidi.js";
import type { FormatArticleOptions, FormattableArticle } from "./article.js";
import { SIGNATURE_UNITS, hashtags, normalizeSummary, normalizeTitle } from "./article.js";
import { cleanText, cutText } from "./html.js";

/**
 * An article as a Bale message. Bale renders every message's text as its own Markdown (no
 * `parse_mode`, no HTML): `*bold*`, `_italic_`, `[text](url)` and backtick code (docs/bale.md
 * lists where that is written down and what is only inferred). So:
 *
 *     *Title*
 *
 *     Summary…
 *
 *     [Read more](https://…)
 *     #World #Middle‌East
 *
 * Bale's escaping rules are not documented, so article text never relies on them: each character
 * its Markdown could read as markup is replaced by a look-alike that no Markdown reads
 * (`neutralizeMarkdown`), and the link's target is percent-encoded where Markdown could end it.
 * `<` and `&` need nothing: Bale parses no HTML, so they show as written.
 */

/** Longest text of a Bale message (as Telegram's; python-bale-bot and bale-mcp say the same). */
export const BALE_TEXT_LIMIT = 4096;
/** Longest caption of a Bale photo. */
export const BALE_CAPTION_LIMIT = 1024;

export type BaleArticleMessage = { kind: "text"; text: string } | { kind: "photo"; photoUrl: string; caption: string };

export type BaleFormattableArticle = FormattableArticle & { language?: string | undefined };

const ZWNJ = "\u200C";

/** Markdown's markup characters and the look-alikes shown instead: same width, one UTF-16 unit each. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  "*": "\u2217", // ∗ ASTERISK OPERATOR
  _: "\uFF3F", // ＿ FULLWIDTH LOW LINE
  "[": "\uFF3B", // ［ FULLWIDTH LEFT SQUARE BRACKET
  "]": "\uFF3D", // ］ FULLWIDTH RIGHT SQUARE BRACKET
  "`": "\u02CB", // ˋ MODIFIER LETTER GRAVE ACCENT
  "~": "\u223C", // ∼ TILDE OPERATOR (strikethrough in some Markdowns)
  "|": "\u2223", // ∣ DIVIDES (spoilers in some Markdowns)
  "\\": "\u29F5", // ⧵ REVERSE SOLIDUS OPERATOR: a trailing \ must not escape our closing *
};
const MARKUP = /[*_[\]`~|\\]/g;

/** Text that shows as written under any Markdown: its markup characters become look-alikes. Length is unchanged. */
export function neutralizeMarkdown(text: string): string {
  return text.replace(MARKUP, (c) => LOOK_ALIKES[c] ?? c);
}

/** Characters that could end or break a Markdown link target, or be read as markup inside it. */
const URL_UNSAFE = /[\s()[\]*_`~|\\<>"']/gu;

/** A link target Markdown cannot cut short: the unsafe characters percent-encoded (RFC 3986 treats `%5F` as `_`). */
export function markdownLinkTarget(url: string): string {
  return url.replace(URL_UNSAFE, (c) =>
    [...new TextEncoder().encode(c)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}

/**
 * Hashtags for Bale: as for Telegram, but the words are joined by a zero-width non-joiner instead
 * of `_`, which Bale's Markdown could pair into italics ("#Middle_East #North_Africa").
 */
export function baleHashtags(words: readonly string[]): string[] {
  const tags = hashtags(words)
    .map((tag) => tag.replaceAll("_", ZWNJ))
    .filter((tag) => tag.replaceAll(ZWNJ, "") !== "#");
  return [...new Set(tags)];
}

/** Languages written right to left (base subtag). */
const RTL_LANGUAGES = new Set(["fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"]);

export function isRtlLanguage(code: string | undefined): boolean {
  return RTL_LANGUAGES.has((code ?? "").toLowerCase().split("-")[0] ?? "");
}

/** How the article's address shows: as the "Read more" link, bare, or not at all (an absurd address that cannot fit). */
type LinkForm = "link" | "bare" | "none";

/** Below this, a shortened summary says nothing: it is left out instead. */
const MIN_SUMMARY_UNITS = 40;
/** Hashtags give way only when the title would otherwise be cut below this. */
const MIN_TITLE_UNITS = 64;

/**
 * An article as a Bale message: a text message, or a photo with a caption. The whole Markdown
 * source fits Bale's limit (Bale may count before parsing, so the source is measured, not what
 * shows): the summary is shortened first, then left out, then the title is shortened; the link and
 * the hashtags stay. A photo whose caption cannot hold the title and the link goes as text.
 *
 * Direction: a Persian (right-to-left) article's paragraphs start right to left even when they open
 * with a Latin word; the link and hashtag lines follow the reader's language (their "Read more").
 */
export function formatBaleArticle(
  article: BaleFormattableArticle,
  messages: Messages,
  options: FormatArticleOptions = {},
): BaleArticleMessage {
  if (article.announcement) {
    const text = neutralizeMarkdown(cutText(`📢 ${cleanText(article.title).trim()}`, BALE_TEXT_LIMIT));
    return { kind: "text", text };
  }
  const url = cleanText(article.url).trim();
  const linkText = cleanText(messages.readMore).trim();
  const parts: Parts = {
    title: normalizeTitle(article.title) || url,
    summary: normalizeSummary(article.summary ?? ""),
    url,
    link: "link",
    linkText,
    hashtags: options.hashtags === false ? [] : baleHashtags(options.hashtagWords ?? article.categories),
    signature: cutText(cleanText(options.signature ?? "").trim(), SIGNATURE_UNITS),
    articleRtl: isRtlLanguage(article.language),
    readerRtl: startsRtl(linkText),
  };
  const photoUrl = options.photo === false ? undefined : article.imageUrl;
  if (photoUrl !== undefined) {
    const caption = fit(parts, BALE_CAPTION_LIMIT);
    if (caption !== undefined) return { kind: "photo", photoUrl, caption };
  }
  const text =
    fit(parts, BALE_TEXT_LIMIT) ?? fit({ ...parts, link: "bare" }, BALE_TEXT_LIMIT) ?? fit({ ...parts, link: "none" }, BALE_TEXT_LIMIT);
  // Without its address an article always fits (a one-character title is three units): the last fit never fails.
  return { kind: "text", text: text ?? render(minimal({ ...parts, link: "none" })) };
}

interface Parts {
  title: string;
  summary: string;
  url: string;
  link: LinkForm;
  linkText: string;
  hashtags: string[];
  signature: string;
  articleRtl: boolean;
  readerRtl: boolean;
}

/** A paragraph of the article, right to left when the article is. */
function articleLine(text: string, p: Parts): string {
  return p.articleRtl ? startRtl(text) : text;
}

function render(p: Parts): string {
  const blocks = [`*${articleLine(neutralizeMarkdown(p.title), p)}*`];
  if (p.summary !== "") {
    blocks.push(
      neutralizeMarkdown(p.summary)
        .split("\n")
        .map((line) => (line === "" ? line : articleLine(line, p)))
        .join("\n"),
    );
  }
  const footer: string[] = [];
  if (p.link === "link") footer.push(`[${neutralizeMarkdown(p.linkText)}](${markdownLinkTarget(p.url)})`);
  if (p.link === "bare") footer.push(markdownLinkTarget(p.url));
  if (p.hashtags.length > 0) footer.push(neutralizeMarkdown(p.hashtags.join(" ")));
  const readerLines = footer.map((line) => (p.readerRtl ? startRtl(line) : line));
  if (p.signature !== "") readerLines.push(neutralizeMarkdown(p.signature));
  if (readerLines.length > 0) blocks.push(readerLines.join("\n"));
  return blocks.join("\n\n");
}

/** The least an article can be: a one-character title and its address. */
function minimal(p: Parts): Parts {
  return { ...p, title: cutText(p.title, 1), summary: "", hashtags: [], signature: "" };
}

/** The article's Markdown within `limit` UTF-16 units, or `undefined` when not even its title and link fit. */
function fit(parts: Parts, limit: number): string | undefined {
  if (render(minimal(parts)).length > limit) return undefined;
  const p: Parts = { ...parts, hashtags: [...parts.hashtags] };
  const excess = (): number => render(p).length - limit;

  let over = excess();
  // Right-to-left marks make a cut's effect on the length inexact: cut again until it fits.
  while (over > 0 && p.summary !== "") {
    const room = p.summary.length - over;
    p.summary = room >= MIN_SUMMARY_UNITS ? cutText(p.summary, room) : "";
    over = excess();
  }
  while (over > 0 && p.hashtags.length > 0 && p.title.length - over < Math.min(p.title.length, MIN_TITLE_UNITS)) {
    p.hashtags.pop();
    over = excess();
  }
  if (over > 0 && p.signature !== "") {
    p.signature = "";
    over = excess();
  }
  if (over > 0) {
    p.title = cutText(p.title, Math.max(1, p.title.length - over));
    over = excess();
  }
  if (over > 0) {
    p.linkText = cutText(p.linkText, Math.max(1, p.linkText.length - over));
    over = excess();
  }
  if (over > 0) p.hashtags = [];
  return render(p);
}
