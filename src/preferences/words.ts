/**
 * Muted words: how a reader's word and an article's text are made comparable, and whole-word
 * matching between them. Plain string work, never a regular expression built from what a reader
 * typed.
 *
 * Persian is written with Arabic letters, and the same word reaches us spelled several ways: with
 * the Arabic yeh (ي) or alef maksura (ى) for the Persian yeh (ی), the Arabic kaf (ك) for keheh
 * (ک), teh marbuta (ة) or heh with yeh (ۀ) for heh (ه), stretched with tatweel (ـ), with short
 * vowels and other diacritics, with a zero-width non-joiner inside a word, or with Persian (۱۲)
 * or Arabic-Indic (١٢) digits. Both sides are normalized the same way before they are compared.
 */

/** The most muted words a reader may have. */
export const MAX_MUTED_WORDS = 50;
/** The longest muted word, in characters as typed. */
export const MAX_MUTED_WORD_LENGTH = 64;

const LETTER_VARIANTS: Readonly<Record<string, string>> = {
  "\u064A": "\u06CC", // ي Arabic yeh → ی
  "\u0649": "\u06CC", // ى alef maksura → ی
  "\u0643": "\u06A9", // ك Arabic kaf → ک
  "\u0629": "\u0647", // ة teh marbuta → ه
  "\u06C0": "\u0647", // ۀ heh with yeh above → ه
  "\u06D5": "\u0647", // ە ae (what ۀ decomposes to) → ه
};
const VARIANT = /[\u064A\u0649\u0643\u0629\u06C0\u06D5]/g;
/** Persian (U+06F0…) and Arabic-Indic (U+0660…) digits. */
const EASTERN_DIGIT = /[\u06F0-\u06F9\u0660-\u0669]/g;
/** Combining marks (Arabic short vowels, shadda, hamza above, accents…), tatweel, and format characters (ZWNJ, ZWJ, bidi marks). */
const REMOVED = /[\p{M}\u0640\p{Cf}]/gu;
const WORD = /[\p{L}\p{N}]+/gu;

const unifyLetters = (text: string): string => text.replace(VARIANT, (c) => LETTER_VARIANTS[c] ?? c);

/**
 * Text in the form words are compared in: lower case, compatibility forms unfolded (Arabic
 * presentation forms, full-width Latin), Persian letter variants unified, marks, tatweel and
 * zero-width characters removed, Eastern digits as 0-9.
 */
export function normalizeText(text: string): string {
  return unifyLetters(unifyLetters(text).normalize("NFKD").toLowerCase())
    .replace(REMOVED, "")
    .replace(EASTERN_DIGIT, (d) => {
      const code = d.codePointAt(0)!;
      return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
    });
}

/** The whole words of `text`, normalized, in order (letters and digits; everything else separates). */
export function wordsOf(text: string): string[] {
  return normalizeText(text).match(WORD) ?? [];
}

/**
 * What a reader typed as one muted entry, as stored: its normalized words joined by single
 * spaces (so `COVID-19` becomes the two-word phrase `covid 19`); "" when nothing of it is a word.
 */
export function normalizeMutedWord(typed: string): string {
  return wordsOf(typed).join(" ");
}

/** An article's text prepared once for every reader's muted words. */
export interface ArticleWords {
  readonly words: ReadonlySet<string>;
  /** The words joined by spaces with a space at both ends: whole phrases are found in it. */
  readonly spaced: string;
}

export function articleWords(...texts: readonly (string | undefined)[]): ArticleWords {
  const words = texts.flatMap((text) => (text ? wordsOf(text) : []));
  return { words: new Set(words), spaced: ` ${words.join(" ")} ` };
}

/** The first of the reader's muted entries (normalized) that the article holds as whole words, or undefined. */
export function mutedMatch(article: ArticleWords, muted: readonly string[]): string | undefined {
  for (const entry of muted) {
    if (entry.includes(" ") ? article.spaced.includes(` ${entry} `) : article.words.has(entry)) return entry;
  }
  return undefined;
}
