import type { Update, User } from "grammy/types";
import { deepLink } from "../bot/deep-links.js";
import type { Categories } from "../config/categories.js";
import { isolate } from "../i18n/bidi.js";
import type { Platform } from "../ids.js";
import type { FakeTelegram, FakeTelegramEvent } from "@bulletin/fake-bot-api";
import type { SandboxClock } from "./clock.js";
import { BASES, PLATFORM_NAMES, drawn, type SandboxFakes } from "./platforms.js";
import { botEntry, senderEntry, userEntry } from "./entries.js";
import { PageStream } from "./page-stream.js";
import { telegramLimitsOn } from "./start.js";
import type {
  Channel,
  Counters,
  DirectChat,
  Group,
  GroupOnPage,
  GroupRole,
  MenuCommand,
  PlatformOnPage,
  Reader,
  SandboxEvent,
  Topic,
  World,
} from "./page/protocol.js";

/**
 * What the sandbox page shows, kept in memory: the simulated readers, channels and groups, and the
 * counters. It listens to the built-in Bot API and tells the page's streams what changed through its
 * PageStream (page-stream.ts), which keeps each chat's transcript and the activity log.
 */

export const MAX_READERS = 50;
export const MAX_CHANNELS = 20;
export const MAX_GROUPS = 20;
export const MAX_TOPICS = 20;
export const MAX_DIRECT_CHATS = 50;

/** A chat between two readers is the page's alone (each reader sees it under the other's id): ids of its own range. */
const directBase = (): number => drawn(7_000_000_000);

interface GroupState extends Group {
  readonly topics: Topic[];
}

export class SandboxState {
  private readonly readers = new Map<number, Reader>();
  private readonly channels = new Map<number, Channel>();
  private readonly groups = new Map<number, GroupState>();
  private readonly directChats = new Map<number, DirectChat>();
  /** What the page's streams are told: routes.ts subscribes them, and logs what the page did. */
  readonly stream = new PageStream();
  private queued = 0;
  private failed = 0;
  private readonly stopListening: (() => void)[];
  private readonly bases = { telegram: BASES.telegram(), bale: BASES.bale() };
  private readonly telegram: FakeTelegram;
  private readonly firstDirectId = directBase();

  constructor(
    private readonly fakes: SandboxFakes,
    private readonly categories: Categories,
    /** The readers' schedules' clock and the zone the page shows it in (DEFAULT_TIMEZONE). */
    private readonly time: { readonly clock: SandboxClock; readonly zone: string },
  ) {
    this.telegram = fakes.telegram;
    this.stopListening = this.platforms().map((platform) => this.fake(platform).onEvent((event) => this.onTelegram(event, platform)));
  }

  close(): void {
    for (const stop of this.stopListening) stop();
    this.stream.close();
  }

  /** Telegram, and Bale when the sandbox runs it. */
  platforms(): Platform[] {
    return this.fakes.bale ? ["telegram", "bale"] : ["telegram"];
  }

  /** The built-in Bot API of a platform; a page asking for Bale in a sandbox without it is told so. */
  fake(platform: Platform): FakeTelegram {
    const fake = platform === "bale" ? this.fakes.bale : this.fakes.telegram;
    if (!fake) throw new SandboxConflictError("this sandbox runs Bulletin on Telegram only (no built-in Bale)");
    return fake;
  }

  /** The Bot API of the platform a reader, a channel or a group is on. */
  fakeOf(chat: { readonly platform: Platform }): FakeTelegram {
    return this.fake(chat.platform);
  }

  /** Readers, channels and groups of one platform meet only there: a Telegram reader cannot join a Bale group. */
  private samePlatform(reader: Reader, chat: { readonly platform: Platform; readonly title: string }): void {
    if (reader.platform !== chat.platform) {
      throw new SandboxConflictError(
        `${reader.name} is on ${PLATFORM_NAMES[reader.platform]} and ${chat.title} on ${PLATFORM_NAMES[chat.platform]}: add a ${PLATFORM_NAMES[chat.platform]} reader`,
      );
    }
  }

  snapshot(): SandboxEvent {
    const { transcripts, activity } = this.stream.kept();
    return { type: "snapshot", world: this.world(), transcripts, counters: this.counters(), activity };
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
      platforms: this.platforms().map((platform) => this.platformOnPage(platform)),
    };
  }

  private platformOnPage(platform: Platform): PlatformOnPage {
    const botUsername = this.fake(platform).botUser.username;
    return { platform, name: PLATFORM_NAMES[platform], botUsername, startLink: deepLink(platform, botUsername, "") };
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

  /** Both platforms' sends together. */
  counters(): Counters {
    const fakes = this.platforms().map((platform) => this.fake(platform));
    const sum = (count: (fake: FakeTelegram) => number) => fakes.reduce((total, fake) => total + count(fake), 0);
    return { queued: this.queued, sent: sum((f) => f.accepted), limited: sum((f) => f.rejected429), failed: this.failed };
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

  /** A new reader who has an account on the platform (Telegram or Bale) but has not pressed Start yet. */
  addReader(name: string, language: string, platform: Platform = "telegram"): Reader {
    if (this.readers.size >= MAX_READERS) throw new SandboxConflictError(`the sandbox holds at most ${MAX_READERS} readers`);
    const fake = this.fake(platform);
    const reader: Reader = { id: this.bases[platform].reader + this.readers.size, name, language, platform };
    fake.addUser({ id: reader.id, first_name: name, language_code: language }, { started: false });
    this.readers.set(reader.id, reader);
    this.stream.log("info", `${isolate(name)} joined ${PLATFORM_NAMES[platform]} (language ${language})`);
    this.publishWorld();
    return reader;
  }

  /** The bot's commands as Telegram's menu shows them in the reader's chat now (setMyCommands: for that chat, or for their language). */
  menuOf(reader: Reader): MenuCommand[] {
    return this.fakeOf(reader).commandsShownIn({
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

  /** A channel on the owner's platform whose creator is `owner`; the bot is not in it until an admin adds it. */
  addChannel(title: string, username: string, owner: Reader): Channel {
    if (this.channels.size >= MAX_CHANNELS) throw new SandboxConflictError(`the sandbox holds at most ${MAX_CHANNELS} channels`);
    const { platform } = owner;
    const taken = [...this.channels.values()].some((c) => c.platform === platform && c.username.toLowerCase() === username.toLowerCase());
    if (taken) throw new SandboxConflictError(`@${username} is taken; choose another username`);
    const channel: Channel = { id: this.bases[platform].channel - this.channels.size, title, username, ownerId: owner.id, platform };
    const fake = this.fake(platform);
    fake.addChat({ id: channel.id, type: "channel", title, username });
    fake.setMember(channel.id, this.userOf(owner), "creator");
    fake.setBotMember(channel.id, "left");
    this.channels.set(channel.id, channel);
    this.stream.log("info", `${isolate(owner.name)} created the channel ${isolate(title)} (@${username})`);
    this.publishWorld();
    return channel;
  }

  /** Whether `reader` may add the bot to `channel`: its creator or an administrator. */
  administers(channel: Channel, reader: Reader): boolean {
    this.samePlatform(reader, channel);
    const status = this.fakeOf(channel).memberOf(channel.id, reader.id).status;
    return status === "creator" || status === "administrator";
  }

  botIsAdmin(channelId: number): boolean {
    const fake = this.fakeOfChat(channelId);
    const status = fake.memberOf(channelId, fake.botUser.id).status;
    return status === "administrator" || status === "creator";
  }

  /**
   * `by` makes the bot an administrator who may post: Telegram tells the bot (my_chat_member); Bale
   * tells it nothing (docs/bale.md), so there the admin links the channel with /link in private.
   */
  addBotToChannel(channel: Channel, by: Reader): void {
    const fake = this.fakeOf(channel);
    fake.botMembershipChanged(channel.id, this.userOf(by), "administrator", { can_post_messages: true });
    const added = `${isolate(by.name)} added @${fake.botUser.username} to ${isolate(channel.title)} as an administrator who may post`;
    this.stream.log(
      "info",
      channel.platform === "bale"
        ? `${added}; Bale does not tell the bot, so the admin sends it /link @${channel.username} <category> in private`
        : added,
    );
    this.publishWorld();
  }

  /** A group (or a forum, with its first topics) on the owner's platform whose creator is `owner`; the bot is not in it yet. */
  addGroup(title: string, owner: Reader, forum: boolean, topics: readonly string[]): Group {
    if (this.groups.size >= MAX_GROUPS) throw new SandboxConflictError(`the sandbox holds at most ${MAX_GROUPS} groups`);
    if (!forum && topics.length > 0) throw new SandboxConflictError("only a forum has topics");
    const { platform } = owner;
    if (forum && platform === "bale") throw new SandboxConflictError("Bale has no forums (topics): make a plain group");
    const n = [...this.groups.values()].filter((g) => g.forum === forum && g.platform === platform).length;
    const id = forum ? this.bases[platform].forum - n : this.bases[platform].group - n;
    const group: GroupState = { id, title, forum, ownerId: owner.id, platform, topics: [] };
    const fake = this.fake(platform);
    fake.addChat(forum ? { id, type: "supergroup", title, is_forum: true } : { id, type: "group", title });
    fake.setMember(id, this.userOf(owner), "creator");
    fake.setBotMember(id, "left");
    this.groups.set(id, group);
    this.stream.log("info", `${isolate(owner.name)} created the ${forum ? "forum" : "group"} ${isolate(title)}`);
    for (const name of topics) this.addTopic(group, name, owner);
    this.publishWorld();
    return group;
  }

  /** The reader's place in the group, if they are in it. */
  roleIn(groupId: number, reader: Reader): GroupRole | undefined {
    const group = this.groups.get(groupId);
    if (group && group.platform !== reader.platform) return undefined;
    const status = this.fakeOfChat(groupId).memberOf(groupId, reader.id).status;
    return status === "creator" || status === "administrator" || status === "member" ? status : undefined;
  }

  /** `reader` joins the group, or becomes an administrator or a plain member again. */
  setGroupMember(group: Group, reader: Reader, role: "administrator" | "member"): void {
    this.samePlatform(reader, group);
    if (this.roleIn(group.id, reader) === "creator") throw new SandboxConflictError(`${reader.name} created ${group.title}`);
    this.fakeOf(group).setMember(group.id, this.userOf(reader), role);
    this.stream.log(
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
    const topic = { id: this.fakeOf(group).createTopic(group.id, name, { by: this.userOf(by) }), name };
    state.topics.push(topic);
    this.stream.log("info", `${isolate(by.name)} opened the topic ${isolate(name)} in ${isolate(group.title)}`);
    this.publishWorld();
    return topic;
  }

  botIsIn(groupId: number): boolean {
    const fake = this.fakeOfChat(groupId);
    const status = fake.memberOf(groupId, fake.botUser.id).status;
    return status === "member" || status === "administrator" || status === "creator";
  }

  /** `by` adds the bot to the group as a member (who may post in a group): Telegram tells the bot (my_chat_member), Bale with a service message. */
  addBotToGroup(group: Group, by: Reader): void {
    const fake = this.fakeOf(group);
    fake.botMembershipChanged(group.id, this.userOf(by), "member");
    this.stream.log("info", `${isolate(by.name)} added @${fake.botUser.username} to ${isolate(group.title)}`);
    this.publishWorld();
  }

  /** `reader` writes in the group, in a topic of a forum (none: its General topic); the bot reads it. */
  groupSays(group: Group, reader: Reader, text: string, threadId: number | undefined): Update {
    if (threadId !== undefined && !this.groups.get(group.id)?.topics.some((t) => t.id === threadId)) {
      throw new SandboxConflictError(`${group.title} has no topic ${threadId}`);
    }
    return this.fakeOf(group).userSendsInChat(this.userOf(reader), group.id, text, threadId === undefined ? {} : { threadId });
  }

  /**
   * `reader` opens the site's deep link of their platform (t.me/<bot>?start=<payload> or
   * ble.ir/<bot>?start=<payload>) and presses Start: the bot gets /start <payload>.
   */
  openDeepLink(reader: Reader, payload: string): Update {
    const fake = this.fakeOf(reader);
    this.stream.log(
      "info",
      `${isolate(reader.name)} opened ${deepLink(reader.platform, fake.botUser.username, payload)} and pressed Start`,
    );
    return fake.userSends(this.userOf(reader), `/start ${payload}`);
  }

  // ----- chats between readers (sharing-routes.ts: inline mode and the chat picker) ----------

  directChat(id: number): DirectChat | undefined {
    return this.directChats.get(id);
  }

  /** The private chat between two readers, opened the first time one writes to the other. */
  openDirectChat(a: Reader, b: Reader): DirectChat {
    if (a.id === b.id) throw new SandboxConflictError(`${a.name} cannot write to themselves here: their chat with the bot is their card`);
    // They are here to show inline mode and the share button's chat picker, which Bale lacks (docs/bale.md).
    if (a.platform !== "telegram" || b.platform !== "telegram") {
      throw new SandboxConflictError("chats between readers are Telegram's here: Bale has no inline mode to share into them");
    }
    const existing = [...this.directChats.values()].find((d) => d.readerIds.includes(a.id) && d.readerIds.includes(b.id));
    if (existing) return existing;
    if (this.directChats.size >= MAX_DIRECT_CHATS)
      throw new SandboxConflictError(`the sandbox holds at most ${MAX_DIRECT_CHATS} chats between readers`);
    const chat: DirectChat = { id: this.firstDirectId + this.directChats.size, readerIds: [a.id, b.id] };
    this.directChats.set(chat.id, chat);
    this.stream.log("info", `${isolate(a.name)} opened a chat with ${isolate(b.name)} (the bot is not in it)`);
    this.publishWorld();
    return chat;
  }

  /** The page moved the clock forward. */
  clockMoved(): void {
    const shown = new Intl.DateTimeFormat("en-GB", {
      timeZone: this.time.zone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(this.time.clock.now());
    this.stream.log("info", `The clock moved forward to ${shown} (${this.time.zone}): digests and quiet hours follow it within a minute`);
    this.publishWorld();
  }

  setLimits(): void {
    const bale = this.fakes.bale ? " (Bale's: 20/s)" : "";
    this.stream.log(
      "info",
      telegramLimitsOn(this.telegram)
        ? `Telegram's limits are on: 30/s, 1/s per private chat, 20/min per channel${bale}`
        : "Telegram's limits are off" + (bale ? ", Bale's too" : ""),
    );
    this.publishWorld();
  }

  private publishWorld(): void {
    this.stream.broadcast({ type: "world", world: this.world() });
  }

  // ----- what the built-in Bot API tells ------------------------------------------------------

  private onTelegram(event: FakeTelegramEvent, platform: Platform): void {
    switch (event.type) {
      case "message":
      case "edit": {
        // A reader's pick of an inline result: their message, sent via the bot.
        const sender = event.message.sender;
        if (sender) {
          const author = this.groups.has(event.chatId) ? sender.first_name : undefined;
          return this.stream.record(event.chatId, senderEntry(event.message, this.fake(platform).botUser.username, author));
        }
        const entry = botEntry(event.message);
        // In a group Telegram shows who wrote each message, the bot too.
        const bot = this.fake(platform).botUser.first_name;
        return this.stream.record(event.chatId, this.groups.has(event.chatId) ? { ...entry, author: bot } : entry);
      }
      case "update":
        return this.onUpdate(event.update);
      case "callback-answer":
        if (event.chatId !== undefined && event.answer.text)
          this.stream.broadcast({ type: "toast", chatId: event.chatId, text: event.answer.text });
        return;
      case "rejected":
        return this.onRejected(event, platform);
      case "direct":
        return this.onDirect(event, platform);
    }
  }

  /** A message between two readers: their chat's card shows it (opened if it was not). */
  private onDirect(event: Extract<FakeTelegramEvent, { type: "direct" }>, platform: Platform): void {
    const from = this.readers.get(event.from);
    const to = this.readers.get(event.to);
    if (!from || !to) return;
    const chat = this.openDirectChat(from, to);
    const via = event.message.method === "inline" ? this.fake(platform).botUser.username : undefined;
    this.stream.record(chat.id, senderEntry(event.message, via, from.name));
  }

  private onUpdate(update: Readonly<Update>): void {
    const message = update.message;
    if (!message) return;
    const inGroup = message.chat.type === "group" || message.chat.type === "supergroup";
    const entry = userEntry(message, inGroup ? message.from.first_name : undefined);
    if (entry) this.stream.record(message.chat.id, entry);
  }

  private onRejected(event: Extract<FakeTelegramEvent, { type: "rejected" }>, platform: Platform): void {
    const where = event.chatId === undefined ? "" : ` to ${this.chatName(event.chatId)}`;
    if (event.status === 429) {
      const wait = event.retryAfter === undefined && platform === "bale" ? "no retry_after" : `retry after ${event.retryAfter ?? 1} s`;
      this.stream.log(
        "warn",
        `429 from ${PLATFORM_NAMES[platform]} for ${event.method}${where}: ${wait}; Bulletin waits and sends it again`,
      );
    } else {
      this.failed++;
      this.stream.log("error", `${event.method}${where} refused: ${event.description}`);
    }
  }

  /** The Bot API a channel or a group of the page lives on. */
  private fakeOfChat(chatId: number): FakeTelegram {
    const chat = this.channels.get(chatId) ?? this.groups.get(chatId);
    return this.fake(chat?.platform ?? "telegram");
  }

  private chatName(chatId: number): string {
    const name = this.readers.get(chatId)?.name ?? this.channels.get(chatId)?.title ?? this.groups.get(chatId)?.title;
    return name === undefined ? String(chatId) : isolate(name);
  }
}

/** A request the sandbox cannot carry out (too many readers, a taken username): 409 for the page. */
export class SandboxConflictError extends Error {}
