import type { InlineQueryResultArticle } from "grammy/types";
import type { Categories } from "../config/categories.js";
import type { ShareNetwork } from "../config/env.js";
import type { ArticleCache } from "../delivery/articles.js";
import type { Language } from "../i18n/index.js";
import { subscribedSlugs, type ChatRecord } from "../store/chat-record.js";
import { inlineResults } from "./inline-results.js";
import { queryWords, type SearchIndex } from "./search-index.js";

/** Telegram's longest inline query; anything longer is not Telegram's and is cut. */
const QUERY_LIMIT = 256;

export interface InlineAnswer {
  readonly results: InlineQueryResultArticle[];
  readonly nextOffset: string;
  /** An empty query lists the reader's own categories: the answer is theirs, not everyone's. */
  readonly personal: boolean;
}

export interface SharingDeps {
  readonly index: SearchIndex;
  readonly articles: ArticleCache;
  readonly categories: Categories;
  /** SHARE_NETWORKS: the choices behind the share button. */
  readonly networks: readonly ShareNetwork[];
}

/** Inline mode and the share button's choices, for the bot's sharing feature. */
export class SharingService {
  constructor(private readonly deps: SharingDeps) {}

  get networks(): readonly ShareNetwork[] {
    return this.deps.networks;
  }

  /**
   * What `@bot <query>` lists: the window's newest articles holding every word of the query; for
   * an empty query, the newest of the reader's categories (of every category for a reader who
   * follows none). A query without a single word (emoji, punctuation) finds nothing.
   */
  async answer(reader: ChatRecord | undefined, query: string, offset: string, language: Language): Promise<InlineAnswer> {
    const { index, articles, categories } = this.deps;
    const typed = query.slice(0, QUERY_LIMIT);
    if (typed.trim() === "") {
      const followed = subscribedSlugs(reader);
      const page = await index.newest(followed.length > 0 ? followed : categories.slugs, offset, articles);
      return { results: inlineResults(page.articles, categories, language), nextOffset: page.nextOffset, personal: true };
    }
    const page = await index.search(queryWords(typed), offset, articles);
    return { results: inlineResults(page.articles, categories, language), nextOffset: page.nextOffset, personal: false };
  }
}
