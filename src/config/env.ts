import { z } from "zod";
import { FREE_SEND_RATE } from "../telegram/limits.js";
import { canonicalTimeZone } from "../time.js";
import { ROLE_NAMES, type RedisNode, type Role } from "./common.js";
import { ConfigError } from "./errors.js";
import { formatIssues } from "./issues.js";
import { withClusterRule, withEnvRules } from "./rules.js";

/**
 * The environment: every variable Bulletin reads, its schema (zod) and the Config made from it. The
 * rules across variables are in rules.ts; names other modules need without the schema, in common.ts.
 */

/** The networks the share button offers (SHARE_NETWORKS), in the order the choices are shown. */
export const SHARE_NETWORK_NAMES = ["telegram", "x", "facebook"] as const;
export type ShareNetwork = (typeof SHARE_NETWORK_NAMES)[number];

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * The words of the placeholders that example files, READMEs and tutorials put where a secret goes
 * ("replace-with-…", "change-me", "your-token-…", "a-long-random-secret"): long enough for the
 * length rules, and known to anyone who read the same file.
 */
const PLACEHOLDER = /replace|change[-_ ]?me|your[-_ ]|placeholder|a-long-random-secret|example|xxxxxxxxxx/i;

/** A secret (token, password) that is not a known placeholder. */
function ownSecret<T extends z.ZodString>(schema: T) {
  return schema.refine((value) => !PLACEHOLDER.test(value), {
    message: "is a placeholder from an example, not a secret: set a secret of your own (openssl rand -hex 32 makes one)",
  });
}

/** A comma list of Telegram ids, each matching `pattern`. */
function idList(message: string, pattern: RegExp) {
  return z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(pattern, message).transform(Number)));
}

/** `host:port` (an IPv6 host in brackets: `[::1]:7000`), or the line that says what is wrong with it. */
export function parseRedisNode(entry: string): RedisNode | string {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry);
  if (!match) return `${entry} is not host:port, like 10.0.0.1:7000`;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return `${entry}: the port must be 1 to 65535`;
  return { host: match[1] ?? match[2] ?? "", port };
}

/** Bale's send rate when BALE_SEND_RATE is unset: Bale publishes no limit (docs/bale.md, "Rate limits"). */
export const BALE_DEFAULT_SEND_RATE = 20;

const envFields = z.object({
  BOT_TOKEN: ownSecret(
    z
      .string({ error: "is required: the bot's token from @BotFather (like 123456:ABC-DEF…)" })
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token from @BotFather (digits, a colon, then 20+ letters)"),
  ),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://api.telegram.org"),
  // Bale (issue 15): a second bot on Bale's copy of the Bot API; unset, Bulletin is on Telegram only.
  BALE_BOT_TOKEN: ownSecret(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a Bale bot token from @BotFather in Bale (digits, a colon, then 20+ letters)"),
  ).optional(),
  BALE_API_ROOT: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL, like https://tapi.bale.ai" })
    .default("https://tapi.bale.ai"),
  BALE_SEND_RATE: z.coerce
    .number({ error: "must be a number of messages a second" })
    .positive("must be above 0")
    .max(1000, "must be at most 1000 messages a second")
    .optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379" }).optional(),
  // Redis Cluster (issue 17): the seed nodes; every connection then goes through ioredis's Cluster client.
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((list, ctx) => {
      const nodes: RedisNode[] = [];
      for (const entry of list
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean)) {
        const node = parseRedisNode(entry);
        if (typeof node === "string") ctx.addIssue({ code: "custom", message: node });
        else if (nodes.some((n) => n.host === node.host && n.port === node.port))
          ctx.addIssue({ code: "custom", message: `${entry} is listed twice` });
        else nodes.push(node);
      }
      if (nodes.length === 0 && ctx.issues.length === 0)
        ctx.addIssue({ code: "custom", message: "must list host:port of at least one cluster node" });
      return nodes;
    })
    .optional(),
  KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:{}-]{1,64}$/, "may hold only letters, digits and _ . : { } - (at most 64)")
    .default("bulletin"),
  HTTP_HOST: z.string().min(1).default("127.0.0.1"),
  HTTP_PORT: z.coerce.number({ error: "must be a port number" }).int().min(0).max(65_535).default(3000),
  INGEST_TOKEN: ownSecret(z.string().min(16, "must be at least 16 characters")).optional(),
  CATEGORIES_FILE: z.string().min(1).default("config/categories.json"),
  SEND_RATE: z.coerce.number({ error: "must be a number" }).positive("must be above 0").default(FREE_SEND_RATE),
  PAID_BROADCAST: flag.default(false),
  FEED_INTERVAL: z.coerce.number({ error: "must be a number of seconds" }).int().min(10).max(86_400).default(60),
  // Feeds on loopback and private networks (issue 16): refused unless this is true.
  FEED_ALLOW_PRIVATE: flag.default(false),
  ROLES: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.enum(ROLE_NAMES, { error: `must be a comma list of ${ROLE_NAMES.join(", ")}` }))
        .min(1, `must name at least one of ${ROLE_NAMES.join(", ")}`),
    )
    .optional(),
  // Webhook mode (issue 17): Telegram posts updates to WEBHOOK_URL; unset, the bot long-polls.
  WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "must be an https:// URL, like https://bot.example.com/telegram/updates" }).optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16 to 256 letters, digits, _ or - (what Telegram allows in secret_token)")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Readers' times (issue 14): digests and quiet hours of readers who did not choose a zone.
  DEFAULT_TIMEZONE: z
    .string()
    .transform((name, ctx) => {
      const zone = canonicalTimeZone(name);
      if (zone === undefined) {
        ctx.addIssue({ code: "custom", message: "must be an IANA time zone name Node knows, like Asia/Tehran or Europe/London" });
        return z.NEVER;
      }
      return zone;
    })
    .default("Asia/Tehran"),
  // The sandbox (issue 7): read by src/sandbox/mode.ts before this schema; validated here too.
  SANDBOX: flag.optional(),
  // Operators (issue 6): the queue dashboard's basic auth, the metrics token, the admins' chats.
  ADMIN_USER: z
    .string()
    .regex(/^[^:\s]{1,64}$/, "must be 1 to 64 characters without spaces or ':'")
    .optional(),
  ADMIN_PASSWORD: ownSecret(z.string().min(12, "must be at least 12 characters")).optional(),
  METRICS_TOKEN: ownSecret(z.string().min(16, "must be at least 16 characters")).optional(),
  // Operators (issue 16): people by their Telegram user id, in their private chat with the bot.
  ADMIN_USER_IDS: idList("must be a comma list of Telegram user ids (positive integers)", /^[1-9]\d{0,14}$/).optional(),
  // Kept from issue 6: a private chat's id is its person's user id. A group's would make all its members operators.
  ADMIN_CHAT_IDS: idList("must be a comma list of Telegram chat ids (integers)", /^-?[1-9]\d{0,14}$/).optional(),
  // Sharing (issue 15): how far back inline mode searches, the share button and its networks.
  INLINE_WINDOW_DAYS: z.coerce
    .number({ error: "must be a number of days" })
    .int()
    .min(1)
    .max(14, "must be at most 14: articles are kept 14 days")
    .default(7),
  SHARE_BUTTONS: flag.default(true),
  SHARE_NETWORKS: z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.enum(SHARE_NETWORK_NAMES, { error: `must be a comma list of ${SHARE_NETWORK_NAMES.join(", ")}` })))
    .default([...SHARE_NETWORK_NAMES]),
});

/** Every variable Bulletin reads (deployment files are checked against this list). */
export const ENV_NAMES: readonly string[] = Object.keys(envFields.shape);

const envSchema = withEnvRules(envFields);

export interface WebhookConfig {
  /** WEBHOOK_URL: what Telegram posts to (setWebhook). */
  readonly url: string;
  /** Its path: the route Bulletin's HTTP server answers. */
  readonly path: string;
  /** WEBHOOK_SECRET: Telegram's secret_token, checked on every request. */
  readonly secret: string;
}

/** The Bale bot (BALE_BOT_TOKEN set). */
export interface BaleConfig {
  readonly botToken: string;
  /** BALE_API_ROOT, without a trailing slash. */
  readonly apiRoot: string;
  /** BALE_SEND_RATE: Bale's own budget, messages a second. */
  readonly sendRate: number;
}

export interface Config {
  readonly botToken: string;
  readonly telegramApiRoot: string;
  /** BALE_BOT_TOKEN, BALE_API_ROOT, BALE_SEND_RATE: Bale beside Telegram; unset, Telegram only. */
  readonly bale: BaleConfig | undefined;
  /** Unset means: the local default, started on demand when nothing answers. */
  readonly redisUrl: string | undefined;
  /** REDIS_CLUSTER_NODES: set, every connection goes to this Redis Cluster instead. */
  readonly redisClusterNodes: readonly RedisNode[] | undefined;
  readonly keyPrefix: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly ingestToken: string | undefined;
  readonly categoriesFile: string;
  readonly sendRate: number;
  readonly paidBroadcast: boolean;
  readonly feedInterval: number;
  /** FEED_ALLOW_PRIVATE: feeds may be fetched from loopback and private addresses (on-premise feeds). */
  readonly feedAllowPrivate: boolean;
  readonly roles: readonly Role[];
  readonly logLevel: string;
  /** ADMIN_USER and ADMIN_PASSWORD: the queue dashboard's basic auth; unset, the dashboard is off. */
  readonly admin: { readonly user: string; readonly password: string } | undefined;
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  /**
   * The operators allowed the admin commands, by Telegram user id: ADMIN_USER_IDS and the private
   * chats of ADMIN_CHAT_IDS (the same ids); unset, nobody.
   */
  readonly adminUserIds: readonly number[] | undefined;
  /** DEFAULT_TIMEZONE: the IANA zone of readers who did not choose one (canonical spelling). */
  readonly defaultTimezone: string;
  /** INLINE_WINDOW_DAYS: how many days of articles inline mode searches (and the index keeps). */
  readonly inlineWindowDays: number;
  /** SHARE_BUTTONS: a "Share…" button under articles delivered to private chats. */
  readonly shareButtons: boolean;
  /** SHARE_NETWORKS: the choices behind the share button; none turns the button off too. */
  readonly shareNetworks: readonly ShareNetwork[];
  /** WEBHOOK_URL and WEBHOOK_SECRET: webhook mode; unset, the bot long-polls. */
  readonly webhook: WebhookConfig | undefined;
}

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Validates the environment against `schema` (blank values count as unset); one line per problem. */
function parseEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.output<T> {
  const relevant = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(formatIssues(parsed.error, (path) => path.map(String).join(".") || "environment"));
  }
  return parsed.data;
}

/** Reads the environment; every problem becomes one line of a ConfigError. */
export function loadConfig(source: NodeJS.ProcessEnv): Config {
  const env = parseEnv(envSchema, source);
  return {
    botToken: env.BOT_TOKEN,
    telegramApiRoot: env.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    bale:
      env.BALE_BOT_TOKEN === undefined
        ? undefined
        : {
            botToken: env.BALE_BOT_TOKEN,
            apiRoot: env.BALE_API_ROOT.replace(/\/+$/, ""),
            sendRate: env.BALE_SEND_RATE ?? BALE_DEFAULT_SEND_RATE,
          },
    redisUrl: env.REDIS_URL,
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    keyPrefix: env.KEY_PREFIX,
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    ingestToken: env.INGEST_TOKEN,
    categoriesFile: env.CATEGORIES_FILE,
    sendRate: env.SEND_RATE,
    paidBroadcast: env.PAID_BROADCAST,
    feedInterval: env.FEED_INTERVAL,
    feedAllowPrivate: env.FEED_ALLOW_PRIVATE,
    roles: env.ROLES ?? ROLE_NAMES,
    logLevel: env.LOG_LEVEL,
    admin:
      env.ADMIN_USER !== undefined && env.ADMIN_PASSWORD !== undefined ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : undefined,
    metricsToken: env.METRICS_TOKEN,
    adminUserIds:
      env.ADMIN_USER_IDS === undefined && env.ADMIN_CHAT_IDS === undefined
        ? undefined
        : [...new Set([...(env.ADMIN_USER_IDS ?? []), ...(env.ADMIN_CHAT_IDS ?? [])])],
    defaultTimezone: env.DEFAULT_TIMEZONE,
    inlineWindowDays: env.INLINE_WINDOW_DAYS,
    shareButtons: env.SHARE_BUTTONS,
    shareNetworks: env.SHARE_NETWORKS,
    webhook:
      env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET !== undefined
        ? { url: env.WEBHOOK_URL, path: new URL(env.WEBHOOK_URL).pathname, secret: env.WEBHOOK_SECRET }
        : undefined,
  };
}

/** What operator commands (`npm run cli`) need: Redis, the key prefix and the categories file; no bot token. */
export interface CliConfig {
  readonly redisUrl: string | undefined;
  readonly redisClusterNodes: readonly RedisNode[] | undefined;
  readonly keyPrefix: string;
  readonly categoriesFile: string;
  readonly feedInterval: number;
  readonly inlineWindowDays: number;
  readonly logLevel: string;
}

const cliFields = envFields.pick({
  REDIS_URL: true,
  REDIS_CLUSTER_NODES: true,
  KEY_PREFIX: true,
  CATEGORIES_FILE: true,
  FEED_INTERVAL: true,
  LOG_LEVEL: true,
  INLINE_WINDOW_DAYS: true,
});

export function loadCliConfig(source: NodeJS.ProcessEnv): CliConfig {
  const env = parseEnv(withClusterRule(cliFields), source);
  return {
    redisUrl: env.REDIS_URL,
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    keyPrefix: env.KEY_PREFIX,
    categoriesFile: env.CATEGORIES_FILE,
    feedInterval: env.FEED_INTERVAL,
    inlineWindowDays: env.INLINE_WINDOW_DAYS,
    logLevel: env.LOG_LEVEL,
  };
}
