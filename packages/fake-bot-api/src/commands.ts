/** The bot's command lists: setMyCommands, getMyCommands and deleteMyCommands, per scope and language. */
import type { BotCommand } from "grammy/types";
import { badRequest } from "./errors.js";
import { isRecord, jsonParam, stringParam, type Params } from "./params.js";
import type { Methods } from "./server.js";
import type { MenuPlace } from "./types.js";

/** A BotCommandScope, as far as the fake tells scopes apart: its type and the chat and user it names. */
interface Scope {
  readonly type: string;
  readonly chatId?: number | string;
  readonly userId?: number;
}

export class BotCommands {
  private readonly commands = new Map<string, BotCommand[]>();

  methods(): Methods {
    return {
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands.get(keyOf(scopeParam(p), stringParam(p, "language_code"))) ?? [],
      deleteMyCommands: (p) => {
        this.commands.delete(keyOf(scopeParam(p), stringParam(p, "language_code")));
        return true;
      },
    };
  }

  /**
   * The list Telegram's menu shows there: the narrowest scope with a list, each scope with the
   * user's language before without ("Determining list of commands" in the Bot API's documentation).
   */
  shownIn(place: MenuPlace): BotCommand[] {
    const { chatId, userId } = place;
    const scopes: Scope[] =
      place.chatType === "private"
        ? [{ type: "chat", chatId }, { type: "all_private_chats" }, { type: "default" }]
        : [
            { type: "chat_member", chatId, userId },
            ...(place.isAdmin ? [{ type: "chat_administrators", chatId }] : []),
            { type: "chat", chatId },
            ...(place.isAdmin ? [{ type: "all_chat_administrators" }] : []),
            { type: "all_group_chats" },
            { type: "default" },
          ];
    const languages = place.languageCode ? [place.languageCode, undefined] : [undefined];
    for (const scope of scopes) {
      for (const language of languages) {
        const list = this.commands.get(keyOf(scope, language));
        if (list) return [...list];
      }
    }
    return [];
  }

  private setMyCommands(p: Params): true {
    const commands = jsonParam(p, "commands", "can't parse commands JSON object");
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
    const valid: BotCommand[] = commands.map((c: unknown) => {
      if (!isRecord(c) || typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
        throw badRequest("BOT_COMMAND_INVALID");
      }
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      return { command: c.command, description: c.description };
    });
    this.commands.set(keyOf(scopeParam(p), stringParam(p, "language_code")), valid);
    return true;
  }
}

function scopeParam(p: Params): Scope {
  const scope = jsonParam(p, "scope", "can't parse BotCommandScope JSON object") ?? { type: "default" };
  if (!isRecord(scope) || typeof scope.type !== "string") throw badRequest("can't parse BotCommandScope JSON object");
  const chatId = scope.chat_id;
  const userId = scope.user_id;
  return {
    type: scope.type,
    ...(typeof chatId === "number" || typeof chatId === "string" ? { chatId } : {}),
    ...(typeof userId === "number" ? { userId } : {}),
  };
}

/** Commands are stored per scope and language, as setMyCommands defines them. */
function keyOf(scope: Scope, language: string | undefined): string {
  return [scope.type, scope.chatId ?? "", scope.userId ?? "", language ?? ""].join("|");
}
