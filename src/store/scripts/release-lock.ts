import { decodeFlag, loadScript } from "../script.js";

/** release-lock-1.lua: answers whether the lock was released (false: it was gone or another's). */
export const releaseLock = loadScript<readonly [lock: string], readonly [token: string], boolean>(
  new URL("release-lock-1.lua", import.meta.url),
  decodeFlag,
);
