import { decodeHTML } from "entities";

/** Summary and title lengths a Telegram message can carry comfortably (a caption is 1024 in all). */
export const SUMMARY_MAX = 600;
export const TITLE_MAX = 300;
/** A title made from an item's text: its first words, up to this many characters. */
export const FALLBACK_TITLE_WORDS = 12;
export const FALLBACK_TITLE_MAX = 100;

const BLOCK_TAGS =
  "p|div|h[1-6]|li|ul|ol|dl|dt|dd|tr|table|thead|tbody|blockquote|section|article|aside|header|footer|figure|figcaption|pre|hr|address|main|nav";
/** An attribute list that may hold `>` inside quotes. */
const ATTRIBUTES = String.raw`(?:"[^"]*"|'[^']*'|[^'">])*`;

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
const INVISIBLE_ELEMENTS = new RegExp(
  String.raw`<(script|style|noscript|template|iframe|object|svg|head)\b${ATTRIBUTES}>[\s\S]*?<\/\1\s*>`,
  "gi",
);
const LINE_BREAK = new RegExp(String.raw`<br\b${ATTRIBUTES}\/?>`, "gi");
const BLOCK = new RegExp(String.raw`<\/?(?:${BLOCK_TAGS})\b${ATTRIBUTES}>`, "gi");
/** Any other tag or declaration; a `<` not followed by a letter, `/` or `!` is text ("5 < 7"). */
const TAG = new RegExp(String.raw`<\/?[A-Za-z][A-Za-z0-9:_-]*${ATTRIBUTES}>|<![A-Za-z]${ATTRIBUTES}>|<\?[\s\S]*?\?>`, "g");
/** C0 and C1 controls except tab and newline; zero-width (non-)joiners and marks are kept. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Whitespace inside a line becomes one space, lines are trimmed, empty lines dropped. */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(CONTROLS, "")
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

/** Plain text of an HTML fragment: tags stripped, entities decoded, whitespace normalised. */
export function htmlToText(html: string): string {
  const text = html
    .replace(COMMENT, " ")
    .replace(CDATA, "$1")
    .replace(INVISIBLE_ELEMENTS, " ")
    .replace(LINE_BREAK, "\n")
    .replace(BLOCK, "\n")
    .replace(TAG, "");
  return normaliseWhitespace(decodeHTML(text));
}

/** Plain text kept as it is, only whitespace normalised (JSON Feed titles, `content_text`). */
export function plainText(text: string): string {
  return normaliseWhitespace(text);
}

/** A slice that does not split a surrogate pair. */
function safeSlice(text: string, end: number): string {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** At most `max` characters, cut at a word boundary when one is near, with "…" when cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const slice = safeSlice(text, max - 1);
  const lastSpace = slice.search(/\s\S*$/);
  const cut = lastSpace > max * 0.6 ? slice.slice(0, lastSpace) : slice;
  return `${cut.replace(/[\s,;:.–—-]+$/, "")}…`;
}

/** A title for an item that has none: the first words of its first line of text. */
export function firstWords(text: string): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  const words = line.split(/\s+/).filter(Boolean);
  const head = words.slice(0, FALLBACK_TITLE_WORDS).join(" ");
  const shortened = cutText(head, FALLBACK_TITLE_MAX);
  return shortened !== head || words.length > FALLBACK_TITLE_WORDS ? shortened.replace(/…?$/, "…") : head;
}
