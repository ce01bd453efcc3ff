import type { Api } from "grammy";
import { DEFAULT_LANGUAGE, LANGUAGES, messagesFor, type Language, type Messages } from "../i18n/index.js";
import type { ChatId } from "../ids.js";

/** The commands Telegram shows in its menu, described in one language. */
export function commandList(messages: Messages): { command: string; description: string }[] {
  return Object.entries(messages.commandDescriptions).map(([command, description]) => ({ command, description }));
}

/**
 * The menu for everyone: English by default, and each other language's for the readers whose
 * Telegram is set to it.
 */
export async function publishCommands(api: Api): Promise<void> {
  for (const language of LANGUAGES) {
    const commands = commandList(messagesFor(language));
    await (language === DEFAULT_LANGUAGE ? api.setMyCommands(commands) : api.setMyCommands(commands, { language_code: language }));
  }
}

/** A reader who chose a language with /language sees the menu in it, whatever their Telegram's language. */
export async function showCommandsIn(api: Api, chat: ChatId, language: Language): Promise<void> {
  await api.setMyCommands(commandList(messagesFor(language)), { scope: { type: "chat", chat_id: chat } });
}
