import type { Queue } from "bullmq";
import type { Transformer } from "grammy";
import type { Redis } from "../redis.js";

export type BotConnection = "absent" | "starting" | "connected" | "failing" | "stopped";

/** How the bot gets its updates: it long-polls getUpdates, or Telegram posts them to WEBHOOK_URL. */
export type BotMode = "polling" | "webhook";

/**
 * The bot role's link to Telegram as this process sees it: set by the bot role (every Bot API call
 * it makes reports here, see `trackBotConnection`), read by `/readyz`. "absent" means the bot role
 * does not run in this process, so readiness does not depend on it.
 */
export class BotStatus {
  private state: BotConnection = "absent";
  private since = Date.now();
  private error: string | undefined;
  private mode: BotMode | undefined;
  /** Polling: the runner fetches updates. Webhook: setWebhook was answered true. */
  private receiving = false;

  get connection(): BotConnection {
    return this.state;
  }

  snapshot(): BotSnapshot {
    const receiving = this.mode === "polling" ? { running: this.receiving } : this.mode === "webhook" ? { registered: this.receiving } : {};
    return {
      state: this.state,
      since: this.since,
      ...(this.mode ? { mode: this.mode } : {}),
      ...receiving,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Polling: whether the runner fetches updates; webhook: whether Telegram has the URL (setWebhook answered). */
  receivingIn(mode: BotMode, receiving: boolean): void {
    this.mode = mode;
    this.receiving = receiving;
  }

  /** Whether updates reach the bot: connected, and polling runs or the webhook is registered. */
  get serving(): boolean {
    return this.state === "connected" && (this.mode === undefined || this.receiving);
  }

  starting(): void {
    this.set("starting", undefined);
  }

  succeeded(): void {
    if (this.state === "stopped") return;
    this.set("connected", undefined);
  }

  failed(error: string): void {
    if (this.state === "stopped") return;
    this.set("failing", error);
  }

  stopped(): void {
    this.set("stopped", undefined);
  }

  private set(state: BotConnection, error: string | undefined): void {
    if (state !== this.state) this.since = Date.now();
    this.state = state;
    this.error = error;
  }
}

export interface BotSnapshot {
  readonly state: BotConnection;
  readonly since: number;
  readonly mode?: BotMode;
  /** Polling mode: the runner fetches updates. */
  readonly running?: boolean;
  /** Webhook mode: Telegram has the webhook's URL. */
  readonly registered?: boolean;
  readonly error?: string;
}

/** The calls that say whether the bot is serving readers: its identity and how it gets updates. */
const LIFELINE_METHODS: ReadonlySet<string> = new Set(["getMe", "getUpdates", "setWebhook"]);

/**
 * A grammY API transformer that reports the bot's link to Telegram to `status`: getMe and
 * getUpdates answered (`ok: true`) mean connected; a network error or an error answer to them
 * (409: another instance polls with this token, 5xx) means failing, and so does a 401 to any call
 * (the token was revoked). Sends refused for a reader's reasons (403, 400) say nothing about it.
 */
export function trackBotConnection(status: BotStatus): Transformer {
  return async (prev, method, payload, signal) => {
    const lifeline = LIFELINE_METHODS.has(method);
    try {
      const answer = await prev(method, payload, signal);
      if (answer.ok) {
        if (lifeline) status.succeeded();
      } else if (answer.error_code === 401 || (lifeline && answer.error_code !== 429)) {
        status.failed(`${method}: ${answer.error_code} ${answer.description}`);
      }
      return answer;
    } catch (error) {
      if (lifeline) status.failed(`${method}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}

export interface ReadinessDeps {
  readonly redis: Redis;
  readonly queues: readonly Queue<unknown>[];
  /** The bot role's status in this process; "absent" when it does not run here. */
  readonly bot: BotStatus;
  /** The Bale bot's (BALE_BOT_TOKEN), beside Telegram's; "absent" when Bale is off or the bot role runs elsewhere. */
  readonly baleBot?: BotStatus;
  /** How long Redis may take to answer before it counts as unreachable. Default 2 s. */
  readonly timeoutMs?: number;
}

export interface Check {
  readonly ok: boolean;
  readonly [detail: string]: unknown;
}

export interface Readiness {
  readonly ready: boolean;
  /** One line per problem; empty when ready. */
  readonly problems: readonly string[];
  readonly checks: {
    readonly redis: Check;
    readonly queues: Check;
    readonly bot?: Check;
    readonly baleBot?: Check;
  };
}

class Timeout extends Error {}

/** `promise`, or a rejection after `ms` (Bulletin's connections wait out a Redis outage instead of failing). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `/readyz`: Redis answers, no Bulletin queue is paused, and the bot (when it runs in this process)
 * is connected to Telegram. Bulletin's connections queue commands while Redis is away instead of
 * failing them, so every probe here has a deadline.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const problems: string[] = [];

  let redis: Check;
  const started = performance.now();
  if (deps.redis.status !== "ready") {
    redis = { ok: false, error: `connection is ${deps.redis.status}` };
  } else {
    try {
      await withTimeout(deps.redis.ping(), timeoutMs);
      redis = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      redis = { ok: false, error: messageOf(error) };
    }
  }
  if (!redis.ok) problems.push(`redis: not reachable (${String(redis.error)})`);

  let queues: Check;
  if (!redis.ok) {
    queues = { ok: false, error: "not checked: Redis is not reachable" };
  } else {
    try {
      const paused = await withTimeout(Promise.all(deps.queues.map(async (q) => ((await q.isPaused()) ? q.name : undefined))), timeoutMs);
      const names = paused.filter((name): name is string => name !== undefined);
      queues = { ok: names.length === 0, paused: names };
      for (const name of names) problems.push(`queue ${name}: paused (npm run cli -- queues resume ${name})`);
    } catch (error) {
      queues = { ok: false, error: messageOf(error) };
      problems.push(`queues: cannot read their state (${messageOf(error)})`);
    }
  }

  const bale = deps.baleBot?.snapshot().state === "absent" ? undefined : deps.baleBot;
  // With two bots, each problem names its platform; Telegram's alone keeps the plain "bot:".
  const botCheck = checkBot(deps.bot, bale ? "telegram bot" : "bot", problems);
  const baleCheck = bale ? checkBot(bale, "bale bot", problems) : undefined;

  return {
    ready: problems.length === 0,
    problems,
    checks: { redis, queues, ...(botCheck ? { bot: botCheck } : {}), ...(baleCheck ? { baleBot: baleCheck } : {}) },
  };
}

/** One bot's check, its problems (if any) added to `problems` under `name`; undefined when it does not run here. */
function checkBot(status: BotStatus, name: string, problems: string[]): Check | undefined {
  const bot = status.snapshot();
  if (bot.state === "absent") return undefined;
  if (bot.state !== "connected") problems.push(`${name}: ${bot.state}${bot.error ? ` (${bot.error})` : ""}`);
  else if (bot.running === false) problems.push(`${name}: polling is not running`);
  else if (bot.registered === false) problems.push(`${name}: the webhook is not registered with Telegram`);
  return { ok: status.serving, ...bot, since: new Date(bot.since).toISOString() };
}
