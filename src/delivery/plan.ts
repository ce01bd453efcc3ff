import type { ArticleId, CategorySlug } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import { withoutNextDue, type ChatRecord } from "../store/chat-record.js";

/** One entry of a category's article log. */
export interface LogEntry {
  readonly seq: number;
  readonly id: ArticleId;
}

/** What a log read returned: entries above `from`, and whether the read hit its limit. */
export interface LogRead {
  readonly entries: readonly LogEntry[];
  readonly truncated: boolean;
}

export interface LogQuery {
  readonly slug: CategorySlug;
  /** Entries with a sequence number above this one are pending. */
  readonly from: number;
}

/** Which log ranges hold a chat's pending articles. */
export function logQueries(record: ChatRecord): LogQuery[] {
  if (!record.active) return [];
  return record.subscriptions.map((s) => ({ slug: s.slug, from: Math.max(record.cursor, s.since) }));
}

export const logQueryKey = (q: LogQuery): string => `${q.slug}|${q.from}`;

/**
 * The chat's pending articles, oldest first: the union of its categories' log reads (an article
 * in two of them counts once), minus what was already sent out of order. When a read hit its
 * limit, nothing newer than its last entry is taken, so no article is skipped between reads.
 */
export function mergePending(record: ChatRecord, reads: readonly LogRead[]): LogEntry[] {
  const horizon = Math.min(...reads.filter((r) => r.truncated && r.entries.length > 0).map((r) => r.entries[r.entries.length - 1]!.seq));
  const sent = new Set(record.sentAhead);
  const bySeq = new Map<number, LogEntry>();
  for (const read of reads) {
    for (const entry of read.entries) {
      if (entry.seq > record.cursor && entry.seq <= horizon && !sent.has(entry.seq)) bySeq.set(entry.seq, entry);
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * With nothing pending although a read hit its limit, the limit was filled by articles already
 * sent out of order (a burst of breaking news): everything up to that read's last entry is known
 * to be delivered, so the cursor may move there. Without this the chat would read the same full
 * page forever and never see what comes after it.
 */
export function cursorSkip(record: ChatRecord, reads: readonly LogRead[]): number | undefined {
  const ends = reads.filter((r) => r.truncated && r.entries.length > 0).map((r) => r.entries[r.entries.length - 1]!.seq);
  if (ends.length === 0 || mergePending(record, reads).length > 0) return undefined;
  const horizon = Math.min(...ends);
  return horizon > record.cursor ? horizon : undefined;
}

export interface PendingArticle {
  readonly seq: number;
  /** Undefined when the article expired before it could be delivered. */
  readonly article: StoredArticle | undefined;
}

export type DeliveryPlan =
  | {
      readonly type: "single";
      readonly item: PendingArticle & { article: StoredArticle };
      readonly outOfOrder: boolean;
      readonly skipped: readonly number[];
    }
  | {
      readonly type: "digest";
      readonly items: readonly (PendingArticle & { article: StoredArticle })[];
      readonly skipped: readonly number[];
    }
  | { readonly type: "skip"; readonly skipped: readonly number[] }
  | {
      /** A held reader's digest, now due: everything pending (maybe nothing), then the next digest at `nextDue`. */
      readonly type: "due";
      readonly items: readonly (PendingArticle & { article: StoredArticle })[];
      readonly skipped: readonly number[];
      readonly nextDue: number | undefined;
    };

/** A held reader's digest, due now. */
export type DuePlan = Extract<DeliveryPlan, { type: "due" }>;
type SinglePlan = Extract<DeliveryPlan, { type: "single" }>;

const isPresent = (p: PendingArticle): p is PendingArticle & { article: StoredArticle } => p.article !== undefined;

/**
 * What to send a chat now (`skipped`: expired articles the cursor may pass). Breaking news goes
 * alone and first. Channels and groups get one post per article, oldest first. A private chat gets
 * its one pending article, or a digest of several (the formatter decides how many fit; see
 * `applyDelivered`).
 */
export function planDelivery(kind: ChatRecord["kind"], allPending: readonly PendingArticle[]): DeliveryPlan | undefined {
  if (allPending.length === 0) return undefined;
  // Announcements are for readers: a channel or group passes over them as it does expired ones.
  const pending =
    kind === "private" ? allPending : allPending.map((p) => (p.article?.announcement ? { seq: p.seq, article: undefined } : p));
  const firstPresent = pending.findIndex(isPresent);
  const leadingMissing = pending.slice(0, firstPresent === -1 ? pending.length : firstPresent).map((p) => p.seq);
  const present = pending.filter(isPresent);
  if (present.length === 0) return { type: "skip", skipped: leadingMissing };

  const breaking = present.find((p) => p.article.priority === "breaking");
  if (breaking) {
    const outOfOrder = breaking !== present[0];
    return { type: "single", item: breaking, outOfOrder, skipped: outOfOrder ? [] : leadingMissing };
  }
  // An announcement goes alone, in its turn: a digest takes only what comes before it.
  const firstAnnouncement = present.findIndex((p) => p.article.announcement === true);
  const items = firstAnnouncement === -1 ? present : present.slice(0, Math.max(1, firstAnnouncement));
  if (kind !== "private" || items.length === 1) {
    return { type: "single", item: items[0]!, outOfOrder: false, skipped: leadingMissing };
  }
  return { type: "digest", items, skipped: pending.filter((p) => !isPresent(p)).map((p) => p.seq) };
}

/**
 * A held reader's digest: every pending article goes in it, breaking news included (the reader
 * asked for one message at their time), oldest first as the cursor moves; what does not fit one
 * message follows in the next. An operators' announcement still goes alone, in its turn (the
 * digest takes what comes before it). With nothing pending it only reschedules.
 */
export function planDue(pending: readonly PendingArticle[], nextDue: number | undefined): DuePlan | SinglePlan {
  const present = pending.filter(isPresent);
  const announcement = present.find((p) => p.article.announcement === true);
  const missingBefore = (seq: number) => pending.filter((p) => !isPresent(p) && p.seq < seq).map((p) => p.seq);
  if (announcement && announcement === present[0]) {
    return { type: "single", item: announcement, outOfOrder: false, skipped: missingBefore(announcement.seq) };
  }
  return {
    type: "due",
    items: announcement ? present.filter((p) => p.seq < announcement.seq) : present,
    skipped: announcement ? missingBefore(announcement.seq) : pending.filter((p) => !isPresent(p)).map((p) => p.seq),
    nextDue,
  };
}

/**
 * What a due digest's message carries: its `included` oldest items, and the passed-over articles
 * before the last of them (all of them when every item is included, `complete`).
 */
export function dueSeqs(plan: DuePlan, included: number): { seqs: number[]; complete: boolean } {
  const taken = plan.items.slice(0, included).map((i) => i.seq);
  const complete = included >= plan.items.length;
  const last = taken[taken.length - 1] ?? 0;
  const skipped = complete ? plan.skipped : plan.skipped.filter((seq) => seq < last);
  return { seqs: [...taken, ...skipped].sort((a, b) => a - b), complete };
}

/** The record with the reader's next digest due at `nextDue` (undefined: nothing held). */
export function withNextDue(record: ChatRecord, nextDue: number | undefined): ChatRecord {
  if (!record.prefs) return record;
  const prefs = withoutNextDue(record.prefs);
  return { ...record, prefs: nextDue === undefined ? prefs : { ...prefs, nextDue } };
}

/**
 * The chat's record after `sentSeqs` reached it (or were given up on). In-order deliveries move
 * the cursor; an out-of-order one (breaking news) is remembered until the cursor passes it.
 */
export function applyDelivered(record: ChatRecord, sentSeqs: readonly number[], outOfOrder: boolean): ChatRecord {
  if (sentSeqs.length === 0) return record;
  if (outOfOrder) {
    return { ...record, sentAhead: [...new Set([...record.sentAhead, ...sentSeqs])].sort((a, b) => a - b) };
  }
  const cursor = Math.max(record.cursor, ...sentSeqs);
  return { ...record, cursor, sentAhead: record.sentAhead.filter((seq) => seq > cursor) };
}
