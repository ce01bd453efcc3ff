import { en, type Messages } from "./en.js";
import { fa } from "./fa.js";

export type { Messages };

const catalogs: Readonly<Record<string, Messages>> = { en, fa };

export const DEFAULT_LANGUAGE = "en";

/** The language of a Telegram `language_code` ("en", "en-GB", "fa"…), without its region. */
function baseLanguage(language: string | undefined): string {
  return (language ?? DEFAULT_LANGUAGE).toLowerCase().split("-")[0] ?? DEFAULT_LANGUAGE;
}

/** The messages for a Telegram `language_code`, English when unknown. */
export function messagesFor(language: string | undefined): Messages {
  return catalogs[baseLanguage(language)] ?? en;
}

/** The languages with a catalog: the language stored for a chat is one of these. */
export function supportedLanguage(language: string | undefined): string {
  const base = baseLanguage(language);
  return base in catalogs ? base : DEFAULT_LANGUAGE;
}
