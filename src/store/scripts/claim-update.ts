import { loadScript, unexpectedReply } from "../script.js";

/** What became of a webhook update's entry into the journal (claim-update-2.lua). */
export type UpdateClaim = "done" | "held" | "claimed";

const CLAIMS: readonly unknown[] = ["done", "held", "claimed"] satisfies UpdateClaim[];

/** claim-update-2.lua. */
export const claimUpdate = loadScript<
  readonly [journal: string, handledMark: string],
  readonly [updateId: number, entry: string, nowMs: number, leaseMs: number],
  UpdateClaim
>(new URL("claim-update-2.lua", import.meta.url), (reply) =>
  CLAIMS.includes(reply) ? (reply as UpdateClaim) : unexpectedReply('"done", "held" or "claimed"'),
);
