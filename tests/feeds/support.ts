/** Test helpers of the feeds tests: fixtures, a local feed server, Redis prefixes and clean-up. */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { parseCategories, type Categories } from "../../src/config/categories.js";
import { createLogger, type Logger } from "../../src/log.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const FIXTURES = new URL("../fixtures/feeds/", import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

const TLS = new URL("../fixtures/tls/", import.meta.url);
/** The certificate of the HTTPS feed server (self-signed, for 127.0.0.1): what a fetch must trust to reach it. */
export const TEST_CA = readFileSync(new URL("localhost.crt", TLS), "utf8");

export function uniquePrefix(): string {
  return `test-feeds-${randomBytes(6).toString("hex")}`;
}

export function silentLogger(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
}

export function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export function categoriesOf(raw: unknown): Categories {
  return parseCategories(raw, "test categories");
}

/** One response of the feed server; `delayMs` before the headers, `body` may be huge (streamed). */
export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Bytes to stream (for size caps), sent as `chunk` repeated. */
  stream?: { chunk: Buffer; total: number };
  delayMs?: number;
  /** Answer 304 when If-None-Match matches this ETag. */
  etag?: string;
  lastModified?: string;
}

export interface RequestRecord {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
}

export interface FeedServer {
  readonly base: string;
  readonly requests: RequestRecord[];
  url(path: string): string;
  route(path: string, route: Route | ((req: IncomingMessage) => Route)): void;
  /** Requests made to one path. */
  hits(path: string): RequestRecord[];
  close(): Promise<void>;
}

/** A real HTTP server (HTTPS with `tls`) on 127.0.0.1 serving what each test sets per path (404 otherwise). */
export async function startFeedServer(options: { tls?: boolean } = {}): Promise<FeedServer> {
  const routes = new Map<string, Route | ((req: IncomingMessage) => Route)>();
  const requests: RequestRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    requests.push({ path, headers: req.headers });
    const entry = routes.get(path);
    const route = typeof entry === "function" ? entry(req) : entry;
    const send = (): void => {
      if (!route) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const headers: Record<string, string> = { ...route.headers };
      if (route.etag) headers.etag = route.etag;
      if (route.lastModified) headers["last-modified"] = route.lastModified;
      const notModified =
        (route.etag !== undefined && req.headers["if-none-match"] === route.etag) ||
        (route.etag === undefined && route.lastModified !== undefined && req.headers["if-modified-since"] === route.lastModified);
      if (notModified) {
        res.writeHead(304, headers).end();
        return;
      }
      if (route.stream) {
        const { chunk, total } = route.stream;
        res.writeHead(route.status ?? 200, headers);
        let sent = 0;
        const pump = (): void => {
          while (sent < total) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once("drain", pump);
              return;
            }
          }
          res.end();
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      res.writeHead(route.status ?? 200, headers).end(route.body ?? "");
    };
    if (route?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send();
      }, route.delayMs);
      timers.add(timer);
    } else {
      send();
    }
  };

  const server = options.tls
    ? createTlsServer({ key: readFileSync(new URL("localhost.key", TLS)), cert: TEST_CA }, answer)
    : createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    base,
    requests,
    url: (path) => `${base}${path}`,
    route: (path, route) => void routes.set(path, route),
    hits: (path) => requests.filter((r) => r.path === path),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const RSS_TYPE = "application/rss+xml; charset=utf-8";

/** The Persian fixture with extra items inserted at the top (feeds list their newest first). */
export function persianWith(
  extraItems: readonly { guid: string; title: string; link: string; pubDate: string; description?: string }[],
): string {
  const base = fixture("persian-news.rss").toString("utf8");
  const items = extraItems
    .map(
      (i) => `    <item>
      <title>${i.title}</title>
      <link>${i.link}</link>
      <guid isPermaLink="false">${i.guid}</guid>
      <description>${i.description ?? i.title}</description>
      <pubDate>${i.pubDate}</pubDate>
    </item>
`,
    )
    .join("");
  return base.replace(/(<atom:link [^>]*\/>\n)/, `$1${items}`);
}
