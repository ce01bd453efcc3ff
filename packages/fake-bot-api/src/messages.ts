/**
 * The bot's messages: sendMessage, sendPhoto, editMessageText and editMessageReplyMarkup. A send
 * passes the chat's access and rights checks, then the flood limits, and is stored (with
 * recordMessages) in the state a test reads back with messagesTo.
 */
import type { Message, MessageEntity, PhotoSize, User } from "grammy/types";
import { formatContent, inlineKeyboard, linkPreview } from "./content.js";
import { badRequest } from "./errors.js";
import type { EventHub } from "./events.js";
import type { Records } from "./inspection.js";
import type { FloodLimits } from "./limits.js";
import { boolParam, intParam, stringParam, type Params } from "./params.js";
import { checkAccess, checkSendRights, type Access } from "./rights.js";
import type { Methods } from "./server.js";
import { topicRoot, type Topics } from "./topics.js";
import type { SentMessage } from "./types.js";
import { nowSeconds, type ChatState, type World } from "./world.js";

/** Counted as sends (limits, counters) and the default target of injected faults. */
export const SEND_METHODS: ReadonlySet<string> = new Set(["sendMessage", "sendPhoto"]);
/** Methods whose refusals a listener hears of (onEvent "rejected"). */
export const OBSERVED_METHODS: ReadonlySet<string> = new Set(["sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup"]);

/** What Bale answers an edit with instead of the message (docs/bale.md, "editMessageText's answer"). */
interface EditStub {
  message_id: 0;
}

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

export class Messages {
  private readonly photos = new Map<string, PhotoSize[]>();
  private fileCounter = 0;

  /** `recordMessages` false keeps no message bodies: edits then answer a message built from their parameters. */
  constructor(
    private readonly world: World,
    private readonly topics: Topics,
    private readonly limits: FloodLimits,
    private readonly records: Records,
    private readonly events: EventHub,
    private readonly recordMessages: boolean,
  ) {}

  methods(): Methods {
    return {
      sendMessage: (p) => this.sendMessage(p),
      sendPhoto: (p) => this.sendPhoto(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
    };
  }

  private sendMessage(p: Params): Message {
    const state = this.chatFor(p, "write");
    const raw = stringParam(p, "text") ?? "";
    if (raw === "") throw badRequest("message text is empty");
    const { text, entities } = formatContent(raw, p, "entities", this.world.flavour);
    if (text.trim() === "") throw badRequest("message text is empty");
    if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
    const draft: SentMessage = this.draft(state, "sendMessage", p, raw, entities);
    draft.text = text;
    const preview = linkPreview(p, this.world.flavour);
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
    const { text, entities } = formatContent(raw, p, "caption_entities", this.world.flavour);
    if (text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
    const draft = this.draft(state, "sendPhoto", p, raw, entities);
    if (text !== "") draft.caption = text;
    draft.photoSource = photo;
    draft.photo = this.photoSizes(photo);
    return this.deliver(state, draft);
  }

  private editMessageText(p: Params): Message | EditStub | true {
    if (p.inline_message_id !== undefined) return true; // inline messages are not tracked
    const { state, message } = this.editableMessage(p);
    if (message && message.text === undefined) throw badRequest("there is no text in the message to edit");
    const raw = stringParam(p, "text") ?? "";
    if (raw === "") throw badRequest("message text is empty");
    const { text, entities } = formatContent(raw, p, "entities", this.world.flavour);
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
    const preview = linkPreview(p, this.world.flavour);
    if (preview) target.link_preview_options = preview;
    const edited = this.markEdited(state, target);
    return this.world.flavour.editAnswer === "stub" ? { message_id: 0 } : edited;
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

  /** The target chat of a request, or the error Telegram would answer. */
  private chatFor(p: Params, access: Access): ChatState {
    const state = this.world.knownChat(p);
    checkAccess(state, access, this.world.botMember(state));
    return state;
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
    const thread = this.topics.threadOf(state, p);
    if (thread !== undefined) draft.message_thread_id = thread;
    checkSendRights(state, method, this.world.botMember(state), this.world.flavour);
    if (this.world.flavour.paidBroadcasts && boolParam(p, "allow_paid_broadcast")) draft.allow_paid_broadcast = true;
    return draft;
  }

  /** Applies the flood limits, then accepts: id, timestamps, counters, record. */
  private deliver(state: ChatState, draft: SentMessage): Message {
    const now = Date.now();
    const paid = draft.allow_paid_broadcast === true;
    this.limits.check(state, paid, now);
    if (paid && this.limits.aboveFreeLimit(now)) this.records.paidSendAboveFreeLimit();
    draft.message_id = ++state.lastMessageId;
    draft.date = Math.floor(now / 1000);
    draft.sentAt = now;
    this.limits.record(state, now);
    this.records.sendAccepted(now);
    if (this.recordMessages) {
      state.sent.push(draft);
      state.byId.set(draft.message_id, draft);
    }
    if (this.events.listening) this.events.emit({ type: "message", chatId: state.chat.id, message: { ...draft } });
    return messageObject(state, draft, this.world.botSender());
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
    if (this.events.listening) this.events.emit({ type: "edit", chatId: state.chat.id, message: { ...message } });
    return messageObject(state, message, this.world.botSender());
  }
}

/** The Message object Telegram returns for a message the bot (`bot`) sent. */
export function messageObject(state: ChatState, m: SentMessage, bot: User): Message {
  const chat = state.chat;
  const message: Message = { message_id: m.message_id, date: m.date, chat };
  // Channel posts carry the channel as sender; everywhere else the bot is `from`.
  if (chat.type === "channel") message.sender_chat = chat;
  if (m.sender) {
    // A user's message sent through the bot's inline mode.
    message.from = m.sender;
    message.via_bot = bot;
  } else if (chat.type !== "channel") message.from = bot;
  // A topic message replies to the topic's forum_topic_created message, as in Telegram.
  const root = m.message_thread_id === undefined ? undefined : topicRoot(state, m.message_thread_id);
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

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function setOptional<K extends keyof SentMessage>(target: SentMessage, key: K, value: SentMessage[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}
