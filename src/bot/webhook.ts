import type { Update } from "grammy/types";
import { z } from "zod";
import type { Redis } from "../redis.js";
import type { Keys } from "../store/keys.js";

/**
 * What a webhook body must be to count as an update: an object with an update_id and one update
 * field holding an object (grammY reads the rest). Anything else is answered 400 and not handled.
 */
const updateShape = z
  .object({ update_id: z.number().int().nonnegative() })
  .catchall(z.unknown())
  .refine((body) => Object.entries(body).some(([key, value]) => key !== "update_id" && typeof value === "object" && value !== null), {
    message: "holds no update (like message or callback_query) beside update_id",
  });

export type ParsedUpdate = { readonly ok: true; readonly update: Update } | { readonly ok: false; readonly problem: string };

export function parseUpdate(body: unknown): ParsedUpdate {
  const parsed = updateShape.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, problem: `not a Telegram update (${path}${issue?.message ?? "invalid"})` };
  }
  // The shape above is all Bulletin relies on; grammY's context reads the fields it has.
  return { ok: true, update: parsed.data as unknown as Update };
}

/**
 * What became of a posted update: handled (answer 2xx), a replay of one handled before (2xx,
 * nothing done), still being handled by an earlier post or slower than the deadline (503: Telegram
 * posts it again later and then finds it done), or no bot attached in this process (503).
 */
export type Receipt = "handled" | "duplicate" | "busy" | "unavailable" | "failed";

export interface WebhookTimings {
  /** An update's handling is answered by then, done or not (below Telegram's webhook timeout). */
  readonly handleTimeoutMs: number;
  /** How long a process holds an update it handles: a crash mid-update frees it for Telegram's retry then. */
  readonly leaseMs: number;
  /** How long a handled update id is remembered: replays within that time are ignored. */
  readonly rememberMs: number;
}

export const WEBHOOK_TIMINGS: WebhookTimings = { handleTimeoutMs: 25_000, leaseMs: 5 * 60_000, rememberMs: 15 * 60_000 };

const HANDLING = "handling";
const DONE = "done";

/**
 * The webhook's side of the bot in this process: the HTTP route hands it each update, the bot role
 * attaches its handler. Every update id is claimed in Redis first (SET NX), so a replayed or
 * retried post, on this process or another behind the same URL, is handled once.
 */
export class WebhookReceiver {
  private handler: ((update: Update) => Promise<void>) | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly timings: WebhookTimings = WEBHOOK_TIMINGS,
  ) {}

  /** Whether a bot takes updates in this process now. */
  get attached(): boolean {
    return this.handler !== undefined;
  }

  attach(handler: (update: Update) => Promise<void>): void {
    this.handler = handler;
  }

  /** No new updates (503: Telegram posts them again to another process or later); the ones in hand finish. */
  async detach(): Promise<void> {
    this.handler = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  async receive(update: Update): Promise<Receipt> {
    const handler = this.handler;
    if (!handler) return "unavailable";
    const key = this.keys.webhookUpdate(update.update_id);
    const claimed = await this.redis.set(key, HANDLING, "PX", this.timings.leaseMs, "NX");
    if (claimed === null) return (await this.redis.get(key)) === DONE ? "duplicate" : "busy";
    const task = handler(update).then(
      async () => {
        await this.redis.set(key, DONE, "PX", this.timings.rememberMs);
        return "handled" as const;
      },
      async () => {
        // Not handled: Telegram's next post of it may try again.
        await this.redis.del(key);
        return "failed" as const;
      },
    );
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"busy">((resolve) => {
      timer = setTimeout(() => resolve("busy"), this.timings.handleTimeoutMs);
    });
    try {
      return await Promise.race([task, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
