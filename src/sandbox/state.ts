import { randomInt } from "node:crypto";
import type { Update, User } from "grammy/types";
import type { Categories } from "../config/categories.js";
import { isolate } from "../i18n/bidi.js";
import type { FakeTelegram, FakeTelegramEvent } from "@bulletin/fake-bot-api";
import type { SandboxClock } from "./clock.js";
import { botEntry, senderEntry, userEntry } from "./entries.js";
import { telegramLimitsOn } from "./start.js";
import type {
  ActivityLine,
  Channel,
  ChatEntry,
  Counters,
  DirectChat,
  Group,
  GroupOnPage,
  GroupRole,
  MenuCommand,
  Reader,
  SandboxEvent,
  Topic,
  World,
} from "./page/protocol.js";

/**
 * What the sandbox page shows, kept in memory: the simulated readers, channels and groups, each
 * chat's transcript (the bot's messages as they are now, and what readers typed), the activity log
 * and the counters. It listens to the built-in Bot API and tells the page's streams what changed.
 */

/** A chat keeps its newest entries only; the page is for watching, not an archive. */
const TRANSCRIPT_LIMIT = 200;
const ACTIVITY_LIMIT = 100;
export const MAX_READERS = 50;
export const MAX_CHANNELS = 20;
export const MAX_GROUPS = 20;
export const MAX_TOPICS = 20;
export const MAX_DIRECT_CHATS = 50;

/**
 * Reader, channel and group ids, in Telegram's ranges (a basic group's is small and negative, a
 * supergroup's and a channel's -100…), from a base drawn at each start: besides the deletion of the
 * last run's keys at start, a reader of this run never shares an id with one of an earlier run.
 */
const readerBase = (): number => 5_000_000_000 + randomInt(0, 1_000_000) * 1000;
const channelBase = (): number => -(1_002_000_000_000 + randomInt(0, 1_000_000) * 1000);
const groupBase = (): number => -(4_000_000_000 + randomInt(0, 1_000_000) * 1000);
const forumBase = (): number => -(1_003_000_000_000 + randomInt(0, 1_000_000) * 1000);
/** A chat between two readers is the page's alone (each reader sees it under the other's id): ids of its own range. */
const directBase = (): number => 7_000_000_000 + randomInt(0, 1_000_000) * 1000;

interface GroupState extends Group {
  readonly topics: Topic[];
}

export class SandboxState {
  private readonly readers = new Map<number, Reader>();
  private readonly channels = new Map<number, Channel>();
  private readonly groups = new Map<number, GroupState>();
  private readonly directChats = new Map<number, DirectChat>();
  private readonly transcripts = new Map<number, ChatEntry[]>();
  private readonly activity: ActivityLine[] = [];
  private readonly listeners = new Set<(event: SandboxEvent) => void>();
  private queued = 0;
  private failed = 0;
  private readonly stopListening: () => void;
  private readonly firstReaderId = readerBase();
  private readonly firstChannelId = channelBase();
  private readonly firstGroupId = groupBase();
  private readonly firstForumId = forumBase();
  private readonly firstDirectId = directBase();

  constructor(
    private readonly telegram: FakeTelegram,
    private readonly categories: Categories,
    /** The readers' schedules' clock and the zone the page shows it in (DEFAULT_TIMEZONE). */
    private readonly time: { readonly clock: SandboxClock; readonly zone: string },
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
      groups: [...this.groups.values()].map((g) => this.groupOnPage(g)),
      directChats: [...this.directChats.values()],
      categories: this.categories.list.map((c) => ({ slug: c.slug, title: c.title.en })),
      limits: telegramLimitsOn(this.telegram),
      clock: { ahead: this.time.clock.ahead, zone: this.time.zone },
      botUsername: this.telegram.botUser.username,
    };
  }

  private groupOnPage(group: GroupState): GroupOnPage {
    const rank: readonly GroupRole[] = ["creator", "administrator", "member"];
    const members = [...this.readers.values()]
      .flatMap((reader) => {
        const role = this.roleIn(group.id, reader);
        return role ? [{ readerId: reader.id, role }] : [];
      })
      .sort((a, b) => rank.indexOf(a.role) - rank.indexOf(b.role));
    return { ...group, topics: [...group.topics], members, botIsMember: this.botIsIn(group.id) };
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

  group(id: number): Group | undefined {
    return this.groups.get(id);
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

  /** The bot's commands as Telegram's menu shows them in the reader's chat now (setMyCommands: for that chat, or for their language). */
  menuOf(reader: Reader): MenuCommand[] {
    return this.telegram.commandsShownIn({
      chatId: reader.id,
      chatType: "private",
      userId: reader.id,
      isAdmin: false,
      languageCode: reader.language,
    });
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

  /** A group (or a forum, with its first topics) whose creator is `owner`; the bot is not in it yet. */
  addGroup(title: string, owner: Reader, forum: boolean, topics: readonly string[]): Group {
    if (this.groups.size >= MAX_GROUPS) throw new SandboxConflictError(`the sandbox holds at most ${MAX_GROUPS} groups`);
    if (!forum && topics.length > 0) throw new SandboxConflictError("only a forum has topics");
    const n = [...this.groups.values()].filter((g) => g.forum === forum).length;
    const id = forum ? this.firstForumId - n : this.firstGroupId - n;
    const group: GroupState = { id, title, forum, ownerId: owner.id, topics: [] };
    this.telegram.addChat(forum ? { id, type: "supergroup", title, is_forum: true } : { id, type: "group", title });
    this.telegram.setMember(id, this.userOf(owner), "creator");
    this.telegram.setBotMember(id, "left");
    this.groups.set(id, group);
    this.log("info", `${isolate(owner.name)} created the ${forum ? "forum" : "group"} ${isolate(title)}`);
    for (const name of topics) this.addTopic(group, name, owner);
    this.publishWorld();
    return group;
  }

  /** The reader's place in the group, if they are in it. */
  roleIn(groupId: number, reader: Reader): GroupRole | undefined {
    const status = this.telegram.memberOf(groupId, reader.id).status;
    return status === "creator" || status === "administrator" || status === "member" ? status : undefined;
  }

  /** `reader` joins the group, or becomes an administrator or a plain member again. */
  setGroupMember(group: Group, reader: Reader, role: "administrator" | "member"): void {
    if (this.roleIn(group.id, reader) === "creator") throw new SandboxConflictError(`${reader.name} created ${group.title}`);
    this.telegram.setMember(group.id, this.userOf(reader), role);
    this.log(
      "info",
      role === "administrator"
        ? `${isolate(reader.name)} is an administrator of ${isolate(group.title)}`
        : `${isolate(reader.name)} is a member of ${isolate(group.title)}`,
    );
    this.publishWorld();
  }

  /** A new topic of a forum, opened by `by`. */
  addTopic(group: Group, name: string, by: Reader): Topic {
    const state = this.groups.get(group.id);
    if (!state?.forum) throw new SandboxConflictError(`${group.title} is not a forum: only a forum has topics`);
    if (state.topics.length >= MAX_TOPICS) throw new SandboxConflictError(`a forum of the sandbox holds at most ${MAX_TOPICS} topics`);
    const topic = { id: this.telegram.createTopic(group.id, name, { by: this.userOf(by) }), name };
    state.topics.push(topic);
    this.log("info", `${isolate(by.name)} opened the topic ${isolate(name)} in ${isolate(group.title)}`);
    this.publishWorld();
    return topic;
  }

  botIsIn(groupId: number): boolean {
    const status = this.telegram.memberOf(groupId, this.telegram.botUser.id).status;
    return status === "member" || status === "administrator" || status === "creator";
  }

  /** `by` adds the bot to the group as a member (who may post in a group): Telegram tells the bot (my_chat_member). */
  addBotToGroup(group: Group, by: Reader): void {
    this.telegram.botMembershipChanged(group.id, this.userOf(by), "member");
    this.log("info", `${isolate(by.name)} added @${this.telegram.botUser.username} to ${isolate(group.title)}`);
    this.publishWorld();
  }

  /** `reader` writes in the group, in a topic of a forum (none: its General topic); the bot reads it. */
  groupSays(group: Group, reader: Reader, text: string, threadId: number | undefined): Update {
    if (threadId !== undefined && !this.groups.get(group.id)?.topics.some((t) => t.id === threadId)) {
      throw new SandboxConflictError(`${group.title} has no topic ${threadId}`);
    }
    return this.telegram.userSendsInChat(this.userOf(reader), group.id, text, threadId === undefined ? {} : { threadId });
  }

  // ----- chats between readers and inline mode ------------------------------------------------

  directChat(id: number): DirectChat | undefined {
    return this.directChats.get(id);
  }

  /** The private chat between two readers, opened the first time one writes to the other. */
  openDirectChat(a: Reader, b: Reader): DirectChat {
    if (a.id === b.id) throw new SandboxConflictError(`${a.name} cannot write to themselves here: their chat with the bot is their card`);
    const existing = [...this.directChats.values()].find((d) => d.readerIds.includes(a.id) && d.readerIds.includes(b.id));
    if (existing) return existing;
    if (this.directChats.size >= MAX_DIRECT_CHATS)
      throw new SandboxConflictError(`the sandbox holds at most ${MAX_DIRECT_CHATS} chats between readers`);
    const chat: DirectChat = { id: this.firstDirectId + this.directChats.size, readerIds: [a.id, b.id] };
    this.directChats.set(chat.id, chat);
    this.log("info", `${isolate(a.name)} opened a chat with ${isolate(b.name)} (the bot is not in it)`);
    this.publishWorld();
    return chat;
  }

  /**
   * Where `reader` types or posts when the page's card `cardId` is open, as Telegram names it: their
   * chat with the bot (their id), a group's or a channel's id, or the other reader's id in a chat
   * between readers; with the inline query's chat_type there. Undefined: the reader cannot write there.
   */
  placeFor(
    reader: Reader,
    cardId: number,
  ): { chatId: number; chatType: "sender" | "private" | "group" | "supergroup" | "channel" } | undefined {
    if (cardId === reader.id) return { chatId: reader.id, chatType: "sender" };
    const direct = this.directChats.get(cardId);
    if (direct) {
      const other = direct.readerIds.find((id) => id !== reader.id);
      return direct.readerIds.includes(reader.id) && other !== undefined ? { chatId: other, chatType: "private" } : undefined;
    }
    const group = this.groups.get(cardId);
    if (group) return this.roleIn(group.id, reader) ? { chatId: group.id, chatType: group.forum ? "supergroup" : "group" } : undefined;
    const channel = this.channels.get(cardId);
    if (channel) return this.administers(channel, reader) ? { chatId: channel.id, chatType: "channel" } : undefined;
    return undefined;
  }

  /** The page moved the clock forward. */
  clockMoved(): void {
    const shown = new Intl.DateTimeFormat("en-GB", {
      timeZone: this.time.zone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(this.time.clock.now());
    this.log("info", `The clock moved forward to ${shown} (${this.time.zone}): digests and quiet hours follow it within a minute`);
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
      case "edit": {
        // A reader's pick of an inline result: their message, sent via the bot.
        const sender = event.message.sender;
        if (sender) {
          const author = this.groups.has(event.chatId) ? sender.first_name : undefined;
          return this.record(event.chatId, senderEntry(event.message, this.telegram.botUser.username, author));
        }
        const entry = botEntry(event.message);
        // In a group Telegram shows who wrote each message, the bot too.
        return this.record(event.chatId, this.groups.has(event.chatId) ? { ...entry, author: this.telegram.botUser.first_name } : entry);
      }
      case "update":
        return this.onUpdate(event.update);
      case "callback-answer":
        if (event.chatId !== undefined && event.answer.text)
          this.broadcast({ type: "toast", chatId: event.chatId, text: event.answer.text });
        return;
      case "rejected":
        return this.onRejected(event);
      case "direct":
        return this.onDirect(event);
    }
  }

  /** A message between two readers: their chat's card shows it (opened if it was not). */
  private onDirect(event: Extract<FakeTelegramEvent, { type: "direct" }>): void {
    const from = this.readers.get(event.from);
    const to = this.readers.get(event.to);
    if (!from || !to) return;
    const chat = this.openDirectChat(from, to);
    const via = event.message.method === "inline" ? this.telegram.botUser.username : undefined;
    this.record(chat.id, senderEntry(event.message, via, from.name));
  }

  private onUpdate(update: Readonly<Update>): void {
    const message = update.message;
    if (!message) return;
    const inGroup = message.chat.type === "group" || message.chat.type === "supergroup";
    const entry = userEntry(message, inGroup ? message.from.first_name : undefined);
    if (entry) this.record(message.chat.id, entry);
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
    const name = this.readers.get(chatId)?.name ?? this.channels.get(chatId)?.title ?? this.groups.get(chatId)?.title;
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

/** A request the sandbox cannot carry out (too many readers, a taken username): 409 for the page. */
export class SandboxConflictError extends Error {}
