// @ts-check
/**
 * The sandbox page's script, a module that page.html loads. It keeps no state of its own beyond
 * what the server streams (GET /sandbox/events) and talks to the server only through the JSON
 * endpoints of routes.ts. cards.js builds the chats' cards, messages.js draws their messages,
 * forms.js runs the side panel's forms.
 *
 * Plain JavaScript with JSDoc types, served as it is: `npm run typecheck` checks it against the DOM
 * (tsconfig.json here) and `npm run lint` lints it.
 */

import { fromJson } from "./api.js";
import { openChatPicker } from "./inline.js";
import { act } from "./api.js";
import { channelCard, directCard, groupCard, readerCard, updateCard } from "./cards.js";
import { all, byId, el } from "./dom.js";
import { startForms } from "./forms.js";
import { messageNode } from "./messages.js";
import { refreshReaders } from "./platforms.js";

/** @import { Card, ChannelCard, DirectCard, GroupCard, ReaderCard } from "./cards.js" */
/** @import { ActivityLine, Button, ChatEntry, Counters, InlineAnswerOnPage, SandboxEvent, World } from "./protocol.js" */

// ----- chats -----------------------------------------------------------------------------------

/** @type {World} */
let world = {
  readers: [],
  channels: [],
  groups: [],
  directChats: [],
  categories: [],
  limits: true,
  clock: { ahead: 0, zone: "UTC" },
  botUsername: "bot",
  platforms: [],
};
/** @type {Map<number, ChatEntry[]>} chat id -> its entries, in order; an edited message replaces its entry. */
const transcripts = new Map();
/** @type {Map<number, ReaderCard>} */
const readerCards = new Map();
/** @type {Map<number, ChannelCard>} */
const channelCards = new Map();
/** @type {Map<number, GroupCard>} */
const groupCards = new Map();
/** @type {Map<number, DirectCard>} */
const directCards = new Map();
const chatsBox = byId("chats", HTMLElement);

/** @param {number} chatId */
const cardOf = (chatId) => readerCards.get(chatId) ?? channelCards.get(chatId) ?? groupCards.get(chatId) ?? directCards.get(chatId);
/** Every card on the page. */
const allCards = () => [...readerCards.values(), ...channelCards.values(), ...groupCards.values(), ...directCards.values()];

/**
 * A share button (switch_inline_query_chosen_chat) under a message in `reader`'s chat: Telegram's
 * chat picker opens; in the chat chosen, `@bot <query>` is typed and the bot's results are listed.
 * @param {ReaderCard} card
 * @param {number} messageId
 * @param {Button} button
 */
function share(card, messageId, button) {
  if (!button.switchInline) return;
  const readerId = card.reader.id;
  openChatPicker(card.node, world, readerId, button.switchInline, async (chatId) => {
    const answer = await act("/sandbox/share", { readerId, messageId, button: button.text, chatId });
    if (!answer.ok) return;
    const found = /** @type {InlineAnswerOnPage} */ (answer.body);
    // A chat between readers opened for it arrives with the world's next description.
    for (let tries = 0; tries < 40 && !cardOf(found.chatId); tries++) await new Promise((done) => setTimeout(done, 50));
    const target = cardOf(found.chatId);
    if (!target || target.kind === "channel") return;
    target.typing.actAs(readerId);
    target.typing.input.value = `@${world.botUsername} ${found.query}`;
    target.typing.bar.show(found, readerId);
    target.node.scrollIntoView({ block: "nearest" });
    target.typing.input.focus();
  });
}

/**
 * A new chat's card on the page, with the entries it has.
 * @template {Card} C
 * @param {Map<number, C>} cards
 * @param {C} card
 * @returns {C}
 */
function addCard(cards, card) {
  cards.set(card.chat.id, card);
  chatsBox.append(card.node);
  for (const entry of transcripts.get(card.chat.id) ?? []) placeEntry(card, entry);
  return card;
}

const forms = startForms();
const chatsEmpty = byId("chats-empty", HTMLParagraphElement);

/** @param {World} next */
function renderWorld(next) {
  world = next;
  for (const select of all(document, ".reader-select", HTMLSelectElement)) refreshReaders(select, world);
  forms.renderWorld(world);
  /** @param {Card} card */
  const update = (card) => updateCard(card, world, transcripts.get(card.chat.id) ?? []);
  for (const reader of world.readers) {
    let card = readerCards.get(reader.id);
    if (!card) {
      const made = readerCard(reader, world);
      made.chat.share = (messageId, button) => share(made, messageId, button);
      card = addCard(readerCards, made);
    }
    update(card);
  }
  for (const channel of world.channels) {
    const card = channelCards.get(channel.id) ?? addCard(channelCards, channelCard(channel, world));
    card.channel = channel;
    update(card);
  }
  for (const group of world.groups) {
    const card = groupCards.get(group.id) ?? addCard(groupCards, groupCard(group, world));
    card.group = group;
    update(card);
  }
  for (const direct of world.directChats) update(directCards.get(direct.id) ?? addCard(directCards, directCard(direct, world)));
  chatsEmpty.hidden = world.readers.length + world.channels.length + world.groups.length > 0;
}

/**
 * @param {Card} card
 * @param {ChatEntry} entry
 */
function placeEntry(card, entry) {
  const list = card.messages;
  list.querySelector(".chat-hint")?.remove();
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const node = messageNode(card.chat, entry);
  const old = list.querySelector(`[data-key="${entry.key}"]`);
  if (old) old.replaceWith(node);
  else list.append(node);
  if (card.kind === "group") node.hidden = card.group.forum && (entry.threadId ?? undefined) !== card.topic;
  if (nearBottom || !old) list.scrollTop = list.scrollHeight;
}

/**
 * @param {number} chatId
 * @param {ChatEntry} entry
 */
function addEntry(chatId, entry) {
  const entries = transcripts.get(chatId) ?? [];
  const at = entries.findIndex((e) => e.key === entry.key);
  if (at >= 0) entries[at] = entry;
  else entries.push(entry);
  transcripts.set(chatId, entries);
  const card = cardOf(chatId);
  if (card) {
    placeEntry(card, entry);
    updateCard(card, world, entries);
  }
}

/**
 * @param {number} chatId
 * @param {string} text
 */
function toast(chatId, text) {
  const card = cardOf(chatId);
  if (!card) return;
  const note = el("div", { class: "toast", text });
  card.node.append(note);
  setTimeout(() => note.classList.add("gone"), 2500);
  setTimeout(() => note.remove(), 3000);
}

// ----- counters and activity -------------------------------------------------------------------

const counterBoxes = {
  queued: byId("c-queued", HTMLElement),
  sent: byId("c-sent", HTMLElement),
  limited: byId("c-limited", HTMLElement),
  failed: byId("c-failed", HTMLElement),
};

/** @param {Counters} counters */
function renderCounters(counters) {
  counterBoxes.queued.textContent = String(counters.queued);
  counterBoxes.sent.textContent = String(counters.sent);
  counterBoxes.limited.textContent = String(counters.limited);
  counterBoxes.failed.textContent = String(counters.failed);
}

const activityList = byId("activity", HTMLOListElement);
/** @param {number} ms */
const clockSeconds = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** @param {ActivityLine} line */
function addActivity(line) {
  activityList.prepend(
    // An English sentence: the names and titles in it are isolated (state.ts), so it stays left to right.
    el("li", { class: line.level }, el("time", { text: clockSeconds(line.at) }), el("span", { text: line.text })),
  );
  while (activityList.childElementCount > 80) activityList.lastElementChild?.remove();
}

// ----- the stream ------------------------------------------------------------------------------

const live = byId("live", HTMLSpanElement);
const events = new EventSource("/sandbox/events");

/**
 * Handles the stream's events of one type: routes.ts sends each SandboxEvent as JSON under its type.
 * @template {SandboxEvent["type"]} T
 * @param {T} type
 * @param {(event: Extract<SandboxEvent, { type: T }>) => void} handle
 */
function on(type, handle) {
  events.addEventListener(type, (/** @type {MessageEvent<string>} */ message) =>
    handle(/** @type {Extract<SandboxEvent, { type: T }>} */ (fromJson(message.data))),
  );
}

on("snapshot", (snapshot) => {
  transcripts.clear();
  for (const card of allCards()) card.node.remove();
  readerCards.clear();
  channelCards.clear();
  groupCards.clear();
  directCards.clear();
  for (const [chatId, entries] of Object.entries(snapshot.transcripts)) transcripts.set(Number(chatId), entries.slice());
  renderWorld(snapshot.world);
  renderCounters(snapshot.counters);
  activityList.replaceChildren();
  for (const line of snapshot.activity) addActivity(line);
  live.textContent = "live";
  live.classList.add("on");
  document.body.dataset.live = "true";
});
on("world", (event) => renderWorld(event.world));
on("entry", (event) => addEntry(event.chatId, event.entry));
on("toast", (event) => toast(event.chatId, event.text));
on("activity", (event) => addActivity(event.line));
on("counters", (event) => renderCounters(event.counters));
events.addEventListener("error", () => {
  live.textContent = "reconnecting…";
  live.classList.remove("on");
  document.body.dataset.live = "false";
});
