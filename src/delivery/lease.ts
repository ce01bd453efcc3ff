/** How long a chat stays claimed by a send in flight (a crashed process's claim runs out by then). */
export const SEND_LEASE_MS = 30_000;

/**
 * How long a delivery request to Telegram may take (grammY's default is 500 s): below the claim's
 * lease, so a send ends before its claim could, even if a renewal of the claim is lost.
 */
export const SEND_TIMEOUT_MS = 20_000;
