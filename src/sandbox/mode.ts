import type { Runtime } from "../app/runtime.js";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import type { SandboxDeps } from "./routes.js";
import { SANDBOX_KEY_PREFIX, type SandboxTelegram } from "./start.js";

/**
 * Starting Bulletin as a sandbox: when, with which environment, and what the page needs from the
 * running process. main.ts and the http role use these; everything else is Bulletin as usual.
 */

/** SANDBOX=true, or no BOT_TOKEN at all (SANDBOX=false keeps the usual "BOT_TOKEN is required"). */
export function sandboxRequested(env: NodeJS.ProcessEnv): boolean {
  const flag = env.SANDBOX?.trim().toLowerCase();
  if (flag === "true" || flag === "1" || flag === "yes") return true;
  if (flag === "false" || flag === "0" || flag === "no") return false;
  return (env.BOT_TOKEN ?? "").trim() === "";
}

/**
 * The environment of a sandbox: the built-in Bot API and its token, every role, its own KEY_PREFIX
 * (so it never meets a deployment's data on a shared Redis) and the HTTP server on loopback unless
 * HTTP_HOST says otherwise. Everything else (REDIS_URL, HTTP_PORT, CATEGORIES_FILE…) is kept.
 */
export function sandboxEnv(env: NodeJS.ProcessEnv, telegram: SandboxTelegram): NodeJS.ProcessEnv {
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => name !== "ROLES"));
  return {
    ...rest,
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    KEY_PREFIX: SANDBOX_KEY_PREFIX,
    HTTP_HOST: env.HTTP_HOST?.trim() ? env.HTTP_HOST : "127.0.0.1",
  };
}

/** What registerSandbox needs, from the process's runtime. */
export function sandboxDeps(runtime: Runtime, telegram: FakeTelegram): SandboxDeps {
  return {
    telegram,
    ingestor: runtime.ingestor,
    categories: runtime.categories,
    queues: runtime.queues,
    logger: runtime.logger,
  };
}
