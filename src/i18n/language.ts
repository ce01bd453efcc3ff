/** The languages Bulletin speaks: each has a message catalogue (en.ts, fa.ts). */
export const LANGUAGES = ["en", "fa"] as const;

export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = "en";

/** Each language by its own name, as the /language buttons show it. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: "English", fa: "فارسی" };

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** The language of a Telegram `language_code` or a stored one ("fa", "fa-IR", "en-GB"…): English unless it is one we speak. */
export function supportedLanguage(code: string | undefined): Language {
  const base = (code ?? "").toLowerCase().split("-")[0] ?? "";
  return isLanguage(base) ? base : DEFAULT_LANGUAGE;
}

const NAMES_READERS_TYPE: Readonly<Record<string, Language>> = {
  en: "en",
  english: "en",
  انگلیسی: "en",
  fa: "fa",
  farsi: "fa",
  persian: "fa",
  فارسی: "fa",
};

/**
 * The language a reader names after /language ("fa", "fa-IR", "English", "فارسی"), or undefined
 * for anything else: unlike a Telegram code, an unknown word is refused, not taken as English.
 */
export function parseLanguageChoice(word: string): Language | undefined {
  const lower = word.trim().toLowerCase();
  return NAMES_READERS_TYPE[lower] ?? NAMES_READERS_TYPE[/^[a-z]{2}-[a-z]{2}$/.test(lower) ? lower.slice(0, 2) : ""];
}
