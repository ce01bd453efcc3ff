import { isInteger, loadScript, unexpectedReply } from "../script.js";

export type Grant =
  /**
   * Slots granted within the horizon, as delays (µs) from Redis's clock at the grant (`nowUs`),
   * earliest first; `owed` sends go now on credit.
   */
  | { readonly granted: true; readonly nowUs: number; readonly delaysUs: number[]; readonly owed: number }
  /** None granted: ask again in `waitUs`. */
  | { readonly granted: false; readonly waitUs: number };

const EXPECTED = "{1, owed, now µs, delay µs...} with at least one slot, or {0, wait µs}";

function decodeGrant(reply: unknown): Grant {
  const items: readonly unknown[] = Array.isArray(reply) ? reply : [];
  if (!items.every(isInteger)) return unexpectedReply(EXPECTED);
  const [status, first, nowUs] = items;
  if (status === 1 && first !== undefined && nowUs !== undefined && first >= 0 && first + items.length > 3) {
    return { granted: true, nowUs, delaysUs: items.slice(3), owed: first };
  }
  if (status === 0 && first !== undefined && items.length === 2) return { granted: false, waitUs: first };
  return unexpectedReply(EXPECTED);
}

/** grant-slots-2.lua. */
export const grantSlots = loadScript<
  readonly [theoreticalArrival: string, pause: string],
  readonly [wanted: number, intervalUs: number, aheadUs: number, owes: 0 | 1],
  Grant
>(new URL("grant-slots-2.lua", import.meta.url), decodeGrant);
