import type { Platform } from "../ids.js";

/** Where each platform opens a bot's chat (docs/bale.md, "Deep links": ble.ir is Bale's short domain). */
const LINK_ROOTS: Record<Platform, string> = { telegram: "https://t.me", bale: "https://ble.ir" };

/**
 * The link that opens the bot on its platform and, on Start, subscribes the reader to `payload` (a
 * category slug): `https://t.me/<bot>?start=world`, `https://ble.ir/<bot>?start=world`.
 */
export function deepLink(platform: Platform, username: string, payload: string): string {
  return `${LINK_ROOTS[platform]}/${username}?start=${payload}`;
}
