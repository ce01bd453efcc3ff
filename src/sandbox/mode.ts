import { SANDBOX_KEY_PREFIX, isLoopbackHost, isSandboxKeyPrefix } from "../config/common.js";
import type { SandboxTelegram } from "./start.js";

/**
 * Starting Bulletin as a sandbox: when, and with which environment. main.ts uses these (and the
 * http role serves the page); everything else is Bulletin as usual.
 */

/**
 * SANDBOX=true; or, with SANDBOX unset, no BOT_TOKEN at all on a developer's machine: the HTTP server
 * on loopback (HTTP_HOST unset or a loopback address). A server set to listen on the network (the
 * Docker image's 0.0.0.0) that lost its token gets the usual "BOT_TOKEN is required" instead, as
 * does SANDBOX=false.
 */
export function sandboxRequested(env: NodeJS.ProcessEnv): boolean {
  const flag = env.SANDBOX?.trim().toLowerCase();
  if (flag === "true" || flag === "1" || flag === "yes") return true;
  if (flag === "false" || flag === "0" || flag === "no") return false;
  const host = env.HTTP_HOST?.trim() ?? "";
  return (env.BOT_TOKEN ?? "").trim() === "" && (host === "" || isLoopbackHost(host));
}

/**
 * Whether a request's Host header names this machine (localhost, 127.0.0.1, [::1], with any port).
 * A web page whose name an attacker points at 127.0.0.1 (DNS rebinding) sends its own name: the
 * sandbox does not answer it.
 */
export function hostHeaderIsLoopback(header: string | undefined): boolean {
  const host = (header ?? "").trim();
  const bracketed = /^(\[[^\]]*\])(?::\d+)?$/.exec(host);
  if (bracketed?.[1]) return isLoopbackHost(bracketed[1]);
  const plain = /^([^:]+)(?::\d+)?$/.exec(host);
  return plain?.[1] !== undefined && isLoopbackHost(plain[1]);
}

/** The deployments' default KEY_PREFIX: a sandbox started with it (say from a copied .env) is the default sandbox. */
const DEFAULT_KEY_PREFIX = "bulletin";

/**
 * The key prefix of a sandbox started with KEY_PREFIX `keyPrefix`: always a sandbox's, so that its
 * start, which deletes its keys, never touches a deployment's. Unset (or the default `bulletin`):
 * `bulletin-sandbox`; a sandbox's prefix stays as it is; anything else, say `alice`, becomes
 * `bulletin-sandbox-alice`, so that two sandboxes on one Redis keep apart.
 */
export function sandboxKeyPrefix(keyPrefix: string | undefined): string {
  const given = keyPrefix?.trim() ?? "";
  if (given === "" || given === DEFAULT_KEY_PREFIX) return SANDBOX_KEY_PREFIX;
  return isSandboxKeyPrefix(given) ? given : `${SANDBOX_KEY_PREFIX}-${given}`;
}

/**
 * The environment of a sandbox: the built-in Bot API and its token, the built-in Bale's when given
 * (BALE_BOT_TOKEN, BALE_API_ROOT), every role, its own key prefix (sandboxKeyPrefix) and the HTTP
 * server on loopback unless HTTP_HOST says otherwise. Everything else (REDIS_URL, HTTP_PORT,
 * CATEGORIES_FILE…) is kept; a real Bale's token or rate never reaches a sandbox.
 */
export function sandboxEnv(
  env: NodeJS.ProcessEnv,
  telegram: Pick<SandboxTelegram, "token" | "apiRoot">,
  bale?: Pick<SandboxTelegram, "token" | "apiRoot">,
): NodeJS.ProcessEnv {
  const dropped = new Set(["ROLES", "BALE_BOT_TOKEN", "BALE_API_ROOT", "BALE_SEND_RATE"]);
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => !dropped.has(name)));
  return {
    ...rest,
    SANDBOX: "true",
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ...(bale ? { BALE_BOT_TOKEN: bale.token, BALE_API_ROOT: bale.apiRoot } : {}),
    KEY_PREFIX: sandboxKeyPrefix(env.KEY_PREFIX),
    HTTP_HOST: env.HTTP_HOST?.trim() ? env.HTTP_HOST : "127.0.0.1",
  };
}
