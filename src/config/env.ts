import { z } from "zod";
import { ConfigError } from "./errors.js";
import { formatIssues } from "./issues.js";

export const ROLE_NAMES = ["bot", "workers", "http", "feeds"] as const;
export type Role = (typeof ROLE_NAMES)[number];

/** Telegram's free limit; above it `PAID_BROADCAST=true` is needed (each extra message costs Stars). */
export const FREE_SEND_RATE = 30;
export const PAID_SEND_RATE = 1000;

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const envFields = z.object({
    BOT_TOKEN: z
      .string({ error: "is required: the bot's token from @BotFather (like 123456:ABC-DEF…)" })
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token from @BotFather (digits, a colon, then 20+ letters)"),
    TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://api.telegram.org"),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379" })
      .optional(),
    KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:{}-]{1,64}$/, "may hold only letters, digits and _ . : { } - (at most 64)")
      .default("bulletin"),
    HTTP_HOST: z.string().min(1).default("127.0.0.1"),
    HTTP_PORT: z.coerce.number({ error: "must be a port number" }).int().min(0).max(65_535).default(3000),
    INGEST_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    CATEGORIES_FILE: z.string().min(1).default("config/categories.json"),
    SEND_RATE: z.coerce.number({ error: "must be a number" }).positive("must be above 0").default(FREE_SEND_RATE),
    PAID_BROADCAST: flag.default(false),
    FEED_INTERVAL: z.coerce.number({ error: "must be a number of seconds" }).int().min(10).max(86_400).default(60),
    ROLES: z
      .string()
      .transform((s) => s.split(",").map((r) => r.trim()).filter(Boolean))
      .pipe(z.array(z.enum(ROLE_NAMES, { error: `must be a comma list of ${ROLE_NAMES.join(", ")}` })).min(1, `must name at least one of ${ROLE_NAMES.join(", ")}`))
      .optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  });

const envSchema = envFields
  .superRefine((env, ctx) => {
    const limit = env.PAID_BROADCAST ? PAID_SEND_RATE : FREE_SEND_RATE;
    if (env.SEND_RATE > limit) {
      ctx.addIssue({
        code: "custom",
        path: ["SEND_RATE"],
        message: env.PAID_BROADCAST
          ? `must be at most ${PAID_SEND_RATE}: Telegram's limit with paid broadcasts`
          : `must be at most ${FREE_SEND_RATE} (Telegram's free limit); set PAID_BROADCAST=true to go up to ${PAID_SEND_RATE}`,
      });
    }
  }, { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "SEND_RATE" || issue.path?.[0] === "PAID_BROADCAST") });

export interface Config {
  readonly botToken: string;
  readonly telegramApiRoot: string;
  /** Unset means: the local default, started on demand when nothing answers. */
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly ingestToken: string | undefined;
  readonly categoriesFile: string;
  readonly sendRate: number;
  readonly paidBroadcast: boolean;
  readonly feedInterval: number;
  readonly roles: readonly Role[];
  readonly logLevel: string;
}

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Reads the environment; every problem becomes one line of a ConfigError. */
export function loadConfig(source: NodeJS.ProcessEnv): Config {
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(formatIssues(parsed.error, (path) => path.map(String).join(".") || "environment"));
  }
  const env = parsed.data;
  return {
    botToken: env.BOT_TOKEN,
    telegramApiRoot: env.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    redisUrl: env.REDIS_URL,
    keyPrefix: env.KEY_PREFIX,
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    ingestToken: env.INGEST_TOKEN,
    categoriesFile: env.CATEGORIES_FILE,
    sendRate: env.SEND_RATE,
    paidBroadcast: env.PAID_BROADCAST,
    feedInterval: env.FEED_INTERVAL,
    roles: env.ROLES ?? ROLE_NAMES,
    logLevel: env.LOG_LEVEL,
  };
}

/** What operator commands (`npm run cli`) need: Redis, the key prefix and the categories file; no bot token. */
export interface CliConfig {
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
  readonly categoriesFile: string;
  readonly feedInterval: number;
  readonly logLevel: string;
}

const cliFields = envFields.pick({ REDIS_URL: true, KEY_PREFIX: true, CATEGORIES_FILE: true, FEED_INTERVAL: true, LOG_LEVEL: true });

export function loadCliConfig(source: NodeJS.ProcessEnv): CliConfig {
  const relevant = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = cliFields.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(formatIssues(parsed.error, (path) => path.map(String).join(".") || "environment"));
  }
  const env = parsed.data;
  return {
    redisUrl: env.REDIS_URL,
    keyPrefix: env.KEY_PREFIX,
    categoriesFile: env.CATEGORIES_FILE,
    feedInterval: env.FEED_INTERVAL,
    logLevel: env.LOG_LEVEL,
  };
}
