import { FakeTelegram, type FakeTelegramLimits } from "@bulletin/fake-bot-api";
import { BALE_DEFAULT_SEND_RATE } from "../config/env.js";
import type { SandboxTelegram, SandboxTelegramOptions } from "./start.js";

/**
 * The sandbox's Bale: a second built-in Bot API, Bale-flavoured (packages/fake-bot-api, flavours.ts:
 * Bale's Markdown always, no topics, no command menu, no inline mode…), with its own bot. Bulletin
 * runs its Bale bot on it with BALE_BOT_TOKEN and BALE_API_ROOT, as a deployment does on tapi.bale.ai.
 */

/** The token of the sandbox's Bale bot: another bot than the Telegram one (BALE_BOT_TOKEN may not name BOT_TOKEN's). */
export const SANDBOX_BALE_TOKEN = "1000000002:bulletin-sandbox-bale-local-only-token";
export const SANDBOX_BALE_BOT_USERNAME = "bulletin_sandbox_bale_bot";

/** What docs/bale.md settles on for Bale: BALE_SEND_RATE's default, Telegram's per-chat pacing until measured. */
const BALE_LIMITS: Partial<FakeTelegramLimits> = { perSecond: BALE_DEFAULT_SEND_RATE, privateChat: true, groupChat: true };
const NO_LIMITS: Partial<FakeTelegramLimits> = { perSecond: null, privateChat: false, groupChat: false };

export function setBaleLimits(bale: FakeTelegram, enabled: boolean): void {
  bale.setLimits(enabled ? BALE_LIMITS : NO_LIMITS);
}

/** Starts the sandbox's Bale on 127.0.0.1 (a free port): BALE_API_ROOT and BALE_BOT_TOKEN for every role. */
export async function startSandboxBale(options: SandboxTelegramOptions = {}): Promise<SandboxTelegram> {
  const bale = await FakeTelegram.start({
    flavour: "bale",
    token: SANDBOX_BALE_TOKEN,
    botUsername: SANDBOX_BALE_BOT_USERNAME,
    botFirstName: "Bulletin Sandbox",
    latencyMs: options.latencyMs ?? 0,
    // Only the page's readers and channels exist, as on the sandbox's Telegram.
    strictChats: true,
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });
  setBaleLimits(bale, options.limits ?? true);
  return { telegram: bale, apiRoot: bale.apiRoot, token: bale.token };
}
