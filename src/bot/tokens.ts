import { GrammyError, HttpError, type Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { ConfigError } from "../config/errors.js";
import type { Platform } from "../ids.js";
import { PLATFORM_TRAITS, type PlatformBot } from "../platforms/platform.js";
import { networkErrorCode } from "../telegram/errors.js";

/** What a token check needs of a platform's bot. */
type BotAtRoot = Pick<PlatformBot, "platform" | "apiRoot">;

/** The variable naming each platform's API root, and the platform's name in a sentence. */
const ROOTS: Record<Platform, { readonly variable: string; readonly name: string }> = {
  telegram: { variable: "TELEGRAM_API_ROOT", name: "Telegram" },
  bale: { variable: "BALE_API_ROOT", name: "Bale" },
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
export function tokenProblem(bot: BotAtRoot, error: unknown, bothConfigured: boolean): string | undefined {
  const { tokenVariable } = PLATFORM_TRAITS[bot.platform];
  if (error instanceof GrammyError && [401, 403, 404].includes(error.error_code)) {
    if (!bothConfigured && bot.platform === "telegram") {
      return `${tokenVariable}: Telegram refused the token (${error.description}); check it with @BotFather`;
    }
    const other = ROOTS[bot.platform === "telegram" ? "bale" : "telegram"].name;
    return `${tokenVariable}: ${hostOf(bot.apiRoot)} does not know this token (is it a ${other} token?)`;
  }
  if (error instanceof HttpError) return `${ROOTS[bot.platform].variable}: cannot reach ${bot.apiRoot} (${networkErrorCode(error)})`;
  return undefined;
}

/**
 * Asks the platform who the bot is (getMe at its own root). A refused token or an unreachable
 * root stops start-up with one readable line (ConfigError: exit 2).
 */
export async function identify(api: Api, bot: BotAtRoot, bothConfigured: boolean): Promise<UserFromGetMe> {
  try {
    return await api.getMe();
  } catch (error) {
    const problem = tokenProblem(bot, error, bothConfigured);
    if (problem !== undefined) throw new ConfigError([problem]);
    throw error;
  }
}
