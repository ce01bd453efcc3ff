import { decodeHTML } from "entities";
import { scanHtml } from "./html.js";

/** Summary and title lengths a Telegram message can carry comfortably (a caption is 1024 in all). */
export const SUMMARY_MAX = 600;
export const TITLE_MAX = 300;
/** A title made from an item's text: its first words, up to this many characters. */
export const FALLBACK_TITLE_WORDS = 12;
export const FALLBACK_TITLE_MAX = 100;
/**
 * The characters of one raw field (title, summary, content) that are read at all: markup around a
 * 600-character summary rarely takes a tenth of this, and a hostile feed's 5 MiB field costs no more.
 */
export const RAW_FIELD_MAX = 64 * 1024;

/** Block-level elements: their start and end tags separate lines of text. */
const BLOCK_TAGS = new Set([
  ..."p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table thead tbody blockquote section article aside".split(" "),
  ..."header footer figure figcaption pre hr address main nav".split(" "),
]);
/** C0 and C1 controls except tab and newline; zero-width (non-)joiners and marks are kept. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** A slice that does not split a surrogate pair. */
function safeSlice(text: string, end: number): string {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** The part of a raw field that is read: its first RAW_FIELD_MAX characters. */
export function rawHead(raw: string): string {
  return raw.length <= RAW_FIELD_MAX ? raw : safeSlice(raw, RAW_FIELD_MAX);
}

/** Whitespace inside a line becomes one space, lines are trimmed, empty lines dropped. */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(CONTROLS, "")
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

/**
 * Plain text of an HTML fragment: tags stripped (`<br>` and block tags become line breaks), scripts,
 * styles and comments dropped, entities decoded, whitespace normalised. One pass (see html.ts): the
 * time grows with the length, whatever the markup.
 */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  scanHtml(html, {
    skipInvisible: true,
    text: (text) => void parts.push(text),
    tag: (tag) => {
      if (tag.name === "br" || BLOCK_TAGS.has(tag.name)) parts.push("\n");
    },
  });
  return normaliseWhitespace(decodeHTML(parts.join("")));
}

/** Plain text kept as it is, only whitespace normalised (JSON Feed titles, `content_text`). */
export function plainText(text: string): string {
  return normaliseWhitespace(text);
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
  const line = text.split("\n", 1)[0]?.trim() ?? "";
  const words = line.split(/\s+/).filter(Boolean);
  const head = words.slice(0, FALLBACK_TITLE_WORDS).join(" ");
  const shortened = cutText(head, FALLBACK_TITLE_MAX);
  return shortened !== head || words.length > FALLBACK_TITLE_WORDS ? shortened.replace(/…?$/, "…") : head;
}
