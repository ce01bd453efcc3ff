import { categorySlug } from "../../src/ids.js";
import type { ChatRecord } from "../../src/store/chat-record.js";

/** Categories the unit tests use. */
export const world = categorySlug("world");
export const politics = categorySlug("politics");
export const sports = categorySlug("sports");
export const science = categorySlug("science");

/** A reader's record as a fresh subscriber to `world` has it, with `overrides`. */
export function readerRecord(overrides: Partial<ChatRecord> = {}): ChatRecord {
  return {
    kind: "private",
    language: "en",
    active: true,
    subscriptions: [{ slug: world, since: 0 }],
    cursor: 0,
    sentAhead: [],
    ...overrides,
  };
}
