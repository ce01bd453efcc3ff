import { generateOpml, parseOpml, type Opml } from "feedsmith";
import type { Categories } from "../config/categories.js";
import { resolveUrl } from "./parse.js";

/** A feed found in an OPML file. */
export interface OpmlFeed {
  readonly url: string;
  readonly title?: string;
  /**
   * The category the file puts it in: the outline's `category` attribute (its first path's last
   * segment: "/world" → "world"), else the text of the folder outline around it.
   */
  readonly category?: string;
  /** The folders around the outline, innermost first: more places to look for a category. */
  readonly folders: readonly string[];
}

export interface OpmlRejected {
  readonly text: string;
  readonly reason: string;
}

export type OpmlParseResult =
  | { readonly ok: true; readonly title?: string; readonly feeds: readonly OpmlFeed[]; readonly rejected: readonly OpmlRejected[] }
  | { readonly ok: false; readonly error: string };

type Outline = Opml.Outline<string>;

function categoryAttribute(value: string | undefined): string | undefined {
  const first = value?.split(",")[0]?.trim();
  const segments = first?.split("/").filter((s) => s.trim().length > 0);
  return segments && segments.length > 0 ? segments[segments.length - 1]?.trim() : undefined;
}

/** The feeds of an OPML 1.0/2.0 document (subscription lists as feed readers export them). */
export function parseOpmlFeeds(text: string): OpmlParseResult {
  let document: Opml.Document<string>;
  try {
    document = parseOpml(text);
  } catch (error) {
    return { ok: false, error: `not an OPML file: ${error instanceof Error ? error.message : String(error)}` };
  }
  const feeds: OpmlFeed[] = [];
  const rejected: OpmlRejected[] = [];
  const seen = new Set<string>();
  const walk = (outlines: readonly Outline[] | undefined, folders: readonly string[]): void => {
    for (const outline of outlines ?? []) {
      const label = (outline.title ?? outline.text ?? "").trim();
      if (outline.xmlUrl !== undefined) {
        const url = resolveUrl(outline.xmlUrl, "http://invalid.invalid/");
        if (!url || !/^https?:\/\//i.test(outline.xmlUrl.trim())) {
          rejected.push({ text: label || outline.xmlUrl, reason: `xmlUrl is not an absolute http(s) URL: ${outline.xmlUrl}` });
        } else if (!seen.has(url)) {
          seen.add(url);
          const category = categoryAttribute(outline.category) ?? folders[0];
          feeds.push({ url, ...(label && label !== outline.xmlUrl ? { title: label } : {}), ...(category ? { category } : {}), folders });
        }
      }
      if (outline.outlines) walk(outline.outlines, outline.xmlUrl === undefined && label ? [label, ...folders] : folders);
    }
  };
  walk(document.body?.outlines, []); // an empty <body/> parses as no body: no feeds
  const title = document.head?.title?.trim();
  return { ok: true, ...(title ? { title } : {}), feeds, rejected };
}

export interface BuildOpmlOptions {
  /** Feed titles by URL (from the feeds' health), shown by readers instead of the URL. */
  readonly titles?: ReadonlyMap<string, string>;
  /** Only this category. */
  readonly category?: string;
  readonly now?: Date;
}

/**
 * The categories' feeds as OPML 2.0: one folder outline per category (text: its English title),
 * one `type="rss"` outline per feed with `category="/<slug>"`, which `parseOpmlFeeds` reads back.
 */
export function buildOpml(categories: Categories, options: BuildOpmlOptions = {}): string {
  const outlines: Outline[] = categories.list
    .filter((c) => c.feeds.length > 0 && (options.category === undefined || c.slug === options.category))
    .map((category) => ({
      text: category.title.en,
      title: category.slug,
      outlines: category.feeds.map((feed) => {
        const title = options.titles?.get(feed.url);
        return { text: title ?? feed.url, ...(title ? { title } : {}), type: "rss", xmlUrl: feed.url, category: `/${category.slug}` };
      }),
    }));
  const head = { title: "Bulletin feeds", dateCreated: options.now ?? new Date() };
  if (outlines.length === 0) {
    // feedsmith refuses an empty body; an empty subscription list is still a valid OPML file.
    return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${head.title}</title>
    <dateCreated>${head.dateCreated.toUTCString()}</dateCreated>
  </head>
  <body/>
</opml>
`;
  }
  return generateOpml({ head, body: { outlines } });
}
