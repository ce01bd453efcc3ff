/**
 * Forum topics of supergroups: tests open, close, reopen and delete them; sends name one with
 * message_thread_id, and topic messages reply to the topic's forum_topic_created message.
 */
import type { Message } from "grammy/types";
import { badRequest } from "./errors.js";
import { intParam, type Params } from "./params.js";
import { mayManageTopics } from "./rights.js";
import type { TopicOptions } from "./types.js";
import { nowSeconds, type ChatState, type Topic, type World } from "./world.js";

type ReplyMessage = NonNullable<Message["reply_to_message"]>;

export class Topics {
  constructor(private readonly world: World) {}

  create(chatId: number, name: string, options: TopicOptions): number {
    const state = this.forum(chatId, "createTopic");
    // As in Telegram, the thread id is the id of the topic's forum_topic_created service message.
    const threadId = ++state.lastMessageId;
    const topic: Topic = {
      name,
      icon_color: options.iconColor ?? 7322096,
      closed: false,
      createdBy: options.by ?? this.world.botSender(),
      date: nowSeconds(),
    };
    (state.topics ??= new Map()).set(threadId, topic);
    return threadId;
  }

  setClosed(chatId: number, threadId: number, closed: boolean): void {
    this.topic(chatId, threadId, closed ? "closeTopic" : "reopenTopic").closed = closed;
  }

  delete(chatId: number, threadId: number): void {
    this.topic(chatId, threadId, "deleteTopic");
    this.world.chat(chatId)?.topics?.delete(threadId);
  }

  /** The message_thread_id of a send: an open topic of a forum, or the error Telegram answers. */
  threadOf(state: ChatState, p: Params): number | undefined {
    const thread = intParam(p, "message_thread_id");
    if (thread === undefined || thread <= 0) return undefined;
    const topic = state.topics?.get(thread);
    if (!topic) throw badRequest("message thread not found");
    if (topic.closed && !mayManageTopics(this.world.botMember(state))) throw badRequest("TOPIC_CLOSED");
    return thread;
  }

  private forum(chatId: number, caller: string): ChatState {
    const state = this.world.groupChat(chatId, caller);
    const chat = state.chat;
    if (chat.type !== "supergroup" || chat.is_forum !== true) {
      throw new Error(`FakeTelegram.${caller}: chat ${chatId} is not a forum (a supergroup added with is_forum: true)`);
    }
    return state;
  }

  private topic(chatId: number, threadId: number, caller: string): Topic {
    const topic = this.forum(chatId, caller).topics?.get(threadId);
    if (!topic) throw new Error(`FakeTelegram.${caller}: chat ${chatId} has no topic ${threadId}`);
    return topic;
  }
}

/** The forum_topic_created service message a topic message replies to. */
export function topicRoot(state: ChatState, threadId: number): ReplyMessage | undefined {
  const topic = state.topics?.get(threadId);
  if (!topic) return undefined;
  return {
    reply_to_message: undefined, // dropped by JSON; a replied-to message never carries its own
    message_id: threadId,
    from: topic.createdBy,
    chat: state.chat,
    date: topic.date,
    message_thread_id: threadId,
    forum_topic_created: { name: topic.name, icon_color: topic.icon_color },
    is_topic_message: true,
  };
}
