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

const STRONG_RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const ISOLATED = /\u2068[^\u2069]*\u2069/gu;

/** `text` wrapped in isolates (nothing for empty text). */
export function isolate(text: string | number): string {
  const value = String(text);
  return value === "" ? "" : `${FSI}${value}${PDI}`;
}

/**
 * `text` as a right-to-left paragraph: an RLM goes in front unless its first strong letter, as
 * Unicode's bidi algorithm finds it (isolated inserts are skipped), is already right-to-left.
 */
export function startRtl(text: string): string {
  const first = /\p{L}/u.exec(text.replace(ISOLATED, ""));
  return first && STRONG_RTL.test(first[0]) ? text : `${RLM}${text}`;
}

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/** Latin digits as Persian ones (for numbers Bulletin writes itself, never inside a URL or an id). */
export function persianDigits(text: string | number): string {
  return String(text).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]!);
}
