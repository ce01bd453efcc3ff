import type { StoredArticle } from "../ingest/article.js";
import { NO_TOPIC, type ChatRecord } from "../store/chat-record.js";

/**
 * Where in the chat an article goes: the forum topics its categories are linked to (one post per
 * topic), or the chat itself (undefined).
 */
export function topicsFor(record: ChatRecord, article: StoredArticle): (number | undefined)[] {
  if (record.kind === "private") return [undefined];
  const matching = record.subscriptions.filter((s) => article.categories.includes(s.slug));
  const threads = [...new Set(matching.map((s) => s.thread))];
  return threads.length > 0 ? threads : [undefined];
}

const progressKey = (thread: number | undefined): number => thread ?? NO_TOPIC;

/**
 * Pure: the topics that still wait for article `seq`, in order. Each (chat, topic) is its own send,
 * with its own budget slot, pace and progress: a refused post in one topic never sends the others again.
 */
export function topicsLeft(record: ChatRecord, seq: number, article: StoredArticle): (number | undefined)[] {
  const sent = new Set(record.topicsSent?.find((p) => p.seq === seq)?.threads ?? []);
  return topicsFor(record, article).filter((thread) => !sent.has(progressKey(thread)));
}

/** Pure: the record once article `seq` was posted in `thread` and other topics still wait for it. */
export function withTopicSent(record: ChatRecord, seq: number, thread: number | undefined): ChatRecord {
  const others = (record.topicsSent ?? []).filter((p) => p.seq !== seq);
  const threads = [...new Set([...(record.topicsSent?.find((p) => p.seq === seq)?.threads ?? []), progressKey(thread)])];
  return { ...record, topicsSent: [...others, { seq, threads }] };
}
