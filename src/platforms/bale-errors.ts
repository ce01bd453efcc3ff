import { GrammyError, HttpError } from "grammy";
import { networkErrorCode, type BotApiErrorAnswer, type SendFailure } from "../telegram/errors.js";

/**
 * What Bale's error answers mean for delivery (docs/bale.md, "Rate limits, 429, error shapes"):
 * Bale answers in Telegram's envelope with descriptions of its own.
 */

const RATE_LIMITED = /bot limit exceed|too many requests|flood/i;
const CHAT_GONE = /no such group or user|chat not found|user not found/i;
const REFUSED = /forbidden|permission_denied|blocked/i;
const PHOTO_PROBLEM = /photo|file|image|url/i;

/** Pure: Bale's answer → what delivery does about it. */
export function classifyBaleApiError(answer: BotApiErrorAnswer): SendFailure {
  const { error_code: code, description } = answer;
  // 429 and Balethon's 420 "Flood"; python-bale-bot also meets the description alone.
  if (code === 429 || code === 420 || RATE_LIMITED.test(description)) {
    const told = answer.parameters?.retry_after;
    return { kind: "rate-limited", retryAfterSeconds: told !== undefined && told > 0 ? told : undefined };
  }
  if (CHAT_GONE.test(description)) return { kind: "chat-gone", reason: "not-found" };
  // Bale refuses a chat that blocked or removed the bot with 403 (Forbidden: … or permission_denied).
  if (code === 403 || REFUSED.test(description)) return { kind: "chat-gone", reason: "blocked" };
  // A bad token: 401, 404 "Not Found" (the method under an unknown token) or "Token not found".
  if (code === 401 || code === 404 || /token not found/i.test(description)) return { kind: "unauthorized", description };
  if (code === 400) return PHOTO_PROBLEM.test(description) ? { kind: "bad-photo", description } : { kind: "bad-request", description };
  return { kind: "transient", description: `${code} ${description}` };
}

/** Any error thrown by a grammY API call against Bale → what delivery does about it. */
export function classifyBaleSendError(error: unknown): SendFailure {
  if (error instanceof GrammyError) {
    return classifyBaleApiError({ error_code: error.error_code, description: error.description, parameters: error.parameters });
  }
  if (error instanceof HttpError) return { kind: "transient", description: `network: ${networkErrorCode(error)}` };
  return { kind: "transient", description: error instanceof Error ? error.message : String(error) };
}
