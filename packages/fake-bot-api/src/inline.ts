/**
 * Inline mode: a user typing `@bot words` (UserSimulation-like `userTypes`) opens an inline query,
 * answerInlineQuery answers it once with Telegram's checks, and the user picking a result posts
 * its message into a chat as that user, "via @bot" (Telegram sends it; the bot need not be there):
 * their chat with the bot, a group, a channel they administer, or their chat with another user. A
 * switch_inline_query_chosen_chat button opens the chat picker: the chat chosen, Telegram types
 * `@bot <query>` there (`userSwitches`).
 */
import type { InlineKeyboardButton, InlineQueryResult, Message, Update, User } from "grammy/types";
import { formatContent, inlineKeyboard, linkPreview } from "./content.js";
import type { DirectChats } from "./direct.js";
import { ApiFailure, badRequest } from "./errors.js";
import type { Flavour } from "./flavours.js";
import type { EventHub } from "./events.js";
import { isPresent } from "./members.js";
import { boolParam, intParam, isRecord, jsonParam, stringParam, type Params } from "./params.js";
import type { Methods } from "./server.js";
import type { InlineAnswer, InlineQueryOptions, SentMessage } from "./types.js";
import type { UpdateQueue } from "./updates.js";
import { nowSeconds, type ChatState, type World } from "./world.js";

const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";
/** Telegram's limits on inline queries and their answers. */
export const INLINE_QUERY_LIMIT = 256;
const RESULTS_LIMIT = 50;
const RESULT_ID_BYTES = 64;
const NEXT_OFFSET_BYTES = 64;
const TEXT_LIMIT = 4096;
const RESULT_TYPES: ReadonlySet<string> = new Set([
  "article",
  "photo",
  "gif",
  "mpeg4_gif",
  "video",
  "audio",
  "voice",
  "document",
  "location",
  "venue",
  "contact",
  "game",
  "sticker",
]);

interface OpenQuery {
  readonly userId: number;
  readonly query: string;
}

export class InlineQueries {
  private readonly open = new Map<string, OpenQuery>();
  private readonly answers = new Map<string, InlineAnswer>();
  private counter = 0;

  constructor(
    private readonly world: World,
    private readonly updates: UpdateQueue,
    private readonly events: EventHub,
    private readonly direct: DirectChats,
    private readonly enabled: boolean,
  ) {}

  methods(): Methods {
    return { answerInlineQuery: (p) => this.answerInlineQuery(p) };
  }

  /** The user types `@bot <query>`: an inline_query update (Telegram cuts the query at 256 characters). */
  userTypes(user: User, query: string, options: InlineQueryOptions): { update: Update; queryId: string } {
    if (!this.enabled)
      throw new Error("FakeTelegram.userTypesInline: inline mode is off for this bot (start the fake with inlineMode: true)");
    this.world.rememberUser(user);
    const id = `${user.id}${String(++this.counter).padStart(8, "0")}`;
    const text = [...query].slice(0, INLINE_QUERY_LIMIT).join("");
    this.open.set(id, { userId: user.id, query: text });
    const update = this.updates.queue({
      inline_query: { id, from: user, query: text, offset: options.offset ?? "", chat_type: options.chatType ?? "sender" },
    });
    return { update, queryId: id };
  }

  /** The bot's answer to an inline query, once answered. */
  answerOf(queryId: string): InlineAnswer | undefined {
    return this.answers.get(queryId);
  }

  /**
   * The user picks result `resultId` of the answer to `queryId` in chat `chatId` (their private chat
   * with the bot, or a group or supergroup they are in, or a channel they administer): the result's
   * message appears there from the user, via the bot.
   */
  userPicks(user: User, queryId: string, resultId: string, chatId: number): Message {
    const answer = this.answers.get(queryId);
    if (!answer) throw new Error(`FakeTelegram.userPicksInlineResult: inline query ${queryId} has no answer`);
    const result = answer.results.find((r) => r.id === resultId);
    if (!result) throw new Error(`FakeTelegram.userPicksInlineResult: the answer to ${queryId} has no result "${resultId}"`);
    if (this.direct.isDirect(user, chatId)) return this.pickInDirectChat(user, result, chatId);
    const state = this.world.chat(chatId);
    if (!state) throw new Error(`FakeTelegram.userPicksInlineResult: chat ${chatId} is unknown`);
    this.checkCanWrite(user, state);
    const content = result.type === "article" ? result.input_message_content : undefined;
    if (!content || !("message_text" in content)) {
      throw new Error(`FakeTelegram.userPicksInlineResult: the fake posts article results with text content only`);
    }
    const { text, entities } = formatContent(content.message_text, { ...content }, "entities", this.world.flavour);
    const message: SentMessage = {
      message_id: ++state.lastMessageId,
      chat_id: state.chat.id,
      method: "inline",
      text,
      html: content.message_text,
      entities,
      date: nowSeconds(),
      sentAt: Date.now(),
      edits: 0,
      sender: user,
    };
    if (content.parse_mode !== undefined) message.parse_mode = content.parse_mode;
    if (content.link_preview_options) message.link_preview_options = content.link_preview_options;
    if (result.reply_markup) message.reply_markup = result.reply_markup;
    state.sent.push(message);
    state.byId.set(message.message_id, message);
    if (this.events.listening) this.events.emit({ type: "message", chatId: state.chat.id, message: { ...message } });
    const posted: Message = {
      message_id: message.message_id,
      date: message.date,
      chat: state.chat,
      from: user,
      via_bot: this.world.botSender(),
      text,
    };
    if (entities.length > 0) posted.entities = entities;
    return posted;
  }

  /**
   * The user presses the button `buttonText` under the bot's message (switch_inline_query_chosen_chat,
   * or switch_inline_query) and chooses chat `chatId` in Telegram's picker (their chat with another
   * user: that user's id; a group or a channel: its id; their chat with the bot: their own id):
   * Telegram opens it with `@bot <query>` typed, an inline query from there.
   */
  userSwitches(
    user: User,
    message: { chat_id: number; message_id: number },
    buttonText: string,
    chatId: number,
  ): { update: Update; queryId: string } {
    const shown = this.world.chat(message.chat_id)?.byId.get(message.message_id);
    if (!shown) throw new Error(`FakeTelegram.userSwitchesInline: message ${message.message_id} in chat ${message.chat_id} is unknown`);
    const button: InlineKeyboardButton | undefined = (shown.reply_markup?.inline_keyboard ?? []).flat().find((b) => b.text === buttonText);
    if (!button) throw new Error(`FakeTelegram.userSwitchesInline: message ${message.message_id} has no button "${buttonText}"`);
    const chatType = this.chatTypeFor(user, chatId);
    if ("switch_inline_query_chosen_chat" in button && button.switch_inline_query_chosen_chat) {
      const chosen = button.switch_inline_query_chosen_chat;
      const allowed =
        chatType === "sender"
          ? chosen.allow_bot_chats === true
          : chatType === "private"
            ? chosen.allow_user_chats === true
            : chatType === "channel"
              ? chosen.allow_channel_chats === true
              : chosen.allow_group_chats === true;
      if (!allowed) throw new Error(`FakeTelegram.userSwitchesInline: the picker of "${buttonText}" does not offer a ${chatType} chat`);
      return this.userTypes(user, chosen.query ?? "", { chatType });
    }
    if ("switch_inline_query" in button && button.switch_inline_query !== undefined) {
      return this.userTypes(user, button.switch_inline_query, { chatType });
    }
    throw new Error(`FakeTelegram.userSwitchesInline: "${buttonText}" opens no chat picker`);
  }

  private chatTypeFor(user: User, chatId: number): NonNullable<InlineQueryOptions["chatType"]> {
    if (chatId === user.id) return "sender";
    if (this.direct.isDirect(user, chatId)) return "private";
    const state = this.world.chat(chatId);
    if (!state || state.chat.type === "private") throw new Error(`FakeTelegram.userSwitchesInline: chat ${chatId} is unknown`);
    this.checkCanWrite(user, state);
    return state.chat.type;
  }

  private pickInDirectChat(user: User, result: InlineQueryResult, to: number): Message {
    const content = result.type === "article" ? result.input_message_content : undefined;
    if (!content || !("message_text" in content)) {
      throw new Error(`FakeTelegram.userPicksInlineResult: the fake posts article results with text content only`);
    }
    const { text, entities } = formatContent(content.message_text, { ...content }, "entities", this.world.flavour);
    const sent = this.direct.post(user, to, {
      text,
      html: content.message_text,
      entities,
      via: this.world.botSender(),
      ...(content.parse_mode === undefined ? {} : { parse_mode: content.parse_mode }),
      ...(content.link_preview_options ? { link_preview_options: content.link_preview_options } : {}),
      ...(result.reply_markup ? { reply_markup: result.reply_markup } : {}),
    });
    const posted: Message = {
      message_id: sent.message_id,
      date: sent.date,
      chat: this.world.privateChatOf(this.world.userById(to)),
      from: user,
      via_bot: this.world.botSender(),
      text,
    };
    if (entities.length > 0) posted.entities = entities;
    return posted;
  }

  private checkCanWrite(user: User, state: ChatState): void {
    const chat = state.chat;
    if (chat.type === "private") {
      if (chat.id !== user.id)
        throw new Error(`FakeTelegram.userPicksInlineResult: the fake has private chats with the bot only (chat ${user.id})`);
      return;
    }
    const entry = state.members?.get(user.id);
    if (!entry || !isPresent(entry)) throw new Error(`FakeTelegram.userPicksInlineResult: user ${user.id} is not in chat ${chat.id}`);
    if (chat.type === "channel" && entry.status !== "creator" && entry.status !== "administrator") {
      throw new Error(`FakeTelegram.userPicksInlineResult: user ${user.id} may not post in channel ${chat.id}`);
    }
  }

  private answerInlineQuery(p: Params): true {
    const id = stringParam(p, "inline_query_id") ?? "";
    const query = this.open.get(id);
    if (!query) throw badRequest(QUERY_INVALID);
    const results = jsonParam(p, "results", "can't parse inline query results JSON object");
    if (!Array.isArray(results)) throw badRequest("can't parse inline query results JSON object");
    if (results.length > RESULTS_LIMIT) throw badRequest("RESULTS_TOO_MUCH");
    const ids = new Set<string>();
    for (const result of results) validateResult(result, ids, this.world.flavour);
    const nextOffset = stringParam(p, "next_offset") ?? "";
    if (Buffer.byteLength(nextOffset) > NEXT_OFFSET_BYTES) throw badRequest("NEXT_OFFSET_INVALID");
    const button = jsonParam(p, "button", "can't parse inline query results button JSON object");
    if (button !== undefined && (!isRecord(button) || typeof button.text !== "string")) {
      throw badRequest("can't parse inline query results button JSON object");
    }
    // Telegram takes one answer per query.
    this.open.delete(id);
    const answer: InlineAnswer = {
      inline_query_id: id,
      query: query.query,
      results: results as InlineQueryResult[],
      next_offset: nextOffset,
      at: Date.now(),
    };
    const cacheTime = intParam(p, "cache_time");
    if (cacheTime !== undefined) answer.cache_time = cacheTime;
    if (p.is_personal !== undefined) answer.is_personal = boolParam(p, "is_personal");
    this.answers.set(id, answer);
    return true;
  }
}

function validateResult(result: unknown, ids: Set<string>, flavour: Flavour): void {
  if (!isRecord(result)) throw badRequest("can't parse inline query result JSON object");
  const { type, id } = result;
  if (typeof type !== "string" || !RESULT_TYPES.has(type)) throw badRequest("RESULT_TYPE_INVALID");
  if (typeof id !== "string" || id === "" || Buffer.byteLength(id) > RESULT_ID_BYTES) throw badRequest("RESULT_ID_INVALID");
  if (ids.has(id)) throw badRequest("RESULT_ID_DUPLICATE");
  ids.add(id);
  for (const field of ["url", "thumbnail_url"]) {
    const value = result[field];
    if (value !== undefined && (typeof value !== "string" || !/^https?:\/\/[^\s/]+/i.test(value))) {
      throw badRequest(field === "url" ? "RESULT_URL_INVALID" : "THUMB_URL_INVALID");
    }
  }
  if (result.reply_markup !== undefined) inlineKeyboard({ reply_markup: result.reply_markup });
  if (type !== "article") return;
  if (typeof result.title !== "string" || result.title === "") {
    throw badRequest(`can't parse InlineQueryResultArticle: Field "title" must be of type String`);
  }
  const content = result.input_message_content;
  if (!isRecord(content)) throw badRequest(`can't parse InlineQueryResultArticle: Field "input_message_content" must be of type Object`);
  const raw = content.message_text;
  if (typeof raw !== "string" || raw.trim() === "") throw badRequest("MESSAGE_EMPTY");
  let text: string;
  try {
    text = formatContent(raw, content, "entities", flavour).text;
  } catch (error) {
    if (error instanceof ApiFailure) throw error;
    throw badRequest("can't parse entities");
  }
  if (text.trim() === "") throw badRequest("MESSAGE_EMPTY");
  if (text.length > TEXT_LIMIT) throw badRequest("MESSAGE_TOO_LONG");
  linkPreview(content, flavour);
}
