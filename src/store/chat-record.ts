import { categorySlug, type CategorySlug } from "../ids.js";

export type ChatKind = "private" | "group" | "supergroup" | "channel";

export interface Subscription {
  readonly slug: CategorySlug;
  /**
   * Articles of this category count for the chat only from this sequence number on
   * (0: from the chat's cursor). Set when a chat that already had a cursor subscribes, so that
   * a new subscription does not pull in the category's older articles.
   */
  readonly since: number;
}

/**
 * Everything Bulletin keeps about one chat, stored as one short string per chat so that a
 * million readers fit in a few dozen megabytes: preferences next to subscriptions next to the
 * delivery cursor, one read for all of them.
 */
export interface ChatRecord {
  readonly kind: ChatKind;
  readonly language: string;
  readonly active: boolean;
  readonly subscriptions: readonly Subscription[];
  /** Every article with a sequence number ≤ cursor has been delivered (or skipped) for this chat. */
  readonly cursor: number;
  /** Articles above the cursor already delivered out of order (breaking news). */
  readonly sentAhead: readonly number[];
}

const KIND_CODES: Record<ChatKind, string> = { private: "p", group: "g", supergroup: "s", channel: "c" };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as ChatKind]));

export function encodeChatRecord(record: ChatRecord): string {
  const subscriptions = record.subscriptions
    .map((s) => (s.since > record.cursor ? `${s.slug}@${s.since.toString(36)}` : s.slug))
    .join(",");
  return [
    KIND_CODES[record.kind],
    record.language,
    record.active ? "1" : "0",
    subscriptions,
    record.cursor.toString(36),
    record.sentAhead.filter((seq) => seq > record.cursor).map((seq) => seq.toString(36)).join(","),
  ].join("|");
}

export function decodeChatRecord(encoded: string): ChatRecord {
  const fields = encoded.split("|");
  const [kindCode = "", language = "", active = "", subscriptions = "", cursor = "", sentAhead = ""] = fields;
  const kind = KINDS_BY_CODE.get(kindCode);
  const corrupt = () => new Error(`corrupt chat record ${JSON.stringify(encoded)}`);
  if (!kind || fields.length !== 6 || !/^[0-9a-z]+$/.test(cursor) || !/^[01]$/.test(active)) throw corrupt();
  return {
    kind,
    language,
    active: active === "1",
    subscriptions: subscriptions
      ? subscriptions.split(",").map((entry) => {
          const [slug = "", since] = entry.split("@");
          return { slug: categorySlug(slug), since: since ? parseInt(since, 36) : 0 };
        })
      : [],
    cursor: parseInt(cursor, 36),
    sentAhead: sentAhead ? sentAhead.split(",").map((seq) => parseInt(seq, 36)) : [],
  };
}

export function subscribedSlugs(record: ChatRecord | undefined): CategorySlug[] {
  return record?.subscriptions.map((s) => s.slug) ?? [];
}

/** The record after subscribing to `slugs`; `currentSeq` is the newest article's sequence number. */
export function withSubscriptions(
  record: ChatRecord | undefined,
  slugs: readonly CategorySlug[],
  currentSeq: number,
  defaults: { kind: ChatKind; language: string },
): ChatRecord {
  const fresh = !record || !record.active;
  const base: ChatRecord = fresh
    ? { kind: defaults.kind, language: defaults.language, active: true, subscriptions: [], cursor: currentSeq, sentAhead: [] }
    : record;
  const have = new Set(base.subscriptions.map((s) => s.slug));
  const added = [...new Set(slugs)].filter((slug) => !have.has(slug)).map((slug) => ({ slug, since: fresh ? 0 : currentSeq }));
  return { ...base, subscriptions: [...base.subscriptions, ...added] };
}

export function withoutSubscriptions(record: ChatRecord, slugs: readonly CategorySlug[]): ChatRecord {
  const drop = new Set<string>(slugs);
  return { ...record, subscriptions: record.subscriptions.filter((s) => !drop.has(s.slug)) };
}
