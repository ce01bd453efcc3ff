/**
 * What a message carries, validated like Telegram validates it: text or caption after parse_mode
 * (or explicit entities) or, for Bale, after its Markdown; the inline keyboard, link preview options,
 * and the bot_command entity Telegram marks in users' messages.
 */
import type { InlineKeyboardMarkup, LinkPreviewOptions, MessageEntity } from "grammy/types";
import { ApiFailure, badRequest } from "./errors.js";
import { parseBaleMarkdown } from "./bale-markdown.js";
import type { Flavour } from "./flavours.js";
import { boolParam, isRecord, jsonParam, stringParam, type Params } from "./params.js";
import { parseTelegramHtml } from "./telegram-html.js";

const CALLBACK_DATA_LIMIT = 64;

interface Formatted {
  text: string;
  entities: MessageEntity[];
}

/**
 * Text or caption after parse_mode (or explicit entities), validated like Telegram does. Bale reads
 * every text as its Markdown: parse_mode and entities are ignored, HTML shows as written, and
 * unpaired markup shows as written (see parseBaleMarkdown).
 */
export function formatContent(raw: string, p: Params, entitiesField: string, flavour: Flavour): Formatted {
  if (flavour.content === "bale-markdown") {
    const { text, entities } = parseBaleMarkdown(raw);
    return { text, entities };
  }
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
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
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
  const actions = [
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
  ];
  if (!actions.some((key) => key in button)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}

/**
 * Validates reply_markup. Returns the inline keyboard (echoed in the Message, like Telegram);
 * other keyboards are accepted but, as in Telegram, not part of the returned message.
 */
export function inlineKeyboard(p: Params): InlineKeyboardMarkup | undefined {
  const markupError = "can't parse reply keyboard markup JSON object";
  const markup = jsonParam(p, "reply_markup", markupError);
  if (markup === undefined || markup === null) return undefined;
  if (!isRecord(markup)) throw badRequest(markupError);
  if (markup.inline_keyboard === undefined) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest('can\'t parse inline keyboard markup: Field "inline_keyboard" must be of type Array');
  }
  for (const row of rows as unknown[][]) row.forEach(validateButton);
  return markup as unknown as InlineKeyboardMarkup;
}

/** The link preview options a send asked for; none where the messenger ignores them. */
export function linkPreview(p: Params, flavour: Flavour): LinkPreviewOptions | undefined {
  if (!flavour.linkPreviews) return undefined;
  const options = jsonParam(p, "link_preview_options", "can't parse link preview options JSON object");
  if (isRecord(options)) return options;
  // The deprecated flag still works and comes back as link_preview_options.
  return boolParam(p, "disable_web_page_preview") ? { is_disabled: true } : undefined;
}

/** Telegram marks a leading command, including "/cmd@botname", as a bot_command entity. */
export function commandEntities(text: string): MessageEntity[] {
  const match = /^\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,32})?/.exec(text);
  return match ? [{ type: "bot_command", offset: 0, length: match[0].length }] : [];
}
