import type { Categories } from "../config/categories.js";
import type { CategorySlug } from "../ids.js";
import { isolate, startsRtl } from "../i18n/bidi.js";
import { joinList, type Language } from "../i18n/index.js";
import type { BotContext } from "./context.js";

/**
 * A category's title in `language` as it goes inside a sentence: in a Persian one, a title that
 * fell back to English is isolated so that it cannot reorder the words around it.
 */
function inlineTitle(categories: Categories, slug: CategorySlug, language: Language): string {
  const title = categories.title(slug, language);
  return language === "fa" && !startsRtl(title) ? isolate(title) : title;
}

/** "World, Politics"; "جهان، سیاست" */
export function titles(categories: Categories, slugs: readonly CategorySlug[], language: Language): string {
  return joinList(
    slugs.map((slug) => inlineTitle(categories, slug, language)),
    language,
  );
}

/** "world (World), politics (Politics)": what a reader can type; in Persian the slugs are isolated: "⁨world⁩ (جهان)، …". */
export function validSlugs(categories: Categories, language: Language): string {
  const typed = (slug: CategorySlug) => (language === "fa" ? isolate(slug) : slug);
  return joinList(
    categories.slugs.map((slug) => `${typed(slug)} (${inlineTitle(categories, slug, language)})`),
    language,
  );
}

/**
 * The lines answering a change of categories (/subscribe, /unsubscribe, /link, a group's
 * /subscribe): one for each list that is not empty, in its sentence ("You now follow: World."),
 * then one naming the words that are no category, with the valid ones.
 */
export function categoryLines(
  ctx: BotContext,
  categories: Categories,
  lists: readonly (readonly [slugs: readonly CategorySlug[], sentence: (titles: string) => string])[],
  unknown: readonly string[] = [],
): string[] {
  const lines = lists.filter(([slugs]) => slugs.length > 0).map(([slugs, sentence]) => sentence(titles(categories, slugs, ctx.language)));
  if (unknown.length > 0) lines.push(ctx.t.unknownCategories(unknown, validSlugs(categories, ctx.language)));
  return lines;
}
