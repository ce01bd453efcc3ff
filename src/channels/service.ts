import type { Redis } from "ioredis";
import type { Categories } from "../config/categories.js";
import type { CategorySlug, ChatId, UserId } from "../ids.js";
import { chatId } from "../ids.js";
import {
  settingsOf,
  subscribedSlugs,
  withSubscriptions,
  withThread,
  withoutSubscriptions,
  type ChatRecord,
  type ChatSettings,
} from "../store/chat-record.js";
import type { ChatStore } from "../store/chats.js";
import type { Keys } from "../store/keys.js";
import type { ChatType } from "./rights.js";

/** A channel or group as its admin names it, resolved on its platform. */
export interface LinkableChat {
  readonly id: ChatId;
  readonly type: ChatType;
  readonly title: string;
}

export interface LinkResult {
  readonly added: CategorySlug[];
  readonly already: CategorySlug[];
}

/**
 * Channels and groups linked to categories by their admins; Telegram-free, rights checked by the caller.
 * Works on the platform of its store and keys (built with the same platform).
 */
export class ChannelService {
  constructor(
    private readonly store: ChatStore,
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly categories: Categories,
  ) {}

  /**
   * `admin`: who linked it (told if the chat is lost); unknown for a group's anonymous admin.
   * `language`: the linking admin's; the chat's posts and what its admin is told come in it.
   */
  async link(
    chat: LinkableChat,
    admin: UserId | undefined,
    language: string,
    slugs: readonly CategorySlug[],
    thread?: number,
  ): Promise<LinkResult> {
    const currentSeq = await this.store.currentSequence();
    const { before } = await this.store.update(chat.id, (record) => {
      const linked = withSubscriptions(record, slugs, currentSeq, { kind: chat.type, language });
      const previous = settingsOf(record?.active ? record : undefined);
      const settings: ChatSettings = { ...previous, linkedBy: admin ?? previous.linkedBy, title: chat.title };
      // An anonymous admin leaves the language of whoever linked the chat before.
      const spoken = admin === undefined ? linked.language : language;
      return withThread({ ...linked, kind: chat.type, language: spoken, settings }, slugs, thread);
    });
    if (admin !== undefined) await this.redis.sadd(this.keys.linkedBy(admin), String(chat.id));
    const had = new Set(before?.active ? subscribedSlugs(before) : []);
    return { added: slugs.filter((s) => !had.has(s)), already: slugs.filter((s) => had.has(s)) };
  }

  /** Drops `slugs` (all when none given); answers what was dropped. */
  async unlink(chat: ChatId, slugs?: readonly CategorySlug[]): Promise<CategorySlug[]> {
    const { before } = await this.store.update(chat, (record) => record && withoutSubscriptions(record, slugs ?? subscribedSlugs(record)));
    const had = before?.active ? subscribedSlugs(before) : [];
    return slugs ? slugs.filter((s) => had.includes(s)) : had;
  }

  async migrate(from: ChatId, to: ChatId): Promise<ChatRecord | undefined> {
    return this.store.migrate(from, to);
  }

  async get(chat: ChatId): Promise<ChatRecord | undefined> {
    return this.store.get(chat);
  }

  /** The chats `admin` linked that still receive something, with their records. */
  async linkedChats(admin: UserId): Promise<{ chat: ChatId; record: ChatRecord }[]> {
    const ids = (await this.redis.smembers(this.keys.linkedBy(admin))).map((id) => chatId(Number(id)));
    const found = await Promise.all(ids.map(async (chat) => ({ chat, record: await this.store.get(chat) })));
    return found.filter((f): f is { chat: ChatId; record: ChatRecord } => f.record?.active === true && f.record.subscriptions.length > 0);
  }

  async configure(chat: ChatId, change: Partial<ChatSettings>): Promise<ChatSettings | undefined> {
    const { after } = await this.store.update(chat, (record) => record && { ...record, settings: { ...settingsOf(record), ...change } });
    return after ? settingsOf(after) : undefined;
  }

  /**
   * Bulletin lost the chat (removed, demoted, deleted): its links are switched off. Answers the
   * record as it was when it still had links, so that its admin is told once, or undefined.
   */
  async lose(chat: ChatId): Promise<ChatRecord | undefined> {
    const { before } = await this.store.update(chat, (record) =>
      record?.active ? { ...record, active: false, subscriptions: [] } : undefined,
    );
    return before?.active && before.subscriptions.length > 0 ? before : undefined;
  }
}
