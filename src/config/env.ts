import { z } from "zod";
import { FREE_SEND_RATE, PAID_SEND_RATE } from "../telegram/limits.js";
import { canonicalTimeZone } from "../time.js";
import { ConfigError } from "./errors.js";
import { formatIssues } from "./issues.js";

export const ROLE_NAMES = ["bot", "workers", "http", "feeds"] as const;

/**
 * Every sandbox's keys start with this, and only a sandbox's may: a sandbox deletes its keys at each
 * start (src/sandbox/start.ts), so a deployment's KEY_PREFIX may not begin like that.
 */
export const SANDBOX_KEY_PREFIX = "bulletin-sandbox";

/** Whether a key prefix is a sandbox's: `bulletin-sandbox`, `bulletin-sandbox-alice`… */
export function isSandboxKeyPrefix(prefix: string): boolean {
  return prefix.startsWith(SANDBOX_KEY_PREFIX);
}
export type Role = (typeof ROLE_NAMES)[number];

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const envFields = z.object({
  BOT_TOKEN: z
    .string({ error: "is required: the bot's token from @BotFather (like 123456:ABC-DEF…)" })
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token from @BotFather (digits, a colon, then 20+ letters)"),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://api.telegram.org"),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379" }).optional(),
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
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  ADMIN_CHAT_IDS: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^-?[1-9]\d{0,14}$/, "must be a comma list of Telegram chat ids (integers)")
          .transform(Number),
      ),
    )
    .optional(),
});

/** Every variable Bulletin reads (deployment files are checked against this list). */
export const ENV_NAMES: readonly string[] = Object.keys(envFields.shape);

const envSchema = envFields
  .superRefine(
    (env, ctx) => {
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
    },
    { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "SEND_RATE" || issue.path?.[0] === "PAID_BROADCAST") },
  )
  .superRefine(
    (env, ctx) => {
      if (isSandboxKeyPrefix(env.KEY_PREFIX) && env.SANDBOX !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["KEY_PREFIX"],
          message: `must not start with ${SANDBOX_KEY_PREFIX} outside the sandbox: a sandbox deletes those keys each time it starts`,
        });
      }
    },
    { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "KEY_PREFIX" || issue.path?.[0] === "SANDBOX") },
  )
  .superRefine(
    (env, ctx) => {
      if ((env.ADMIN_USER === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
        const missing = env.ADMIN_USER === undefined ? "ADMIN_USER" : "ADMIN_PASSWORD";
        ctx.addIssue({
          code: "custom",
          path: [missing],
          message: "is needed too: the queue dashboard takes both ADMIN_USER and ADMIN_PASSWORD, or neither (off)",
        });
      }
    },
    { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "ADMIN_USER" || issue.path?.[0] === "ADMIN_PASSWORD") },
  )
  .superRefine(
    (env, ctx) => {
      for (const [variable, message] of webhookProblems(env)) ctx.addIssue({ code: "custom", path: [variable], message });
    },
    {
      when: (payload) =>
        !payload.issues.some((issue) => ["WEBHOOK_URL", "WEBHOOK_SECRET", "TELEGRAM_API_ROOT", "ROLES"].includes(String(issue.path?.[0]))),
    },
  );

/** Paths Bulletin's HTTP server answers itself: a webhook path may not take one of them. */
const RESERVED_PATHS = ["/api/", "/healthz", "/readyz", "/metrics", "/admin/", "/sandbox"];

/** Whether Telegram itself is the Bot API (not a local Bot API server, which may post over http to any port). */
const isTelegramsApi = (root: string) => /^https:\/\/api\.telegram\.org\/?$/.test(root);

const isLoopbackHost = (host: string) => host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);

/** Telegram's own servers post webhooks only to these ports. */
const TELEGRAM_WEBHOOK_PORTS = new Set(["", "443", "80", "88", "8443"]);

/** One line per problem of WEBHOOK_URL with WEBHOOK_SECRET and the roles, keyed by the variable to fix. */
export function webhookProblems(env: {
  readonly WEBHOOK_URL?: string;
  readonly WEBHOOK_SECRET?: string;
  readonly TELEGRAM_API_ROOT: string;
  readonly ROLES?: readonly Role[];
}): [variable: string, message: string][] {
  if (env.WEBHOOK_URL === undefined) {
    return env.WEBHOOK_SECRET === undefined
      ? []
      : [["WEBHOOK_SECRET", "is set but WEBHOOK_URL is not: set both for webhook mode, or neither (long polling)"]];
  }
  const problems: [string, string][] = [];
  const url = new URL(env.WEBHOOK_URL);
  const telegrams = isTelegramsApi(env.TELEGRAM_API_ROOT);
  if (env.WEBHOOK_SECRET === undefined) {
    problems.push([
      "WEBHOOK_SECRET",
      "is required with WEBHOOK_URL: Telegram sends it with every update, and requests without it are refused",
    ]);
  }
  if (url.protocol === "http:" && telegrams && !isLoopbackHost(url.hostname)) {
    problems.push([
      "WEBHOOK_URL",
      "must be https://: Telegram posts only to https (http works with a local Bot API server in TELEGRAM_API_ROOT)",
    ]);
  }
  if (telegrams && !TELEGRAM_WEBHOOK_PORTS.has(url.port)) {
    problems.push([
      "WEBHOOK_URL",
      `port ${url.port}: Telegram posts only to ports 443, 80, 88 or 8443 (put a proxy in front of HTTP_PORT)`,
    ]);
  }
  if (url.search !== "" || url.hash !== "") problems.push(["WEBHOOK_URL", "must have no ?query or #fragment: Bulletin serves its path"]);
  if (url.pathname === "/" || RESERVED_PATHS.some((p) => url.pathname === p.replace(/\/$/, "") || url.pathname.startsWith(p))) {
    problems.push(["WEBHOOK_URL", `needs a path of its own (not / and not under ${RESERVED_PATHS.join(", ")}), like /telegram/updates`]);
  }
  const roles = env.ROLES ?? ROLE_NAMES;
  if (roles.includes("bot") && !roles.includes("http")) {
    problems.push(["ROLES", "with WEBHOOK_URL the bot receives updates on the HTTP server: run the bot and http roles in one process"]);
  }
  return problems;
}

export interface WebhookConfig {
  /** WEBHOOK_URL: what Telegram posts to (setWebhook). */
  readonly url: string;
  /** Its path: the route Bulletin's HTTP server answers. */
  readonly path: string;
  /** WEBHOOK_SECRET: Telegram's secret_token, checked on every request. */
  readonly secret: string;
}

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
  /** FEED_ALLOW_PRIVATE: feeds may be fetched from loopback and private addresses (on-premise feeds). */
  readonly feedAllowPrivate: boolean;
  readonly roles: readonly Role[];
  readonly logLevel: string;
  /** ADMIN_USER and ADMIN_PASSWORD: the queue dashboard's basic auth; unset, the dashboard is off. */
  readonly admin: { readonly user: string; readonly password: string } | undefined;
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  /** ADMIN_CHAT_IDS: the chats whose messages may use the admin commands; unset, none. */
  readonly adminChatIds: readonly number[] | undefined;
  /** DEFAULT_TIMEZONE: the IANA zone of readers who did not choose one (canonical spelling). */
  readonly defaultTimezone: string;
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
    redisUrl: env.REDIS_URL,
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
    adminChatIds: env.ADMIN_CHAT_IDS,
    defaultTimezone: env.DEFAULT_TIMEZONE,
    webhook:
      env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET !== undefined
        ? { url: env.WEBHOOK_URL, path: new URL(env.WEBHOOK_URL).pathname, secret: env.WEBHOOK_SECRET }
        : undefined,
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
  const env = parseEnv(cliFields, source);
  return {
    redisUrl: env.REDIS_URL,
    keyPrefix: env.KEY_PREFIX,
    categoriesFile: env.CATEGORIES_FILE,
    feedInterval: env.FEED_INTERVAL,
    logLevel: env.LOG_LEVEL,
  };
}
