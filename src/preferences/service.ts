import type { ChatId } from "../ids.js";
import type { ChatStore } from "../store/chats.js";
import { prefsOf, withoutNextDue, type ReaderPrefs } from "../store/chat-record.js";
import { epochMinute, type Clock } from "../time.js";
import { rescheduled, zoneOf } from "./schedule.js";
import { MAX_MUTED_WORDS, MAX_MUTED_WORD_LENGTH, normalizeMutedWord } from "./words.js";

/**
 * A change to a reader's preferences: the fields to replace (`undefined` resets an optional one to
 * its default), or a function of the current preferences. `nextDue` is not the caller's: the
 * service works it out.
 */
export type PrefsChange = Partial<Omit<ReaderPrefs, "nextDue">> | ((current: ReaderPrefs) => ReaderPrefs);

/**
 * Readers' preferences, read and changed as a whole. A change is one atomic write of the chat's
 * record that also keeps the due index in step: when the digest mode, the time zone or the quiet
 * hours change, the next digest is rescheduled from the clock (see `rescheduled`).
 */
export class PreferencesService {
  constructor(
    private readonly store: ChatStore,
    private readonly clock: Clock,
    /** DEFAULT_TIMEZONE: the zone of readers who did not choose one. */
    readonly defaultTimezone: string,
  ) {}

  /** The chat's preferences, defaults filled in (the defaults for a chat Bulletin does not know). */
  async get(chat: ChatId): Promise<ReaderPrefs> {
    return prefsOf(await this.store.get(chat));
  }

  /** The zone the reader's times are in: their own, else DEFAULT_TIMEZONE. */
  timezoneOf(prefs: ReaderPrefs): string {
    return zoneOf(prefs, this.defaultTimezone);
  }

  /**
   * Applies `change` and answers the preferences as stored, or undefined when the chat is not a
   * private chat Bulletin knows (nothing is stored then). Muted words are stored normalized
   * (words.ts), once each; more than MAX_MUTED_WORDS, or one longer than MAX_MUTED_WORD_LENGTH,
   * is a caller's bug (commands check the bounds and answer the reader first) and throws.
   */
  async update(chat: ChatId, change: PrefsChange): Promise<ReaderPrefs | undefined> {
    const now = epochMinute(this.clock.now());
    const { after } = await this.store.update(chat, (record) => {
      if (!record || record.kind !== "private") return undefined;
      const before = prefsOf(record);
      const changed = typeof change === "function" ? change(before) : { ...before, ...change };
      const prefs = { ...changed, muted: checkedMuted(changed.muted) };
      const nextDue = rescheduled(before, prefs, this.defaultTimezone, now);
      const rest = withoutNextDue(prefs);
      return { ...record, prefs: nextDue === undefined ? rest : { ...rest, nextDue } };
    });
    return after?.kind === "private" ? prefsOf(after) : undefined;
  }
}

function checkedMuted(muted: readonly string[]): string[] {
  if (muted.some((word) => word.length > MAX_MUTED_WORD_LENGTH)) {
    throw new RangeError(`a muted word is longer than ${MAX_MUTED_WORD_LENGTH} characters`);
  }
  const words = [...new Set(muted.map(normalizeMutedWord))].filter((word) => word !== "");
  if (words.length > MAX_MUTED_WORDS) throw new RangeError(`more than ${MAX_MUTED_WORDS} muted words`);
  return words;
}
