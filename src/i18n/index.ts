import { en, type Messages } from "./en.js";

export type { Messages };

const catalogs: Readonly<Record<string, Messages>> = { en };

export const DEFAULT_LANGUAGE = "en";

/** The messages for a Telegram `language_code` ("en", "en-GB", "fa"…), English when unknown. */
export function messagesFor(language: string | undefined): Messages {
  const base = (language ?? DEFAULT_LANGUAGE).toLowerCase().split("-")[0] ?? DEFAULT_LANGUAGE;
  return catalogs[base] ?? en;
}

/** The languages with a catalog: the language stored for a chat is one of these. */
export function supportedLanguage(language: string | undefined): string {
  const base = (language ?? DEFAULT_LANGUAGE).toLowerCase().split("-")[0] ?? DEFAULT_LANGUAGE;
  return base in catalogs ? base : DEFAULT_LANGUAGE;
}
