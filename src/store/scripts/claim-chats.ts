import { isInteger, unexpectedReply } from "../script.js";
import { loadScriptForMany } from "../script-for-many.js";

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

/** claim-chats-n.lua: claims a batch of chats in one call, one Claim each. */
export const claimChats = loadScriptForMany<
  readonly [chats: string, pace: string],
  readonly [chat: string, planned: string, claimMs: number],
  Claim
>(new URL("claim-chats-n.lua", import.meta.url), { keys: 2, args: 3 }, decodeClaim);
