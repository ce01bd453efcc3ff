import { persianDigits } from "./bidi.js";
import type { Language } from "./language.js";

/**
 * Numbers, times, dates, plurals and lists as each language writes them. Persian gets Persian
 * digits and separators, and dates in the Persian (solar hijri) calendar: `Intl` with `fa-IR` does
 * all of it on Node 20. Pure functions; the `Intl` objects are built once per language and zone.
 */
const LOCALES: Readonly<Record<Language, string>> = { en: "en-US", fa: "fa-IR" };

const LIST_SEPARATORS: Readonly<Record<Language, string>> = { en: ", ", fa: "، " };

const NUMBERS: Readonly<Record<Language, Intl.NumberFormat>> = {
  en: new Intl.NumberFormat(LOCALES.en, { maximumFractionDigits: 0 }),
  fa: new Intl.NumberFormat(LOCALES.fa, { maximumFractionDigits: 0 }),
};

const PLURALS: Readonly<Record<Language, Intl.PluralRules>> = {
  en: new Intl.PluralRules(LOCALES.en),
  fa: new Intl.PluralRules(LOCALES.fa),
};

/** One date format per language and time zone, made when first asked for (a zone is a reader's setting). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(language: Language, timeZone: string): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: "long", timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

/** 1234 → "1,234" in English, "۱٬۲۳۴" in Persian. */
export function formatCount(n: number, language: Language): string {
  return NUMBERS[language].format(n);
}

/** A minute of the day (0‥1439) as a 24-hour clock: 450 → "07:30" in English, "۰۷:۳۰" in Persian. */
export function formatClock(minutesOfDay: number, language: Language): string {
  if (!Number.isInteger(minutesOfDay) || minutesOfDay < 0 || minutesOfDay >= 24 * 60) {
    throw new RangeError(`not a minute of the day: ${minutesOfDay}`);
  }
  const clock = [Math.floor(minutesOfDay / 60), minutesOfDay % 60].map((part) => String(part).padStart(2, "0")).join(":");
  return language === "fa" ? persianDigits(clock) : clock;
}

/** The day of `epochMs` in `timeZone` (an IANA name): "March 21, 2025" in English, "۱ فروردین ۱۴۰۴" in Persian. */
export function formatDate(epochMs: number, language: Language, timeZone: string): string {
  return dateFormat(language, timeZone).format(epochMs);
}

/** The word for `n` things: `plural(3, "en", { one: "article", other: "articles" })` → "articles" (Intl.PluralRules). */
export function plural(n: number, language: Language, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  return forms[PLURALS[language].select(n)] ?? forms.other;
}

/** Items one after the other, with the language's comma: "World, Politics"; "جهان، سیاست". */
export function joinList(items: readonly string[], language: Language): string {
  return items.join(LIST_SEPARATORS[language]);
}
