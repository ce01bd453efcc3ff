// @ts-check
/**
 * Inline mode on the sandbox page, as Telegram's apps show it: typing `@bot words` in a chat's input
 * lists the bot's answer above it (title, summary, thumbnail), and picking a result posts it there
 * as the reader, via the bot. And the chat picker a switch_inline_query_chosen_chat button opens.
 */

import { act, api } from "./api.js";
import { el } from "./dom.js";

/** @import { InlineAnswerOnPage, InlineResult, SwitchInline, World } from "./protocol.js" */

/** Telegram asks the bot again when the typing pauses. */
const TYPING_PAUSE_MS = 300;
/** The URL, if an image may be loaded from there (http, https). @param {string | undefined} url */
const imageUrl = (url) => (/^https?:/i.test(url ?? "") ? url : undefined);

/**
 * @typedef {object} InlineBar
 * @property {HTMLElement} node the results' list, above the input
 * @property {(answer: InlineAnswerOnPage, readerId: number) => void} show lists an answer for that reader
 */

/**
 * The inline results of a chat's input: while its text is `@<bot> …`, the bot's answer for the
 * reader who types.
 * @param {HTMLInputElement} input
 * @param {number} chatId the card's chat
 * @param {() => string} bot the bot's username
 * @param {() => number} reader the reader who types
 * @returns {InlineBar}
 */
export function inlineBar(input, chatId, bot, reader) {
  const node = el("div", { class: "inline-results", hidden: true, role: "listbox" });
  /** @type {number | undefined} */
  let timer;
  /** Counts what was typed: only the answer to the newest is shown. */
  let typing = 0;
  const hide = () => {
    node.hidden = true;
    node.replaceChildren();
  };
  /** @param {InlineAnswerOnPage} answer @param {number} readerId */
  const show = (answer, readerId) => {
    node.hidden = false;
    if (answer.results.length === 0) {
      node.replaceChildren(el("p", { class: "inline-none", text: "No results" }));
      return;
    }
    node.replaceChildren(
      ...answer.results.map((result) =>
        resultNode(result, async () => {
          const picked = await act("/sandbox/inline/pick", { readerId, chatId, queryId: answer.queryId, resultId: result.id });
          if (!picked.ok) return;
          input.value = "";
          hide();
        }),
      ),
    );
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const mine = ++typing;
    const typed = new RegExp(`^@${bot()}(?:\\s+([^]*))?$`, "i").exec(input.value);
    if (!typed) {
      hide();
      return;
    }
    const query = typed[1] ?? "";
    timer = setTimeout(async () => {
      const readerId = reader();
      const answer = await api("/sandbox/inline", { readerId, chatId, query });
      if (answer.ok && mine === typing) show(/** @type {InlineAnswerOnPage} */ (answer.body), readerId);
    }, TYPING_PAUSE_MS);
  });
  return { node, show };
}

/**
 * @param {InlineResult} result
 * @param {() => unknown} pick
 */
function resultNode(result, pick) {
  const thumbnail = imageUrl(result.thumbnail);
  const thumb = el("span", { class: "inline-thumb", text: thumbnail ? "" : Array.from(result.title)[0] || "·" });
  if (thumbnail) {
    const img = el("img", { src: thumbnail, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
    img.addEventListener("error", () => img.remove());
    thumb.append(img);
  }
  return el(
    "button",
    { type: "button", class: "inline-result", role: "option", "data-result-id": result.id, onclick: () => void pick() },
    thumb,
    el(
      "span",
      { class: "inline-text" },
      el("b", { dir: "auto", text: result.title }),
      result.description === undefined ? undefined : el("span", { dir: "auto", text: result.description }),
    ),
  );
}

/**
 * Telegram's chat picker for a switch_inline_query_chosen_chat button pressed by `readerId`: the
 * chats of the kinds it allows where the reader may write (other readers, their groups, the channels
 * they created). `choose` gets the chosen card's id (another reader: that reader's id).
 * @param {HTMLElement} card where the picker opens
 * @param {World} world
 * @param {number} readerId
 * @param {SwitchInline} allowed
 * @param {(chatId: number) => unknown} choose
 */
export function openChatPicker(card, world, readerId, allowed, choose) {
  card.querySelector(".picker")?.remove();
  /** @type {{ id: number, name: string, kind: string }[]} */
  const chats = [
    // Telegram's picker lists Telegram's chats: the reader's groups and channels are on Telegram, and so must the readers be.
    ...(allowed.users
      ? world.readers.filter((r) => r.id !== readerId && r.platform === "telegram").map((r) => ({ id: r.id, name: r.name, kind: "reader" }))
      : []),
    ...(allowed.groups
      ? world.groups.filter((g) => g.members.some((m) => m.readerId === readerId)).map((g) => ({ id: g.id, name: g.title, kind: "group" }))
      : []),
    ...(allowed.channels
      ? world.channels.filter((c) => c.ownerId === readerId).map((c) => ({ id: c.id, name: c.title, kind: "channel" }))
      : []),
  ];
  const picker = el("div", { class: "picker", role: "dialog", "aria-label": "Choose a chat" });
  const close = () => picker.remove();
  picker.append(
    el("div", { class: "picker-title", text: "Choose a chat" }),
    ...chats.map((chat) =>
      el(
        "button",
        {
          type: "button",
          class: "picker-chat",
          "data-chat-id": chat.id,
          "data-name": chat.name,
          onclick: () => {
            close();
            void choose(chat.id);
          },
        },
        el("span", { class: "avatar", text: Array.from(chat.name)[0] || "#" }),
        el("span", { dir: "auto", text: chat.name }),
        el("small", { text: chat.kind }),
      ),
    ),
    chats.length === 0 ? el("p", { class: "inline-none", text: "No chat to share to: add another reader or a group." }) : "",
    el("button", { type: "button", class: "picker-cancel", text: "Cancel", onclick: close }),
  );
  card.append(picker);
}
