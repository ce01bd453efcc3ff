/**
 * What users do, as updates for the bot: write to it in private, in groups and forum topics (also
 * as anonymous admins), post in channels, press its buttons, and add, promote, restrict or remove
 * the bot (my_chat_member; on Bale only joining a group, as new_chat_members). Each checks that
 * Telegram would deliver it and throws otherwise.
 */
import type { Chat, ChatMember, Message, Update, User } from "grammy/types";
import type { CallbackQueries } from "./callbacks.js";
import { commandEntities } from "./content.js";
import { isAdminEntry, isPresent, memberObject } from "./members.js";
import { messageObject } from "./messages.js";
import { topicRoot } from "./topics.js";
import type { ChatMessageOptions, MemberRights, MemberStatus, SentMessage } from "./types.js";
import type { UpdateQueue } from "./updates.js";
import { nowSeconds, type World } from "./world.js";

/** The sender Telegram puts in `from` of an anonymous group admin's messages. */
export const GROUP_ANONYMOUS_BOT: Readonly<User> = Object.freeze({
  id: 1087968824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
});

export class UserSimulation {
  constructor(
    private readonly world: World,
    private readonly updates: UpdateQueue,
    private readonly callbacks: CallbackQueries,
  ) {}

  userSends(user: User, text: string): Update {
    const state = this.world.chat(user.id) ?? this.world.register(this.world.privateChatOf(user));
    if (state.chat.type !== "private") throw new Error(`FakeTelegram.userSends: chat ${user.id} is not private`);
    this.world.rememberUser(user);
    // In Telegram a user must unblock a bot to write to it.
    if (state.status === "blocked") state.status = "active";
    state.started = true;
    const message: Message & Update.NonChannel = {
      message_id: ++state.lastMessageId,
      from: user,
      chat: state.chat,
      date: nowSeconds(),
      text,
    };
    const entities = commandEntities(text);
    if (entities.length > 0) message.entities = entities;
    return this.updates.queue({ message });
  }

  userSendsInChat(user: User, chatId: number, text: string, options: ChatMessageOptions): Update {
    const state = this.world.deliveringChat(chatId, "userSendsInChat");
    const chat = state.chat;
    if (chat.type !== "group" && chat.type !== "supergroup") {
      throw new Error(
        `FakeTelegram.userSendsInChat: chat ${chatId} is a ${chat.type}; use ${chat.type === "channel" ? "channelPost" : "userSends"}`,
      );
    }
    this.world.rememberUser(user);
    const entry = state.members?.get(user.id);
    if (options.anonymousAdmin === true) {
      if (!entry || !isAdminEntry(entry)) {
        throw new Error(
          `FakeTelegram.userSendsInChat: user ${user.id} is not an administrator of chat ${chatId}, so cannot write anonymously`,
        );
      }
    } else if (!entry) {
      this.world.putMember(state, user, "member", {});
    } else if (!isPresent(entry) || (entry.status === "restricted" && entry.rights.can_send_messages !== true)) {
      throw new Error(`FakeTelegram.userSendsInChat: user ${user.id} (${entry.status}) cannot write in chat ${chatId}`);
    }
    const message: Message & Update.NonChannel = {
      message_id: ++state.lastMessageId,
      from: options.anonymousAdmin === true ? { ...GROUP_ANONYMOUS_BOT } : user,
      chat,
      date: nowSeconds(),
    };
    if (options.anonymousAdmin === true) message.sender_chat = chat;
    if (options.threadId !== undefined) {
      const root = topicRoot(state, options.threadId);
      if (!root) throw new Error(`FakeTelegram.userSendsInChat: chat ${chatId} has no forum topic ${options.threadId} (createTopic)`);
      message.message_thread_id = options.threadId;
      message.reply_to_message = root;
    }
    message.text = text;
    const entities = commandEntities(text);
    if (entities.length > 0) message.entities = entities;
    if (options.threadId !== undefined) message.is_topic_message = true;
    return this.updates.queue({ message });
  }

  channelPost(chatId: number, text: string): Update {
    const state = this.world.deliveringChat(chatId, "channelPost");
    const chat = state.chat;
    if (chat.type !== "channel") throw new Error(`FakeTelegram.channelPost: chat ${chatId} is a ${chat.type}, not a channel`);
    const post: Message & Update.Channel = {
      message_id: ++state.lastMessageId,
      sender_chat: chat,
      chat,
      date: nowSeconds(),
      text,
    };
    const entities = commandEntities(text);
    if (entities.length > 0) post.entities = entities;
    return this.updates.queue({ channel_post: post });
  }

  botMembershipChanged(target: number | Chat, by: User, newStatus: MemberStatus, rights: MemberRights): Update | undefined {
    const id = typeof target === "number" ? target : target.id;
    let state = this.world.chat(id);
    if (!state) {
      if (typeof target === "number")
        throw new Error(`FakeTelegram.botMembershipChanged: chat ${id} is unknown; pass the Chat to register it`);
      state = this.world.register(target);
      if (target.type !== "private") this.world.putMember(state, this.world.botSender(), "left", {});
    }
    if (state.status === "forgotten") throw new Error(`FakeTelegram.botMembershipChanged: chat ${id} was forgotten`);
    this.world.rememberUser(by);
    const bot = this.world.botSender();
    let oldMember: ChatMember;
    let newMember: ChatMember;
    if (state.chat.type === "private") {
      if (newStatus !== "member" && newStatus !== "kicked") {
        throw new Error(`FakeTelegram.botMembershipChanged: in a private chat the bot is "member" or "kicked", not "${newStatus}"`);
      }
      oldMember = state.status === "blocked" ? { user: bot, status: "kicked", until_date: 0 } : { user: bot, status: "member" };
      newMember = newStatus === "kicked" ? { user: bot, status: "kicked", until_date: 0 } : { user: bot, status: "member" };
      state.status = newStatus === "kicked" ? "blocked" : "active";
      if (newStatus === "member") state.started = true;
    } else {
      const wasPresent = isPresent(this.world.member(state, bot.id));
      oldMember = memberObject(state.chat.type, this.world.member(state, bot.id), this.world.flavour);
      const entry = this.world.putMember(state, bot, newStatus, rights);
      newMember = memberObject(state.chat.type, entry, this.world.flavour);
      if (this.world.flavour.joinNotice === "new_chat_members") {
        // Bale: only the bot joining a group is told, as a service message in the group.
        if (state.chat.type !== "group" || wasPresent || !isPresent(entry)) return undefined;
        const message: Message & Update.NonChannel = {
          message_id: ++state.lastMessageId,
          from: by,
          chat: state.chat,
          date: nowSeconds(),
          new_chat_members: [bot],
        };
        return this.updates.queue({ message });
      }
    }
    if (this.world.flavour.joinNotice !== "my_chat_member") return undefined;
    return this.updates.queue({
      my_chat_member: { chat: state.chat, from: by, date: nowSeconds(), old_chat_member: oldMember, new_chat_member: newMember },
    });
  }

  userPresses(user: User, message: SentMessage | Message, data: string): Update {
    const chatId = "chat_id" in message ? message.chat_id : message.chat.id;
    const state = this.world.chat(chatId);
    const stored = state?.byId.get(message.message_id);
    let shown: Message;
    if (state && stored) shown = messageObject(state, stored, this.world.botSender());
    else if (!("chat_id" in message)) shown = message;
    else throw new Error(`FakeTelegram.userPresses: message ${message.message_id} in chat ${chatId} is unknown`);
    const id = this.callbacks.open(user.id, chatId);
    return this.updates.queue({
      callback_query: { id, from: user, message: shown, chat_instance: `-${4_000_000_000_000 + Math.abs(chatId)}`, data },
    });
  }
}
