import { describe, expect, it } from "vitest";
import { topicsFor, topicsLeft, withTopicSent } from "../../src/delivery/topics.js";
import { applyDelivered } from "../../src/delivery/plan.js";
import { articleId } from "../../src/ids.js";
import type { StoredArticle } from "../../src/ingest/article.js";
import { NO_TOPIC, decodeChatRecord, encodeChatRecord, type ChatRecord } from "../../src/store/chat-record.js";
import { politics, readerRecord, sports, world } from "../support/records.js";

/** A forum: world in topic 11, politics in topic 12, sports outside any topic. */
const forum = (overrides: Partial<ChatRecord> = {}): ChatRecord =>
  readerRecord({
    kind: "supergroup",
    subscriptions: [
      { slug: world, since: 0, thread: 11 },
      { slug: politics, since: 0, thread: 12 },
      { slug: sports, since: 0 },
    ],
    ...overrides,
  });

const article = (seq: number, categories = [world, politics, sports]): StoredArticle => ({
  id: articleId(`a${seq}`),
  seq,
  url: `https://news.example.com/${seq}`,
  title: `Article ${seq}`,
  categories,
  priority: "normal",
  receivedAt: 1_700_000_000_000,
  source: "http",
});

describe("an article for a forum", () => {
  it("goes to every topic its categories are linked to, and to the chat itself for a category linked outside topics", () => {
    expect(topicsFor(forum(), article(5))).toEqual([11, 12, undefined]);
    expect(topicsFor(forum(), article(5, [politics]))).toEqual([12]);
    expect(topicsFor(readerRecord(), article(5))).toEqual([undefined]);
  });

  it("is posted topic by topic: a topic that has it is not posted again, whatever comes after", () => {
    let record = forum();
    expect(topicsLeft(record, 5, article(5))).toEqual([11, 12, undefined]);
    record = withTopicSent(record, 5, 11);
    expect(topicsLeft(record, 5, article(5))).toEqual([12, undefined]);
    record = withTopicSent(record, 5, undefined);
    expect(topicsLeft(record, 5, article(5))).toEqual([12]);
    expect(record.topicsSent).toEqual([{ seq: 5, threads: [11, NO_TOPIC] }]);
    // Another article (breaking news in between) keeps its own progress.
    record = withTopicSent(record, 9, 12);
    expect(topicsLeft(record, 5, article(5))).toEqual([12]);
    expect(topicsLeft(record, 9, article(9))).toEqual([11, undefined]);
  });

  it("leaves no progress behind once every topic has it (the cursor passed it), and the record is as short as before", () => {
    const done = applyDelivered(withTopicSent(withTopicSent(forum(), 5, 11), 5, 12), [5], false);
    expect(decodeChatRecord(encodeChatRecord(done)).topicsSent).toBeUndefined();
    expect(encodeChatRecord(done)).toBe(encodeChatRecord(applyDelivered(forum(), [5], false)));
  });

  it("survives being stored and read back, in base 36, and is forgotten once the cursor passed it", () => {
    const record = withTopicSent(withTopicSent(withTopicSent(forum({ cursor: 3 }), 40, 11), 40, undefined), 41, 12);
    const encoded = encodeChatRecord(record);
    expect(encoded).toContain("ts=14:b.0,15:c");
    expect(decodeChatRecord(encoded)).toEqual(record);
    expect(encodeChatRecord(decodeChatRecord(encoded))).toBe(encoded);
    expect(decodeChatRecord(encodeChatRecord({ ...record, cursor: 41 })).topicsSent).toBeUndefined();
  });
});
