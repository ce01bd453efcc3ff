// @ts-check
/**
 * The sandbox page's script, a module that page.html loads. It keeps no state of its own beyond
 * what the server streams (GET /sandbox/events) and talks to the server only through the JSON
 * endpoints of routes.ts. messages.js draws the chats' messages.
 *
 * Plain JavaScript with JSDoc types, served as it is: `npm run typecheck` checks it against the DOM
 * (tsconfig.json here) and `npm run lint` lints it.
 */

import { all, byId, el, field } from "./dom.js";
import { act, api, flash, fromJson, onSubmit } from "./api.js";
import { messageNode } from "./messages.js";

/** @import { ArticleInput } from "../../ingest/article.js" */
/** @import { SampleArticle } from "../samples.js" */
/** @import { Chat } from "./messages.js" */
/** @import { ActivityLine, ChatEntry, Counters, FeedPreview, Reader, SandboxEvent, World } from "./protocol.js" */

/** @typedef {World["channels"][number]} ChannelOnPage */
/**
 * @typedef {object} ReaderCard
 * @property {"reader"} kind
 * @property {Chat} chat
 * @property {HTMLElement} node
 * @property {HTMLElement} messages
 * @property {HTMLButtonElement} start
 * @property {HTMLFormElement} composer
 */
/**
 * @typedef {object} ChannelCard
 * @property {"channel"} kind
 * @property {Chat} chat
 * @property {ChannelOnPage} channel as the server last described it
 * @property {HTMLElement} node
 * @property {HTMLElement} messages
 * @property {HTMLElement} badge
 * @property {HTMLFormElement} action
 * @property {HTMLSelectElement} who
 * @property {HTMLElement} note
 */
/** @typedef {ReaderCard | ChannelCard} Card */
/**
 * What the publish form can be filled in with: a sample, or an item of a configured feed.
 * @typedef {SampleArticle | ArticleInput} Fillable
 */

// ----- chats -----------------------------------------------------------------------------------

/** @type {World} */
let world = { readers: [], channels: [], categories: [], limits: true, botUsername: "bot" };
/** @type {Map<number, ChatEntry[]>} chat id -> its entries, in order; an edited message replaces its entry. */
const transcripts = new Map();
/** @type {Map<number, ReaderCard>} */
const readerCards = new Map();
/** @type {Map<number, ChannelCard>} */
const channelCards = new Map();
const chatsBox = byId("chats", HTMLElement);

/** @param {number} chatId */
const cardOf = (chatId) => readerCards.get(chatId) ?? channelCards.get(chatId);

/**
 * @param {number} readerId
 * @param {string} text
 */
function say(readerId, text) {
  return act(`/sandbox/readers/${readerId}/send`, { text });
}

const readerOptions = () => world.readers.map((r) => el("option", { value: r.id, text: r.name }));

/**
 * @param {Reader} reader
 * @returns {ReaderCard}
 */
function readerCard(reader) {
  const messages = el("div", { class: "messages", role: "log" });
  const input = el("input", {
    name: "text",
    placeholder: "Message as " + reader.name,
    autocomplete: "off",
    dir: "auto",
    maxlength: "4096",
  });
  const chips = el("div", { class: "chips" });
  for (const command of ["/start", "/categories", "/mysubs", "/channels", "/help"]) {
    chips.append(el("button", { type: "button", text: command, onclick: () => say(reader.id, command) }));
  }
  const composer = el(
    "form",
    {
      class: "composer",
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text === "") return;
        input.value = "";
        void say(reader.id, text);
      },
    },
    chips,
    el("div", { class: "row" }, input, el("button", { type: "submit", text: "Send" })),
  );
  const start = el("button", { type: "button", class: "start-btn", text: "START", onclick: () => say(reader.id, "/start") });
  const node = el(
    "section",
    { class: "chat reader", "data-chat-id": reader.id, "data-name": reader.name },
    el(
      "header",
      { class: "chat-head" },
      el("span", { class: "avatar", text: Array.from(reader.name)[0] || "?" }),
      el(
        "div",
        {},
        el("div", { class: "chat-title", dir: "auto", text: reader.name }),
        el("div", { class: "chat-sub", text: "private chat with @" + world.botUsername + " · " + reader.language }),
      ),
    ),
    messages,
    start,
    composer,
  );
  /** @type {Chat} */
  const chat = {
    kind: "reader",
    id: reader.id,
    title: reader.name,
    say: (text) => say(reader.id, text),
    press: (messageId, data) => act("/sandbox/press", { readerId: reader.id, messageId, data }),
  };
  return { kind: "reader", chat, node, messages, start, composer };
}

/**
 * @param {ChannelOnPage} channel
 * @returns {ChannelCard}
 */
function channelCard(channel) {
  const messages = el("div", { class: "messages", role: "log" });
  const badge = el("span", { class: "badge" });
  const who = el("select", { class: "reader-select", "aria-label": "Who adds the bot" }, ...readerOptions());
  who.value = String(channel.ownerId);
  const action = el(
    "form",
    {
      class: "row",
      onsubmit: async (event) => {
        event.preventDefault();
        await act(`/sandbox/channels/${channel.id}/add-bot`, { readerId: Number(who.value) });
      },
    },
    el("label", { class: "inline", text: "Add the bot as admin, as" }),
    who,
    el("button", { type: "submit", text: "Add bot" }),
  );
  const note = el("div", { class: "channel-note" });
  const owner = world.readers.find((r) => r.id === channel.ownerId);
  const node = el(
    "section",
    { class: "chat channel", "data-chat-id": channel.id, "data-title": channel.title },
    el(
      "header",
      { class: "chat-head" },
      el("span", { class: "avatar", text: Array.from(channel.title)[0] || "#" }),
      el(
        "div",
        {},
        el("div", { class: "chat-title", dir: "auto", text: channel.title }),
        el("div", { class: "chat-sub", text: "channel · @" + channel.username + " · created by " + (owner ? owner.name : "?") }),
      ),
      badge,
    ),
    messages,
    el("div", { class: "channel-foot" }, action, note),
  );
  return {
    kind: "channel",
    chat: { kind: "channel", id: channel.id, title: channel.title },
    channel,
    node,
    messages,
    badge,
    action,
    who,
    note,
  };
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

/** @param {Card} card */
function updateCard(card) {
  const entries = transcripts.get(card.chat.id) ?? [];
  if (card.kind === "reader") {
    card.start.hidden = entries.length > 0;
    card.composer.hidden = entries.length === 0;
    if (entries.length === 0 && !card.node.querySelector(".chat-hint")) {
      card.messages.append(
        el("p", { class: "chat-hint", text: "What can this bot do? It sends you the news of the categories you choose. Press START." }),
      );
    }
  } else {
    const admin = card.channel.botIsAdmin;
    card.badge.textContent = admin ? "bot: admin" : "bot: not added";
    card.badge.classList.toggle("on", admin);
    card.action.hidden = admin;
    card.note.textContent = admin
      ? "Link categories with the picker in the admin's chat, or /link @" + card.channel.username + " world. Posts appear here."
      : "Only the channel's administrators can add the bot.";
    if (entries.length === 0 && !card.node.querySelector(".chat-hint")) {
      card.messages.append(el("p", { class: "chat-hint", text: "No posts yet." }));
    }
  }
}

const limitsSwitch = byId("limits", HTMLInputElement);
const categoryBox = byId("publish-categories", HTMLDivElement);
const chatsEmpty = byId("chats-empty", HTMLParagraphElement);

/** @param {World} next */
function renderWorld(next) {
  world = next;
  limitsSwitch.checked = world.limits;
  // Reader pickers keep their choice.
  for (const select of all(document, ".reader-select", HTMLSelectElement)) {
    const chosen = select.value;
    select.replaceChildren(...readerOptions());
    if (chosen && world.readers.some((r) => String(r.id) === chosen)) select.value = chosen;
  }
  if (categoryBox.childElementCount !== world.categories.length) {
    categoryBox.replaceChildren(
      ...world.categories.map((c) => el("label", {}, el("input", { type: "checkbox", name: "category", value: c.slug }), c.title)),
    );
  }
  for (const reader of world.readers) updateCard(readerCards.get(reader.id) ?? addCard(readerCards, readerCard(reader)));
  for (const channel of world.channels) {
    const card = channelCards.get(channel.id) ?? addCard(channelCards, channelCard(channel));
    card.channel = channel;
    updateCard(card);
  }
  chatsEmpty.hidden = world.readers.length + world.channels.length > 0;
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
    updateCard(card);
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
    el("li", { class: line.level }, el("time", { text: clockSeconds(line.at) }), el("span", { dir: "auto", text: line.text })),
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
  for (const card of [...readerCards.values(), ...channelCards.values()]) card.node.remove();
  readerCards.clear();
  channelCards.clear();
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

// ----- forms -----------------------------------------------------------------------------------

limitsSwitch.addEventListener("change", () => void act("/sandbox/limits", { enabled: limitsSwitch.checked }));

const readerForm = byId("reader-form", HTMLFormElement);
const readerName = field(readerForm, "name", HTMLInputElement);
const readerLanguage = field(readerForm, "language", HTMLSelectElement);
onSubmit(readerForm, async () => {
  const answer = await act("/sandbox/readers", { name: readerName.value, language: readerLanguage.value });
  if (answer.ok) readerName.value = "";
});

const channelForm = byId("channel-form", HTMLFormElement);
const channelTitle = field(channelForm, "title", HTMLInputElement);
const channelUsername = field(channelForm, "username", HTMLInputElement);
const channelOwner = field(channelForm, "owner", HTMLSelectElement);
onSubmit(channelForm, async () => {
  if (!channelOwner.value) {
    flash("Add a reader first: a channel needs a creator.");
    return;
  }
  /** @type {{ title: string, ownerId: number, username?: string }} */
  const body = { title: channelTitle.value, ownerId: Number(channelOwner.value) };
  if (channelUsername.value.trim() !== "") body.username = channelUsername.value.trim();
  const answer = await act("/sandbox/channels", body);
  if (answer.ok) {
    channelTitle.value = "";
    channelUsername.value = "";
  }
});

const publishForm = byId("publish-form", HTMLFormElement);
const publishField = {
  title: field(publishForm, "title", HTMLInputElement),
  summary: field(publishForm, "summary", HTMLTextAreaElement),
  url: field(publishForm, "url", HTMLInputElement),
  imageUrl: field(publishForm, "imageUrl", HTMLInputElement),
  language: field(publishForm, "language", HTMLInputElement),
  breaking: field(publishForm, "breaking", HTMLInputElement),
};

/** @param {Fillable} sample */
function fill(sample) {
  publishField.title.value = sample.title;
  publishField.summary.value = sample.summary ?? "";
  publishField.url.value = sample.url;
  // A sample's picture may be the sandbox's own (a path): no network needed to see a photo.
  publishField.imageUrl.value = sample.imageUrl ? new URL(sample.imageUrl, location.href).href : "";
  publishField.language.value = sample.language ?? "";
  publishField.breaking.checked = sample.priority === "breaking";
  for (const box of all(publishForm, "input[name=category]", HTMLInputElement)) box.checked = sample.categories.includes(box.value);
}

const feedList = byId("feed-items", HTMLUListElement);

async function showFeeds() {
  feedList.textContent = "Fetching…";
  const response = await fetch("/sandbox/feeds");
  const { feeds } = /** @type {{ feeds: FeedPreview[] }} */ (fromJson(await response.text()));
  feedList.textContent = "";
  if (feeds.length === 0) {
    feedList.append(el("li", { text: 'No feeds in the categories file (add "feeds": ["https://…"] to a category).' }));
  }
  for (const feed of feeds) {
    feedList.append(el("li", { class: "feed-head", text: feed.category + " · " + feed.url + (feed.error ? " — " + feed.error : "") }));
    for (const item of feed.items) {
      feedList.append(
        el(
          "li",
          {},
          el("button", { type: "button", text: "Use", onclick: () => fill(item) }),
          el("span", { dir: "auto", text: " " + item.title }),
        ),
      );
    }
  }
}

/** The sample articles the server put in the page. */
const samples = /** @type {{ en: SampleArticle, fa: SampleArticle }} */ (fromJson(byId("samples", HTMLScriptElement).text));

byId("load-feeds", HTMLButtonElement).addEventListener("click", () => void showFeeds());
byId("sample-en", HTMLButtonElement).addEventListener("click", () => fill(samples.en));
byId("sample-fa", HTMLButtonElement).addEventListener("click", () => fill(samples.fa));

const publishResult = byId("publish-result", HTMLParagraphElement);
onSubmit(publishForm, async () => {
  /** @type {ArticleInput} */
  const article = {
    title: publishField.title.value,
    url: publishField.url.value.trim(),
    categories: all(publishForm, "input[name=category]:checked", HTMLInputElement).map((b) => b.value),
  };
  if (publishField.summary.value.trim() !== "") article.summary = publishField.summary.value;
  if (publishField.imageUrl.value.trim() !== "") article.imageUrl = publishField.imageUrl.value.trim();
  if (publishField.language.value.trim() !== "") article.language = publishField.language.value.trim();
  if (publishField.breaking.checked) article.priority = "breaking";
  const answer = await api("/sandbox/publish", article);
  publishResult.className = "result " + (answer.status === 202 ? "good" : answer.status === 200 ? "" : "bad");
  if (answer.status === 202) publishResult.textContent = `Accepted as ${answer.body.id}: on its way to the subscribers.`;
  else if (answer.status === 200)
    publishResult.textContent = "Published before (same id or URL), so nobody gets it twice. Change its URL to send it again.";
  else if (answer.body.issues) publishResult.textContent = answer.body.issues.map((i) => i.path + ": " + i.message).join("; ");
  else publishResult.textContent = answer.body.error || `error ${answer.status}`;
});
