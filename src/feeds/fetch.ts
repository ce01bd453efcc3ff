import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import packageJson from "../../package.json" with { type: "json" };
import { portRefusalOf, refusalOf } from "./addresses.js";

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

/** What a deployment decides of fetches: the options FEED_ALLOW_PRIVATE and REDIS_URL set. */
export type FetchPolicy = Pick<FetchFeedOptions, "allowPrivate" | "refusedPorts">;

/** A deployment's address policy: FEED_ALLOW_PRIVATE, and the port of its own Redis refused on any host. */
export function fetchPolicyOf(allowPrivate: boolean, redisUrl: string): FetchPolicy {
  return { allowPrivate, refusedPorts: [Number(new URL(redisUrl).port || 6379)] };
}

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

/** The addresses a host name resolves to (node:dns `lookup` unless a test injects names). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

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
  /** FEED_ALLOW_PRIVATE: loopback and private networks may be fetched from (never link-local and the like). */
  readonly allowPrivate?: boolean;
  /** Ports refused besides the usual ones (addresses.ts): the configured Redis's. */
  readonly refusedPorts?: readonly number[];
  readonly resolve?: Resolver;
  /** Certificates to trust besides Node's (tests serve HTTPS with their own). */
  readonly ca?: string;
}

export interface Redirect {
  readonly from: string;
  readonly to: string;
  readonly status: number;
}

export type FetchFailureReason = "invalid-url" | "refused" | "network" | "timeout" | "too-large" | "redirects" | "http" | "aborted";

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
      /** Told by status, type and size: never a word of the response's body. */
      readonly message: string;
      readonly status?: number;
      /** A server's Retry-After (429, 503), in milliseconds. */
      readonly retryAfterMs?: number;
      readonly redirects: readonly Redirect[];
    };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** A connection refused by the address policy (raised inside the lookup, before connecting). */
class RefusedAddressError extends Error {}

/**
 * The lookup every connection of a fetch uses: it resolves the name, refuses it when any of its
 * addresses is refused, and hands exactly the checked addresses to the socket, so that the name
 * cannot resolve to another address between the check and the connection (DNS rebinding).
 */
function checkedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        for (const { address } of addresses) {
          const refusal = refusalOf(address, allowPrivate);
          if (refusal) {
            callback(new RefusedAddressError(`refused: ${hostname} resolves to ${address}, ${refusal}`), []);
            return;
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        const [first] = wanted;
        if (!first) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
        } else if (options.all) {
          callback(
            null,
            wanted.map(({ address, family }) => ({ address, family })),
          );
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

const header = (response: IncomingMessage, name: string): string | undefined => {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The body's bytes as sent, once decompressed (the size cap counts these). */
function decodedBody(response: IncomingMessage): Readable | undefined {
  const encoding = (header(response, "content-encoding") ?? "identity").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : encoding === "identity" || encoding === ""
            ? undefined
            : null;
  if (decoder === null) return undefined;
  if (!decoder) return response;
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

/** Reads a body up to `maxBytes`; undefined when it is larger (the download stops there). */
async function readCapped(body: Readable, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

interface HopOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly lookup: LookupFunction;
  readonly ca: string | undefined;
}

/** One GET, on a connection of its own (no pooled socket skips the address check). */
function get(url: URL, hop: HopOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options = { method: "GET", headers: hop.headers, signal: hop.signal, agent: false, lookup: hop.lookup } as const;
    const request =
      url.protocol === "https:"
        ? httpsRequest(url, { ...options, ...(hop.ca ? { ca: hop.ca } : {}) }, resolve)
        : httpRequest(url, options, resolve);
    request.on("error", reject);
    request.end();
  });
}

/**
 * GETs a feed: conditional (If-None-Match / If-Modified-Since), a deadline over the whole
 * exchange, a size cap enforced while reading (a Content-Length above it is refused before
 * reading), redirects followed by hand so that each hop is counted and checked: no downgrade from
 * HTTPS, no refused port, no private or special address (addresses.ts) unless `allowPrivate`.
 * Never throws: every failure is a `kind: "error"` with a reason and a message for the feed's health.
 */
export async function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? FETCH_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? FETCH_DEFAULTS.maxRedirects;
  const allowPrivate = options.allowPrivate ?? false;
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
    "accept-encoding": "gzip, deflate, br",
  };
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;
  const hop: HopOptions = { headers, signal, lookup: checkedLookup(options.resolve ?? systemResolver, allowPrivate), ca: options.ca };

  for (;;) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      return fail("invalid-url", `not an http(s) URL: ${current.href}`);
    }
    const portRefusal = portRefusalOf(current, options.refusedPorts);
    if (portRefusal) return fail("refused", `refused: ${portRefusal} (${current.href})`);
    // An address in the URL is connected to without a lookup: it is checked here instead.
    const literal = current.hostname.replace(/^\[(.*)\]$/, "$1");
    const literalRefusal = isIP(literal) ? refusalOf(literal, allowPrivate) : undefined;
    if (literalRefusal) return fail("refused", `refused: ${literal} is ${literalRefusal}`);

    let response: IncomingMessage;
    try {
      response = await get(current, hop);
    } catch (error) {
      if (signal.aborted) return aborted();
      if (error instanceof RefusedAddressError) return fail("refused", error.message);
      return fail("network", describeNetworkError(error));
    }
    const status = response.statusCode ?? 0;

    if (REDIRECT_STATUSES.has(status)) {
      response.destroy();
      const location = header(response, "location");
      if (!location) return fail("http", `HTTP ${status} redirect without a Location`, { status });
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return fail("http", `HTTP ${status} redirect to an invalid Location`, { status });
      }
      redirects.push({ from: current.href, to: next.href, status });
      if (redirects.length > maxRedirects) {
        return fail("redirects", `more than ${maxRedirects} redirects (last to ${next.href})`, { status });
      }
      if (current.protocol === "https:" && next.protocol === "http:") {
        return fail("refused", `refused: the redirect from ${current.href} to ${next.href} would leave HTTPS`, { status });
      }
      current = next;
      continue;
    }

    const etag = header(response, "etag");
    const lastModified = header(response, "last-modified");
    if (status === 304) {
      response.destroy();
      return {
        kind: "not-modified",
        url: current.href,
        redirects,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
      };
    }
    if (status < 200 || status > 299) {
      response.destroy();
      const wait = retryAfterMs(header(response, "retry-after"), Date.now());
      return fail("http", `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}`, {
        status,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }

    const declared = Number(header(response, "content-length") ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      return fail("too-large", `the feed is ${declared} bytes, more than the ${maxBytes} allowed`, { status });
    }
    const decoded = decodedBody(response);
    if (!decoded) {
      response.destroy();
      return fail("http", `HTTP ${status} with a Content-Encoding Bulletin does not read`, { status });
    }
    let body: Uint8Array | undefined;
    try {
      body = await readCapped(decoded, maxBytes);
    } catch (error) {
      if (signal.aborted) return aborted();
      return fail("network", `reading the body failed: ${describeNetworkError(error)}`, { status });
    } finally {
      response.destroy();
    }
    if (!body) return fail("too-large", `the feed is larger than the ${maxBytes} bytes allowed; download stopped`, { status });
    const contentType = header(response, "content-type");
    return {
      kind: "ok",
      url: current.href,
      status,
      body,
      redirects,
      ...(contentType ? { contentType } : {}),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  }
}
