/**
 * Right-to-left text that reads right in Telegram. Telegram lays out each paragraph by its first
 * strong character, so a Persian message must start with a right-to-left letter or mark, and a
 * left-to-right insert (a URL, an @username, a slug, a Latin number) is wrapped in Unicode isolates
 * so that it cannot reorder the words around it.
 */

/** FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE: the insert keeps its own direction. */
const FSI = "\u2068";
const PDI = "\u2069";
/** RIGHT-TO-LEFT MARK: an invisible strong right-to-left character. */
export const RLM = "\u200F";

/** Right-to-left letters (Hebrew, Arabic, Persian… and their presentation forms) and the RLM and ALM marks. */
const STRONG_RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200F]/u;
/** A character that sets a paragraph's direction: a letter, or an LRM, RLM or ALM mark. */
const STRONG = /[\p{L}\u200E\u200F\u061C]/u;
/** An isolate with no isolate inside it (isolates nest, so they are removed from the inside out). */
const INNERMOST_ISOLATE = /\u2068[^\u2068\u2069]*\u2069/gu;

/** `text` wrapped in isolates (nothing for empty text). */
export function isolate(text: string | number): string {
  const value = String(text);
  return value === "" ? "" : `${FSI}${value}${PDI}`;
}

function withoutIsolates(text: string): string {
  for (let rest = text; ;) {
    const next = rest.replace(INNERMOST_ISOLATE, "");
    if (next === rest) return rest;
    rest = next;
  }
}

/** Whether `text` lays out right to left: its first strong character, as Unicode's bidi algorithm finds it (isolated inserts skipped), is. */
export function startsRtl(text: string): boolean {
  const first = STRONG.exec(withoutIsolates(text));
  return first !== null && STRONG_RTL.test(first[0]);
}

/** `text` as a right-to-left paragraph: an RLM goes in front unless it already starts right to left. */
export function startRtl(text: string): string {
  return startsRtl(text) ? text : `${RLM}${text}`;
}

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/** Latin digits as Persian ones (for numbers Bulletin writes itself, never inside a URL or an id). */
export function persianDigits(text: string | number): string {
  return String(text).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]!);
}
