import type { Categories } from "../config/categories.js";
import { supportedLanguage, type Language } from "../i18n/index.js";
import type { CategorySlug, ChatId } from "../ids.js";
import { prefsOf, subscribedSlugs, withSubscriptions, withoutSubscriptions, type ChatKind, type ChatRecord } from "../store/chat-record.js";
import type { ChatStore } from "../store/chats.js";

export interface SlugSplit {
  readonly known: CategorySlug[];
  readonly unknown: string[];
}

export interface SubscribeResult {
  readonly added: CategorySlug[];
  readonly already: CategorySlug[];
}

export interface UnsubscribeResult {
  readonly removed: CategorySlug[];
  readonly notSubscribed: CategorySlug[];
}

export interface ChatProfile {
  readonly kind: ChatKind;
  readonly language: string;
}

/** What readers (and later channel admins) can do with subscriptions, free of Telegram. */
export class SubscriptionService {
  constructor(
    private readonly store: ChatStore,
    readonly categories: Categories,
  ) {}

  /** Splits user-typed slugs into known and unknown ones (case-insensitive, `#` allowed). */
  split(words: readonly string[]): SlugSplit {
    const known: CategorySlug[] = [];
    const unknown: string[] = [];
    for (const word of words) {
      const slug = word.trim().replace(/^#/, "").toLowerCase();
      if (!slug) continue;
      if (this.categories.has(slug)) {
        if (!known.includes(slug)) known.push(slug);
      } else if (!unknown.includes(word)) unknown.push(word);
    }
    return { known, unknown };
  }

  async subscriptions(chat: ChatId): Promise<CategorySlug[]> {
    const record = await this.store.get(chat);
    return record?.active ? subscribedSlugs(record) : [];
  }

  async subscribe(chat: ChatId, slugs: readonly CategorySlug[], profile: ChatProfile): Promise<SubscribeResult> {
    const currentSeq = await this.store.currentSequence();
    const { before } = await this.store.update(chat, (record) => withSubscriptions(record, slugs, currentSeq, profile));
    const had = new Set(before?.active ? subscribedSlugs(before) : []);
    return { added: slugs.filter((s) => !had.has(s)), already: slugs.filter((s) => had.has(s)) };
  }

  async unsubscribe(chat: ChatId, slugs: readonly CategorySlug[]): Promise<UnsubscribeResult> {
    const { before } = await this.store.update(chat, (record) => record && withoutSubscriptions(record, slugs));
    const had = new Set(before?.active ? subscribedSlugs(before) : []);
    return { removed: slugs.filter((s) => had.has(s)), notSubscribed: slugs.filter((s) => !had.has(s)) };
  }

  /** Drops every subscription; answers what the chat followed before. */
  async stop(chat: ChatId): Promise<CategorySlug[]> {
    const { before } = await this.store.update(chat, (record) => record && { ...record, subscriptions: [] });
    return before?.active ? subscribedSlugs(before) : [];
  }

  /**
   * Follows `slug` or stops following it: as `follow` says, or, without it, the opposite of now.
   * Answers the new state.
   */
  async toggle(chat: ChatId, slug: CategorySlug, profile: ChatProfile, follow?: boolean): Promise<boolean> {
    const currentSeq = await this.store.currentSequence();
    const { after } = await this.store.update(chat, (record) => {
      const following = record?.active === true && subscribedSlugs(record).includes(slug);
      if ((follow ?? !following) === following) return undefined;
      return following ? withoutSubscriptions(record, [slug]) : withSubscriptions(record, [slug], currentSeq, profile);
    });
    return subscribedSlugs(after).includes(slug);
  }

  async record(chat: ChatId): Promise<ChatRecord | undefined> {
    return this.store.get(chat);
  }

  /** A reader who never chose a language follows their Telegram language: answers the record after. */
  async followTelegramLanguage(chat: ChatId, language: Language): Promise<ChatRecord | undefined> {
    const { after } = await this.store.update(chat, (record) =>
      record && !record.prefs?.languageChosen && supportedLanguage(record.language) !== language ? { ...record, language } : undefined,
    );
    return after;
  }

  /** The reader chose `language` (/language): it stays theirs whatever their Telegram's language, even before they follow anything. */
  async chooseLanguage(chat: ChatId, language: Language): Promise<void> {
    const currentSeq = await this.store.currentSequence();
    await this.store.update(chat, (record) => {
      const current = record ?? { kind: "private", language, active: true, subscriptions: [], cursor: currentSeq, sentAhead: [] };
      return { ...current, language, prefs: { ...prefsOf(current), languageChosen: true } };
    });
  }
}
