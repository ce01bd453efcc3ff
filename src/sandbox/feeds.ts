import type { Categories } from "../config/categories.js";
import { fetchFeed, type FetchPolicy } from "../feeds/fetch.js";
import { toArticleInput } from "../feeds/parse.js";
import { sharedFeedParser } from "../feeds/parse-thread.js";
import { oldestFirst } from "../feeds/poller.js";
import type { FeedPreview } from "./page/protocol.js";

const ITEMS_PER_FEED = 5;
/** A sandbox often has no internet: a feed that does not answer quickly is reported, not waited for. */
const TIMEOUT_MS = 5000;

/**
 * The newest items of every feed in the categories file, fetched and parsed with the feeds role's
 * own code, as articles ready to publish from the page.
 */
export async function previewFeeds(categories: Categories, policy: FetchPolicy = {}): Promise<FeedPreview[]> {
  const feeds = categories.list.flatMap((c) => c.feeds.map((f) => ({ url: f.url, category: c.slug })));
  return Promise.all(
    feeds.map(async ({ url, category }): Promise<FeedPreview> => {
      const fetched = await fetchFeed(url, { ...policy, timeoutMs: TIMEOUT_MS });
      if (fetched.kind === "error") return { url, category, items: [], error: fetched.message };
      if (fetched.kind !== "ok") return { url, category, items: [], error: "not modified" };
      const parsed = await sharedFeedParser.parse(fetched.body, fetched.contentType, fetched.url);
      if (!parsed.ok) return { url, category, items: [], error: parsed.error };
      const newest = oldestFirst(parsed.feed.items).reverse().slice(0, ITEMS_PER_FEED);
      return { url, category, items: newest.map((item) => toArticleInput(item, [category])) };
    }),
  );
}
