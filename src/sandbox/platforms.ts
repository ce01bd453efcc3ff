import { randomInt } from "node:crypto";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import type { Platform } from "../ids.js";

/** The sandbox's platforms, Telegram and Bale: their built-in Bot APIs, names and the ids of their chats. */

/**
 * Reader, channel and group ids, in Telegram's ranges (a basic group's is small and negative, a
 * supergroup's and a channel's -100…), from a base drawn at each start: besides the deletion of the
 * last run's keys at start, a reader of this run never shares an id with one of an earlier run
 * (chats between readers have a range of their own, state.ts).
 * Bale's are drawn from ranges of their own: Bulletin keeps the platforms' chats apart whatever
 * their ids (a Bale chat 123 is not Telegram's), and distinct ids let the page name a chat by its id.
 */
export const drawn = (from: number): number => from + randomInt(0, 1_000_000) * 1000;
export const BASES: Record<Platform, () => { reader: number; channel: number; group: number; forum: number }> = {
  telegram: () => ({
    reader: drawn(5_000_000_000),
    channel: -drawn(1_002_000_000_000),
    group: -drawn(4_000_000_000),
    forum: -drawn(1_003_000_000_000),
  }),
  // Bale has no forums (docs/bale.md): its forum base is never used.
  bale: () => ({ reader: drawn(8_000_000_000), channel: -drawn(1_005_000_000_000), group: -drawn(6_000_000_000), forum: 0 }),
};

/** The messengers as the page names them. */
export const PLATFORM_NAMES: Record<Platform, string> = { telegram: "Telegram", bale: "Bale" };

/** The built-in Bot APIs a sandbox runs on: Telegram's, and Bale's when the sandbox runs the Bale bot too. */
export interface SandboxFakes {
  readonly telegram: FakeTelegram;
  readonly bale?: FakeTelegram | undefined;
}
