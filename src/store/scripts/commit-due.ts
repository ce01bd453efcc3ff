import { decodeFlag, loadScript } from "../script.js";

/** commit-due-3.lua: answers whether the new record was stored. */
export const commitDue = loadScript<
  readonly [chats: string, pace: string, due: string],
  readonly [chat: string, before: string, after: string, paceMs: number, nextDue: number | ""],
  boolean
>(new URL("commit-due-3.lua", import.meta.url), decodeFlag);
