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

/** An article posted in some of a forum's topics: each topic is its own send. */
export interface TopicProgress {
  readonly seq: number;
  readonly threads: readonly number[];
}

/** The thread of a post to the chat itself (outside any topic) in a TopicProgress. */
export const NO_TOPIC = 0;

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

/** How a reader gets their articles: each at once, or gathered into one digest an hour or a day. */
export type DigestMode =
  | { readonly kind: "instant" }
  | { readonly kind: "hourly" }
  /** `at`: the minute of the day (0..1439) in the reader's time zone. */
  | { readonly kind: "daily"; readonly at: number };

/** A reader's own way of receiving the news (private chats only). */
export interface ReaderPrefs {
  readonly digest: DigestMode;
  /** An IANA zone name; absent: DEFAULT_TIMEZONE. */
  readonly timezone?: string;
  /** Nothing is sent from `from` to `to` (minutes of the day in the reader's zone; from ≠ to; may wrap midnight). */
  readonly quiet?: { readonly from: number; readonly to: number };
  /** The article languages to receive; absent: all. */
  readonly languages?: readonly string[];
  /** Normalized whole words (src/preferences/words.ts): an article holding one is not sent. */
  readonly muted: readonly string[];
  /** The reader picked `language` with /language (else it follows Telegram's language_code). */
  readonly languageChosen?: boolean;
  /** Epoch minute from which the articles held back go out as one digest; absent: nothing is held. */
  readonly nextDue?: number;
}

export const DEFAULT_PREFS: ReaderPrefs = { digest: { kind: "instant" }, muted: [] };

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
  /**
   * Forums only: articles posted in some of the chat's topics but not yet in all of them, and the
   * topics that have them (NO_TOPIC: the chat itself); absent when none is under way.
   */
  readonly topicsSent?: readonly TopicProgress[];
  /** Channels and groups only; absent means the defaults. */
  readonly settings?: ChatSettings;
  /** Private chats only; absent means the defaults (and costs no byte). */
  readonly prefs?: ReaderPrefs;
}

function settingsTokens(settings: ChatSettings | undefined): string[] {
  if (!settings) return [];
  const tokens: string[] = [];
  if (!settings.photo) tokens.push("nophoto");
  if (!settings.linkPreview) tokens.push("nopreview");
  if (!settings.hashtags) tokens.push("notags");
  if (settings.linkedBy !== undefined) tokens.push(`by${settings.linkedBy}`);
  if (settings.signature !== "") tokens.push(`sig=${encodeURIComponent(settings.signature)}`);
  if (settings.title) tokens.push(`t=${encodeURIComponent(settings.title)}`);
  return tokens;
}

/** Applies one settings token; false when the token is not one of them. */
function readSettingsToken(settings: { -readonly [K in keyof ChatSettings]: ChatSettings[K] }, token: string): boolean {
  if (token === "nophoto") settings.photo = false;
  else if (token === "nopreview") settings.linkPreview = false;
  else if (token === "notags") settings.hashtags = false;
  else if (/^by-?\d+$/.test(token)) settings.linkedBy = userId(Number(token.slice(2)));
  else if (token.startsWith("sig=")) settings.signature = decodeURIComponent(token.slice(4));
  else if (token.startsWith("t=")) settings.title = decodeURIComponent(token.slice(2));
  else return false;
  return true;
}

/**
 * Only what would break the record's syntax is escaped in a reader's words and names, so that
 * Persian stays as compact as UTF-8 makes it (percent-encoding would triple it).
 */
const escapeValue = (value: string): string => value.replace(/[%,;|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const unescapeValue = (value: string): string =>
  value.replace(/%(25|2C|3B|7C)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const list = (values: readonly string[]): string => values.map(escapeValue).join(",");
const unlist = (value: string): string[] => (value === "" ? [] : value.split(",").map(unescapeValue));
const base36 = (n: number): string => n.toString(36);
const minuteOfDay = (value: string): number | undefined => {
  const n = /^[0-9a-z]{1,3}$/.test(value) ? parseInt(value, 36) : NaN;
  return n >= 0 && n < 1440 ? n : undefined;
};

/**
 * A reader's preferences as tokens: `d=h` (hourly) or `d=<minute>` (daily), `z=<zone>`,
 * `q=<from>-<to>`, `l=<languages>`, `m=<muted words>`, `lc` (language chosen), `n=<next due>`;
 * numbers in base 36. The defaults write nothing.
 */
function prefsTokens(prefs: ReaderPrefs | undefined): string[] {
  if (!prefs) return [];
  const tokens: string[] = [];
  if (prefs.digest.kind === "hourly") tokens.push("d=h");
  if (prefs.digest.kind === "daily") tokens.push(`d=${base36(prefs.digest.at)}`);
  if (prefs.timezone !== undefined) tokens.push(`z=${escapeValue(prefs.timezone)}`);
  if (prefs.quiet) tokens.push(`q=${base36(prefs.quiet.from)}-${base36(prefs.quiet.to)}`);
  if (prefs.languages) tokens.push(`l=${list(prefs.languages)}`);
  if (prefs.muted.length > 0) tokens.push(`m=${list(prefs.muted)}`);
  if (prefs.languageChosen) tokens.push("lc");
  if (prefs.nextDue !== undefined) tokens.push(`n=${base36(prefs.nextDue)}`);
  return tokens;
}

/** Applies one preferences token; false when the token is not one of them. */
function readPrefsToken(prefs: { -readonly [K in keyof ReaderPrefs]: ReaderPrefs[K] }, token: string): boolean {
  if (token === "lc") {
    prefs.languageChosen = true;
    return true;
  }
  const match = /^([dzqlmn])=(.*)$/s.exec(token);
  if (!match) return false;
  const [, name, value = ""] = match;
  if (name === "d") {
    const at = minuteOfDay(value);
    if (value === "h") prefs.digest = { kind: "hourly" };
    else if (at !== undefined) prefs.digest = { kind: "daily", at };
  } else if (name === "z") prefs.timezone = unescapeValue(value);
  else if (name === "q") {
    const [from, to] = value.split("-").map(minuteOfDay);
    if (from !== undefined && to !== undefined) prefs.quiet = { from, to };
  } else if (name === "l") prefs.languages = unlist(value);
  else if (name === "m") prefs.muted = unlist(value);
  else if (/^[0-9a-z]+$/.test(value)) prefs.nextDue = parseInt(value, 36);
  return true;
}

/** A forum's posts under way as one token, `ts=<seq>:<thread>.<thread>,…` in base 36; none once the cursor passed them. */
function topicsToken(record: ChatRecord): string[] {
  const open = (record.topicsSent ?? []).filter((p) => p.seq > record.cursor && p.threads.length > 0);
  if (open.length === 0) return [];
  return [`ts=${open.map((p) => `${base36(p.seq)}:${p.threads.map(base36).join(".")}`).join(",")}`];
}

function readTopicsToken(token: string): TopicProgress[] | undefined {
  const match = /^ts=([0-9a-z:.,]+)$/.exec(token);
  if (!match) return undefined;
  return match[1]!.split(",").map((entry) => {
    const [seq = "", threads = ""] = entry.split(":");
    return { seq: parseInt(seq, 36), threads: threads === "" ? [] : threads.split(".").map((t) => parseInt(t, 36)) };
  });
}

/** The record's last field: a channel's settings, a forum's posts under way or a reader's preferences; "" for the defaults. */
function encodeExtras(record: ChatRecord): string {
  return [...settingsTokens(record.settings), ...topicsToken(record), ...prefsTokens(record.prefs)].join(";");
}

function decodeExtras(encoded: string): { settings?: ChatSettings; prefs?: ReaderPrefs; topicsSent?: TopicProgress[] } {
  if (encoded === "") return {};
  const settings = { ...DEFAULT_SETTINGS };
  const prefs = { ...DEFAULT_PREFS };
  let hasSettings = false;
  let hasPrefs = false;
  let topicsSent: TopicProgress[] | undefined;
  for (const token of encoded.split(";")) {
    if (readSettingsToken(settings, token)) hasSettings = true;
    else if (token.startsWith("ts=")) topicsSent = readTopicsToken(token);
    else if (readPrefsToken(prefs, token)) hasPrefs = true;
  }
  return { ...(hasSettings ? { settings } : {}), ...(hasPrefs ? { prefs } : {}), ...(topicsSent ? { topicsSent } : {}) };
}

/** The preferences with nothing held: `nextDue` left out. */
export function withoutNextDue(prefs: ReaderPrefs): ReaderPrefs {
  const rest = { ...prefs };
  delete rest.nextDue;
  return rest;
}

/** The reader's preferences, defaults filled in. */
export function prefsOf(record: ChatRecord | undefined): ReaderPrefs {
  return record?.prefs ?? DEFAULT_PREFS;
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
  const extras = encodeExtras(record);
  // Readers' records (default preferences) keep six fields: a million of them, every byte counts.
  return (extras === "" ? fields : [...fields, extras]).join("|");
}

export function decodeChatRecord(encoded: string): ChatRecord {
  const fields = encoded.split("|");
  const [kindCode = "", language = "", active = "", subscriptions = "", cursor = "", sentAhead = "", extras = ""] = fields;
  const kind = KINDS_BY_CODE.get(kindCode);
  const corrupt = () => new Error(`corrupt chat record ${JSON.stringify(encoded)}`);
  if (!kind || fields.length < 6 || fields.length > 7 || !/^[0-9a-z]+$/.test(cursor) || !/^[01]$/.test(active)) throw corrupt();
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
    ...decodeExtras(extras),
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
  // A reader coming back keeps their preferences; what was held for them before is not theirs any more.
  const kept = record?.prefs && withoutNextDue(record.prefs);
  const base: ChatRecord = fresh
    ? {
        kind: defaults.kind,
        language: defaults.language,
        active: true,
        subscriptions: [],
        cursor: currentSeq,
        sentAhead: [],
        ...(kept ? { prefs: kept } : {}),
      }
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
