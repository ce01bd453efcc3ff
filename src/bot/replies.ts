import type { Categories } from "../config/categories.js";
import type { CategorySlug } from "../ids.js";
import type { BotContext } from "./context.js";

/** "World, Politics" */
export function titles(categories: Categories, slugs: readonly CategorySlug[], language: string): string {
  return slugs.map((slug) => categories.title(slug, language)).join(", ");
}

/** "world (World), politics (Politics)": what a reader can type. */
export function validSlugs(categories: Categories, language: string): string {
  return categories.slugs.map((slug) => `${slug} (${categories.title(slug, language)})`).join(", ");
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
  if (unknown.length > 0) lines.push(ctx.t.unknownCategories(unknown.join(", "), validSlugs(categories, ctx.language)));
  return lines;
}
