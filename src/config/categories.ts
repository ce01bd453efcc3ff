import { readFileSync } from "node:fs";
import { z } from "zod";
import { SLUG_PATTERN, categorySlug, type CategorySlug } from "../ids.js";
import { ConfigError } from "./errors.js";
import { formatIssues } from "./issues.js";

const feedSchema = z.union([
  z.url({ protocol: /^https?$/ }),
  z.object({
    url: z.url({ protocol: /^https?$/ }),
    interval: z.number().int().min(10).max(86_400).optional(),
    sendNewest: z.number().int().min(0).max(50).optional(),
  }),
]);

const categorySchema = z.object({
  slug: z.string().regex(SLUG_PATTERN, "must match [a-z0-9_-]{1,32}"),
  title: z.object({ en: z.string().min(1) }).catchall(z.string().min(1)),
  feeds: z.array(feedSchema).optional(),
});

const fileSchema = z.object({
  categories: z
    .array(categorySchema)
    .min(1, "needs at least one category")
    .superRefine(
      (list, ctx) => {
        const seen = new Set<string>();
        list.forEach((entry: unknown, index) => {
          const slug = isRecord(entry) && typeof entry.slug === "string" ? entry.slug : undefined;
          if (slug === undefined) return;
          if (seen.has(slug)) ctx.addIssue({ code: "custom", path: [index], message: "duplicate slug" });
          seen.add(slug);
        });
      },
      // Runs even when entries have other problems, so an operator sees every problem at once.
      { when: (payload) => Array.isArray(payload.value) },
    ),
});

export interface FeedSource {
  readonly url: string;
  /** Poll interval in seconds; falls back to FEED_INTERVAL. */
  readonly interval?: number;
  /** How many of a new feed's current items to send on its first poll. */
  readonly sendNewest?: number;
}

export interface Category {
  readonly slug: CategorySlug;
  readonly title: Readonly<Record<string, string>> & { readonly en: string };
  readonly feeds: readonly FeedSource[];
}

export class Categories {
  private readonly bySlug: ReadonlyMap<string, Category>;

  constructor(readonly list: readonly Category[]) {
    this.bySlug = new Map(list.map((c) => [c.slug, c]));
  }

  get(slug: string): Category | undefined {
    return this.bySlug.get(slug);
  }

  has(slug: string): slug is CategorySlug {
    return this.bySlug.has(slug);
  }

  get slugs(): CategorySlug[] {
    return this.list.map((c) => c.slug);
  }

  /** The category's title in `language`, falling back to English. */
  title(slug: CategorySlug, language: string): string {
    const category = this.bySlug.get(slug);
    if (!category) return slug;
    return category.title[language] ?? category.title.en;
  }
}

/** Validates the parsed JSON of a categories file; `source` names the file in every problem. */
export function parseCategories(raw: unknown, source: string): Categories {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(formatIssues(parsed.error, (path) => describeEntry(raw, path, source)));
  }
  return new Categories(
    parsed.data.categories.map((c) => ({
      slug: categorySlug(c.slug),
      title: c.title,
      feeds: (c.feeds ?? []).map((f) => (typeof f === "string" ? { url: f } : f)),
    })),
  );
}

export function loadCategories(file: string): Categories {
  return parseCategories(readCategoriesJson(file), file);
}

/** The categories file's JSON as written (the feeds CLI edits it and writes it back). */
export function readCategoriesJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([`${file}: cannot read the categories file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${file}: not valid JSON (${(error as Error).message})`]);
  }
  return raw;
}

function describeEntry(raw: unknown, path: readonly PropertyKey[], source: string): string {
  const [top, index] = path;
  if (top === "categories" && typeof index === "number" && isRecord(raw) && Array.isArray(raw.categories)) {
    const entry: unknown = raw.categories[index];
    const slug = isRecord(entry) && typeof entry.slug === "string" ? ` ("${entry.slug}")` : "";
    const rest = path.slice(2).map(String).join(".");
    return `${source}: categories[${index}]${slug}${rest ? `.${rest}` : ""}`;
  }
  return `${source}: ${path.map(String).join(".") || "(top level)"}`;
}

/** A JSON object (not an array), as the categories file and each of its entries are. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
