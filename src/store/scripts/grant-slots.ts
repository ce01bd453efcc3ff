import { isInteger, loadScript, unexpectedReply } from "../script.js";

export type Grant =
  /** Slots granted, as delays from now (µs), earliest first. */
  | { readonly granted: true; readonly delaysUs: number[] }
  /** None granted: ask again in `waitUs`. */
  | { readonly granted: false; readonly waitUs: number };

const EXPECTED = "{1, delay µs...} with at least one delay, or {0, wait µs}";

function decodeGrant(reply: unknown): Grant {
  const items: readonly unknown[] = Array.isArray(reply) ? reply : [];
  if (!items.every(isInteger)) return unexpectedReply(EXPECTED);
  const [status, first] = items;
  if (status === 1 && first !== undefined) return { granted: true, delaysUs: items.slice(1) };
  if (status === 0 && first !== undefined && items.length === 2) return { granted: false, waitUs: first };
  return unexpectedReply(EXPECTED);
}

/** grant-slots-2.lua. */
export const grantSlots = loadScript<
  readonly [theoreticalArrival: string, pause: string],
  readonly [wanted: number, intervalUs: number, aheadUs: number],
  Grant
>(new URL("grant-slots-2.lua", import.meta.url), decodeGrant);
