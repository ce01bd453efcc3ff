import { isInteger, loadScript, unexpectedReply } from "../script.js";

export type Claim =
  | { readonly kind: "claimed" }
  /** The record is not the one the plan was made from. */
  | { readonly kind: "changed" }
  /** The chat's pace (or another send in flight) holds it for `waitMs` more. */
  | { readonly kind: "pacing"; readonly waitMs: number };

const CLAIMED: Claim = { kind: "claimed" };
const CHANGED: Claim = { kind: "changed" };

function decodeClaim(reply: unknown): Claim {
  if (reply === 0) return CLAIMED;
  if (reply === -1) return CHANGED;
  if (isInteger(reply) && reply > 0) return { kind: "pacing", waitMs: reply };
  return unexpectedReply("0, -1 or a positive number of ms");
}

/** claim-chat-2.lua. */
export const claimChat = loadScript<
  readonly [chats: string, pace: string],
  readonly [chat: string, planned: string, claimMs: number],
  Claim
>(new URL("claim-chat-2.lua", import.meta.url), decodeClaim);
