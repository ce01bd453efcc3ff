import { en, type Messages } from "./en.js";
import { fa } from "./fa.js";
import { supportedLanguage, type Language } from "./language.js";

export type { Messages };
export { formatClock, formatCount, formatDate, joinList, plural } from "./format.js";
export {
  DEFAULT_LANGUAGE,
  LANGUAGES,
  LANGUAGE_NAMES,
  isLanguage,
  parseLanguageChoice,
  supportedLanguage,
  type Language,
} from "./language.js";

const catalogs: Readonly<Record<Language, Messages>> = { en, fa };

/** The messages of a language, or of a Telegram `language_code` / stored language (English when we don't speak it). */
export function messagesFor(language: string | undefined): Messages {
  return catalogs[supportedLanguage(language)];
}
