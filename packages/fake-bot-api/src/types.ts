/**
 * The fake's public shapes: its options and limits, what it records of the bot's messages and
 * calls, the users and members tests create, and the events a listener hears.
 */
import type {
  ChatMember,
  ChatMemberAdministrator,
  ChatMemberMember,
  ChatMemberRestricted,
  InlineKeyboardMarkup,
  InlineQueryResult,
  LinkPreviewOptions,
  MessageEntity,
  PhotoSize,
  Update,
  User,
} from "grammy/types";

/** Which messenger the fake answers as (flavours.ts holds every difference). */
export type FakeFlavour = "telegram" | "bale";

/** At most `count` accepted sends to one chat within any sliding `windowMs`. */
export interface ChatLimit {
  count: number;
  windowMs: number;
}

export interface FakeTelegramLimits {
  /** Accepted sends per sliding second for the whole bot; `null` = unlimited. Default 30 (Telegram's free limit), 20 for Bale. */
  perSecond: number | null;
  /** The same for sends with `allow_paid_broadcast: true`; `null` = unlimited. Default 1000. */
  paidPerSecond: number | null;
  /** `retry_after` (seconds) answered when the global limit is hit. Default 1. */
  retryAfter: number;
  /** 429s come without `parameters.retry_after`, as Bale's sometimes do. Default false. */
  omitRetryAfter: boolean;
  /** Per private chat; `true` = Telegram's 1 message per second. Default false. */
  privateChat: boolean | ChatLimit;
  /** Per group, supergroup or channel; `true` = Telegram's 20 messages per minute. Default false. */
  groupChat: boolean | ChatLimit;
}

export interface FakeTelegramOptions {
  /**
   * The messenger answered as: "telegram" (default) or "bale", Bale's Bot API with the differences
   * docs/bale.md found (Markdown always, no topics, no inline mode…; see flavours.ts). One fake is
   * one messenger: a deployment's Telegram and Bale bots each point at their own fake.
   */
  flavour?: FakeFlavour;
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
  /** The bot answers inline queries (@BotFather /setinline): getMe says so and users can type `@bot …`. Default false. */
  inlineMode?: boolean;
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
  /** A user's message: sent "via @bot" (a picked inline result, method "inline"), or to another user (method "user"); absent for the bot's own. */
  sender?: User;
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

/** The bot's answer to an inline query (answerInlineQuery), as accepted. */
export interface InlineAnswer {
  inline_query_id: string;
  /** What the user had typed. */
  query: string;
  results: InlineQueryResult[];
  next_offset: string;
  cache_time?: number;
  is_personal?: boolean;
  /** ms timestamp of acceptance. */
  at: number;
}

export interface InlineQueryOptions {
  /** The page asked for (the answer's next_offset); default "". */
  offset?: string;
  /** Where the user types: Telegram's chat_type of the inline query. Default "sender" (their chat with the bot). */
  chatType?: "sender" | "private" | "group" | "supergroup" | "channel";
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
  Partial<Omit<ChatMemberMember, "status" | "user">> &
  Partial<BaleAdminRights>;

/**
 * An administrator's rights under Bale's own names (docs/bale.md, "getChatMember and admin rights"),
 * shown beside Telegram's in a Bale fake's ChatMember; all on unless set.
 */
export interface BaleAdminRights {
  can_send_message: boolean;
  can_send_media: boolean;
  can_kick_user: boolean;
  can_see_members: boolean;
  can_send_link_message: boolean;
  can_add_story: boolean;
}

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
  | { readonly type: "update"; readonly update: Readonly<Update> }
  /** A message between two users (the bot is not in their chat): written, or an inline result picked "via @bot". */
  | { readonly type: "direct"; readonly from: number; readonly to: number; readonly message: Readonly<SentMessage> };

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

/** Where a user looks at the bot's command menu: a private chat (chat id = user id) or a group, as a member or an administrator. */
export interface MenuPlace {
  readonly chatId: number;
  readonly chatType: "private" | "group";
  readonly userId: number;
  readonly isAdmin: boolean;
  /** The user's language_code. */
  readonly languageCode?: string;
}
