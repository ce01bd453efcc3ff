/**
 * A fake Telegram Bot API server for tests and benchmarks (node:http, no framework).
 *
 * Telegram is unreachable from here, so the bot under test points grammY's `apiRoot` (the app's
 * TELEGRAM_API_ROOT) at this server. It answers like the real Bot API: same JSON envelopes, error
 * codes and descriptions, flood limits and long polling, so code that handles Telegram's failures
 * can be tested against them.
 *
 * Every decision about a request (limits, errors, message ids) is taken synchronously when its
 * body has arrived; `latencyMs` only delays the answer. That keeps the rate windows exact even
 * with 100+ requests in flight, and per-request work is O(1) apart from parsing.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  ApiError,
  ApiSuccess,
  BotCommand,
  Chat,
  ChatFullInfo,
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

type ChatStatus = "active" | "blocked" | "deactivated" | "kicked" | "forgotten" | "migrated";

interface ChatState {
  chat: Chat;
  status: ChatStatus;
  migratedTo?: number;
  /** Message ids are per chat and shared by the bot's and the users' messages, as in Telegram. */
  lastMessageId: number;
  /** The bot's messages in send order (only with recordMessages). */
  sent: SentMessage[];
  byId: Map<number, SentMessage>;
  /** Recent accepted sends, for the per-chat limit. */
  window?: TimestampRing;
}

/** Supergroup and channel ids are -100…; plain groups are small negative numbers. */
const SUPERGROUP_ID_BOUND = -1_000_000_000_000;

function inferChat(id: number): Chat {
  if (id > 0) return { id, type: "private", first_name: `User ${id}` };
  if (id <= SUPERGROUP_ID_BOUND) return { id, type: "supergroup", title: `Supergroup ${-id}` };
  return { id, type: "group", title: `Group ${-id}` };
}

function accessError(state: ChatState): ApiFailure | undefined {
  switch (state.status) {
    case "active":
      return undefined;
    case "blocked":
      return forbidden("bot was blocked by the user");
    case "deactivated":
      return forbidden("user is deactivated");
    case "kicked":
      return state.chat.type === "channel"
        ? forbidden("bot is not a member of the channel chat")
        : forbidden(`bot was kicked from the ${state.chat.type === "supergroup" ? "supergroup" : "group"} chat`);
    case "forgotten":
      return badRequest("chat not found");
    case "migrated":
      return new ApiFailure(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: state.migratedTo,
      });
  }
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

  // ----- chats and users ---------------------------------------------------------------------

  /** Registers a chat (a group, supergroup or channel the bot is in; or a private chat). */
  addChat(chat: Chat): Chat {
    this.register(chat);
    return chat;
  }

  /** A user who has a private chat with the bot (chat id = user id). */
  addUser(input: NewUser): User {
    const user: User = { id: input.id, is_bot: false, first_name: input.first_name };
    if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username !== undefined) user.username = input.username;
    if (input.language_code !== undefined) user.language_code = input.language_code;
    this.addChat(this.privateChatOf(user));
    return user;
  }

  block(chatId: number): void {
    this.setStatus(chatId, "blocked");
  }

  deactivate(chatId: number): void {
    this.setStatus(chatId, "deactivated");
  }

  kick(chatId: number): void {
    if (chatId > 0) throw new Error("FakeTelegram.kick is for groups and channels; use block() for a private chat");
    this.setStatus(chatId, "kicked");
  }

  /** The chat no longer exists for the bot: "chat not found". */
  forget(chatId: number): void {
    this.setStatus(chatId, "forgotten");
  }

  /** Undoes block/deactivate/kick/forget/migrate. */
  restore(chatId: number): void {
    this.setStatus(chatId, "active");
  }

  /** A group became a supergroup: the old id answers with migrate_to_chat_id, the new id works. */
  migrate(oldChatId: number, newChatId: number): void {
    const old = this.ensureChat(oldChatId);
    if (old.chat.type !== "group") throw new Error("FakeTelegram.migrate: only a group can be upgraded to a supergroup");
    if (!this.chats.has(newChatId)) this.addChat({ id: newChatId, type: "supergroup", title: old.chat.title });
    old.status = "migrated";
    old.migratedTo = newChatId;
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
    return update;
  }

  /** The user writes `text` to the bot in their private chat. */
  userSends(user: User, text: string): Update {
    const state = this.chats.get(user.id) ?? this.register(this.privateChatOf(user));
    if (state.chat.type !== "private") throw new Error(`FakeTelegram.userSends: chat ${user.id} is not private`);
    // In Telegram a user must unblock a bot to write to it.
    if (state.status === "blocked") state.status = "active";
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

  /** The user presses an inline button with `data` under one of the bot's messages. */
  userPresses(user: User, message: SentMessage | Message, data: string): Update {
    const chatId = "chat_id" in message ? message.chat_id : message.chat.id;
    const state = this.chats.get(chatId);
    const stored = state?.byId.get(message.message_id);
    let shown: Message;
    if (state && stored) shown = this.toMessage(state.chat, stored);
    else if (!("chat_id" in message)) shown = message;
    else throw new Error(`FakeTelegram.userPresses: message ${message.message_id} in chat ${chatId} is unknown`);
    const id = `${user.id}${String(++this.queryCounter).padStart(6, "0")}`;
    this.openQueries.add(id);
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
    const call = this.recordCall(handler.name, params);
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

  private finish(res: ServerResponse, call: RecordedCall | undefined, isSend: boolean, outcome: Outcome): void {
    this.count(call, isSend, outcome);
    this.reply(res, outcome);
  }

  private count(call: RecordedCall | undefined, isSend: boolean, outcome: Outcome): void {
    if (isSend && outcome.status === 429) this.counts.rejected429++;
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
    console.error("FakeTelegram internal error:", error);
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
    };
    // Bot API method names are case-insensitive.
    return new Map(Object.entries(table).map(([name, run]) => [name.toLowerCase(), { name, run }]));
  }

  private deleteWebhook(p: Params): true {
    if (boolParam(p, "drop_pending_updates")) this.updates = [];
    return true;
  }

  private sendMessage(p: Params): Message {
    const state = this.writableChat(p);
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
    const state = this.writableChat(p);
    const photo = p.photo;
    if (typeof photo !== "string" || photo === "") throw badRequest("there is no photo in the request");
    const isUrl = /^https?:\/\//i.test(photo);
    if (!isUrl && !/^[A-Za-z0-9_-]{20,}$/.test(photo)) throw badRequest("wrong file identifier/HTTP URL specified");
    const raw = stringParam(p, "caption") ?? "";
    const { text, entities } = formatContent(raw, p, "caption_entities");
    if (text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
    const draft = this.draft(state, "sendPhoto", p, raw, entities);
    if (text !== "") draft.caption = text;
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
    return true;
  }

  private getChat(p: Params): ChatFullInfo {
    const state = this.knownChat(p);
    // A blocked or deactivated user's chat can still be read; a chat the bot left cannot.
    if (state.status === "forgotten" || state.status === "kicked" || state.status === "migrated") {
      throw accessError(state) ?? badRequest("chat not found");
    }
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

  /** The target chat of a send or edit, or the error Telegram would answer. */
  private writableChat(p: Params): ChatState {
    const state = this.knownChat(p);
    const error = accessError(state);
    if (error) throw error;
    return state;
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
    const thread = intParam(p, "message_thread_id");
    if (thread !== undefined) draft.message_thread_id = thread;
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
    return this.toMessage(state.chat, draft);
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
    const state = this.writableChat(p);
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
    return this.toMessage(state.chat, message);
  }

  // ----- shapes ------------------------------------------------------------------------------

  /** The Message object Telegram returns for a message the bot sent. */
  private toMessage(chat: Chat, m: SentMessage): Message {
    const message: Message = { message_id: m.message_id, date: m.date, chat };
    // Channel posts carry the channel as sender; everywhere else the bot is `from`.
    if (chat.type === "channel") message.sender_chat = chat;
    else message.from = this.botSender();
    if (m.message_thread_id !== undefined) message.message_thread_id = m.message_thread_id;
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
    return message;
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

  /** Adds a chat, or updates the description of a known one (keeping its messages and status). */
  private register(chat: Chat): ChatState {
    const existing = this.chats.get(chat.id);
    if (existing) {
      existing.chat = chat;
      return existing;
    }
    const state: ChatState = { chat, status: "active", lastMessageId: 0, sent: [], byId: new Map() };
    this.chats.set(chat.id, state);
    return state;
  }

  private setStatus(chatId: number, status: ChatStatus): void {
    const state = this.ensureChat(chatId);
    state.status = status;
    if (status !== "migrated") delete state.migratedTo;
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
