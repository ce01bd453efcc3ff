// @ts-check
/**
 * A chat's messages as the sandbox page draws them: Telegram's entities become DOM nodes
 * (textContent), never HTML, so whatever an article or a reader's name holds stays text; links lead
 * only to http, https and tg URLs.
 */

import { el } from "./dom.js";

/** @import { Button, ChatEntry } from "./protocol.js" */

/** @typedef {ChatEntry["entities"][number]} MessageEntity */
/**
 * A chat on the page. In a reader's private chat /commands and inline buttons act as the reader; in
 * a group /commands are sent by whoever the group's card acts as; a channel only shows its posts.
 * @typedef {object} Chat
 * @property {"reader" | "channel" | "group" | "direct"} kind
 * @property {number} id
 * @property {string} title
 * @property {(text: string) => unknown} [say] sends a text in the chat
 * @property {(messageId: number, data: string | undefined) => unknown} [press] presses a message's inline button
 * @property {(messageId: number, button: Button) => unknown} [share] opens the chat picker of a switch_inline_query_chosen_chat button
 */

/** @param {number} ms */
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
/** The URL, if a link may lead there (http, https, tg). @param {string | undefined} url */
const safeUrl = (url) => (/^(https?|tg):/i.test(url ?? "") ? url : undefined);

/** Telegram's automatic links in plain text: hashtags, /commands, @mentions, URLs. */
const AUTO =
  /(^|[^\p{L}\p{N}_/@#])(#[\p{L}\p{N}_]+|\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?|@[A-Za-z][A-Za-z0-9_]{4,31}|https?:\/\/[^\s<>"]+)/gu;
/** Entities whose text Telegram does not link again. */
const LINKED = ["text_link", "url", "code", "pre", "bot_command", "hashtag", "mention"];

/**
 * @param {string} text
 * @param {Chat} chat
 */
function autoLinked(text, chat) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const match of text.matchAll(AUTO)) {
    const [, before = "", token = ""] = match;
    const start = match.index + before.length;
    if (start > at) out.append(text.slice(at, start));
    // dir="auto" isolates the token, so "#world" stays "#world" inside right-to-left text.
    if (token.startsWith("h")) out.append(el("a", { href: token, target: "_blank", rel: "noopener noreferrer", dir: "auto", text: token }));
    else if (token.startsWith("/") && chat.say) {
      const say = chat.say;
      const command = token.split("@")[0] ?? token;
      out.append(el("span", { class: "link", dir: "auto", title: `Send ${token}`, onclick: () => say(command), text: token }));
    } else out.append(el("span", { class: "link", dir: "auto", text: token }));
    at = start + token.length;
  }
  if (at < text.length) out.append(text.slice(at));
  return out;
}

/**
 * @param {MessageEntity} entity
 * @param {Node} inner
 * @param {string} text
 * @returns {Node}
 */
function wrap(entity, inner, text) {
  switch (entity.type) {
    case "bold":
      return el("b", {}, inner);
    case "italic":
      return el("i", {}, inner);
    case "underline":
      return el("u", {}, inner);
    case "strikethrough":
      return el("s", {}, inner);
    case "code":
      return el("code", {}, inner);
    case "pre":
      return el("pre", {}, inner);
    case "blockquote":
    case "expandable_blockquote":
      return el("blockquote", {}, inner);
    case "spoiler": {
      const spoiler = el("span", { class: "spoiler" }, inner);
      spoiler.addEventListener("click", () => spoiler.classList.add("shown"));
      return spoiler;
    }
    case "text_link": {
      const href = safeUrl(entity.url);
      return href
        ? el("a", { href, target: "_blank", rel: "noopener noreferrer", title: href }, inner)
        : el("span", { class: "link" }, inner);
    }
    case "url": {
      const href = safeUrl(text.slice(entity.offset, entity.offset + entity.length));
      return href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, inner) : inner;
    }
    case "mention":
    case "hashtag":
    case "cashtag":
    case "bot_command":
    case "email":
    case "phone_number":
    case "text_mention":
      return el("span", { class: "link", dir: "auto" }, inner);
    default:
      return inner;
  }
}

/**
 * Offsets and lengths are UTF-16 code units, as JavaScript strings count.
 * @param {string} text
 * @param {readonly MessageEntity[]} entities
 * @param {Chat} chat
 */
function renderText(text, entities, chat) {
  const out = document.createDocumentFragment();
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(Math.max(0, e.offset));
    cuts.add(Math.min(text.length, e.offset + e.length));
  }
  const points = Array.from(cuts).sort((a, b) => a - b);
  for (const [i, to] of points.entries()) {
    const from = points[i - 1];
    if (from === undefined || from >= to) continue;
    const active = entities
      .filter((e) => e.offset <= from && e.offset + e.length >= to)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    const linked = active.some((e) => LINKED.includes(e.type));
    const plain = text.slice(from, to);
    /** @type {Node} */
    const bare = linked ? document.createTextNode(plain) : autoLinked(plain, chat);
    out.append(active.reduceRight((inner, entity) => wrap(entity, inner, text), bare));
  }
  return out;
}

/** @param {NonNullable<ChatEntry["photo"]>} photo */
function photoNode(photo) {
  const box = el("div", { class: "photo" });
  const source = safeUrl(photo.source);
  const fallback = () => {
    box.textContent = `🖼 ${source ? new URL(source).host : "photo"} · ${photo.width}×${photo.height}`;
  };
  if (source) {
    const img = el("img", { src: source, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
    img.addEventListener("error", fallback);
    box.append(img);
  } else fallback();
  return box;
}

/** @param {string | undefined} url */
function previewNode(url) {
  const href = safeUrl(url);
  if (!href) return undefined;
  let host;
  try {
    host = new URL(href).host;
  } catch {
    host = href;
  }
  return el(
    "a",
    { class: "preview", href, target: "_blank", rel: "noopener noreferrer" },
    el("b", { text: host }),
    el("span", { text: href }),
  );
}

/**
 * @param {Chat} chat
 * @param {ChatEntry} entry
 */
function keyboardNode(chat, entry) {
  const { press, share } = chat;
  if (!press || !entry.buttons || entry.buttons.length === 0) return undefined;
  const kb = el("div", { class: "kb" });
  for (const row of entry.buttons) {
    const line = el("div", { class: "kb-row" });
    for (const button of row) {
      if (button.url) {
        line.append(el("a", { href: safeUrl(button.url), target: "_blank", rel: "noopener noreferrer", text: button.text }));
      } else if (button.switchInline) {
        line.append(
          el("button", { type: "button", class: "switch-inline", text: button.text, onclick: () => share?.(entry.messageId, button) }),
        );
      } else {
        line.append(
          el("button", {
            type: "button",
            text: button.text,
            "data-data": button.data,
            onclick: () => press(entry.messageId, button.data),
          }),
        );
      }
    }
    kb.append(line);
  }
  return kb;
}

/**
 * One message of a chat, as Telegram shows it.
 * @param {Chat} chat
 * @param {ChatEntry} entry
 */
export function messageNode(chat, entry) {
  const bubble = el("div", { class: "bubble" });
  // Telegram names a channel's posts by the channel, and in a group who wrote each message.
  const author = chat.kind === "channel" ? chat.title : entry.author;
  if (author !== undefined) bubble.append(el("div", { class: "author", dir: "auto", text: author }));
  // A picked inline result: Telegram names the bot it came through.
  if (entry.via !== undefined) bubble.append(el("div", { class: "via", text: "via @" + entry.via }));
  if (entry.photo) bubble.append(photoNode(entry.photo));
  if (entry.text !== "") bubble.append(el("div", { class: "body", dir: "auto" }, renderText(entry.text, entry.entities, chat)));
  const preview = previewNode(entry.preview);
  if (preview) bubble.append(preview);
  bubble.append(el("span", { class: "meta", text: (entry.edited ? "edited " : "") + clock(entry.date * 1000) }));
  const kb = keyboardNode(chat, entry);
  return el(
    "div",
    {
      class: "msg " + entry.from + (kb ? " has-kb" : "") + (entry.photo && entry.text === "" ? " photo-only" : ""),
      "data-key": entry.key,
      "data-message-id": entry.messageId,
      "data-topic": entry.threadId ?? "",
    },
    bubble,
    kb,
  );
}
