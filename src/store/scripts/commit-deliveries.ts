import { decodeFlag } from "../script.js";
import { loadScriptForMany } from "../script-for-many.js";

/** commit-deliveries-n.lua: commits a batch of chats in one call, answering for each whether its new record was stored. */
export const commitDeliveries = loadScriptForMany<
  readonly [chats: string, pace: string],
  readonly [chat: string, before: string, after: string, paceMs: number],
  boolean
>(new URL("commit-deliveries-n.lua", import.meta.url), { keys: 2, args: 4 }, decodeFlag);
