/** The bot's command lists: setMyCommands, getMyCommands and deleteMyCommands, per scope and language. */
import type { BotCommand } from "grammy/types";
import { badRequest } from "./errors.js";
import { isRecord, jsonParam, stringParam, type Params } from "./params.js";
import type { Methods } from "./server.js";

export class BotCommands {
  private readonly commands = new Map<string, BotCommand[]>();

  methods(): Methods {
    return {
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands.get(commandsKey(p)) ?? [],
      deleteMyCommands: (p) => {
        this.commands.delete(commandsKey(p));
        return true;
      },
    };
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
    this.commands.set(commandsKey(p), valid);
    return true;
  }
}

/** Commands are stored per scope and language, as setMyCommands defines them. */
function commandsKey(p: Params): string {
  const scope = jsonParam(p, "scope", "can't parse BotCommandScope JSON object") ?? { type: "default" };
  return `${JSON.stringify(scope)}|${stringParam(p, "language_code") ?? ""}`;
}
