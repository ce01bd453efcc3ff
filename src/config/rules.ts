import type { z } from "zod";
import { FREE_SEND_RATE, PAID_SEND_RATE } from "../telegram/limits.js";
import { ROLE_NAMES, SANDBOX_KEY_PREFIX, isLoopbackHost, isSandboxKeyPrefix, type RedisNode, type Role } from "./common.js";

/**
 * The environment's rules across variables: what is wrong with values that are each fine alone (a
 * cluster beside REDIS_URL, a send rate above Telegram's limit, a webhook without its secret…),
 * each problem keyed by the variable to fix. env.ts adds them to the schema of the variables.
 */

/** The variables the rules read, as the schema gives them. */
interface RuleEnv {
  readonly BOT_TOKEN: string;
  readonly TELEGRAM_API_ROOT: string;
  readonly BALE_BOT_TOKEN?: string | undefined;
  readonly BALE_SEND_RATE?: number | undefined;
  readonly REDIS_URL?: string | undefined;
  readonly REDIS_CLUSTER_NODES?: readonly RedisNode[] | undefined;
  readonly KEY_PREFIX: string;
  readonly HTTP_HOST: string;
  readonly SEND_RATE: number;
  readonly PAID_BROADCAST: boolean;
  readonly ROLES?: readonly Role[] | undefined;
  readonly WEBHOOK_URL?: string | undefined;
  readonly WEBHOOK_SECRET?: string | undefined;
  readonly SANDBOX?: boolean | undefined;
  readonly ADMIN_USER?: string | undefined;
  readonly ADMIN_PASSWORD?: string | undefined;
  readonly ADMIN_CHAT_IDS?: readonly number[] | undefined;
}

type ClusterEnv = Pick<RuleEnv, "REDIS_CLUSTER_NODES" | "REDIS_URL" | "KEY_PREFIX">;

/**
 * Runs a rule only when the variables it reads parsed, but then even if others failed: by default
 * zod skips every rule after any problem, and the operator would learn of the rest one fix at a time.
 */
const whenParsed = (variables: readonly (keyof RuleEnv)[]) => ({
  when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }): boolean =>
    !payload.issues.some((issue) => variables.some((variable) => variable === String(issue.path?.[0]))),
});

const CLUSTER_VARIABLES = ["REDIS_CLUSTER_NODES", "REDIS_URL", "KEY_PREFIX"] as const;

/** The rules of every variable (loadConfig), in the order their problems are listed. */
export function withEnvRules<T extends z.ZodType<RuleEnv>>(fields: T): T {
  return fields
    .superRefine(checkCluster, whenParsed(CLUSTER_VARIABLES))
    .superRefine(checkSendRate, whenParsed(["SEND_RATE", "PAID_BROADCAST"]))
    .superRefine(reporting(baleProblems), whenParsed(["BOT_TOKEN", "BALE_BOT_TOKEN", "BALE_SEND_RATE"]))
    .superRefine(checkSandboxPrefix, whenParsed(["KEY_PREFIX", "SANDBOX"]))
    .superRefine(checkSandboxHost, whenParsed(["HTTP_HOST", "SANDBOX"]))
    .superRefine(checkAdminChats, whenParsed(["ADMIN_CHAT_IDS"]))
    .superRefine(checkDashboardLogin, whenParsed(["ADMIN_USER", "ADMIN_PASSWORD"]))
    .superRefine(reporting(webhookProblems), whenParsed(["WEBHOOK_URL", "WEBHOOK_SECRET", "TELEGRAM_API_ROOT", "ROLES"]));
}

/** The one rule among the variables operator commands read (loadCliConfig). */
export function withClusterRule<T extends z.ZodType<ClusterEnv>>(fields: T): T {
  return fields.superRefine(checkCluster, whenParsed(CLUSTER_VARIABLES));
}

/** A rule that adds the problems a function lists, each at its variable. */
function reporting<E>(problemsOf: (env: E) => [variable: string, message: string][]) {
  return (env: E, ctx: z.RefinementCtx): void => {
    for (const [variable, message] of problemsOf(env)) ctx.addIssue({ code: "custom", path: [variable], message });
  };
}

/** Cluster and single Redis exclude each other; the key prefix may hold no hash tag of its own on a cluster. */
function checkCluster(env: ClusterEnv, ctx: z.RefinementCtx): void {
  if (env.REDIS_CLUSTER_NODES === undefined) return;
  if (env.REDIS_URL !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_CLUSTER_NODES"],
      message:
        "is set together with REDIS_URL: a deployment runs on one Redis (REDIS_URL) or on a cluster (REDIS_CLUSTER_NODES); unset one",
    });
  }
  if (/[{}]/.test(env.KEY_PREFIX)) {
    ctx.addIssue({
      code: "custom",
      path: ["KEY_PREFIX"],
      message: "must not hold { or } with REDIS_CLUSTER_NODES: a hash tag in the prefix would put every key in one slot",
    });
  }
}

function checkSendRate(env: Pick<RuleEnv, "SEND_RATE" | "PAID_BROADCAST">, ctx: z.RefinementCtx): void {
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
}

function checkSandboxPrefix(env: Pick<RuleEnv, "KEY_PREFIX" | "SANDBOX">, ctx: z.RefinementCtx): void {
  if (isSandboxKeyPrefix(env.KEY_PREFIX) && env.SANDBOX !== true) {
    ctx.addIssue({
      code: "custom",
      path: ["KEY_PREFIX"],
      message: `must not start with ${SANDBOX_KEY_PREFIX} outside the sandbox: a sandbox deletes those keys each time it starts`,
    });
  }
}

function checkSandboxHost(env: Pick<RuleEnv, "HTTP_HOST" | "SANDBOX">, ctx: z.RefinementCtx): void {
  // The sandbox's page publishes and steers readers without a password: this machine only.
  if (env.SANDBOX === true && !isLoopbackHost(env.HTTP_HOST)) {
    ctx.addIssue({
      code: "custom",
      path: ["HTTP_HOST"],
      message: `must be a loopback address (127.0.0.1, ::1 or localhost) in the sandbox, not ${env.HTTP_HOST}: its page has no password`,
    });
  }
}

function checkAdminChats(env: Pick<RuleEnv, "ADMIN_CHAT_IDS">, ctx: z.RefinementCtx): void {
  for (const id of env.ADMIN_CHAT_IDS ?? []) {
    if (id < 0) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_CHAT_IDS"],
        message: `${id} is a group or channel: every member would be an operator; list the operators' user ids in ADMIN_USER_IDS`,
      });
    }
  }
}

function checkDashboardLogin(env: Pick<RuleEnv, "ADMIN_USER" | "ADMIN_PASSWORD">, ctx: z.RefinementCtx): void {
  if ((env.ADMIN_USER === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    const missing = env.ADMIN_USER === undefined ? "ADMIN_USER" : "ADMIN_PASSWORD";
    ctx.addIssue({
      code: "custom",
      path: [missing],
      message: "is needed too: the queue dashboard takes both ADMIN_USER and ADMIN_PASSWORD, or neither (off)",
    });
  }
}

/** A bot token's id: the digits before the colon (Telegram's and Bale's tokens have the same shape). */
export const botIdOf = (token: string): string => token.slice(0, token.indexOf(":"));

/** One line per problem of the Bale variables, keyed by the variable to fix. */
export function baleProblems(env: {
  readonly BOT_TOKEN: string;
  readonly BALE_BOT_TOKEN?: string;
  readonly BALE_SEND_RATE?: number;
}): [variable: string, message: string][] {
  if (env.BALE_BOT_TOKEN === undefined) {
    return env.BALE_SEND_RATE === undefined
      ? []
      : [["BALE_SEND_RATE", "is set but BALE_BOT_TOKEN is not: Bale is off without its bot's token"]];
  }
  if (botIdOf(env.BALE_BOT_TOKEN) === botIdOf(env.BOT_TOKEN)) {
    return [["BALE_BOT_TOKEN", "names the same bot as BOT_TOKEN: Bale needs its own bot, made with @BotFather in Bale"]];
  }
  return [];
}

/** Paths Bulletin's HTTP server answers itself: a webhook path may not take one of them. */
const RESERVED_PATHS = ["/api/", "/healthz", "/readyz", "/metrics", "/admin/", "/sandbox"];

/** Whether Telegram itself is the Bot API (not a local Bot API server, which may post over http to any port). */
const isTelegramsApi = (root: string) => /^https:\/\/api\.telegram\.org\/?$/.test(root);

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
