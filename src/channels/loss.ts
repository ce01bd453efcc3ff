import type { Api } from "grammy";
import { messagesFor } from "../i18n/index.js";
import { neutralizeMarkdown } from "../format/bale.js";
import type { ChatId, Platform } from "../ids.js";
import type { Logger } from "../log.js";
import { settingsOf, type ChatRecord } from "../store/chat-record.js";

/**
 * Tells the admin who linked a chat, once, that Bulletin lost it (or that it moved). A failure to
 * reach them (they blocked the bot) is logged, never retried. On Bale every text is Markdown: the
 * chat's title must not turn into formatting there.
 */
export async function tellAdmin(
  api: Api,
  chat: ChatId,
  record: ChatRecord,
  what: "lost" | "moved",
  logger: Logger,
  platform: Platform = "telegram",
): Promise<void> {
  const { linkedBy, title } = settingsOf(record);
  if (linkedBy === undefined) return;
  const t = messagesFor(record.language);
  const name = title ?? String(chat);
  try {
    const text = what === "lost" ? t.chatLost(name) : t.chatMoved(name);
    await api.sendMessage(linkedBy, platform === "bale" ? neutralizeMarkdown(text) : text);
  } catch (error) {
    logger.warn(
      { chat, admin: linkedBy, err: error instanceof Error ? error.message : String(error) },
      "could not tell the admin about their chat",
    );
  }
}
