import { GrammyError, type Api } from "grammy";
import type { ChatMember } from "grammy/types";
import { chatId, type ChatId, type Platform, type UserId } from "../ids.js";
import type { Messages } from "../i18n/index.js";
import { judgeRights, type ChatType, type RightsVerdict } from "./rights.js";
import type { LinkableChat } from "./service.js";

/** `@name` or a numeric chat id as typed by an admin. */
export function parseChatReference(text: string): string | number | undefined {
  const trimmed = text.trim();
  if (/^@[A-Za-z0-9_]{4,32}$/.test(trimmed)) return trimmed;
  if (/^-?\d{1,20}$/.test(trimmed)) return Number(trimmed);
  return undefined;
}

/**
 * The chat or member is not there for this bot: 400 or 403 on Telegram; on Bale also "no such
 * group or user" as 404 or its own 440 (docs/bale.md, rate limits and error shapes).
 */
function isNotFound(error: unknown): boolean {
  return error instanceof GrammyError && [400, 403, 404, 440].includes(error.error_code);
}

/** The chat behind a reference, if the bot can see it and it is a channel or group. */
export async function resolveChat(api: Api, reference: string | number): Promise<LinkableChat | undefined> {
  try {
    const chat = await api.getChat(reference);
    if (chat.type === "private") return undefined;
    return { id: chatId(chat.id), type: chat.type, title: chat.title };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function memberOrNone(api: Api, chat: ChatId, user: number): Promise<ChatMember | undefined> {
  try {
    return await api.getChatMember(chat, user);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Asks the platform, now, whether `user` administers the chat and whether the bot can post there. */
export async function checkRights(
  api: Api,
  chat: { id: ChatId; type: ChatType },
  user: UserId,
  botId: number,
  platform: Platform = "telegram",
): Promise<RightsVerdict> {
  const [userMember, botMember] = await Promise.all([memberOrNone(api, chat.id, user), memberOrNone(api, chat.id, botId)]);
  return judgeRights(chat.type, userMember, botMember, platform);
}

/** The reply that names what is missing. */
export function refusal(verdict: Exclude<RightsVerdict, { ok: true }>, title: string, t: Messages): string {
  return verdict.missing
    .map((missing) => {
      switch (missing) {
        case "user-not-admin":
          return t.userNotAdmin(title);
        case "user-cannot-post":
          return t.userCannotPost(title);
        case "bot-not-in-chat":
          return t.botNotInChat(title);
        case "bot-cannot-post":
          return t.botCannotPost(title);
      }
    })
    .join("\n");
}
