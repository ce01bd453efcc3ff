/**
 * Building blocks for Telegram's HTML parse mode: escaping, measuring and cutting.
 *
 * Telegram counts a message's length after parsing the HTML, in UTF-16 code units: `<b>` costs
 * nothing and `&amp;` costs one. Lengths here are therefore plain-text lengths.
 */

/** Longest text of a message, in UTF-16 code units after entity parsing. */
export const TEXT_LIMIT = 4096;
/** Longest caption of a photo, in UTF-16 code units after entity parsing. */
export const CAPTION_LIMIT = 1024;
/** Appended to any text that had to be shortened. One code unit. */
export const ELLIPSIS = "…";

const ZWNJ = "\u200C";

/** Escapes text for Telegram's HTML parse mode (body and double-quoted attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      default:
        return "&quot;";
    }
  });
}

/**
 * The length Telegram counts for HTML built from escaped text and tags: tags removed, entities
 * decoded, in UTF-16 code units. Meant for HTML this module produced, not for arbitrary input.
 */
export function htmlTextLength(html: string): number {
  const withoutTags = html.replace(/<[^>]*>/g, "");
  let length = 0;
  let last = 0;
  for (const match of withoutTags.matchAll(/&(?:lt|gt|amp|quot|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));?/g)) {
    length += match.index - last;
    last = match.index + match[0].length;
    const [, decimal, hex] = match;
    const code = decimal !== undefined ? Number(decimal) : hex !== undefined ? Number.parseInt(hex, 16) : 0;
    length += code > 0xffff ? 2 : 1;
  }
  return length + withoutTags.length - last;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Makes text safe to send at all: unpaired surrogates (which Telegram refuses as invalid UTF-8)
 * become U+FFFD, control characters other than tab and newline are removed, CRLF becomes LF.
 */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(LONE_SURROGATE, "\uFFFD");
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Shortens PLAIN text (escape it afterwards) to at most `maxUnits` UTF-16 code units, the trailing
 * "…" included. Text that fits is returned unchanged.
 *
 * The cut falls on a word boundary (whitespace); a zero-width non-joiner (U+200C), which joins the
 * parts of a Persian word, is not a boundary. A text whose last fitting boundary would lose more
 * than half of the room (one very long word, a URL) is cut between characters instead: between
 * grapheme clusters (so never inside a surrogate pair, an emoji sequence or a letter with its
 * marks) and not next to a ZWNJ.
 */
export function cutText(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  const room = Math.floor(maxUnits) - ELLIPSIS.length;
  if (room < 0) return "";
  const head = cutAtWord(text, room) ?? cutAtCharacter(text, room);
  return head + ELLIPSIS;
}

/** Trailing spaces and joiners that should not stay in front of the "…". */
const TRAILING = /[\s\u200C\u200D]+$/u;

function cutAtWord(text: string, room: number): string | undefined {
  for (let i = room; i > 0; i--) {
    if (/\s/.test(text.charAt(i))) {
      const head = text.slice(0, i).replace(TRAILING, "");
      return head.length > 0 && head.length * 2 >= room ? head : undefined;
    }
  }
  return undefined;
}

function cutAtCharacter(text: string, room: number): string {
  // A boundary at p depends on the characters before p and the one at p (up to two units).
  const boundaries: number[] = [];
  for (const { index } of graphemes.segment(text.slice(0, room + 2))) {
    if (index > room) break;
    if (index > 0) boundaries.push(index);
  }
  const notByZwnj = boundaries.filter((p) => text.charAt(p - 1) !== ZWNJ && text.charAt(p) !== ZWNJ);
  const best = notByZwnj.at(-1) ?? boundaries.at(-1) ?? codePointBoundary(text, room);
  return text.slice(0, best).replace(TRAILING, "");
}

/** The last position at or before `p` that does not split a surrogate pair. */
function codePointBoundary(text: string, p: number): number {
  return p > 0 && isLowSurrogate(text.charCodeAt(p)) && isHighSurrogate(text.charCodeAt(p - 1)) ? p - 1 : p;
}
