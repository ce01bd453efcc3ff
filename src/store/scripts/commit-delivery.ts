import { decodeFlag, loadScript } from "../script.js";

/** commit-delivery-2.lua: answers whether the new record was stored. */
export const commitDelivery = loadScript<
  readonly [chats: string, pace: string],
  readonly [chat: string, before: string, after: string, paceMs: number],
  boolean
>(new URL("commit-delivery-2.lua", import.meta.url), decodeFlag);
