import { decodeFlag } from "../script.js";
import { loadScriptForMany } from "../script-for-many.js";

/** commit-dues-n.lua: commits a batch of held readers in one call, answering for each whether its new record was stored. */
export const commitDues = loadScriptForMany<
  readonly [chats: string, pace: string, due: string],
  readonly [chat: string, before: string, after: string, paceMs: number, nextDue: number | ""],
  boolean
>(new URL("commit-dues-n.lua", import.meta.url), { keys: 3, args: 5 }, decodeFlag);
