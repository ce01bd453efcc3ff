import type { Message } from "grammy/types";
import type { Categories } from "../config/categories.js";
import type { Ingestor } from "../ingest/ingest.js";
import type { BulletinQueueName, OperatorQueues } from "../queues.js";
import type { Redis } from "../redis.js";
import type { ChatStore } from "../store/chats.js";
import type { Keys } from "../store/keys.js";
import {
  readCounters,
  readFeeds,
  readQueueDepths,
  readSubscribers,
  type CategorySubscribers,
  type Counters,
  type FeedsSummary,
  type QueueDepth,
} from "./stats.js";

export interface OperatorServiceDeps {
  /** ADMIN_USER_IDS (and ADMIN_CHAT_IDS' private chats): the operators, by Telegram user id. */
  readonly adminUserIds: readonly number[];
  readonly redis: Redis;
  readonly prefix: string;
  readonly keys: Keys;
  readonly store: ChatStore;
  readonly categories: Categories;
  readonly queues: OperatorQueues;
  readonly feedInterval: number;
  /** /announce stores its service message through the same ingest as articles. */
  readonly ingestor: Pick<Ingestor, "announce">;
}

/** What /stats shows: the state of every process, read from Redis. */
export interface Overview {
  readonly subscribers: readonly CategorySubscribers[];
  readonly queues: readonly QueueDepth[];
  readonly counters: Counters;
  readonly feeds: FeedsSummary;
}

/** What /pause and /resume act on: fan-out and delivery (feeds go on collecting articles). */
export const SENDING_QUEUES: readonly BulletinQueueName[] = ["fanout", "delivery"];

/**
 * Pure: whether a message is an operator's own command. Written by a listed person (not a bot), in
 * their private chat with the bot (in a group, anyone could read and repeat it), and in their own
 * words: not forwarded, not sent on behalf of a chat (sender_chat), not through an inline bot.
 */
export function operatorMayAct(message: Message, operators: ReadonlySet<number>): boolean {
  const { from, chat } = message;
  if (!from || from.is_bot || !operators.has(from.id)) return false;
  if (chat.type !== "private" || chat.id !== from.id) return false;
  return (
    message.sender_chat === undefined &&
    message.forward_origin === undefined &&
    message.is_automatic_forward !== true &&
    message.via_bot === undefined
  );
}

/** The operators' commands in Telegram (src/bot/features/admin.ts) act through this. */
export class OperatorService {
  private readonly admins: ReadonlySet<number>;

  constructor(private readonly deps: OperatorServiceDeps) {
    this.admins = new Set(deps.adminUserIds);
  }

  /** Whether `message` is an operator's own command (operatorMayAct). */
  isOperatorCommand(message: Message): boolean {
    return operatorMayAct(message, this.admins);
  }

  async overview(): Promise<Overview> {
    const { redis, prefix, keys, store, categories, queues, feedInterval } = this.deps;
    const [subscribers, depths, counters, feeds] = await Promise.all([
      readSubscribers(store, categories),
      readQueueDepths(queues.all),
      readCounters(redis, keys),
      readFeeds(redis, prefix, categories, feedInterval),
    ]);
    return { subscribers, queues: depths, counters, feeds };
  }

  /** Pauses fan-out and delivery for every process: sends in flight finish, articles wait. */
  async pauseSending(): Promise<readonly BulletinQueueName[]> {
    for (const name of SENDING_QUEUES) await this.deps.queues.byName(name).pause();
    return SENDING_QUEUES;
  }

  async resumeSending(): Promise<readonly BulletinQueueName[]> {
    for (const name of SENDING_QUEUES) await this.deps.queues.byName(name).resume();
    return SENDING_QUEUES;
  }

  /** A service message to every reader, through the same rate-limited delivery as articles. */
  announce(text: string): ReturnType<Ingestor["announce"]> {
    return this.deps.ingestor.announce(text);
  }
}
