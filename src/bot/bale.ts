import { setTimeout as sleep } from "node:timers/promises";
import type { Transformer } from "grammy";
import type { Redis } from "ioredis";
import { baleReplyText } from "../format/bale-reply.js";
import type { Platform } from "../ids.js";
import type { Logger } from "../log.js";
import type { Keys } from "../store/keys.js";

/**
 * Options Bale has no use for (docs/bale.md): it renders every message as its Markdown (no
 * `parse_mode`, no entities), offers no link-preview options, no forum topics and no paid
 * broadcasts. Dropped from every call the Bale bot makes, whatever the handler asked for.
 */
const TELEGRAM_ONLY_OPTIONS = [
  "parse_mode",
  "entities",
  "caption_entities",
  "link_preview_options",
  "disable_web_page_preview",
  "message_thread_id",
  "allow_paid_broadcast",
] as const;

/** The methods whose `text` is a message (answerCallbackQuery's is a toast, not Markdown). */
const MESSAGE_TEXT_METHODS: ReadonlySet<string> = new Set(["sendMessage", "editMessageText"]);

/**
 * Methods Bale may lack (docs/bale.md: no public client has them) whose answer is only `true`, so
 * a refusal changes nothing a reader sees: it is noted as a degradation and answered `true`.
 */
const DEGRADABLE_METHODS: ReadonlySet<string> = new Set(["setMyCommands", "deleteMyCommands", "answerInlineQuery", "setChatMenuButton"]);

/**
 * One payload as Bale takes it: the message text (or caption) in Bale Markdown, written from the
 * Telegram HTML or plain text the bot wrote (format/bale-reply.ts), and Telegram-only options gone.
 */
export function balePayload(method: string, payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const parseMode = typeof payload.parse_mode === "string" ? payload.parse_mode : undefined;
  const out: Record<string, unknown> = { ...payload };
  for (const option of TELEGRAM_ONLY_OPTIONS) delete out[option];
  if (MESSAGE_TEXT_METHODS.has(method) && typeof payload.text === "string") out.text = baleReplyText(payload.text, parseMode);
  if (typeof payload.caption === "string") out.caption = baleReplyText(payload.caption, parseMode);
  return out;
}

/**
 * A Bot API method a platform refused although the bot could do without it: logged once per
 * process and method, counted in the shared counters (`degraded:<platform>:<method>`, shown as
 * bulletin_degradations_total{platform,method}).
 */
export class Degradations {
  private readonly logged = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly logger: Logger,
  ) {}

  async note(platform: Platform, method: string, answer: string): Promise<void> {
    const field = `degraded:${platform}:${method}`;
    if (!this.logged.has(field)) {
      this.logged.add(field);
      this.logger.warn({ platform, method, answer }, `${platform} refused ${method}; Bulletin goes on without it (docs/bale.md)`);
    }
    await this.redis.hincrby(this.keys.counters, field, 1);
  }
}

/**
 * The Bale bot's API transformer (`bot.api.config.use`): every call goes out as Bale takes it
 * (`balePayload`), and a refused method Bulletin can do without (the command menu, inline
 * answers) is a counted degradation answered `true`, never an error in a handler or at start.
 */
export function baleApi(degradations: Degradations): Transformer {
  return async (prev, method, payload, signal) => {
    const answer = await prev(method, balePayload(method, payload as Record<string, unknown>) as typeof payload, signal);
    if (answer.ok || !DEGRADABLE_METHODS.has(method) || answer.error_code === 429) return answer;
    await degradations.note("bale", method, `${answer.error_code} ${answer.description}`);
    return { ok: true, result: true as never };
  };
}

/**
 * Bale may answer getUpdates at once, long poll or not (docs/bale.md): the runner would then ask
 * again and again without a pause. An empty answer that came sooner than `minMs` waits out the
 * rest (cut short when the runner stops), so an idle Bale bot asks about once a `minMs`.
 */
export function paceEmptyPolls(minMs: number): Transformer {
  return async (prev, method, payload, signal) => {
    const started = Date.now();
    const answer = await prev(method, payload, signal);
    const left = minMs - (Date.now() - started);
    if (method === "getUpdates" && answer.ok && Array.isArray(answer.result) && answer.result.length === 0 && left > 0) {
      // grammY's AbortSignal type is a shim of the platform's: the runner passes Node's own.
      await sleep(left, undefined, signal ? { signal: signal as globalThis.AbortSignal } : {}).catch(() => undefined);
    }
    return answer;
  };
}
