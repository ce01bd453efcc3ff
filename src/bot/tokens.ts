import { GrammyError, HttpError, type Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { ConfigError } from "../config/errors.js";
import type { Platform } from "../ids.js";
import { networkErrorCode } from "../telegram/errors.js";

/** A bot token as configured: which platform it is for, the variables that name it and its root. */
export interface ConfiguredBot {
  readonly platform: Platform;
  readonly token: string;
  readonly apiRoot: string;
}

const VARIABLES: Record<Platform, { readonly token: string; readonly root: string; readonly name: string }> = {
  telegram: { token: "BOT_TOKEN", root: "TELEGRAM_API_ROOT", name: "Telegram" },
  bale: { token: "BALE_BOT_TOKEN", root: "BALE_API_ROOT", name: "Bale" },
};

function hostOf(apiRoot: string): string {
  try {
    return new URL(apiRoot).host;
  } catch {
    return apiRoot;
  }
}

/**
 * Pure: the one line an operator reads when a platform's getMe fails at start. A token the root
 * does not know (401 on Telegram; 403 or 404 on Bale, docs/bale.md) is most often the other
 * platform's: the line says so when both platforms are configured.
 */
export function tokenProblem(bot: ConfiguredBot, error: unknown, bothConfigured: boolean): string | undefined {
  const names = VARIABLES[bot.platform];
  if (error instanceof GrammyError && [401, 403, 404].includes(error.error_code)) {
    if (!bothConfigured && bot.platform === "telegram") {
      return `${names.token}: Telegram refused the token (${error.description}); check it with @BotFather`;
    }
    const other = VARIABLES[bot.platform === "telegram" ? "bale" : "telegram"].name;
    return `${names.token}: ${hostOf(bot.apiRoot)} does not know this token (is it a ${other} token?)`;
  }
  if (error instanceof HttpError) return `${names.root}: cannot reach ${bot.apiRoot} (${networkErrorCode(error)})`;
  return undefined;
}

/**
 * Asks the platform who the bot is (getMe at its own root). A refused token or an unreachable
 * root stops start-up with one readable line (ConfigError: exit 2).
 */
export async function identify(api: Api, bot: ConfiguredBot, bothConfigured: boolean): Promise<UserFromGetMe> {
  try {
    return await api.getMe();
  } catch (error) {
    const problem = tokenProblem(bot, error, bothConfigured);
    if (problem !== undefined) throw new ConfigError([problem]);
    throw error;
  }
}
