import type { Transformer } from "grammy";
import type { Redis } from "ioredis";
import { chatId } from "../ids.js";
import type { Keys } from "../store/keys.js";
import type { ChatPacing } from "../telegram/limits.js";

const SENDING_METHODS = new Set(["sendMessage", "sendPhoto"]);

/**
 * Telegram's one-message-per-second to a chat counts the bot's replies too: after a reply, the
 * chat's pacing key is set (unless delivery holds it), so an article does not follow a reply
 * within the same second.
 */
export function paceReplies(redis: Redis, keys: Keys, pacing: ChatPacing): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    const target = (payload as { chat_id?: unknown }).chat_id;
    if (result.ok && SENDING_METHODS.has(method) && typeof target === "number") {
      const ms = target > 0 ? pacing.privateMs : pacing.groupMs;
      await redis.set(keys.pace(chatId(target)), "1", "PX", ms, "NX");
    }
    return result;
  };
}
