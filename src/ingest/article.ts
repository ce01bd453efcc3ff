import { z } from "zod";
import type { ArticleId, CategorySlug } from "../ids.js";

/** The body of `POST /api/articles` (and of CLI and feed ingest): the public contract. */
export const articleInputSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048),
  title: z.string().trim().min(1, "must not be empty").max(1000),
  summary: z.string().trim().max(20_000).optional(),
  categories: z.array(z.string().min(1)).min(1, "needs at least one category").max(20),
  id: z.string().trim().min(1).max(200).optional(),
  imageUrl: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048)
    .optional(),
  publishedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "must be a language code like en or fa")
    .optional(),
  priority: z.enum(["normal", "breaking"]).optional(),
});

export type ArticleInput = z.infer<typeof articleInputSchema>;

export type ArticleSource = "http" | "feed" | "cli" | "admin";

/** An article as stored once accepted; what delivery formats. */
export const storedArticleSchema = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  url: z.string(),
  title: z.string(),
  summary: z.string().optional(),
  categories: z.array(z.string()),
  imageUrl: z.string().optional(),
  publishedAt: z.string().optional(),
  language: z.string().optional(),
  priority: z.enum(["normal", "breaking"]),
  receivedAt: z.number(),
  source: z.enum(["http", "feed", "cli", "admin"]),
  /** A service message from the operators (/announce): to every reader, alone, never to channels. */
  announcement: z.literal(true).optional(),
});

export type StoredArticle = Omit<z.infer<typeof storedArticleSchema>, "id" | "categories"> & {
  readonly id: ArticleId;
  readonly categories: readonly CategorySlug[];
};
