import type { Api } from "grammy";
import { messagesFor } from "../i18n/index.js";
import type { ChatId } from "../ids.js";
import type { Logger } from "../log.js";
import { settingsOf, type ChatRecord } from "../store/chat-record.js";

/**
 * Tells the admin who linked a chat, once, that Bulletin lost it (or that it moved). A failure to
 * reach them (they blocked the bot) is logged, never retried.
 */
export async function tellAdmin(api: Api, chat: ChatId, record: ChatRecord, what: "lost" | "moved", logger: Logger): Promise<void> {
  const { linkedBy, title } = settingsOf(record);
  if (linkedBy === undefined) return;
  const t = messagesFor(record.language);
  const name = title ?? String(chat);
  try {
    await api.sendMessage(linkedBy, what === "lost" ? t.chatLost(name) : t.chatMoved(name));
  } catch (error) {
    logger.warn(
      { chat, admin: linkedBy, err: error instanceof Error ? error.message : String(error) },
      "could not tell the admin about their chat",
    );
  }
}
