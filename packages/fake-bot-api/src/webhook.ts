/**
 * A webhook, as Telegram runs one: once setWebhook names a URL, updates are POSTed there as JSON,
 * with the secret_token in X-Telegram-Bot-Api-Secret-Token, up to max_connections at a time. An
 * update leaves the queue only when the bot answers 2xx; otherwise it is posted again later and
 * getWebhookInfo shows the last error.
 */
import { Agent, request } from "node:http";
import type { Update } from "grammy/types";

/** Telegram's default for max_connections (1-100). */
export const DEFAULT_MAX_CONNECTIONS = 40;
/** How long the fake waits before posting a refused update again (Telegram waits longer). */
const RETRY_MS = 1000;
/** How long a post may take before it counts as failed (Telegram gives up after about a minute). */
const POST_TIMEOUT_MS = 60_000;

export interface WebhookSettings {
  readonly url: string;
  readonly secret: string | undefined;
  readonly maxConnections: number;
}

/** Where the posted updates come from: the update queue. */
export interface WebhookSource {
  /** Updates the bot may receive now, oldest first. */
  ready(): Update[];
  /** The bot acknowledged the update: it leaves the queue. */
  confirm(updateId: number): void;
  /** The fake's latency (ms): a post reaches the bot that much later, as from Telegram's servers. */
  latencyMs(): number;
}

/** What the bot answered a post: its status, or a connection that failed. */
type PostAnswer = { readonly status: number; readonly statusText: string };

/** node:http with keep-alive rather than fetch: a burst posts thousands of updates from the process that also answers the bot. */
function postJson(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent,
      headers: { ...headers, "content-length": Buffer.byteLength(body) },
      timeout: POST_TIMEOUT_MS,
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "" }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("Read timeout expired")));
    req.on("error", reject);
    req.end(body);
  });
}

export class WebhookSender {
  private readonly agent = new Agent({ keepAlive: true });
  private current: WebhookSettings | undefined;
  private readonly posting = new Set<number>();
  private readonly notBefore = new Map<number, number>();
  private lastError: { date: number; message: string } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly source: WebhookSource) {}

  get settings(): WebhookSettings | undefined {
    return this.current;
  }

  get inFlight(): number {
    return this.posting.size;
  }

  get error(): { readonly date: number; readonly message: string } | undefined {
    return this.lastError;
  }

  set(settings: WebhookSettings | undefined): void {
    this.current = settings;
    this.lastError = undefined;
    this.notBefore.clear();
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.current = undefined;
    clearTimeout(this.retryTimer);
    this.agent.destroy();
  }

  /** Posts every ready update that is not being posted, as far as max_connections allow. */
  pump(): void {
    const settings = this.current;
    if (!settings || this.closed) return;
    const now = Date.now();
    let nextRetry = Infinity;
    for (const update of this.source.ready()) {
      if (this.posting.size >= settings.maxConnections) break;
      if (this.posting.has(update.update_id)) continue;
      const at = this.notBefore.get(update.update_id) ?? 0;
      if (at > now) {
        nextRetry = Math.min(nextRetry, at);
        continue;
      }
      this.posting.add(update.update_id);
      void this.post(settings, update);
    }
    if (nextRetry !== Infinity && this.retryTimer === undefined) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, nextRetry - now);
    }
  }

  private async post(settings: WebhookSettings, update: Update): Promise<void> {
    const id = update.update_id;
    try {
      const latency = this.source.latencyMs();
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      const headers = {
        "content-type": "application/json",
        ...(settings.secret === undefined ? {} : { "x-telegram-bot-api-secret-token": settings.secret }),
      };
      const response = await postJson(this.agent, settings.url, headers, JSON.stringify(update));
      if (response.status >= 200 && response.status < 300) {
        this.notBefore.delete(id);
        this.source.confirm(id);
      } else {
        this.failed(id, `Wrong response from the webhook: ${response.status} ${response.statusText}`);
      }
    } catch (error) {
      this.failed(id, `Connection failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.posting.delete(id);
      this.pump();
    }
  }

  private failed(id: number, message: string): void {
    if (this.closed) return;
    this.lastError = { date: Math.floor(Date.now() / 1000), message };
    this.notBefore.set(id, Date.now() + RETRY_MS);
  }
}
