import { InlineKeyboard } from "grammy";
import type { Categories } from "../config/categories.js";
import { LANGUAGES, LANGUAGE_NAMES } from "../i18n/index.js";
import type { CategorySlug, ChatId } from "../ids.js";

export const TOGGLE_PREFIX = "toggle:";
export const LINK_PREFIX = "ln:";
export const LANGUAGE_PREFIX = "lang:";

/** Pure: a category picker, ✅ on the marked categories and ➕ on the others, two per row; a press sends `data(slug)`. */
function categoryPicker(
  categories: Categories,
  marked: readonly CategorySlug[],
  language: string,
  data: (slug: CategorySlug) => string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  categories.slugs.forEach((slug, i) => {
    const mark = marked.includes(slug) ? "✅" : "➕";
    keyboard.text(`${mark} ${categories.title(slug, language)}`, data(slug));
    if (i % 2 === 1) keyboard.row();
  });
  return keyboard;
}

/** Pure: a reader's picker, ✅ on the categories they follow. */
export function categoriesKeyboard(categories: Categories, followed: readonly CategorySlug[], language: string): InlineKeyboard {
  return categoryPicker(categories, followed, language, (slug) => `${TOGGLE_PREFIX}${slug}`);
}

/** Pure: the picker for a chat an admin steers; ✅ on the categories it receives. */
export function linkKeyboard(categories: Categories, chat: ChatId, linked: readonly CategorySlug[], language: string): InlineKeyboard {
  return categoryPicker(categories, linked, language, (slug) => `${LINK_PREFIX}${chat}:${slug}`);
}

/** Pure: one button per language, each in its own name ("English", "فارسی"). */
export function languageKeyboard(): InlineKeyboard {
  return InlineKeyboard.from([LANGUAGES.map((language) => InlineKeyboard.text(LANGUAGE_NAMES[language], `${LANGUAGE_PREFIX}${language}`))]);
}
