import type { Update } from "grammy/types";
import { z } from "zod";
import type { UpdateClaim } from "../store/scripts/claim-update.js";

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
 * posts it again later and then finds it done), no bot attached in this process (503), or its
 * handling failed before it was marked handled (503: the repost takes it over after the lease).
 */
export type Receipt = "handled" | "duplicate" | "busy" | "unavailable" | "failed";

export interface WebhookTimings {
  /** An update's handling is answered by then, done or not (below Telegram's webhook timeout). */
  readonly handleTimeoutMs: number;
  /** How long a journaled update counts as in hand: a crash mid-update frees it for Telegram's repost then. */
  readonly leaseMs: number;
}

export const WEBHOOK_TIMINGS: WebhookTimings = { handleTimeoutMs: 25_000, leaseMs: 5 * 60_000 };

/** The bot, as the webhook sees it: the update journal's claim (bot/updates.ts) and the handling. */
export interface WebhookBot {
  claim(update: Update, leaseMs: number): Promise<UpdateClaim>;
  handle(update: Update): Promise<void>;
}

/**
 * The webhook's side of the bot in this process: the HTTP route hands it each update, the bot role
 * attaches itself. Every update enters the bot's update journal first (HandledUpdates.claim), the
 * same journal long polling keeps: a replayed or retried post, on this process or another behind
 * the same URL, finds it handled or in hand and is not handled again.
 */
export class WebhookReceiver {
  private bot: WebhookBot | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly timings: WebhookTimings = WEBHOOK_TIMINGS) {}

  /** Whether a bot takes updates in this process now. */
  get attached(): boolean {
    return this.bot !== undefined;
  }

  attach(bot: WebhookBot): void {
    this.bot = bot;
  }

  /** No new updates (503: Telegram posts them again to another process or later); the ones in hand finish. */
  async detach(): Promise<void> {
    this.bot = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  async receive(update: Update): Promise<Receipt> {
    const bot = this.bot;
    if (!bot) return "unavailable";
    const claim = await bot.claim(update, this.timings.leaseMs);
    if (claim !== "claimed") return claim === "done" ? "duplicate" : "busy";
    const task = bot.handle(update).then(
      () => "handled" as const,
      () => "failed" as const,
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
