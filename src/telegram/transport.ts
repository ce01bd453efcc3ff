/**
 * How delivery's Bot API requests travel: grammY's `fetch` option, answered by undici's `request()`
 * over one keep-alive connection pool per process. grammY's default (node-fetch on Node's http
 * client) cost a bare send loop about 340 µs of CPU per message on a 2-core machine, undici about
 * 200 (`npm run bench -- ceiling` prints both loops): at Telegram's 1,000 messages a second that is
 * a seventh of a core. grammY reads only `json()` of the answer, for failures too (Telegram answers
 * 400, 403 and 429 with a JSON body), and turns anything thrown here (a refused connection, a body
 * that is not JSON, its timeout's abort) into an HttpError, as with its default.
 */
import type { Readable } from "node:stream";
import type { ApiClientOptions } from "grammy";
import { Agent, request } from "undici";

/** What grammY passes: its JSON payload (a string) or a multipart stream, and its abort signal. */
interface BotApiRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Readable;
  readonly signal?: AbortSignal;
}

/** Connections stay open between sends; undici opens as many as there are sends in flight. */
const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });

async function botApiRequest(url: string, init: BotApiRequest = {}) {
  const { statusCode, body } = await request(url, {
    method: init.method === "GET" ? "GET" : "POST",
    headers: init.headers ?? {},
    body: init.body ?? null,
    signal: init.signal ?? null,
    dispatcher,
  });
  // Read whole, whatever the status, so that the connection goes back to the pool.
  const text = await body.text();
  return {
    ok: statusCode >= 200 && statusCode < 300,
    status: statusCode,
    json: (): Promise<unknown> => Promise.resolve().then(() => JSON.parse(text) as unknown),
  };
}

/** grammY's client options for delivery's sends: its Bot API root, how long a send may take, and this transport. */
export function deliveryApiOptions(apiRoot: string, timeoutSeconds: number): ApiClientOptions {
  return { apiRoot, timeoutSeconds, fetch: botApiRequest };
}
