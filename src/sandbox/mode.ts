import { SANDBOX_KEY_PREFIX, type SandboxTelegram } from "./start.js";

/**
 * Starting Bulletin as a sandbox: when, and with which environment. main.ts uses these (and the
 * http role serves the page); everything else is Bulletin as usual.
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
