import { decodeFlag, loadScript } from "../script.js";

/** count-paid-2.lua: counts one sent message, and answers whether it was above the free rate. */
export const countPaid = loadScript<readonly [window: string, paidMessages: string], readonly [freeRate: number], boolean>(
  new URL("count-paid-2.lua", import.meta.url),
  decodeFlag,
);
