import { InlineKeyboard } from "grammy";
import type { Categories } from "../config/categories.js";
import type { CategorySlug } from "../ids.js";

export const TOGGLE_PREFIX = "toggle:";

/** Pure: the category picker, ✅ on followed categories and ➕ on the others, two per row. */
export function categoriesKeyboard(categories: Categories, followed: readonly CategorySlug[], language: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  categories.slugs.forEach((slug, i) => {
    const mark = followed.includes(slug) ? "✅" : "➕";
    keyboard.text(`${mark} ${categories.title(slug, language)}`, `${TOGGLE_PREFIX}${slug}`);
    if (i % 2 === 1) keyboard.row();
  });
  return keyboard;
}

/** "World, Politics" */
export function titles(categories: Categories, slugs: readonly CategorySlug[], language: string): string {
  return slugs.map((slug) => categories.title(slug, language)).join(", ");
}

/** "world (World), politics (Politics)": what a reader can type. */
export function validSlugs(categories: Categories, language: string): string {
  return categories.slugs.map((slug) => `${slug} (${categories.title(slug, language)})`).join(", ");
}
