import { loadScript } from "../script.js";
import { decodeShard } from "./read-shards.js";

/** take-due-2.lua: the due readers taken, with their encoded records (chats without one are left out). */
export const takeDue = loadScript<
  readonly [due: string, chats: string],
  readonly [now: number, leaseEnd: number, limit: number],
  ReturnType<typeof decodeShard>
>(new URL("take-due-2.lua", import.meta.url), decodeShard);
