import packageJson from "../../package.json" with { type: "json" };

/** Where a site's operator learns who polls their feed. */
export const PROJECT_URL = "https://github.com/bulletin-news/bulletin";
export const USER_AGENT = `Bulletin/${packageJson.version} (+${PROJECT_URL})`;

export const FETCH_DEFAULTS = {
  /** The whole request, body included. */
  timeoutMs: 20_000,
  /** A feed larger than this is refused (the download stops there). */
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
} as const;

const ACCEPT = [
  "application/rss+xml",
  "application/atom+xml",
  "application/feed+json",
  "application/rdf+xml;q=0.9",
  "application/xml;q=0.9",
  "text/xml;q=0.9",
  "application/json;q=0.8",
  "*/*;q=0.5",
].join(", ");

export interface FetchFeedOptions {
  /** Validators from the last successful fetch: the server may answer 304 Not Modified. */
  readonly etag?: string;
  readonly lastModified?: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
  readonly userAgent?: string;
  /** Aborts the request from outside (shutdown). */
  readonly signal?: AbortSignal;
}

export interface Redirect {
  readonly from: string;
  readonly to: string;
  readonly status: number;
}

export type FetchFailureReason = "invalid-url" | "network" | "timeout" | "too-large" | "redirects" | "http" | "aborted";

export type FetchResult =
  | {
      readonly kind: "ok";
      /** The URL the body came from, after redirects: relative links resolve against it. */
      readonly url: string;
      readonly status: number;
      readonly body: Uint8Array;
      readonly contentType?: string;
      readonly etag?: string;
      readonly lastModified?: string;
      readonly redirects: readonly Redirect[];
    }
  | {
      readonly kind: "not-modified";
      readonly url: string;
      readonly etag?: string;
      readonly lastModified?: string;
      readonly redirects: readonly Redirect[];
    }
  | {
      readonly kind: "error";
      readonly reason: FetchFailureReason;
      readonly message: string;
      readonly status?: number;
      /** A server's Retry-After (429, 503), in milliseconds. */
      readonly retryAfterMs?: number;
      readonly redirects: readonly Redirect[];
    };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${error.message}: ${code ? `${code} ` : ""}${cause.message}`.trim();
  }
  return error.message;
}

/** Reads a body up to `maxBytes`; undefined when it is larger (the stream is cancelled). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done || !value) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * GETs a feed with Node's fetch: conditional (If-None-Match / If-Modified-Since), a deadline over
 * the whole exchange, a size cap enforced while reading (a Content-Length above it is refused
 * before reading), redirects followed by hand so that each hop is counted and checked. Never
 * throws: every failure is a `kind: "error"` with a reason and a message for the feed's health.
 */
export async function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? FETCH_DEFAULTS.maxRedirects;
  const redirects: Redirect[] = [];
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const fail = (reason: FetchFailureReason, message: string, extra: { status?: number; retryAfterMs?: number } = {}): FetchResult => ({
    kind: "error",
    reason,
    message,
    redirects,
    ...extra,
  });
  const aborted = (): FetchResult =>
    timeout.aborted ? fail("timeout", `no complete answer within ${timeoutMs} ms`) : fail("aborted", "the fetch was cancelled");

  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return fail("invalid-url", `not a URL: ${url}`);
  }
  const headers: Record<string, string> = {
    "user-agent": options.userAgent ?? USER_AGENT,
    accept: ACCEPT,
  };
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;

  for (;;) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      return fail("invalid-url", `not an http(s) URL: ${current.href}`);
    }
    let response: Response;
    try {
      response = await fetch(current, { headers, redirect: "manual", signal });
    } catch (error) {
      if (signal.aborted) return aborted();
      return fail("network", describeNetworkError(error));
    }

    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get("location");
      if (!location) return fail("http", `HTTP ${response.status} redirect without a Location`, { status: response.status });
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return fail("http", `HTTP ${response.status} redirect to an invalid Location: ${location}`, { status: response.status });
      }
      redirects.push({ from: current.href, to: next.href, status: response.status });
      if (redirects.length > maxRedirects) {
        return fail("redirects", `more than ${maxRedirects} redirects (last to ${next.href})`, { status: response.status });
      }
      current = next;
      continue;
    }

    const etag = response.headers.get("etag") ?? undefined;
    const lastModified = response.headers.get("last-modified") ?? undefined;
    if (response.status === 304) {
      await response.body?.cancel().catch(() => undefined);
      return {
        kind: "not-modified",
        url: current.href,
        redirects,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
      };
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      const wait = retryAfterMs(response.headers.get("retry-after"), Date.now());
      return fail("http", `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, {
        status: response.status,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }

    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      return fail("too-large", `the feed is ${declared} bytes, more than the ${maxBytes} allowed`, { status: response.status });
    }
    let body: Uint8Array | undefined;
    try {
      body = await readCapped(response, maxBytes);
    } catch (error) {
      if (signal.aborted) return aborted();
      return fail("network", `reading the body failed: ${describeNetworkError(error)}`, { status: response.status });
    }
    if (!body)
      return fail("too-large", `the feed is larger than the ${maxBytes} bytes allowed; download stopped`, { status: response.status });
    const contentType = response.headers.get("content-type") ?? undefined;
    return {
      kind: "ok",
      url: current.href,
      status: response.status,
      body,
      redirects,
      ...(contentType ? { contentType } : {}),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  }
}
