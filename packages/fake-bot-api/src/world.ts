/**
 * The world the bot lives in: users, private chats, groups, supergroups and channels, with their
 * members (the bot among them), status and messages. Tests set it up (addUser, addChat, block,
 * setMember…); the Bot API methods read it through the lookups below.
 */
import type { Chat, ChatMember, User, UserFromGetMe } from "grammy/types";
import { badRequest } from "./errors.js";
import type { Flavour } from "./flavours.js";
import type { TimestampRing } from "./limits.js";
import { defaultBotStatus, isPresent, memberObject, newMemberEntry, type MemberEntry } from "./members.js";
import type { Params } from "./params.js";
import type { AddUserOptions, MemberRights, MemberStatus, NewUser, SentMessage } from "./types.js";

/** The chat as a whole; the bot's own standing in a group or channel is its member entry. */
export type ChatStatus = "active" | "blocked" | "deactivated" | "forgotten" | "migrated";

export interface Topic {
  name: string;
  icon_color: number;
  closed: boolean;
  createdBy: User;
  date: number;
}

export interface ChatState {
  chat: Chat;
  status: ChatStatus;
  migratedTo?: number;
  /** Private chats: the user has pressed Start (or written to the bot). */
  started: boolean;
  /** Groups, supergroups and channels: members by user id, the bot included. */
  members?: Map<number, MemberEntry>;
  /** Forum supergroups: open and closed topics by message_thread_id. */
  topics?: Map<number, Topic>;
  /** Message ids are per chat and shared by the bot's and the users' messages, as in Telegram. */
  lastMessageId: number;
  /** The bot's messages in send order (only with recordMessages). */
  sent: SentMessage[];
  byId: Map<number, SentMessage>;
  /** Recent accepted sends, for the per-chat limit. */
  window?: TimestampRing;
}

/** Supergroup and channel ids are -100…; plain groups are small negative numbers. */
const SUPERGROUP_ID_BOUND = -1_000_000_000_000;

function inferChat(id: number, flavour: Flavour): Chat {
  if (id > 0) return { id, type: "private", first_name: `User ${id}` };
  if (id <= SUPERGROUP_ID_BOUND && flavour.chatTypes.has("supergroup")) return { id, type: "supergroup", title: `Supergroup ${-id}` };
  return { id, type: "group", title: `Group ${-id}` };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class World {
  private readonly chats = new Map<number, ChatState>();
  /** Every user the fake has met (addUser, userSends, setMember…), for ChatMember.user. */
  private readonly users = new Map<number, User>();

  /**
   * `strictChats`: any chat the fake has not seen is "chat not found"; otherwise unknown positive
   * ids become private chats on the fly. `flavour`: the messenger the world belongs to.
   */
  constructor(
    readonly botUser: UserFromGetMe,
    private readonly strictChats: boolean,
    readonly flavour: Flavour,
  ) {}

  // ----- setting up --------------------------------------------------------------------------

  addUser(input: NewUser, options: AddUserOptions): User {
    const user: User = { id: input.id, is_bot: false, first_name: input.first_name };
    if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username !== undefined) user.username = input.username;
    if (input.language_code !== undefined) user.language_code = input.language_code;
    this.rememberUser(user);
    const state = this.register(this.privateChatOf(user));
    if (options.started !== undefined) state.started = options.started;
    return user;
  }

  neverStarted(userId: number): void {
    const state = this.chats.get(userId) ?? this.register(this.privateChatOf(this.userById(userId)));
    if (state.chat.type !== "private") throw new Error(`FakeTelegram.neverStarted: chat ${userId} is not a private chat`);
    state.started = false;
  }

  kick(chatId: number): void {
    if (chatId > 0) throw new Error("FakeTelegram.kick is for groups and channels; use block() for a private chat");
    this.setStatus(chatId, "active");
    const state = this.ensureChat(chatId);
    this.putMember(state, this.botSender(), "kicked", {});
  }

  restore(chatId: number): void {
    this.setStatus(chatId, "active");
    const state = this.ensureChat(chatId);
    const bot = state.members?.get(this.botUser.id);
    if (bot && !isPresent(bot)) this.putMember(state, this.botSender(), defaultBotStatus(state.chat.type), {});
  }

  migrate(oldChatId: number, newChatId: number): void {
    const old = this.ensureChat(oldChatId);
    if (old.chat.type !== "group") throw new Error("FakeTelegram.migrate: only a group can be upgraded to a supergroup");
    if (!this.flavour.chatTypes.has("supergroup")) throw new Error(`FakeTelegram.migrate: ${this.flavour.name} has no supergroups`);
    if (!this.chats.has(newChatId)) this.register({ id: newChatId, type: "supergroup", title: old.chat.title });
    old.status = "migrated";
    old.migratedTo = newChatId;
  }

  setStatus(chatId: number, status: ChatStatus): void {
    const state = this.ensureChat(chatId);
    state.status = status;
    if (status !== "migrated") delete state.migratedTo;
  }

  setMember(chatId: number, user: number | User, status: MemberStatus, rights: MemberRights): ChatMember {
    const state = this.groupChat(chatId, "setMember");
    const who = typeof user === "number" ? this.userById(user) : user;
    if (who.id === this.botUser.id) return this.setBotMember(chatId, status, rights);
    this.rememberUser(who);
    return memberObject(state.chat.type, this.putMember(state, who, status, rights), this.flavour);
  }

  setBotMember(chatId: number, status: MemberStatus, rights: MemberRights): ChatMember {
    const state = this.groupChat(chatId, "setBotMember");
    return memberObject(state.chat.type, this.putMember(state, this.botSender(), status, rights), this.flavour);
  }

  memberOf(chatId: number, userId: number): ChatMember {
    const state = this.groupChat(chatId, "memberOf");
    return memberObject(state.chat.type, this.member(state, userId), this.flavour);
  }

  /** Adds a chat, or updates the description of a known one (keeping its messages, status and members). */
  register(chat: Chat): ChatState {
    if (!this.flavour.chatTypes.has(chat.type)) {
      throw new Error(`FakeTelegram: ${this.flavour.name} has no ${chat.type} chats (only ${[...this.flavour.chatTypes].join(", ")})`);
    }
    if (chat.type === "supergroup" && chat.is_forum === true && !this.flavour.forums) {
      throw new Error(`FakeTelegram: ${this.flavour.name} has no forums`);
    }
    const existing = this.chats.get(chat.id);
    if (existing) {
      existing.chat = chat;
      if (chat.type !== "private" && !existing.members) this.putMember(existing, this.botSender(), defaultBotStatus(chat.type), {});
      return existing;
    }
    const state: ChatState = { chat, status: "active", started: true, lastMessageId: 0, sent: [], byId: new Map() };
    this.chats.set(chat.id, state);
    if (chat.type !== "private") this.putMember(state, this.botSender(), defaultBotStatus(chat.type), {});
    return state;
  }

  putMember(state: ChatState, user: User, status: MemberStatus, rights: MemberRights): MemberEntry {
    // Left and banned members stay possible everywhere (the bot's access depends on them); a
    // restricted member only where getChatMember can show one.
    if (status === "restricted" && !this.flavour.memberStatuses.has("restricted")) {
      throw new Error(`FakeTelegram: ${this.flavour.name} has no restricted members`);
    }
    const entry = newMemberEntry(user, status, rights);
    (state.members ??= new Map()).set(user.id, entry);
    return entry;
  }

  rememberUser(user: User): void {
    if (user.id !== this.botUser.id) this.users.set(user.id, user);
  }

  /** Whether the fake has met user `id` (addUser, or an update from them). */
  knowsUser(id: number): boolean {
    return this.users.has(id);
  }

  // ----- looking up --------------------------------------------------------------------------

  chat(id: number): ChatState | undefined {
    return this.chats.get(id);
  }

  ensureChat(id: number): ChatState {
    return this.chats.get(id) ?? this.register(inferChat(id, this.flavour));
  }

  /** The chat a request names in chat_id, or Telegram's error. */
  knownChat(p: Params): ChatState {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === "") throw badRequest("chat_id is empty");
    const id = this.chatIdOf(raw);
    const state = this.chats.get(id);
    if (state) return state;
    if (this.strictChats || id <= 0) throw badRequest("chat not found");
    return this.ensureChat(id);
  }

  /** A chat_id as a number: an id, or the @username of a known chat. */
  chatIdOf(raw: unknown): number {
    if (typeof raw === "number" && Number.isInteger(raw)) return raw;
    if (typeof raw === "string" && /^-?\d+$/.test(raw)) return Number(raw);
    if (typeof raw === "string" && raw.startsWith("@")) {
      const username = raw.slice(1).toLowerCase();
      for (const state of this.chats.values()) {
        if (state.chat.username?.toLowerCase() === username) return state.chat.id;
      }
    }
    throw badRequest("chat not found");
  }

  /** The bot as it appears in `from` of its messages. */
  botSender(): User {
    const { id, is_bot, first_name, username } = this.botUser;
    return { id, is_bot, first_name, username };
  }

  privateChatOf(user: User): Chat.PrivateChat {
    const chat: Chat.PrivateChat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    return chat;
  }

  /** A user's member entry; users never set (and the bot in a private chat) have "left". */
  member(state: ChatState, userId: number): MemberEntry {
    return (
      state.members?.get(userId) ?? {
        user: userId === this.botUser.id ? this.botSender() : this.userById(userId),
        status: "left",
        rights: {},
      }
    );
  }

  botMember(state: ChatState): MemberEntry {
    return this.member(state, this.botUser.id);
  }

  /** A user the fake has met, or a stand-in named like inferred private chats. */
  userById(id: number): User {
    const known = this.users.get(id);
    if (known) return known;
    const chat = this.chats.get(id)?.chat;
    if (chat?.type === "private") {
      const user: User = { id, is_bot: false, first_name: chat.first_name };
      if (chat.last_name !== undefined) user.last_name = chat.last_name;
      if (chat.username !== undefined) user.username = chat.username;
      return user;
    }
    return { id, is_bot: false, first_name: `User ${id}` };
  }

  /** A registered group, supergroup or channel, for the member setters. */
  groupChat(chatId: number, caller: string): ChatState {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`FakeTelegram.${caller}: chat ${chatId} is unknown; register it with addChat`);
    if (state.chat.type === "private")
      throw new Error(`FakeTelegram.${caller}: chat ${chatId} is a private chat; this is for groups and channels`);
    return state;
  }

  /** A chat whose messages reach the bot: it must be in it, as Telegram delivers nothing otherwise. */
  deliveringChat(chatId: number, caller: string): ChatState {
    const state = this.groupChat(chatId, caller);
    if (state.status !== "active") throw new Error(`FakeTelegram.${caller}: chat ${chatId} is ${state.status}`);
    const bot = this.botMember(state);
    if (!isPresent(bot)) {
      throw new Error(`FakeTelegram.${caller}: the bot is ${bot.status} in chat ${chatId}, so Telegram would not deliver this`);
    }
    return state;
  }
}
