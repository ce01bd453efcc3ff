/**
 * A Telegram Bot API server of Bulletin's own (node:http, no framework): the sandbox's built-in
 * Telegram (src/sandbox/start.ts) and the fake that tests and benchmarks run against.
 *
 * The bot points grammY's `apiRoot` (the app's TELEGRAM_API_ROOT) at this server. It answers like the real Bot API: same JSON envelopes, error
 * codes and descriptions, flood limits and long polling, so code that handles Telegram's failures
 * can be tested against them.
 *
 * Groups, supergroups and channels have members, the bot among them (setMember, setBotMember,
 * botMembershipChanged); reads, edits and sends are checked against the bot's membership and rights
 * the way the Bot API server checks them, with its error codes and descriptions.
 *
 * `onEvent` tells a listener (the sandbox page) what the bot sent, edited, answered or had refused,
 * and which updates users caused; listening changes nothing in how the server answers.
 *
 * Every decision about a request (limits, errors, message ids) is taken synchronously when its
 * body has arrived; `latencyMs` only delays the answer. That keeps the rate windows exact even
 * with 100+ requests in flight, and per-request work is O(1) apart from parsing.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type {
  ApiError,
  ApiSuccess,
  BotCommand,
  Chat,
  ChatFullInfo,
  ChatMember,
  ChatMemberAdministrator,
  ChatMemberMember,
  ChatMemberOwner,
  ChatMemberRestricted,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  Message,
  MessageEntity,
  PhotoSize,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from "grammy/types";
import { parseTelegramHtml } from "./telegram-html.js";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** At most `count` accepted sends to one chat within any sliding `windowMs`. */
export interface ChatLimit {
  count: number;
  windowMs: number;
}

export interface FakeTelegramLimits {
  /** Accepted sends per sliding second for the whole bot; `null` = unlimited. Default 30 (Telegram's free limit). */
  perSecond: number | null;
  /** The same for sends with `allow_paid_broadcast: true`; `null` = unlimited. Default 1000. */
  paidPerSecond: number | null;
  /** `retry_after` (seconds) answered when the global limit is hit. Default 1. */
  retryAfter: number;
  /** Per private chat; `true` = Telegram's 1 message per second. Default false. */
  privateChat: boolean | ChatLimit;
  /** Per group, supergroup or channel; `true` = Telegram's 20 messages per minute. Default false. */
  groupChat: boolean | ChatLimit;
}

export interface FakeTelegramOptions {
  /** The token the fake accepts; the bot's id is its numeric prefix, as with real tokens. */
  token?: string;
  /** Default "bulletin_test_bot". */
  botUsername?: string;
  /** Default "Bulletin Test". */
  botFirstName?: string;
  /**
   * When true, any chat the fake has not seen (addUser, addChat, userSends) answers
   * "chat not found". When false (default), unknown positive ids become private chats on the fly;
   * unknown negative ids (groups, channels) are "chat not found" either way: register them with addChat.
   */
  strictChats?: boolean;
  limits?: Partial<FakeTelegramLimits>;
  /** Delay of every answer, in ms. Default 0. */
  latencyMs?: number;
  /** false keeps only counters and send timestamps (no message bodies, no call log). Default true. */
  recordMessages?: boolean;
  /**
   * Called with a handler's bug (answered with 500 and kept in `internalErrors`). Default: one line
   * on stderr.
   */
  onInternalError?: (error: unknown) => void;
}

/** A message the bot sent, in its current (possibly edited) state. */
export interface SentMessage {
  message_id: number;
  chat_id: number;
  method: string;
  /** Plain text after parsing (sendMessage). */
  text?: string;
  /** Plain caption after parsing (sendPhoto). */
  caption?: string;
  /** sendPhoto's `photo` as the bot sent it: an HTTP URL or a file_id. */
  photoSource?: string;
  /** The text or caption exactly as the bot sent it (HTML when parse_mode is HTML; "" when none). */
  html: string;
  parse_mode?: string;
  /** Entities of the text or caption, as Telegram returns them. */
  entities: MessageEntity[];
  photo?: PhotoSize[];
  reply_markup?: InlineKeyboardMarkup;
  link_preview_options?: LinkPreviewOptions;
  message_thread_id?: number;
  allow_paid_broadcast?: boolean;
  /** Unix seconds, as in Message.date. */
  date: number;
  /** ms timestamp of acceptance. */
  sentAt: number;
  /** How many times editMessageText / editMessageReplyMarkup changed it. */
  edits: number;
  editedAt?: number;
}

export interface RecordedCall {
  method: string;
  params: Readonly<Record<string, unknown>>;
  /** ms timestamp of arrival. */
  at: number;
  /** HTTP status answered; 0 while pending or when the connection was dropped. */
  status: number;
  description?: string;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export interface NewUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface AddUserOptions {
  /**
   * false: the user never pressed Start, so the bot cannot write to them first (403 "bot can't
   * initiate conversation with a user") until they write to it (userSends). Default true.
   */
  started?: boolean;
}

/** A ChatMember status, as Telegram spells it. */
export type MemberStatus = ChatMember["status"];

/**
 * Rights and details of a member, with ChatMemberAdministrator's and ChatMemberRestricted's field
 * names (plus custom_title, until_date, tag). Unset administrator rights take the defaults of
 * Telegram's "add admin" screen: everything on except can_promote_members, is_anonymous and
 * can_be_edited. Unset restrictions are all off (is_member: true, until_date: 0).
 */
export type MemberRights = Partial<Omit<ChatMemberAdministrator, "status" | "user">> &
  Partial<Omit<ChatMemberRestricted, "status" | "user">> &
  Partial<Omit<ChatMemberMember, "status" | "user">>;

export interface ChatMessageOptions {
  /** A forum topic (its message_thread_id, from createTopic): the message is a topic message. */
  threadId?: number;
  /** The user writes as an anonymous admin: from = GroupAnonymousBot, sender_chat = the group. */
  anonymousAdmin?: boolean;
}

export interface TopicOptions {
  /** Default 7322096 (0x6FB9F0), the first of Telegram's topic icon colours. */
  iconColor?: number;
  /** Who created the topic (the `from` of its forum_topic_created message); default the bot. */
  by?: User;
}

/** The sender Telegram puts in `from` of an anonymous group admin's messages. */
export const GROUP_ANONYMOUS_BOT: Readonly<User> = Object.freeze({
  id: 1087968824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
});

/**
 * What happened, for a listener (onEvent). `message` is the bot's accepted send, `edit` the
 * message after an accepted edit (both copies of its state at that moment), `rejected` a send or edit
 * Telegram refused (429 included), `callback-answer` an answerCallbackQuery, `update` an update
 * queued for the bot (a user's message, button press, a membership change).
 */
export type FakeTelegramEvent =
  | { readonly type: "message"; readonly chatId: number; readonly message: Readonly<SentMessage> }
  | { readonly type: "edit"; readonly chatId: number; readonly message: Readonly<SentMessage> }
  | {
      readonly type: "rejected";
      readonly chatId: number | undefined;
      readonly method: string;
      readonly status: number;
      readonly description: string;
      readonly retryAfter?: number;
    }
  | { readonly type: "callback-answer"; readonly chatId: number | undefined; readonly answer: Readonly<CallbackAnswer> }
  | { readonly type: "update"; readonly update: Readonly<Update> };

export type FakeTelegramListener = (event: FakeTelegramEvent) => void;

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What was awaited; goes into the timeout error. */
  message?: string;
}

export interface FaultOptions {
  /** Methods the fault applies to; default: the send methods (sendMessage, sendPhoto). */
  methods?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Telegram's constants and error helpers
// ---------------------------------------------------------------------------------------------

const DEFAULT_TOKEN = "123456789:AAF-fake-token-for-tests-only_xxxxx";
const TOKEN_PATTERN = /^(\d+):[A-Za-z0-9_-]{20,}$/;
const ROUTE = /^\/bot([^/?]+)\/([A-Za-z]+)\/?(?:\?(.*))?$/;

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const CALLBACK_DATA_LIMIT = 64;

const SEND_METHODS: ReadonlySet<string> = new Set(["sendMessage", "sendPhoto"]);
/** Methods whose refusals a listener hears of (onEvent "rejected"). */
const OBSERVED_METHODS: ReadonlySet<string> = new Set(["sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup"]);

const DEFAULT_LIMITS: FakeTelegramLimits = {
  perSecond: 30,
  paidPerSecond: 1000,
  retryAfter: 1,
  privateChat: false,
  groupChat: false,
};
const TELEGRAM_PRIVATE_LIMIT: ChatLimit = { count: 1, windowMs: 1000 };
const TELEGRAM_GROUP_LIMIT: ChatLimit = { count: 20, windowMs: 60_000 };

/** Update types a bot gets when allowed_updates is empty or was never set. */
const OPT_IN_UPDATES: ReadonlySet<string> = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** A Telegram error answer; handlers throw it and the dispatcher turns it into the JSON envelope. */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

const badRequest = (what: string): ApiFailure => new ApiFailure(400, `Bad Request: ${what}`);
const forbidden = (what: string): ApiFailure => new ApiFailure(403, `Forbidden: ${what}`);
const tooManyRequests = (retryAfter: number): ApiFailure =>
  new ApiFailure(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

// ---------------------------------------------------------------------------------------------
// Parameters: JSON body, urlencoded body or query string
// ---------------------------------------------------------------------------------------------

type Params = Record<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseParams(contentType: string | undefined, body: string, query: string | undefined): Params {
  const params: Params = query ? Object.fromEntries(new URLSearchParams(query)) : {};
  if (body === "") return params;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (!isRecord(parsed)) throw badRequest("can't parse JSON object");
    return Object.assign(params, parsed);
  }
  if (type === "application/x-www-form-urlencoded") {
    return Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  }
  if (type === "multipart/form-data") {
    // grammY switches to multipart only for InputFile uploads; the fake has no file storage.
    throw badRequest("FakeTelegram does not accept multipart uploads; send photos by URL or file_id");
  }
  return params;
}

function intParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw badRequest(`field "${name}" must be an Integer`);
}

function stringParam(p: Params, name: string): string | undefined {
  const v = p[name];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function boolParam(p: Params, name: string): boolean {
  const v = p[name];
  return v === true || v === "true" || v === 1 || v === "1";
}

/** Object parameters arrive as objects in JSON bodies and as JSON strings in urlencoded ones. */
function jsonParam(p: Params, name: string, parseError: string): unknown {
  const v = p[name];
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw badRequest(parseError);
  }
}

// ---------------------------------------------------------------------------------------------
// Sliding windows without scans: a ring of the most recent accepted timestamps
// ---------------------------------------------------------------------------------------------

class TimestampRing {
  private readonly buf: Float64Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(Math.max(1, capacity));
  }

  push(t: number): void {
    this.buf[this.next] = t;
    this.next = (this.next + 1) % this.buf.length;
    if (this.size < this.buf.length) this.size++;
  }

  /** The k-th most recent timestamp (1 = newest), or undefined when fewer were recorded. */
  recent(k: number): number | undefined {
    if (k < 1 || k > this.size) return undefined;
    return this.buf[(this.next - k + this.buf.length) % this.buf.length];
  }

  /** A ring of another capacity holding the same most recent timestamps. */
  resized(capacity: number): TimestampRing {
    const ring = new TimestampRing(capacity);
    for (let k = Math.min(this.size, ring.buf.length); k >= 1; k--) ring.push(this.recent(k) ?? 0);
    return ring;
  }
}

/**
 * ms to wait until one more send fits, 0 when it fits now. "At most `limit` in any window" holds
 * exactly when the limit-th most recent accepted send is at least `windowMs` old.
 */
function windowWait(ring: TimestampRing, limit: number, windowMs: number, now: number): number {
  if (limit <= 0) return windowMs;
  const t = ring.recent(limit);
  return t === undefined ? 0 : Math.max(0, t + windowMs - now);
}

// ---------------------------------------------------------------------------------------------
// Chats
// ---------------------------------------------------------------------------------------------

/** The chat as a whole; the bot's own standing in a group or channel is its member entry. */
type ChatStatus = "active" | "blocked" | "deactivated" | "forgotten" | "migrated";

interface MemberEntry {
  user: User;
  status: MemberStatus;
  /** The effective rights: what was set, over the defaults of the status. */
  rights: MemberRights;
}

interface Topic {
  name: string;
  icon_color: number;
  closed: boolean;
  createdBy: User;
  date: number;
}

interface ChatState {
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

/**
 * What a request needs, as in the Bot API server: reading a chat (getChat, getChatMember for the
 * bot itself), reading its members, editing in it, writing to it.
 */
type Access = "read" | "readMembers" | "edit" | "write";

/** Supergroup and channel ids are -100…; plain groups are small negative numbers. */
const SUPERGROUP_ID_BOUND = -1_000_000_000_000;

function inferChat(id: number): Chat {
  if (id > 0) return { id, type: "private", first_name: `User ${id}` };
  if (id <= SUPERGROUP_ID_BOUND) return { id, type: "supergroup", title: `Supergroup ${-id}` };
  return { id, type: "group", title: `Group ${-id}` };
}

const MEMBER_STATUSES: ReadonlySet<string> = new Set(["creator", "administrator", "member", "restricted", "left", "kicked"]);

/** Telegram's "add admin" screen: every right on except adding admins and anonymity. */
const ADMIN_DEFAULTS: MemberRights = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
  can_post_messages: true,
  can_edit_messages: true,
  can_pin_messages: true,
  can_manage_topics: true,
  can_manage_direct_messages: true,
  can_manage_tags: true,
  can_send_welcome_messages: true,
};

const RESTRICTED_DEFAULTS: MemberRights = {
  is_member: true,
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_react_to_messages: false,
  can_change_info: false,
  can_invite_users: false,
  can_edit_tag: false,
  can_pin_messages: false,
  can_manage_topics: false,
  until_date: 0,
};

function effectiveRights(status: MemberStatus, given: MemberRights): MemberRights {
  // A right passed as undefined keeps its default.
  const rights = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as MemberRights;
  switch (status) {
    case "administrator":
      return { ...ADMIN_DEFAULTS, ...rights };
    case "restricted":
      return { ...RESTRICTED_DEFAULTS, ...rights };
    case "creator":
      return { is_anonymous: false, ...rights };
    case "kicked":
      return { until_date: 0, ...rights };
    default:
      return { ...rights };
  }
}

/** Who the bot is in a chat it was added to with addChat: a posting admin in a channel, a member elsewhere. */
function defaultBotStatus(type: Chat["type"]): MemberStatus {
  return type === "channel" ? "administrator" : "member";
}

/** Present in the chat: not left or banned, and a restricted member still in it. */
function isPresent(entry: MemberEntry): boolean {
  if (entry.status === "left" || entry.status === "kicked") return false;
  return entry.status !== "restricted" || entry.rights.is_member !== false;
}

const isAdminEntry = (entry: MemberEntry): boolean => entry.status === "creator" || entry.status === "administrator";

const flag = (value: boolean | undefined): boolean => value === true;

/**
 * The ChatMember object the Bot API answers, with its fields in the server's order: rights that
 * only make sense for channels (posting, editing, direct messages) or for groups (pinning, topics,
 * tags) appear only there.
 */
function memberObject(type: Chat["type"], entry: MemberEntry): ChatMember {
  const { user, rights: r } = entry;
  switch (entry.status) {
    case "creator": {
      const owner: ChatMemberOwner = { user, status: "creator", is_anonymous: flag(r.is_anonymous) };
      if (r.custom_title !== undefined) owner.custom_title = r.custom_title;
      return owner;
    }
    case "administrator": {
      const channel = type === "channel";
      const admin: ChatMemberAdministrator = {
        user,
        status: "administrator",
        can_be_edited: flag(r.can_be_edited),
        can_manage_chat: flag(r.can_manage_chat),
        can_change_info: flag(r.can_change_info),
        ...(channel ? { can_post_messages: flag(r.can_post_messages), can_edit_messages: flag(r.can_edit_messages) } : {}),
        can_delete_messages: flag(r.can_delete_messages),
        can_invite_users: flag(r.can_invite_users),
        can_restrict_members: flag(r.can_restrict_members),
        ...(channel ? {} : { can_pin_messages: flag(r.can_pin_messages) }),
        ...(type === "supergroup" ? { can_manage_topics: flag(r.can_manage_topics) } : {}),
        can_promote_members: flag(r.can_promote_members),
        can_manage_video_chats: flag(r.can_manage_video_chats),
        can_post_stories: flag(r.can_post_stories),
        can_edit_stories: flag(r.can_edit_stories),
        can_delete_stories: flag(r.can_delete_stories),
        is_anonymous: flag(r.is_anonymous),
        ...(channel ? { can_manage_direct_messages: flag(r.can_manage_direct_messages) } : { can_manage_tags: flag(r.can_manage_tags) }),
        can_send_welcome_messages: flag(r.can_send_welcome_messages),
      };
      if (r.custom_title !== undefined) admin.custom_title = r.custom_title;
      return admin;
    }
    case "member": {
      const member: ChatMemberMember = { user, status: "member" };
      if (r.tag !== undefined) member.tag = r.tag;
      if (r.until_date !== undefined) member.until_date = r.until_date;
      return member;
    }
    case "restricted": {
      const restricted: ChatMemberRestricted = {
        user,
        status: "restricted",
        until_date: r.until_date ?? 0,
        can_send_messages: flag(r.can_send_messages),
        can_send_audios: flag(r.can_send_audios),
        can_send_documents: flag(r.can_send_documents),
        can_send_photos: flag(r.can_send_photos),
        can_send_videos: flag(r.can_send_videos),
        can_send_video_notes: flag(r.can_send_video_notes),
        can_send_voice_notes: flag(r.can_send_voice_notes),
        can_send_polls: flag(r.can_send_polls),
        can_send_other_messages: flag(r.can_send_other_messages),
        can_add_web_page_previews: flag(r.can_add_web_page_previews),
        can_react_to_messages: flag(r.can_react_to_messages),
        can_change_info: flag(r.can_change_info),
        can_invite_users: flag(r.can_invite_users),
        can_edit_tag: flag(r.can_edit_tag),
        can_pin_messages: flag(r.can_pin_messages),
        can_manage_topics: flag(r.can_manage_topics),
        is_member: r.is_member !== false,
      };
      if (r.tag !== undefined) restricted.tag = r.tag;
      return restricted;
    }
    case "left":
      return { user, status: "left" };
    case "kicked":
      return { user, status: "kicked", until_date: r.until_date ?? 0 };
  }
}

function migratedError(state: ChatState): ApiFailure {
  return new ApiFailure(400, "Bad Request: group chat was upgraded to a supergroup chat", {
    migrate_to_chat_id: state.migratedTo,
  });
}

// ---------------------------------------------------------------------------------------------
// Message content
// ---------------------------------------------------------------------------------------------

interface Formatted {
  text: string;
  entities: MessageEntity[];
}

/** Text or caption after parse_mode (or explicit entities), validated like Telegram does. */
function formatContent(raw: string, p: Params, entitiesField: string): Formatted {
  if (p[entitiesField] !== undefined) {
    const entities = jsonParam(p, entitiesField, `can't parse entities JSON object`);
    if (!Array.isArray(entities)) throw badRequest(`can't parse entities JSON object`);
    return { text: raw, entities: entities as MessageEntity[] };
  }
  const mode = stringParam(p, "parse_mode") ?? "";
  switch (mode.toLowerCase()) {
    case "":
      return { text: raw, entities: [] };
    case "html": {
      const parsed = parseTelegramHtml(raw);
      if (!parsed.ok) throw new ApiFailure(400, parsed.description);
      return { text: parsed.text, entities: parsed.entities };
    }
    case "markdown":
    case "markdownv2":
      // Not simulated: storing the raw text would silently hide formatting bugs.
      throw badRequest("FakeTelegram parses only parse_mode HTML");
    default:
      throw badRequest("unsupported parse_mode");
  }
}

function validateButton(button: unknown): void {
  if (!isRecord(button) || typeof button.text !== "string") {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  const data = button.callback_data;
  if (data !== undefined) {
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : 0;
    if (bytes < 1 || bytes > CALLBACK_DATA_LIMIT) throw badRequest("BUTTON_DATA_INVALID");
    return;
  }
  if (typeof button.url === "string") {
    let protocol: string;
    try {
      protocol = new URL(button.url).protocol;
    } catch {
      throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Wrong HTTP URL`);
    }
    if (!["http:", "https:", "tg:"].includes(protocol)) {
      throw badRequest(`inline keyboard button URL '${button.url}' is invalid: Unsupported URL protocol`);
    }
    return;
  }
  const actions = ["web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"];
  if (!actions.some((key) => key in button)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}

/**
 * Validates reply_markup. Returns the inline keyboard (echoed in the Message, like Telegram);
 * other keyboards are accepted but, as in Telegram, not part of the returned message.
 */
function inlineKeyboard(p: Params): InlineKeyboardMarkup | undefined {
  const markupError = "can't parse reply keyboard markup JSON object";
  const markup = jsonParam(p, "reply_markup", markupError);
  if (markup === undefined || markup === null) return undefined;
  if (!isRecord(markup)) throw badRequest(markupError);
  if (markup.inline_keyboard === undefined) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest("can't parse inline keyboard markup: Field \"inline_keyboard\" must be of type Array");
  }
  for (const row of rows as unknown[][]) row.forEach(validateButton);
  return markup as unknown as InlineKeyboardMarkup;
}

function linkPreview(p: Params): LinkPreviewOptions | undefined {
  const options = jsonParam(p, "link_preview_options", "can't parse link preview options JSON object");
  if (isRecord(options)) return options;
  // The deprecated flag still works and comes back as link_preview_options.
  return boolParam(p, "disable_web_page_preview") ? { is_disabled: true } : undefined;
}

/** Telegram marks a leading command, including "/cmd@botname", as a bot_command entity. */
function commandEntities(text: string): MessageEntity[] {
  const match = /^\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,32})?/.exec(text);
  return match ? [{ type: "bot_command", offset: 0, length: match[0].length }] : [];
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

type Handler = (params: Params, call: CallContext) => unknown;

interface CallContext {
  /** Runs `listener` if the client goes away before the answer (an aborted long poll). */
  onAbort(listener: () => void): void;
}

interface PendingPoll {
  limit: number;
  timer: NodeJS.Timeout;
  resolve(updates: Update[]): void;
  reject(failure: ApiFailure): void;
}

interface Fault {
  remaining: number;
  methods: ReadonlySet<string>;
}

type Outcome = { status: number; body: ApiSuccess<unknown> | ApiError };

/** A request being answered: its entry in the call log (when recording), method and parameters. */
interface CallRecord {
  record: RecordedCall | undefined;
  method: string;
  params: Params;
}

type ReplyMessage = NonNullable<Message["reply_to_message"]>;

export class FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botUser: UserFromGetMe;

  private readonly server: Server;
  private readonly strictChats: boolean;
  private readonly recordMessages: boolean;
  private readonly handlers: ReadonlyMap<string, { name: string; run: Handler }>;
  private latency: number;
  private limits: FakeTelegramLimits;

  private readonly chats = new Map<number, ChatState>();
  /** Every user the fake has met (addUser, userSends, setMember…), for ChatMember.user. */
  private readonly users = new Map<number, User>();
  private readonly recordedCalls: RecordedCall[] = [];
  private readonly answers: CallbackAnswer[] = [];
  private readonly openQueries = new Set<string>();
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly photos = new Map<string, PhotoSize[]>();
  private fileCounter = 0;
  private queryCounter = 0;

  private globalWindow: TimestampRing;
  private readonly sendTimes: number[] = [];
  private readonly counts = { accepted: 0, rejected429: 0, total: 0, paidSends: 0 };

  private updates: Update[] = [];
  private nextUpdateId = 100_000_001;
  /** null = Telegram's default (everything except the opt-in types). */
  private allowedUpdates: ReadonlySet<string> | null = null;
  private poll: PendingPoll | undefined;
  private wakeScheduled = false;

  private readonly listeners = new Set<FakeTelegramListener>();
  /** Which chat each open callback query came from, for "callback-answer" events. */
  private readonly queryChats = new Map<string, number>();
  private readonly onInternalError: (error: unknown) => void;

  private failure: (Fault & { status: number }) | undefined;
  private drop: (Fault & { afterDelivery: boolean }) | undefined;
  private closed = false;

  /** Handler bugs (answered with 500); a test can assert this stays empty. */
  readonly internalErrors: unknown[] = [];

  private constructor(server: Server, options: FakeTelegramOptions) {
    const token = options.token ?? DEFAULT_TOKEN;
    const tokenMatch = TOKEN_PATTERN.exec(token);
    if (!tokenMatch?.[1]) throw new Error(`FakeTelegram: "${token}" does not look like a bot token (digits:20+ characters)`);
    this.token = token;
    this.botUser = {
      id: Number(tokenMatch[1]),
      is_bot: true,
      first_name: options.botFirstName ?? "Bulletin Test",
      username: options.botUsername ?? "bulletin_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.server = server;
    const address = server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${address.port}`;
    this.strictChats = options.strictChats ?? false;
    this.recordMessages = options.recordMessages ?? true;
    this.latency = 0;
    this.latencyMs = options.latencyMs ?? 0;
    this.limits = mergeLimits(DEFAULT_LIMITS, options.limits ?? {});
    this.globalWindow = new TimestampRing(this.globalCapacity());
    this.handlers = this.buildHandlers();
    this.onInternalError =
      options.onInternalError ??
      ((error) => process.stderr.write(`FakeTelegram internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    // Long polls stay open for up to `timeout` seconds; idle keep-alive sockets must outlive the
    // client's agent, or a reused socket closes under a request (ECONNRESET in tests).
    const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new FakeTelegram(server, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) clearTimeout(this.poll.timer);
    this.poll = undefined;
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closing;
  }

  // ----- configuration -----------------------------------------------------------------------

  get latencyMs(): number {
    return this.latency;
  }

  set latencyMs(ms: number) {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`FakeTelegram: latencyMs must be >= 0, got ${ms}`);
    this.latency = ms;
  }

  setLimits(limits: Partial<FakeTelegramLimits>): void {
    this.limits = mergeLimits(this.limits, limits);
    this.globalWindow = this.globalWindow.resized(this.globalCapacity());
  }

  currentLimits(): Readonly<FakeTelegramLimits> {
    return { ...this.limits };
  }

  // ----- events ------------------------------------------------------------------------------

  /** Calls `listener` for every event (see FakeTelegramEvent) until the returned function is called. */
  onEvent(listener: FakeTelegramListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: FakeTelegramEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not change what the bot is answered.
        this.internalErrors.push(error);
        this.onInternalError(error);
      }
    }
  }

  // ----- chats and users ---------------------------------------------------------------------

  /**
   * Registers a chat (a group, supergroup or channel the bot is in; or a private chat). In a new
   * channel the bot is an administrator with the default rights (can_post_messages included), in a
   * new group or supergroup a plain member; change that with setBotMember. Registering a known chat
   * again only updates its description.
   */
  addChat(chat: Chat): Chat {
    this.register(chat);
    return chat;
  }

  /** A user who has a private chat with the bot (chat id = user id). */
  addUser(input: NewUser, options: AddUserOptions = {}): User {
    const user: User = { id: input.id, is_bot: false, first_name: input.first_name };
    if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username !== undefined) user.username = input.username;
    if (input.language_code !== undefined) user.language_code = input.language_code;
    this.rememberUser(user);
    const state = this.register(this.privateChatOf(user));
    if (options.started !== undefined) state.started = options.started;
    return user;
  }

  /** The user has never pressed Start: the bot's sends to them answer 403 until they write (userSends). */
  neverStarted(userId: number): void {
    const state = this.chats.get(userId) ?? this.register(this.privateChatOf(this.userById(userId)));
    if (state.chat.type !== "private") throw new Error(`FakeTelegram.neverStarted: chat ${userId} is not a private chat`);
    state.started = false;
  }

  block(chatId: number): void {
    this.setStatus(chatId, "blocked");
  }

  deactivate(chatId: number): void {
    this.setStatus(chatId, "deactivated");
  }

  /** The bot was banned from a group or channel (its member status becomes "kicked"). */
  kick(chatId: number): void {
    if (chatId > 0) throw new Error("FakeTelegram.kick is for groups and channels; use block() for a private chat");
    this.setStatus(chatId, "active");
    const state = this.ensureChat(chatId);
    this.putMember(state, this.botSender(), "kicked", {});
  }

  /** The chat no longer exists for the bot: "chat not found". */
  forget(chatId: number): void {
    this.setStatus(chatId, "forgotten");
  }

  /** Undoes block/deactivate/kick/forget/migrate; a bot that left or was banned is back with its default membership. */
  restore(chatId: number): void {
    this.setStatus(chatId, "active");
    const state = this.ensureChat(chatId);
    const bot = state.members?.get(this.botUser.id);
    if (bot && !isPresent(bot)) this.putMember(state, this.botSender(), defaultBotStatus(state.chat.type), {});
  }

  /** A group became a supergroup: the old id answers with migrate_to_chat_id, the new id works. */
  migrate(oldChatId: number, newChatId: number): void {
    const old = this.ensureChat(oldChatId);
    if (old.chat.type !== "group") throw new Error("FakeTelegram.migrate: only a group can be upgraded to a supergroup");
    if (!this.chats.has(newChatId)) this.addChat({ id: newChatId, type: "supergroup", title: old.chat.title });
    old.status = "migrated";
    old.migratedTo = newChatId;
  }

  // ----- members and topics ------------------------------------------------------------------

  /**
   * Sets a member of a group, supergroup or channel (the chat must be registered). `user` is a
   * User or the id of one the fake has met (otherwise "User <id>"). Returns the ChatMember that
   * getChatMember now answers. Users never set are "left".
   */
  setMember(chatId: number, user: number | User, status: MemberStatus, rights: MemberRights = {}): ChatMember {
    const state = this.groupChat(chatId, "setMember");
    const who = typeof user === "number" ? this.userById(user) : user;
    if (who.id === this.botUser.id) return this.setBotMember(chatId, status, rights);
    this.rememberUser(who);
    return memberObject(state.chat.type, this.putMember(state, who, status, rights));
  }

  /** Sets the bot's own membership in a group, supergroup or channel; later requests see it. */
  setBotMember(chatId: number, status: MemberStatus, rights: MemberRights = {}): ChatMember {
    const state = this.groupChat(chatId, "setBotMember");
    return memberObject(state.chat.type, this.putMember(state, this.botSender(), status, rights));
  }

  /** What getChatMember answers for a user in a group or channel (without the access checks). */
  memberOf(chatId: number, userId: number): ChatMember {
    const state = this.groupChat(chatId, "memberOf");
    return memberObject(state.chat.type, this.memberEntry(state, userId));
  }

  /** Opens a topic in a forum supergroup (addChat with is_forum: true); returns its message_thread_id. */
  createTopic(chatId: number, name: string, options: TopicOptions = {}): number {
    const state = this.forum(chatId, "createTopic");
    // As in Telegram, the thread id is the id of the topic's forum_topic_created service message.
    const threadId = ++state.lastMessageId;
    const topic: Topic = {
      name,
      icon_color: options.iconColor ?? 7322096,
      closed: false,
      createdBy: options.by ?? this.botSender(),
      date: nowSeconds(),
    };
    (state.topics ??= new Map()).set(threadId, topic);
    return threadId;
  }

  /** Closes a topic: only admins with can_manage_topics (and the creator) may still post there. */
  closeTopic(chatId: number, threadId: number): void {
    this.topic(chatId, threadId, "closeTopic").closed = true;
  }

  reopenTopic(chatId: number, threadId: number): void {
    this.topic(chatId, threadId, "reopenTopic").closed = false;
  }

  /** Deletes a topic: sends to it answer "message thread not found". */
  deleteTopic(chatId: number, threadId: number): void {
    this.topic(chatId, threadId, "deleteTopic");
    this.chats.get(chatId)?.topics?.delete(threadId);
  }

  // ----- faults ------------------------------------------------------------------------------

  /** The next `count` matching requests answer `status` (500 "Internal Server Error" by default). */
  failNext(count: number, status = 500, options: FaultOptions = {}): void {
    this.failure = { remaining: count, status, methods: new Set(options.methods ?? SEND_METHODS) };
  }

  /**
   * The next `count` matching requests lose their connection without an answer (a network error).
   * With `afterDelivery`, the send is carried out first: the bot cannot know it was delivered.
   */
  dropNext(count: number, options: FaultOptions & { afterDelivery?: boolean } = {}): void {
    this.drop = {
      remaining: count,
      methods: new Set(options.methods ?? SEND_METHODS),
      afterDelivery: options.afterDelivery ?? false,
    };
  }

  // ----- simulated users ---------------------------------------------------------------------

  /** Queues a raw update (my_chat_member, channel_post…); the update id is assigned here. */
  queueUpdate(partial: Omit<Update, "update_id">): Update {
    const update: Update = { ...partial, update_id: this.nextUpdateId++ };
    this.updates.push(update);
    this.wakePoll();
    if (this.listeners.size > 0) this.emit({ type: "update", update });
    return update;
  }

  /** The user writes `text` to the bot in their private chat (which also counts as pressing Start). */
  userSends(user: User, text: string): Update {
    const state = this.chats.get(user.id) ?? this.register(this.privateChatOf(user));
    if (state.chat.type !== "private") throw new Error(`FakeTelegram.userSends: chat ${user.id} is not private`);
    this.rememberUser(user);
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
    return this.queueUpdate({ message });
  }

  /**
   * `user` writes `text` in a group or supergroup, as a topic message when `threadId` names a topic
   * of a forum, or as an anonymous admin (from = GroupAnonymousBot, sender_chat = the group; the
   * user must be its creator or an administrator). A user with no member entry becomes a member;
   * one who left, was banned or may not send messages cannot write (an Error, as Telegram would
   * never deliver it). Leading commands get a bot_command entity, as in userSends.
   */
  userSendsInChat(user: User, chatId: number, text: string, options: ChatMessageOptions = {}): Update {
    const state = this.deliveringChat(chatId, "userSendsInChat");
    const chat = state.chat;
    if (chat.type !== "group" && chat.type !== "supergroup") {
      throw new Error(`FakeTelegram.userSendsInChat: chat ${chatId} is a ${chat.type}; use ${chat.type === "channel" ? "channelPost" : "userSends"}`);
    }
    this.rememberUser(user);
    const entry = state.members?.get(user.id);
    if (options.anonymousAdmin === true) {
      if (!entry || !isAdminEntry(entry)) {
        throw new Error(`FakeTelegram.userSendsInChat: user ${user.id} is not an administrator of chat ${chatId}, so cannot write anonymously`);
      }
    } else if (!entry) {
      this.putMember(state, user, "member", {});
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
      const root = this.topicRoot(state, options.threadId);
      if (!root) throw new Error(`FakeTelegram.userSendsInChat: chat ${chatId} has no forum topic ${options.threadId} (createTopic)`);
      message.message_thread_id = options.threadId;
      message.reply_to_message = root;
    }
    message.text = text;
    const entities = commandEntities(text);
    if (entities.length > 0) message.entities = entities;
    if (options.threadId !== undefined) message.is_topic_message = true;
    return this.queueUpdate({ message });
  }

  /** An admin posts `text` in a channel the bot is in: a channel_post update. */
  channelPost(chatId: number, text: string): Update {
    const state = this.deliveringChat(chatId, "channelPost");
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
    return this.queueUpdate({ channel_post: post });
  }

  /**
   * `by` changes the bot's membership: queues the my_chat_member update Telegram sends (the bot's
   * old and new ChatMember) and applies the change, so later requests see it. Pass a Chat to
   * register a chat the bot was not in (its old status is then "left"). In a private chat the
   * statuses are "kicked" (the user blocked the bot) and "member" (unblocked or started).
   */
  botMembershipChanged(target: number | Chat, by: User, newStatus: MemberStatus, rights: MemberRights = {}): Update {
    const id = typeof target === "number" ? target : target.id;
    let state = this.chats.get(id);
    if (!state) {
      if (typeof target === "number") throw new Error(`FakeTelegram.botMembershipChanged: chat ${id} is unknown; pass the Chat to register it`);
      state = this.register(target);
      if (target.type !== "private") this.putMember(state, this.botSender(), "left", {});
    }
    if (state.status === "forgotten") throw new Error(`FakeTelegram.botMembershipChanged: chat ${id} was forgotten`);
    this.rememberUser(by);
    const bot = this.botSender();
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
      oldMember = memberObject(state.chat.type, this.memberEntry(state, bot.id));
      newMember = memberObject(state.chat.type, this.putMember(state, bot, newStatus, rights));
    }
    return this.queueUpdate({
      my_chat_member: { chat: state.chat, from: by, date: nowSeconds(), old_chat_member: oldMember, new_chat_member: newMember },
    });
  }

  /** The user presses an inline button with `data` under one of the bot's messages. */
  userPresses(user: User, message: SentMessage | Message, data: string): Update {
    const chatId = "chat_id" in message ? message.chat_id : message.chat.id;
    const state = this.chats.get(chatId);
    const stored = state?.byId.get(message.message_id);
    let shown: Message;
    if (state && stored) shown = this.toMessage(state, stored);
    else if (!("chat_id" in message)) shown = message;
    else throw new Error(`FakeTelegram.userPresses: message ${message.message_id} in chat ${chatId} is unknown`);
    const id = `${user.id}${String(++this.queryCounter).padStart(6, "0")}`;
    this.openQueries.add(id);
    this.queryChats.set(id, chatId);
    return this.queueUpdate({
      callback_query: { id, from: user, message: shown, chat_instance: `-${4_000_000_000_000 + Math.abs(chatId)}`, data },
    });
  }

  // ----- inspection --------------------------------------------------------------------------

  get accepted(): number {
    return this.counts.accepted;
  }

  get rejected429(): number {
    return this.counts.rejected429;
  }

  /** Send requests received, whatever their outcome (accepted, rejected, failed, dropped). */
  get total(): number {
    return this.counts.total;
  }

  /** Accepted paid-broadcast sends above the free per-second limit (each would cost Stars). */
  get paidSends(): number {
    return this.counts.paidSends;
  }

  get callbackAnswers(): readonly CallbackAnswer[] {
    return [...this.answers];
  }

  /** The bot's messages to a chat, oldest first, in their current (edited) state. */
  messagesTo(chatId: number): SentMessage[] {
    return [...(this.chats.get(chatId)?.sent ?? [])];
  }

  calls(method?: string): RecordedCall[] {
    if (method === undefined) return [...this.recordedCalls];
    const wanted = method.toLowerCase();
    return this.recordedCalls.filter((c) => c.method.toLowerCase() === wanted);
  }

  /** ms timestamps of every accepted send, in order. */
  sendTimestamps(): number[] {
    return [...this.sendTimes];
  }

  /** The most accepted sends found in any sliding window of `windowMs` (for checking pacing). */
  maxSendsInWindow(windowMs = 1000): number {
    let max = 0;
    let start = 0;
    for (let end = 0; end < this.sendTimes.length; end++) {
      const t = this.sendTimes[end] ?? 0;
      while ((this.sendTimes[start] ?? t) <= t - windowMs) start++;
      max = Math.max(max, end - start + 1);
    }
    return max;
  }

  /** Updates queued and not yet confirmed by getUpdates' offset. */
  pendingUpdates(): Update[] {
    return [...this.updates];
  }

  async waitFor(predicate: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
    const { timeoutMs = 5000, intervalMs = 10, message = "condition" } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await predicate()) return;
      if (Date.now() >= deadline) throw new Error(`FakeTelegram.waitFor: timed out after ${timeoutMs} ms waiting for ${message}`);
      await sleep(intervalMs);
    }
  }

  async waitForMessages(chatId: number, count: number, timeoutMs = 5000): Promise<SentMessage[]> {
    try {
      await this.waitFor(() => this.messagesTo(chatId).length >= count, { timeoutMs });
    } catch {
      const got = this.messagesTo(chatId).map((m) => JSON.stringify(m.text ?? m.caption ?? ""));
      throw new Error(
        `FakeTelegram.waitForMessages: expected ${count} message(s) to chat ${chatId} within ${timeoutMs} ms, ` +
          `got ${got.length}${got.length > 0 ? `: ${got.join(", ")}` : ""}`,
      );
    }
    return this.messagesTo(chatId);
  }

  // ----- HTTP plumbing -----------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => this.dispatch(req, res, chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => res.destroy());
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, body: string): void {
    const route = ROUTE.exec(req.url ?? "");
    if (!route || (req.method !== "GET" && req.method !== "POST")) return this.reply(res, failureOutcome(new ApiFailure(404, "Not Found")));
    const [, token, methodName = "", query] = route;
    if (token !== this.token) return this.reply(res, failureOutcome(new ApiFailure(401, "Unauthorized")));
    const handler = this.handlers.get(methodName.toLowerCase());
    if (!handler) return this.reply(res, failureOutcome(new ApiFailure(404, "Not Found")));

    let params: Params;
    try {
      params = parseParams(req.headers["content-type"], body, query);
    } catch (error) {
      return this.reply(res, this.toOutcome(error));
    }
    const call: CallRecord = { record: this.recordCall(handler.name, params), method: handler.name, params };
    const isSend = SEND_METHODS.has(handler.name);
    if (isSend) this.counts.total++;

    const dropped = this.takeFault(this.drop, handler.name);
    const deliverFirst = this.drop?.afterDelivery === true;
    if (dropped && !deliverFirst) return this.later(() => res.destroy());
    if (this.takeFault(this.failure, handler.name)) {
      return this.finish(res, call, isSend, failureOutcome(this.injectedFailure(this.failure?.status ?? 500)));
    }

    // With a drop after delivery the request takes effect, but the answer never arrives.
    const settle = (outcome: Outcome): void => {
      if (dropped) {
        this.count(call, isSend, outcome);
        this.later(() => res.destroy());
      } else {
        this.finish(res, call, isSend, outcome);
      }
    };
    const context: CallContext = {
      onAbort: (listener) => {
        res.once("close", () => {
          if (!res.writableEnded) listener();
        });
      },
    };
    let result: unknown;
    try {
      result = handler.run(params, context);
    } catch (error) {
      return settle(this.toOutcome(error));
    }
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => settle(successOutcome(value)),
        (error: unknown) => settle(this.toOutcome(error)),
      );
    } else {
      settle(successOutcome(result));
    }
  }

  private finish(res: ServerResponse, call: CallRecord, isSend: boolean, outcome: Outcome): void {
    this.count(call, isSend, outcome);
    this.reply(res, outcome);
  }

  private count({ record: call, method, params }: CallRecord, isSend: boolean, outcome: Outcome): void {
    if (isSend && outcome.status === 429) this.counts.rejected429++;
    if (!outcome.body.ok && this.listeners.size > 0 && OBSERVED_METHODS.has(method)) {
      let chatId: number | undefined;
      try {
        chatId = this.chatIdOf(params.chat_id);
      } catch {
        chatId = undefined;
      }
      const retryAfter = outcome.body.parameters?.retry_after;
      this.emit({
        type: "rejected",
        chatId,
        method,
        status: outcome.status,
        description: outcome.body.description,
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
    }
    if (!call) return;
    call.status = outcome.status;
    if (!outcome.body.ok) call.description = outcome.body.description;
  }

  private reply(res: ServerResponse, outcome: Outcome): void {
    const json = JSON.stringify(outcome.body);
    this.later(() => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(outcome.status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
      res.end(json);
    });
  }

  private later(action: () => void): void {
    if (this.latency > 0) setTimeout(action, this.latency);
    else action();
  }

  private toOutcome(error: unknown): Outcome {
    if (error instanceof ApiFailure) return failureOutcome(error);
    // A bug in the fake, not a Telegram behaviour: keep it visible.
    this.internalErrors.push(error);
    this.onInternalError(error);
    return failureOutcome(new ApiFailure(500, "Internal Server Error"));
  }

  private recordCall(method: string, params: Params): RecordedCall | undefined {
    if (!this.recordMessages) return undefined;
    const call: RecordedCall = { method, params, at: Date.now(), status: 0 };
    this.recordedCalls.push(call);
    return call;
  }

  /** Consumes one use of a fault if it applies to `method`. */
  private takeFault(fault: Fault | undefined, method: string): boolean {
    if (!fault || fault.remaining <= 0 || !fault.methods.has(method)) return false;
    fault.remaining--;
    return true;
  }

  private injectedFailure(status: number): ApiFailure {
    if (status === 429) return tooManyRequests(this.limits.retryAfter);
    return new ApiFailure(status, STATUS_TEXT[status] ?? `Error ${status}`);
  }

  // ----- methods -----------------------------------------------------------------------------

  private buildHandlers(): ReadonlyMap<string, { name: string; run: Handler }> {
    const table: Record<string, Handler> = {
      getMe: () => this.botUser,
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: (): WebhookInfo => ({ url: "", has_custom_certificate: false, pending_update_count: this.updates.length }),
      getUpdates: (p, call) => this.getUpdates(p, call),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands.get(commandsKey(p)) ?? [],
      deleteMyCommands: (p) => {
        this.commands.delete(commandsKey(p));
        return true;
      },
      sendMessage: (p) => this.sendMessage(p),
      sendPhoto: (p) => this.sendPhoto(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      getChat: (p) => this.getChat(p),
      getChatMember: (p) => this.getChatMember(p),
      getChatAdministrators: (p) => this.getChatAdministrators(p),
    };
    // Bot API method names are case-insensitive.
    return new Map(Object.entries(table).map(([name, run]) => [name.toLowerCase(), { name, run }]));
  }

  private deleteWebhook(p: Params): true {
    if (boolParam(p, "drop_pending_updates")) this.updates = [];
    return true;
  }

  private sendMessage(p: Params): Message {
    const state = this.chatFor(p, "write");
    const raw = stringParam(p, "text") ?? "";
    if (raw === "") throw badRequest("message text is empty");
    const { text, entities } = formatContent(raw, p, "entities");
    if (text.trim() === "") throw badRequest("message text is empty");
    if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
    const draft: SentMessage = this.draft(state, "sendMessage", p, raw, entities);
    draft.text = text;
    const preview = linkPreview(p);
    if (preview) draft.link_preview_options = preview;
    return this.deliver(state, draft);
  }

  private sendPhoto(p: Params): Message {
    const state = this.chatFor(p, "write");
    const photo = p.photo;
    if (typeof photo !== "string" || photo === "") throw badRequest("there is no photo in the request");
    const isUrl = /^https?:\/\//i.test(photo);
    if (!isUrl && !/^[A-Za-z0-9_-]{20,}$/.test(photo)) throw badRequest("wrong file identifier/HTTP URL specified");
    const raw = stringParam(p, "caption") ?? "";
    const { text, entities } = formatContent(raw, p, "caption_entities");
    if (text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
    const draft = this.draft(state, "sendPhoto", p, raw, entities);
    if (text !== "") draft.caption = text;
    draft.photoSource = photo;
    draft.photo = this.photoSizes(photo);
    return this.deliver(state, draft);
  }

  private editMessageText(p: Params): Message | true {
    if (p.inline_message_id !== undefined) return true; // inline messages are not tracked
    const { state, message } = this.editableMessage(p);
    if (message && message.text === undefined) throw badRequest("there is no text in the message to edit");
    const raw = stringParam(p, "text") ?? "";
    if (raw === "") throw badRequest("message text is empty");
    const { text, entities } = formatContent(raw, p, "entities");
    if (text.trim() === "") throw badRequest("message text is empty");
    if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
    // Without reply_markup Telegram removes the message's inline keyboard.
    const markup = inlineKeyboard(p);
    const target = message ?? this.untracked(state, p);
    if (message && message.text === text && sameJson(message.entities, entities) && sameJson(message.reply_markup, markup)) {
      throw badRequest(NOT_MODIFIED);
    }
    target.text = text;
    target.entities = entities;
    target.html = raw;
    const mode = stringParam(p, "parse_mode");
    if (mode !== undefined) target.parse_mode = mode;
    else delete target.parse_mode;
    setOptional(target, "reply_markup", markup);
    const preview = linkPreview(p);
    if (preview) target.link_preview_options = preview;
    return this.markEdited(state, target);
  }

  private editMessageReplyMarkup(p: Params): Message | true {
    if (p.inline_message_id !== undefined) return true;
    const { state, message } = this.editableMessage(p);
    const markup = inlineKeyboard(p);
    if (message && sameJson(message.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
    const target = message ?? this.untracked(state, p);
    setOptional(target, "reply_markup", markup);
    return this.markEdited(state, target);
  }

  private answerCallbackQuery(p: Params): true {
    const id = stringParam(p, "callback_query_id") ?? "";
    // Telegram accepts one answer per query, and only for queries it issued.
    if (!this.openQueries.delete(id)) throw badRequest(QUERY_INVALID);
    const answer: CallbackAnswer = { callback_query_id: id, at: Date.now() };
    const text = stringParam(p, "text");
    if (text !== undefined) answer.text = text;
    if (p.show_alert !== undefined) answer.show_alert = boolParam(p, "show_alert");
    const url = stringParam(p, "url");
    if (url !== undefined) answer.url = url;
    const cacheTime = intParam(p, "cache_time");
    if (cacheTime !== undefined) answer.cache_time = cacheTime;
    this.answers.push(answer);
    const chatId = this.queryChats.get(id);
    this.queryChats.delete(id);
    if (this.listeners.size > 0) this.emit({ type: "callback-answer", chatId, answer: { ...answer } });
    return true;
  }

  private getChat(p: Params): ChatFullInfo {
    const state = this.knownChat(p);
    // A blocked or deactivated user's chat can still be read, and so can a group the bot left or
    // was kicked from, or a public channel or supergroup it is not in; see checkAccess.
    this.checkAccess(state, "read");
    const extras = {
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
    return { ...state.chat, ...extras };
  }

  private getChatMember(p: Params): ChatMember {
    const state = this.knownChat(p);
    const userId = intParam(p, "user_id");
    if (userId === undefined || userId <= 0) throw badRequest("invalid user_id specified");
    const self = userId === this.botUser.id;
    // The bot may always ask about itself; other members need access to the member list.
    this.checkAccess(state, self ? "read" : "readMembers");
    const chat = state.chat;
    if (chat.type === "private") {
      const user = self ? this.botSender() : this.userById(userId);
      return userId === chat.id || self ? { user, status: "member" } : { user, status: "left" };
    }
    if (!self) this.checkMemberList(state);
    return memberObject(chat.type, this.memberEntry(state, userId));
  }

  /** The creator and administrators, without other bots (the bot itself included), creator first. */
  private getChatAdministrators(p: Params): ChatMember[] {
    const state = this.knownChat(p);
    this.checkAccess(state, "readMembers");
    const chat = state.chat;
    if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
    this.checkMemberList(state);
    const admins = [...(state.members?.values() ?? [])].filter(
      (entry) => isAdminEntry(entry) && (!entry.user.is_bot || entry.user.id === this.botUser.id),
    );
    admins.sort((a, b) => Number(b.status === "creator") - Number(a.status === "creator"));
    return admins.map((entry) => memberObject(chat.type, entry));
  }

  /** A channel's members are visible to its administrators only. */
  private checkMemberList(state: ChatState): void {
    if (state.chat.type !== "channel") return;
    if (!isAdminEntry(this.memberEntry(state, this.botUser.id))) throw badRequest("member list is inaccessible");
  }

  private setMyCommands(p: Params): true {
    const commands = jsonParam(p, "commands", "can't parse commands JSON object");
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
    const valid: BotCommand[] = commands.map((c: unknown) => {
      if (!isRecord(c) || typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
        throw badRequest("BOT_COMMAND_INVALID");
      }
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      return { command: c.command, description: c.description };
    });
    this.commands.set(commandsKey(p), valid);
    return true;
  }

  // ----- getUpdates (long polling) -----------------------------------------------------------

  private getUpdates(p: Params, call: CallContext): Update[] | Promise<Update[]> {
    const limit = Math.min(100, Math.max(1, intParam(p, "limit") ?? 100));
    const timeoutSeconds = Math.max(0, intParam(p, "timeout") ?? 0);
    const allowed = jsonParam(p, "allowed_updates", "can't parse allowed_updates JSON object");
    if (Array.isArray(allowed)) {
      // The setting sticks for later calls; an empty list restores the default.
      this.allowedUpdates = allowed.length === 0 ? null : new Set(allowed.filter((t) => typeof t === "string"));
    }
    const offset = intParam(p, "offset");
    if (offset !== undefined) this.confirmUpdates(offset);

    // Only one getUpdates may run at a time; Telegram ends the older one with 409.
    const previous = this.poll;
    if (previous) {
      this.poll = undefined;
      clearTimeout(previous.timer);
      previous.reject(new ApiFailure(409, POLL_CONFLICT));
    }

    const ready = this.readyUpdates(limit);
    if (ready.length > 0 || timeoutSeconds === 0) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        resolve,
        reject,
        timer: setTimeout(() => this.finishPoll(poll), timeoutSeconds * 1000),
      };
      this.poll = poll;
      call.onAbort(() => {
        if (this.poll !== poll) return;
        clearTimeout(poll.timer);
        this.poll = undefined;
      });
    });
  }

  /** offset confirms every update below it; a negative offset keeps only the last -offset. */
  private confirmUpdates(offset: number): void {
    if (offset < 0) {
      this.updates = this.updates.slice(offset);
      return;
    }
    let confirmed = 0;
    while (confirmed < this.updates.length && (this.updates[confirmed]?.update_id ?? offset) < offset) confirmed++;
    if (confirmed > 0) this.updates.splice(0, confirmed);
  }

  /** Updates of types the bot did not subscribe to are dropped, as Telegram never delivers them. */
  private readyUpdates(limit: number): Update[] {
    if (this.updates.some((u) => !this.isAllowed(u))) this.updates = this.updates.filter((u) => this.isAllowed(u));
    return this.updates.slice(0, limit);
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== "update_id") ?? "";
    return this.allowedUpdates === null ? !OPT_IN_UPDATES.has(type) : this.allowedUpdates.has(type);
  }

  private finishPoll(poll: PendingPoll): void {
    if (this.poll !== poll) return;
    clearTimeout(poll.timer);
    this.poll = undefined;
    poll.resolve(this.readyUpdates(poll.limit));
  }

  /** Answers a waiting long poll; deferred so updates queued together arrive together. */
  private wakePoll(): void {
    if (!this.poll || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const poll = this.poll;
      if (poll && this.readyUpdates(poll.limit).length > 0) this.finishPoll(poll);
    });
  }

  // ----- sending -----------------------------------------------------------------------------

  /** The target chat of a request, or the error Telegram would answer. */
  private chatFor(p: Params, access: Access): ChatState {
    const state = this.knownChat(p);
    this.checkAccess(state, access);
    return state;
  }

  /**
   * The Bot API server's access check. Private chats: a deactivated or blocked user cannot be
   * written to or edited in, nor can a user who never started the bot be written to. Groups: a bot
   * that left or was kicked can still read the chat, nothing more. Supergroups and channels: a
   * banned bot can do nothing; a bot that is not a member can read a public chat (one with a
   * username) and nothing of a private one.
   */
  private checkAccess(state: ChatState, access: Access): void {
    if (state.status === "forgotten") throw badRequest("chat not found");
    if (state.status === "migrated") throw migratedError(state);
    const type = state.chat.type;
    if (type === "private") {
      if (access === "read" || access === "readMembers") return;
      if (state.status === "deactivated") throw forbidden("user is deactivated");
      if (state.status === "blocked") throw forbidden("bot was blocked by the user");
      if (access === "write" && !state.started) throw forbidden("bot can't initiate conversation with a user");
      return;
    }
    const bot = this.memberEntry(state, this.botUser.id);
    if (isPresent(bot)) return;
    if (type === "group") {
      if (access === "read") return;
      throw forbidden(bot.status === "kicked" ? "bot was kicked from the group chat" : "bot is not a member of the group chat");
    }
    if (bot.status === "kicked") throw forbidden(`bot was kicked from the ${type} chat`);
    const isPublic = state.chat.username !== undefined;
    if (!isPublic || access === "edit" || access === "write") throw forbidden(`bot is not a member of the ${type} chat`);
  }

  /** Rights the bot needs to post: a channel's administrator with can_post_messages; not restricted in a group. */
  private checkSendRights(state: ChatState, method: string): void {
    const type = state.chat.type;
    if (type === "private") return;
    const bot = this.memberEntry(state, this.botUser.id);
    if (type === "channel") {
      if (bot.status === "creator" || (bot.status === "administrator" && bot.rights.can_post_messages === true)) return;
      throw badRequest("need administrator rights in the channel chat");
    }
    if (bot.status !== "restricted") return;
    if (method === "sendPhoto") {
      if (bot.rights.can_send_photos !== true) throw badRequest("not enough rights to send photos to the chat");
    } else if (bot.rights.can_send_messages !== true) {
      throw badRequest("not enough rights to send text messages to the chat");
    }
  }

  /** The message_thread_id of a send: an open topic of a forum, or the error Telegram answers. */
  private threadOf(state: ChatState, p: Params): number | undefined {
    const thread = intParam(p, "message_thread_id");
    if (thread === undefined || thread <= 0) return undefined;
    const topic = state.topics?.get(thread);
    if (!topic) throw badRequest("message thread not found");
    if (topic.closed) {
      const bot = this.memberEntry(state, this.botUser.id);
      const mayManage = bot.status === "creator" || (bot.status === "administrator" && bot.rights.can_manage_topics === true);
      if (!mayManage) throw badRequest("TOPIC_CLOSED");
    }
    return thread;
  }

  private knownChat(p: Params): ChatState {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === "") throw badRequest("chat_id is empty");
    const id = this.chatIdOf(raw);
    const state = this.chats.get(id);
    if (state) return state;
    if (this.strictChats || id <= 0) throw badRequest("chat not found");
    return this.ensureChat(id);
  }

  private chatIdOf(raw: unknown): number {
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

  private draft(state: ChatState, method: string, p: Params, raw: string, entities: MessageEntity[]): SentMessage {
    const draft: SentMessage = {
      message_id: 0,
      chat_id: state.chat.id,
      method,
      html: raw,
      entities,
      date: 0,
      sentAt: 0,
      edits: 0,
    };
    const mode = stringParam(p, "parse_mode");
    if (mode !== undefined) draft.parse_mode = mode;
    const markup = inlineKeyboard(p);
    if (markup) draft.reply_markup = markup;
    const thread = this.threadOf(state, p);
    if (thread !== undefined) draft.message_thread_id = thread;
    this.checkSendRights(state, method);
    if (boolParam(p, "allow_paid_broadcast")) draft.allow_paid_broadcast = true;
    return draft;
  }

  /** Applies the flood limits, then accepts: id, timestamps, counters, record. */
  private deliver(state: ChatState, draft: SentMessage): Message {
    const now = Date.now();
    const paid = draft.allow_paid_broadcast === true;
    this.checkLimits(state, paid, now);
    if (paid && this.limits.perSecond !== null && windowWait(this.globalWindow, this.limits.perSecond, 1000, now) > 0) {
      this.counts.paidSends++;
    }
    draft.message_id = ++state.lastMessageId;
    draft.date = Math.floor(now / 1000);
    draft.sentAt = now;
    this.globalWindow.push(now);
    state.window?.push(now);
    this.sendTimes.push(now);
    this.counts.accepted++;
    if (this.recordMessages) {
      state.sent.push(draft);
      state.byId.set(draft.message_id, draft);
    }
    if (this.listeners.size > 0) this.emit({ type: "message", chatId: state.chat.id, message: { ...draft } });
    return this.toMessage(state, draft);
  }

  private checkLimits(state: ChatState, paid: boolean, now: number): void {
    const global = paid ? this.limits.paidPerSecond : this.limits.perSecond;
    if (global !== null && windowWait(this.globalWindow, global, 1000, now) > 0) {
      throw tooManyRequests(this.limits.retryAfter);
    }
    const chatLimit = this.chatLimitOf(state.chat);
    if (!chatLimit) return;
    if (state.window?.capacity !== chatLimit.count) {
      state.window = state.window ? state.window.resized(chatLimit.count) : new TimestampRing(chatLimit.count);
    }
    const wait = windowWait(state.window, chatLimit.count, chatLimit.windowMs, now);
    // Per-chat flood waits are real durations in Telegram, rounded up to whole seconds.
    if (wait > 0) throw tooManyRequests(Math.max(1, Math.ceil(wait / 1000)));
  }

  private chatLimitOf(chat: Chat): ChatLimit | undefined {
    const setting = chat.type === "private" ? this.limits.privateChat : this.limits.groupChat;
    if (setting === false) return undefined;
    if (setting === true) return chat.type === "private" ? TELEGRAM_PRIVATE_LIMIT : TELEGRAM_GROUP_LIMIT;
    return setting;
  }

  private globalCapacity(): number {
    return Math.max(1, this.limits.perSecond ?? 0, this.limits.paidPerSecond ?? 0);
  }

  private photoSizes(photo: string): PhotoSize[] {
    const known = this.photos.get(photo);
    if (known) return known;
    const n = String(++this.fileCounter).padStart(8, "0");
    const sizes: PhotoSize[] = [
      [90, 60, 1_283],
      [320, 213, 14_562],
      [800, 533, 51_870],
    ].map(([width = 0, height = 0, size = 0], i) => ({
      file_id: `AgACAgIAAxkDAAMfake${n}_${i}`,
      file_unique_id: `AQADfake${n}${i}`,
      file_size: size,
      width,
      height,
    }));
    if (this.recordMessages) for (const s of sizes) this.photos.set(s.file_id, sizes);
    return sizes;
  }

  // ----- editing -----------------------------------------------------------------------------

  /** The chat and stored message an edit targets (message undefined when not recording). */
  private editableMessage(p: Params): { state: ChatState; message: SentMessage | undefined } {
    const state = this.chatFor(p, "edit");
    const messageId = intParam(p, "message_id");
    if (messageId === undefined) throw badRequest("message identifier is not specified");
    if (!this.recordMessages) return { state, message: undefined };
    const message = state.byId.get(messageId);
    if (!message) throw badRequest("message to edit not found");
    return { state, message };
  }

  /** Without recording, an edit answers a message built from its own parameters. */
  private untracked(state: ChatState, p: Params): SentMessage {
    return {
      message_id: intParam(p, "message_id") ?? 0,
      chat_id: state.chat.id,
      method: "sendMessage",
      html: "",
      entities: [],
      date: nowSeconds(),
      sentAt: Date.now(),
      edits: 0,
    };
  }

  private markEdited(state: ChatState, message: SentMessage): Message {
    message.edits++;
    message.editedAt = Date.now();
    if (this.listeners.size > 0) this.emit({ type: "edit", chatId: state.chat.id, message: { ...message } });
    return this.toMessage(state, message);
  }

  // ----- shapes ------------------------------------------------------------------------------

  /** The Message object Telegram returns for a message the bot sent. */
  private toMessage(state: ChatState, m: SentMessage): Message {
    const chat = state.chat;
    const message: Message = { message_id: m.message_id, date: m.date, chat };
    // Channel posts carry the channel as sender; everywhere else the bot is `from`.
    if (chat.type === "channel") message.sender_chat = chat;
    else message.from = this.botSender();
    // A topic message replies to the topic's forum_topic_created message, as in Telegram.
    const root = m.message_thread_id === undefined ? undefined : this.topicRoot(state, m.message_thread_id);
    if (m.message_thread_id !== undefined) message.message_thread_id = m.message_thread_id;
    if (root) message.reply_to_message = root;
    if (m.editedAt !== undefined) message.edit_date = Math.floor(m.editedAt / 1000);
    if (m.text !== undefined) {
      message.text = m.text;
      if (m.entities.length > 0) message.entities = m.entities;
    }
    if (m.photo) {
      message.photo = m.photo;
      if (m.caption !== undefined) message.caption = m.caption;
      if (m.caption !== undefined && m.entities.length > 0) message.caption_entities = m.entities;
    }
    if (m.link_preview_options) message.link_preview_options = m.link_preview_options;
    if (m.reply_markup) message.reply_markup = m.reply_markup;
    if (root) message.is_topic_message = true;
    return message;
  }

  /** The forum_topic_created service message a topic message replies to. */
  private topicRoot(state: ChatState, threadId: number): ReplyMessage | undefined {
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

  private botSender(): User {
    const { id, is_bot, first_name, username } = this.botUser;
    return { id, is_bot, first_name, username };
  }

  private privateChatOf(user: User): Chat.PrivateChat {
    const chat: Chat.PrivateChat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    return chat;
  }

  private ensureChat(id: number): ChatState {
    return this.chats.get(id) ?? this.register(inferChat(id));
  }

  /** Adds a chat, or updates the description of a known one (keeping its messages, status and members). */
  private register(chat: Chat): ChatState {
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

  private setStatus(chatId: number, status: ChatStatus): void {
    const state = this.ensureChat(chatId);
    state.status = status;
    if (status !== "migrated") delete state.migratedTo;
  }

  private putMember(state: ChatState, user: User, status: MemberStatus, rights: MemberRights): MemberEntry {
    if (!MEMBER_STATUSES.has(status)) throw new Error(`FakeTelegram: "${String(status)}" is not a ChatMember status`);
    const entry: MemberEntry = { user, status, rights: effectiveRights(status, rights) };
    (state.members ??= new Map()).set(user.id, entry);
    return entry;
  }

  /** A user's member entry; users never set (and the bot in a private chat) have "left". */
  private memberEntry(state: ChatState, userId: number): MemberEntry {
    return (
      state.members?.get(userId) ?? {
        user: userId === this.botUser.id ? this.botSender() : this.userById(userId),
        status: "left",
        rights: {},
      }
    );
  }

  private rememberUser(user: User): void {
    if (user.id !== this.botUser.id) this.users.set(user.id, user);
  }

  /** A user the fake has met, or a stand-in named like inferred private chats. */
  private userById(id: number): User {
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
  private groupChat(chatId: number, caller: string): ChatState {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`FakeTelegram.${caller}: chat ${chatId} is unknown; register it with addChat`);
    if (state.chat.type === "private") throw new Error(`FakeTelegram.${caller}: chat ${chatId} is a private chat; this is for groups and channels`);
    return state;
  }

  private forum(chatId: number, caller: string): ChatState {
    const state = this.groupChat(chatId, caller);
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

  /** A chat whose messages reach the bot: it must be in it, as Telegram delivers nothing otherwise. */
  private deliveringChat(chatId: number, caller: string): ChatState {
    const state = this.groupChat(chatId, caller);
    if (state.status !== "active") throw new Error(`FakeTelegram.${caller}: chat ${chatId} is ${state.status}`);
    const bot = this.memberEntry(state, this.botUser.id);
    if (!isPresent(bot)) {
      throw new Error(`FakeTelegram.${caller}: the bot is ${bot.status} in chat ${chatId}, so Telegram would not deliver this`);
    }
    return state;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers used by the class
// ---------------------------------------------------------------------------------------------

function successOutcome(result: unknown): Outcome {
  return { status: 200, body: { ok: true, result } };
}

function failureOutcome(failure: ApiFailure): Outcome {
  const body: ApiError = { ok: false, error_code: failure.status, description: failure.description };
  if (failure.parameters) body.parameters = failure.parameters;
  return { status: failure.status, body };
}

/** Fields given as undefined keep their current value. */
function mergeLimits(current: FakeTelegramLimits, changes: Partial<FakeTelegramLimits>): FakeTelegramLimits {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
  return { ...current, ...(Object.fromEntries(defined) as Partial<FakeTelegramLimits>) };
}

/** Commands are stored per scope and language, as setMyCommands defines them. */
function commandsKey(p: Params): string {
  const scope = jsonParam(p, "scope", "can't parse BotCommandScope JSON object") ?? { type: "default" };
  return `${JSON.stringify(scope)}|${stringParam(p, "language_code") ?? ""}`;
}

function setOptional<K extends keyof SentMessage>(target: SentMessage, key: K, value: SentMessage[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}
