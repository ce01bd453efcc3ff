import { decodeFlag, loadScript } from "../script.js";

/** compare-and-set-chat-n.lua: answers whether the record was the expected one, and so changed. */
export const compareAndSetChat = loadScript<
  readonly [chats: string, due: string, ...subscriberSets: string[]],
  readonly [chat: string, expected: string, next: string, adds: number, nextDue: number | ""],
  boolean
>(new URL("compare-and-set-chat-n.lua", import.meta.url), decodeFlag);
