import { categorySlug, userId, type CategorySlug, type UserId } from "../ids.js";

export type ChatKind = "private" | "group" | "supergroup" | "channel";

export interface Subscription {
  readonly slug: CategorySlug;
  /**
   * Articles of this category count for the chat only from this sequence number on
   * (0: from the chat's cursor). Set when a chat that already had a cursor subscribes, so that
   * a new subscription does not pull in the category's older articles.
   */
  readonly since: number;
  /** A forum topic of a supergroup: posts of this category go to that `message_thread_id`. */
  readonly thread?: number;
}

/** How a channel or group wants its posts; chosen by its admins. */
export interface ChatSettings {
  readonly photo: boolean;
  readonly linkPreview: boolean;
  readonly hashtags: boolean;
  /** A last line under every post; "" for none. */
  readonly signature: string;
  /** The admin who linked the chat: told once if Bulletin loses the chat. */
  readonly linkedBy?: UserId;
  /** The chat's title when it was linked, for messages to its admin. */
  readonly title?: string;
}

export const DEFAULT_SETTINGS: ChatSettings = { photo: true, linkPreview: true, hashtags: true, signature: "" };

/** A reader's own choices (private chats only). */
export interface ReaderPrefs {
  /** The reader picked `language` with /language (else it follows Telegram's language_code). */
  readonly languageChosen?: boolean;
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
  /** Channels and groups only; absent means the defaults. */
  readonly settings?: ChatSettings;
  /** Private chats only; absent means the defaults (and costs no byte). */
  readonly prefs?: ReaderPrefs;
}

function encodeSettings(settings: ChatSettings | undefined): string {
  if (!settings) return "";
  const tokens: string[] = [];
  if (!settings.photo) tokens.push("nophoto");
  if (!settings.linkPreview) tokens.push("nopreview");
  if (!settings.hashtags) tokens.push("notags");
  if (settings.linkedBy !== undefined) tokens.push(`by${settings.linkedBy}`);
  if (settings.signature !== "") tokens.push(`sig=${encodeURIComponent(settings.signature)}`);
  if (settings.title) tokens.push(`t=${encodeURIComponent(settings.title)}`);
  return tokens.join(";");
}

function decodeSettings(encoded: string): ChatSettings | undefined {
  if (encoded === "") return undefined;
  const settings: { -readonly [K in keyof ChatSettings]: ChatSettings[K] } = { ...DEFAULT_SETTINGS };
  for (const token of encoded.split(";")) {
    if (token === "nophoto") settings.photo = false;
    else if (token === "nopreview") settings.linkPreview = false;
    else if (token === "notags") settings.hashtags = false;
    else if (token.startsWith("by")) settings.linkedBy = userId(Number(token.slice(2)));
    else if (token.startsWith("sig=")) settings.signature = decodeURIComponent(token.slice(4));
    else if (token.startsWith("t=")) settings.title = decodeURIComponent(token.slice(2));
  }
  return settings;
}

/** The chat's settings, defaults filled in. */
export function settingsOf(record: ChatRecord | undefined): ChatSettings {
  return record?.settings ?? DEFAULT_SETTINGS;
}

const KIND_CODES: Record<ChatKind, string> = { private: "p", group: "g", supergroup: "s", channel: "c" };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as ChatKind]));

export function encodeChatRecord(record: ChatRecord): string {
  const subscriptions = record.subscriptions
    .map(
      (s) =>
        `${s.slug}${s.since > record.cursor ? `@${s.since.toString(36)}` : ""}${s.thread !== undefined ? `#${s.thread.toString(36)}` : ""}`,
    )
    .join(",");
  const fields = [
    KIND_CODES[record.kind],
    record.language,
    record.active ? "1" : "0",
    subscriptions,
    record.cursor.toString(36),
    record.sentAhead
      .filter((seq) => seq > record.cursor)
      .map((seq) => seq.toString(36))
      .join(","),
  ];
  // A reader's preferences share the last field with a channel's settings, as tokens of their own.
  const settings = [encodeSettings(record.settings), record.prefs?.languageChosen ? "lc" : ""].filter((part) => part !== "").join(";");
  // Readers' records (no settings) keep six fields: a million of them, every byte counts.
  return (settings === "" ? fields : [...fields, settings]).join("|");
}

export function decodeChatRecord(encoded: string): ChatRecord {
  const fields = encoded.split("|");
  const [kindCode = "", language = "", active = "", subscriptions = "", cursor = "", sentAhead = "", settings = ""] = fields;
  const kind = KINDS_BY_CODE.get(kindCode);
  const corrupt = () => new Error(`corrupt chat record ${JSON.stringify(encoded)}`);
  if (!kind || fields.length < 6 || fields.length > 7 || !/^[0-9a-z]+$/.test(cursor) || !/^[01]$/.test(active)) throw corrupt();
  const tokens = settings.split(";");
  const decodedSettings = decodeSettings(tokens.filter((token) => token !== "lc").join(";"));
  return {
    kind,
    language,
    active: active === "1",
    subscriptions: subscriptions
      ? subscriptions.split(",").map((entry) => {
          const [withSince = "", thread] = entry.split("#");
          const [slug = "", since] = withSince.split("@");
          return {
            slug: categorySlug(slug),
            since: since ? parseInt(since, 36) : 0,
            ...(thread ? { thread: parseInt(thread, 36) } : {}),
          };
        })
      : [],
    cursor: parseInt(cursor, 36),
    sentAhead: sentAhead ? sentAhead.split(",").map((seq) => parseInt(seq, 36)) : [],
    ...(decodedSettings ? { settings: decodedSettings } : {}),
    ...(tokens.includes("lc") ? { prefs: { languageChosen: true } } : {}),
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

/** The record with `slugs` posted to forum topic `thread` (undefined: the chat itself). */
export function withThread(record: ChatRecord, slugs: readonly CategorySlug[], thread: number | undefined): ChatRecord {
  const chosen = new Set<string>(slugs);
  return {
    ...record,
    subscriptions: record.subscriptions.map((s) => {
      if (!chosen.has(s.slug)) return s;
      const rest = { slug: s.slug, since: s.since };
      return thread === undefined ? rest : { ...rest, thread };
    }),
  };
}
