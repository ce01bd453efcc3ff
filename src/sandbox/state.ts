import { randomInt } from "node:crypto";
import type { Update, User } from "grammy/types";
import type { Categories } from "../config/categories.js";
import type { FakeTelegram, FakeTelegramEvent, SentMessage } from "@bulletin/fake-bot-api";
import { telegramLimitsOn } from "./start.js";
import type { ActivityLine, Button, Channel, ChatEntry, Counters, Reader, SandboxEvent, World } from "./page/protocol.js";

/**
 * What the sandbox page shows, kept in memory: the simulated readers and channels, each chat's
 * transcript (the bot's messages as they are now, and what the reader typed), the activity log and
 * the counters. It listens to the built-in Bot API and tells the page's streams what changed.
 */

/** A chat keeps its newest entries only; the page is for watching, not an archive. */
const TRANSCRIPT_LIMIT = 200;
const ACTIVITY_LIMIT = 100;
export const MAX_READERS = 50;
export const MAX_CHANNELS = 20;

/**
 * Reader ids (= their private chats' ids) and channel ids, in Telegram's ranges, from a base drawn
 * at each start: a reader of this run never inherits the subscriptions of one of an earlier run
 * that Redis still holds (the built-in Bot API answers "chat not found" for those, and Bulletin
 * drops them as it would for Telegram).
 */
const readerBase = (): number => 5_000_000_000 + randomInt(0, 1_000_000) * 1000;
const channelBase = (): number => -(1_002_000_000_000 + randomInt(0, 1_000_000) * 1000);

export class SandboxState {
  private readonly readers = new Map<number, Reader>();
  private readonly channels = new Map<number, Channel>();
  private readonly transcripts = new Map<number, ChatEntry[]>();
  private readonly activity: ActivityLine[] = [];
  private readonly listeners = new Set<(event: SandboxEvent) => void>();
  private queued = 0;
  private failed = 0;
  private readonly stopListening: () => void;
  private readonly firstReaderId = readerBase();
  private readonly firstChannelId = channelBase();

  constructor(
    private readonly telegram: FakeTelegram,
    private readonly categories: Categories,
  ) {
    this.stopListening = telegram.onEvent((event) => this.onTelegram(event));
  }

  close(): void {
    this.stopListening();
    this.listeners.clear();
  }

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listening(): number {
    return this.listeners.size;
  }

  snapshot(): SandboxEvent {
    return {
      type: "snapshot",
      world: this.world(),
      transcripts: Object.fromEntries([...this.transcripts].map(([chatId, entries]) => [String(chatId), entries])),
      counters: this.counters(),
      activity: [...this.activity],
    };
  }

  world(): World {
    return {
      readers: [...this.readers.values()],
      channels: [...this.channels.values()].map((c) => ({ ...c, botIsAdmin: this.botIsAdmin(c.id) })),
      categories: this.categories.list.map((c) => ({ slug: c.slug, title: c.title.en })),
      limits: telegramLimitsOn(this.telegram),
      botUsername: this.telegram.botUser.username,
    };
  }

  counters(): Counters {
    return { queued: this.queued, sent: this.telegram.accepted, limited: this.telegram.rejected429, failed: this.failed };
  }

  /** The number of jobs in Bulletin's queues, as the routes last counted them. */
  setQueued(queued: number): void {
    this.queued = queued;
  }

  // ----- readers and channels ----------------------------------------------------------------

  reader(id: number): Reader | undefined {
    return this.readers.get(id);
  }

  channel(id: number): Channel | undefined {
    return this.channels.get(id);
  }

  /** A new reader who has a Telegram account but has not pressed Start yet. */
  addReader(name: string, language: string): Reader {
    if (this.readers.size >= MAX_READERS) throw new SandboxConflictError(`the sandbox holds at most ${MAX_READERS} readers`);
    const reader: Reader = { id: this.firstReaderId + this.readers.size, name, language };
    this.telegram.addUser({ id: reader.id, first_name: name, language_code: language }, { started: false });
    this.readers.set(reader.id, reader);
    this.log("info", `${isolate(name)} joined Telegram (language ${language})`);
    this.publishWorld();
    return reader;
  }

  userOf(reader: Reader): User {
    return { id: reader.id, is_bot: false, first_name: reader.name, language_code: reader.language };
  }

  /** A channel whose creator is `owner`; the bot is not in it until an admin adds it. */
  addChannel(title: string, username: string, owner: Reader): Channel {
    if (this.channels.size >= MAX_CHANNELS) throw new SandboxConflictError(`the sandbox holds at most ${MAX_CHANNELS} channels`);
    const taken = [...this.channels.values()].some((c) => c.username.toLowerCase() === username.toLowerCase());
    if (taken) throw new SandboxConflictError(`@${username} is taken; choose another username`);
    const channel: Channel = { id: this.firstChannelId - this.channels.size, title, username, ownerId: owner.id };
    this.telegram.addChat({ id: channel.id, type: "channel", title, username });
    this.telegram.setMember(channel.id, this.userOf(owner), "creator");
    this.telegram.setBotMember(channel.id, "left");
    this.channels.set(channel.id, channel);
    this.log("info", `${isolate(owner.name)} created the channel ${isolate(title)} (@${username})`);
    this.publishWorld();
    return channel;
  }

  /** Whether `reader` may add the bot to `channel`: its creator or an administrator. */
  administers(channel: Channel, reader: Reader): boolean {
    const status = this.telegram.memberOf(channel.id, reader.id).status;
    return status === "creator" || status === "administrator";
  }

  botIsAdmin(channelId: number): boolean {
    const status = this.telegram.memberOf(channelId, this.telegram.botUser.id).status;
    return status === "administrator" || status === "creator";
  }

  /** `by` makes the bot an administrator who may post: Telegram tells the bot (my_chat_member). */
  addBotToChannel(channel: Channel, by: Reader): void {
    this.telegram.botMembershipChanged(channel.id, this.userOf(by), "administrator", { can_post_messages: true });
    this.log(
      "info",
      `${isolate(by.name)} added @${this.telegram.botUser.username} to ${isolate(channel.title)} as an administrator who may post`,
    );
    this.publishWorld();
  }

  setLimits(): void {
    this.log(
      "info",
      telegramLimitsOn(this.telegram)
        ? "Telegram's limits are on: 30/s, 1/s per private chat, 20/min per channel"
        : "Telegram's limits are off",
    );
    this.publishWorld();
  }

  log(level: ActivityLine["level"], text: string): void {
    const line: ActivityLine = { at: Date.now(), level, text };
    this.activity.push(line);
    if (this.activity.length > ACTIVITY_LIMIT) this.activity.splice(0, this.activity.length - ACTIVITY_LIMIT);
    this.broadcast({ type: "activity", line });
  }

  broadcast(event: SandboxEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private publishWorld(): void {
    this.broadcast({ type: "world", world: this.world() });
  }

  // ----- what the built-in Bot API tells ------------------------------------------------------

  private onTelegram(event: FakeTelegramEvent): void {
    switch (event.type) {
      case "message":
      case "edit":
        return this.record(event.chatId, botEntry(event.message));
      case "update":
        return this.onUpdate(event.update);
      case "callback-answer":
        if (event.chatId !== undefined && event.answer.text)
          this.broadcast({ type: "toast", chatId: event.chatId, text: event.answer.text });
        return;
      case "rejected":
        return this.onRejected(event);
    }
  }

  private onUpdate(update: Readonly<Update>): void {
    const message = update.message;
    if (message?.chat.type === "private" && message.text !== undefined) {
      this.record(message.chat.id, {
        key: `u${message.message_id}`,
        from: "user",
        messageId: message.message_id,
        text: message.text,
        entities: message.entities ?? [],
        edited: false,
        date: message.date,
      });
    }
  }

  private onRejected(event: Extract<FakeTelegramEvent, { type: "rejected" }>): void {
    const where = event.chatId === undefined ? "" : ` to ${this.chatName(event.chatId)}`;
    if (event.status === 429) {
      this.log(
        "warn",
        `429 from Telegram for ${event.method}${where}: retry after ${event.retryAfter ?? 1} s; Bulletin waits and sends it again`,
      );
    } else {
      this.failed++;
      this.log("error", `${event.method}${where} refused: ${event.description}`);
    }
  }

  private chatName(chatId: number): string {
    const name = this.readers.get(chatId)?.name ?? this.channels.get(chatId)?.title;
    return name === undefined ? String(chatId) : isolate(name);
  }

  private record(chatId: number, entry: ChatEntry): void {
    const entries = this.transcripts.get(chatId) ?? [];
    const at = entries.findIndex((e) => e.key === entry.key);
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
    if (entries.length > TRANSCRIPT_LIMIT) entries.splice(0, entries.length - TRANSCRIPT_LIMIT);
    this.transcripts.set(chatId, entries);
    this.broadcast({ type: "entry", chatId, entry });
  }
}

/** A name or title inside a log line, isolated so that a right-to-left one keeps the line in order. */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** A request the sandbox cannot carry out (too many readers, a taken username): 409 for the page. */
export class SandboxConflictError extends Error {}

/** The bot's message as the page draws it. */
export function botEntry(message: Readonly<SentMessage>): ChatEntry {
  const photo = message.photo?.at(-1);
  const entry: ChatEntry = {
    key: `b${message.message_id}`,
    from: "bot",
    messageId: message.message_id,
    text: message.text ?? message.caption ?? "",
    entities: message.entities,
    edited: message.edits > 0,
    date: message.date,
    ...(photo && message.photoSource !== undefined
      ? { photo: { source: message.photoSource, width: photo.width, height: photo.height } }
      : {}),
    ...(message.reply_markup ? { buttons: buttonsOf(message) } : {}),
  };
  const preview = previewUrl(message);
  return preview === undefined ? entry : { ...entry, preview };
}

function buttonsOf(message: Readonly<SentMessage>): Button[][] {
  return (message.reply_markup?.inline_keyboard ?? []).map((row) =>
    row.map((button) => {
      if ("callback_data" in button) return { text: button.text, data: button.callback_data };
      if ("url" in button) return { text: button.text, url: button.url };
      return { text: button.text };
    }),
  );
}

/** Telegram previews the link the bot asked for (link_preview_options.url), or the text's first link. */
function previewUrl(message: Readonly<SentMessage>): string | undefined {
  if (message.method !== "sendMessage" || message.text === undefined) return undefined;
  const options = message.link_preview_options;
  if (options?.is_disabled === true) return undefined;
  if (options?.url) return options.url;
  for (const entity of message.entities) {
    if (entity.type === "text_link") return entity.url;
    if (entity.type === "url") return message.text.slice(entity.offset, entity.offset + entity.length);
  }
  return undefined;
}
