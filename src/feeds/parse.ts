import { createHash } from "node:crypto";
import { decodeHTMLAttribute } from "entities";
import {
  DetectError,
  MalformedError,
  ParseError,
  parseFeed as parseAnyFeed,
  type AnyFeed,
  type AtomFeed,
  type JsonFeed,
  type MediaNs,
  type RdfFeed,
  type RssFeed,
} from "feedsmith";
import type { ArticleInput } from "../ingest/article.js";
import { articleIdOf } from "../ingest/ingest.js";
import { decodeFeedBody } from "./charset.js";
import { parseFeedDate } from "./dates.js";
import { scanHtml, type HtmlTag } from "./html.js";
import { SUMMARY_MAX, TITLE_MAX, cutText, firstWords, htmlToText, plainText, rawHead } from "./text.js";

/** Items read from one document at most; a feed of thousands is cut to its first (newest) ones. */
export const MAX_ITEMS = 500;
/** The article schema's limit on URLs. */
const URL_MAX = 2048;

export type FeedFormat = AnyFeed["format"];

/** One item as a reader would get it, ready to become an article. */
export interface FeedItem {
  /** The dedupe key and article id: from the guid/id, else from the canonical link. */
  readonly id: string;
  /** The publisher's guid (RSS), id (Atom, JSON Feed) or rdf:about, as written. */
  readonly guid?: string;
  /** Absolute http(s) URL. */
  readonly url: string;
  readonly title: string;
  /** True when the item had no title and `title` is the first words of its text. */
  readonly titleFromText: boolean;
  readonly summary?: string;
  readonly imageUrl?: string;
  /** ISO 8601, UTC. */
  readonly publishedAt?: string;
  readonly language?: string;
  /** Position in the document (0 = first); feeds list their newest first. */
  readonly index: number;
}

/** An item that cannot become an article, and why. */
export interface SkippedItem {
  readonly index: number;
  readonly reason: string;
  readonly guid?: string;
  readonly title?: string;
}

export interface ParsedFeed {
  readonly format: FeedFormat;
  readonly title: string;
  readonly link?: string;
  readonly language?: string;
  /** The character set the bytes were read in. */
  readonly charset: string;
  readonly items: readonly FeedItem[];
  readonly skipped: readonly SkippedItem[];
}

export type FeedParseResult = { readonly ok: true; readonly feed: ParsedFeed } | { readonly ok: false; readonly error: string };

/** Text as found in a feed: HTML (to be stripped) or plain. */
interface Text {
  readonly value: string;
  readonly html: boolean;
}

/** What the format-specific readers extract, before links are resolved and text is cleaned. */
interface RawItem {
  readonly guid?: string;
  /** The guid may stand for the link (RSS `isPermaLink`, Atom ids that are URLs). */
  readonly guidIsLink?: boolean;
  readonly link?: string;
  readonly title?: Text;
  readonly summary?: Text;
  readonly content?: Text;
  /** Image URLs in order of preference, before the first `<img>` of the content. */
  readonly images: readonly string[];
  readonly date?: string;
  readonly language?: string;
  /** Base for relative links (Atom xml:base), already absolute. */
  readonly base?: string;
}

interface RawFeed {
  readonly title?: Text;
  readonly link?: string;
  readonly language?: string;
  readonly base?: string;
  readonly items: readonly RawItem[];
}

const hash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 32);

/** An absolute http(s) URL, or undefined. */
export function resolveUrl(raw: string | undefined, base: string): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  try {
    const url = new URL(text, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A language code the article schema accepts ("fa-IR", "en", "pt-pt"), or undefined. */
export function normaliseLanguage(raw: string | undefined): string | undefined {
  const parts = raw?.trim().replace(/_/g, "-").split("-").filter(Boolean);
  if (!parts || parts.length === 0) return undefined;
  const [primary = "", ...rest] = parts;
  const code = [primary.toLowerCase(), ...rest].join("-");
  return /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(code) ? code : undefined;
}

/**
 * The article id of an item: a guid that is a URL is unique by itself; any other guid ("12345") is
 * unique only within its publisher, so it is scoped by the feed's host (two sections of one site
 * share guids; two sites may not). Without a guid, the id the ingest path derives from the URL.
 */
export function itemIdOf(guid: string | undefined, url: string, feedUrl: string): string {
  if (guid) {
    if (/^https?:\/\//i.test(guid)) return `g${hash(guid)}`;
    let scope = feedUrl;
    try {
      scope = new URL(feedUrl).hostname.replace(/^www\./, "");
    } catch {
      // an unusual feed URL scopes by itself
    }
    return `g${hash(`${scope}\n${guid}`)}`;
  }
  return articleIdOf({ url });
}

const IMAGE_PATH = /\.(?:jpe?g|png|gif|webp|avif|bmp)(?:$|[?#])/i;

function looksLikeImage(url: string | undefined, type: string | undefined, medium?: string): boolean {
  if (medium) return medium.toLowerCase() === "image";
  if (type) return type.toLowerCase().startsWith("image/");
  return url !== undefined && IMAGE_PATH.test(url);
}

const byWidth = <T extends { width?: number }>(list: readonly T[]): T[] => [...list].sort((a, b) => (b.width ?? 0) - (a.width ?? 0));

/** `media:content` images (largest first), then `media:thumbnail`s (largest first). */
function mediaImages(media: MediaNs.ItemOrFeed | undefined): string[] {
  if (!media) return [];
  const contents = [...(media.contents ?? []), ...(media.groups ?? []).flatMap((g) => g.contents ?? [])];
  const images = byWidth(contents.filter((c) => looksLikeImage(c.url, c.type, c.medium)));
  const thumbnails = byWidth([
    ...(media.thumbnails ?? []),
    ...(media.groups ?? []).flatMap((g) => g.thumbnails ?? []),
    ...contents.flatMap((c) => c.thumbnails ?? []),
  ]);
  return [...images.map((c) => c.url), ...thumbnails.map((t) => t.url)].filter((u): u is string => Boolean(u));
}

/** An attribute's value as a URL or number: entities decoded (`&amp;` in a query), whitespace trimmed. */
const attributeValue = (tag: HtmlTag, name: string): string | undefined => {
  const value = tag.attributes.get(name);
  return value === undefined ? undefined : decodeHTMLAttribute(value).trim();
};

/** The first `<img>` of an HTML fragment that is not a tracking pixel. */
export function firstImageOf(html: string, base: string): string | undefined {
  let found: string | undefined;
  scanHtml(rawHead(html), {
    text: () => undefined,
    tag: (tag) => {
      if (tag.name !== "img" || tag.closing) return false;
      const width = attributeValue(tag, "width");
      const height = attributeValue(tag, "height");
      if (width === "0" || width === "1" || height === "0" || height === "1") return false;
      found = resolveUrl(attributeValue(tag, "src"), base);
      return found !== undefined;
    },
  });
  return found;
}

/** The text of a field: only its first RAW_FIELD_MAX characters are read. */
function textOf(text: Text | undefined): string {
  if (!text) return "";
  const head = rawHead(text.value);
  return text.html ? htmlToText(head) : plainText(head);
}

const html = (value: string | undefined): Text | undefined => (value ? { value, html: true } : undefined);
const plain = (value: string | undefined): Text | undefined => (value ? { value, html: false } : undefined);

/** Atom's text constructs: `type="html"` and `"xhtml"` hold markup, `"text"` (the default) does not. */
function atomText(text: { value?: string; type?: string; src?: string } | undefined): Text | undefined {
  if (!text?.value) return undefined;
  const type = (text.type ?? "text").toLowerCase();
  if (type === "html" || type === "xhtml" || type.includes("html")) return { value: text.value, html: true };
  if (type === "text" || type.startsWith("text/")) return { value: text.value, html: false };
  return undefined; // base64 or other media types: nothing a reader can read
}

function fromRss(feed: RssFeed.Feed<string>): RawFeed {
  return {
    title: html(feed.title),
    link: feed.link,
    language: feed.language ?? feed.dc?.languages?.[0],
    items: (feed.items ?? []).map((item) => ({
      guid: item.guid?.value?.trim() || undefined,
      guidIsLink: item.guid?.isPermaLink !== false,
      link: item.link ?? item.atom?.links?.find((l) => !l.rel || l.rel === "alternate")?.href,
      title: html(item.title ?? item.dc?.titles?.[0]),
      summary: html(item.description),
      content: html(item.content?.encoded),
      images: [...mediaImages(item.media), ...(item.enclosures ?? []).filter((e) => looksLikeImage(e.url, e.type)).map((e) => e.url ?? "")],
      date: item.pubDate ?? item.dc?.dates?.[0] ?? item.atom?.published ?? item.atom?.updated,
      language: item.dc?.languages?.[0],
    })),
  };
}

function fromRdf(feed: RdfFeed.Feed<string>): RawFeed {
  return {
    title: html(feed.title),
    link: feed.link,
    language: feed.dc?.languages?.[0],
    items: (feed.items ?? []).map((item) => ({
      guid: item.rdf?.about?.trim() || undefined,
      guidIsLink: true,
      link: item.link,
      title: html(item.title ?? item.dc?.titles?.[0]),
      summary: html(item.description),
      content: html(item.content?.encoded),
      images: mediaImages(item.media),
      date: item.dc?.dates?.[0] ?? item.dcterms?.modified?.[0],
      language: item.dc?.languages?.[0],
    })),
  };
}

function atomLink(links: readonly AtomFeed.Link<string>[] | undefined): string | undefined {
  const alternates = (links ?? []).filter((l) => !l.rel || l.rel === "alternate");
  const page = alternates.find((l) => !l.type || l.type.toLowerCase().includes("html")) ?? alternates[0];
  return page?.href;
}

function fromAtom(feed: AtomFeed.Feed<string>, feedUrl: string): RawFeed {
  const feedBase = resolveUrl(feed.xml?.base, feedUrl) ?? feedUrl;
  return {
    title: atomText(feed.title),
    link: atomLink(feed.links),
    language: feed.xml?.lang ?? feed.dc?.languages?.[0],
    base: feedBase,
    items: (feed.entries ?? []).map((entry) => ({
      guid: entry.id?.trim() || undefined,
      guidIsLink: true,
      link: atomLink(entry.links),
      title: atomText(entry.title),
      summary: atomText(entry.summary),
      content: atomText(entry.content),
      images: [
        ...mediaImages(entry.media),
        ...(entry.links ?? []).filter((l) => l.rel === "enclosure" && looksLikeImage(l.href, l.type)).map((l) => l.href ?? ""),
      ],
      date: entry.published ?? entry.updated ?? entry.dc?.dates?.[0],
      language: entry.xml?.lang ?? entry.dc?.languages?.[0],
      base: resolveUrl(entry.xml?.base, feedBase) ?? feedBase,
    })),
  };
}

function fromJson(feed: JsonFeed.Feed<string>): RawFeed {
  return {
    title: plain(feed.title),
    link: feed.home_page_url,
    language: feed.language,
    items: (feed.items ?? []).map((item) => ({
      guid: item.id === undefined ? undefined : String(item.id).trim() || undefined,
      guidIsLink: false,
      link: item.url ?? item.external_url,
      title: plain(item.title),
      summary: plain(item.summary),
      content: html(item.content_html) ?? plain(item.content_text),
      images: [
        item.image,
        item.banner_image,
        ...(item.attachments ?? []).filter((a) => looksLikeImage(a.url, a.mime_type)).map((a) => a.url),
      ].filter((u): u is string => Boolean(u)),
      date: item.date_published ?? item.date_modified,
      language: item.language,
    })),
  };
}

function toItem(raw: RawItem, index: number, feed: { url: string; language?: string }): { item: FeedItem } | { skipped: SkippedItem } {
  const base = raw.base ?? feed.url;
  const summaryText = textOf(raw.summary) || textOf(raw.content);
  let title = cutText(textOf(raw.title), TITLE_MAX);
  const titleFromText = title.length === 0;
  if (titleFromText) title = firstWords(summaryText);
  const url =
    resolveUrl(raw.link, base) ??
    (raw.guidIsLink ? resolveUrl(/^https?:\/\//i.test(raw.guid ?? "") ? raw.guid : undefined, base) : undefined);
  const described = { index, ...(raw.guid ? { guid: raw.guid } : {}), ...(title ? { title } : {}) };
  if (!url) return { skipped: { ...described, reason: raw.link ? `link is not an http(s) URL: ${cutText(raw.link, 200)}` : "no link" } };
  if (url.length > URL_MAX) return { skipped: { ...described, reason: `link longer than ${URL_MAX} characters` } };
  if (!title) return { skipped: { ...described, reason: "no title and no text" } };

  const imageUrl =
    raw.images.map((u) => resolveUrl(u, base)).find((u) => u !== undefined && u.length <= URL_MAX) ??
    [raw.content, raw.summary]
      .filter((t): t is Text => t?.html === true)
      .map((t) => firstImageOf(t.value, base))
      .find((u) => u !== undefined && u.length <= URL_MAX);
  const summary = summaryText ? cutText(summaryText, SUMMARY_MAX) : undefined;
  const publishedAt = parseFeedDate(raw.date);
  const language = normaliseLanguage(raw.language) ?? feed.language;
  return {
    item: {
      id: itemIdOf(raw.guid, url, feed.url),
      ...(raw.guid ? { guid: raw.guid } : {}),
      url,
      title,
      titleFromText,
      ...(summary && summary !== title ? { summary } : {}),
      ...(imageUrl ? { imageUrl } : {}),
      ...(publishedAt ? { publishedAt } : {}),
      ...(language ? { language } : {}),
      index,
    },
  };
}

/**
 * What a document that is no feed looks like, without quoting it: the URL may have answered with
 * anything (an internal service's secrets too), and this text goes to the feed's health and the logs.
 */
function lookOf(text: string): string {
  const start = text.trimStart().slice(0, 1024).toLowerCase();
  if (/^<(?:!doctype html|html|head|body)\b/.test(start)) return "an HTML page";
  if (start.startsWith("<")) return "XML of another kind";
  if (start.startsWith("{") || start.startsWith("[")) return "JSON of another kind";
  return start ? "plain text" : "only whitespace";
}

/**
 * Reads a feed document: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 or JSON Feed 1.0/1.1.
 * `feedUrl` is where the bytes came from (after redirects): relative links resolve against it.
 */
export function parseFeed(bytes: Uint8Array, contentType: string | undefined, feedUrl: string): FeedParseResult {
  if (bytes.byteLength === 0) return { ok: false, error: "empty response: no feed in it" };
  const decoded = decodeFeedBody(bytes, contentType);
  let parsed: AnyFeed;
  try {
    parsed = parseAnyFeed(decoded.text, { maxItems: MAX_ITEMS });
  } catch (error) {
    const type = contentType ? ` (Content-Type: ${cutText(contentType, 100)})` : "";
    if (error instanceof DetectError) {
      const found = `no RSS, Atom, RDF or JSON Feed document in ${bytes.byteLength} bytes; it looks like ${lookOf(decoded.text)}`;
      return { ok: false, error: `not a feed${type}: ${found}` };
    }
    if (error instanceof MalformedError || error instanceof ParseError) {
      return { ok: false, error: `malformed feed${type}: ${error.message}` };
    }
    return { ok: false, error: `unreadable feed${type}: ${error instanceof Error ? error.message : String(error)}` };
  }

  const raw =
    parsed.format === "rss"
      ? fromRss(parsed.feed)
      : parsed.format === "rdf"
        ? fromRdf(parsed.feed)
        : parsed.format === "atom"
          ? fromAtom(parsed.feed, feedUrl)
          : fromJson(parsed.feed);

  const language = normaliseLanguage(raw.language);
  const items: FeedItem[] = [];
  const skipped: SkippedItem[] = [];
  raw.items.forEach((rawItem, index) => {
    const result = toItem(rawItem, index, { url: feedUrl, ...(language ? { language } : {}) });
    if ("item" in result) items.push(result.item);
    else skipped.push(result.skipped);
  });
  let fallbackTitle = feedUrl;
  try {
    fallbackTitle = new URL(feedUrl).hostname;
  } catch {
    // keep the URL as the title
  }
  const link = resolveUrl(raw.link, raw.base ?? feedUrl);
  return {
    ok: true,
    feed: {
      format: parsed.format,
      title: cutText(textOf(raw.title), TITLE_MAX) || fallbackTitle,
      ...(link ? { link } : {}),
      ...(language ? { language } : {}),
      charset: decoded.charset,
      items,
      skipped,
    },
  };
}

/** The ingest payload of an item: what `POST /api/articles` would receive for it. */
export function toArticleInput(item: FeedItem, categories: readonly string[]): ArticleInput {
  return {
    url: item.url,
    title: item.title,
    categories: [...categories],
    id: item.id,
    ...(item.summary ? { summary: item.summary } : {}),
    ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}),
    ...(item.publishedAt ? { publishedAt: item.publishedAt } : {}),
    ...(item.language ? { language: item.language } : {}),
  };
}
