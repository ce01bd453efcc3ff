// @ts-check
/**
 * The chats' cards of the sandbox page: a reader's private chat with the bot, a channel, a group or
 * a forum (its messages by topic). Each card acts through the JSON endpoints of routes.ts; page.js
 * places the cards and feeds them the world and the messages the server streams.
 */

import { act, fromJson } from "./api.js";
import { el } from "./dom.js";
import { botOf, platformTag, readerOptions } from "./platforms.js";
import { inlineBar } from "./inline.js";

/** @import { InlineBar } from "./inline.js" */
/** @import { Chat } from "./messages.js" */
/** @import { Platform } from "../../ids.js" */
/** @import { ChatEntry, DirectChat, GroupOnPage, MenuCommand, Reader, World } from "./protocol.js" */

/** @typedef {World["channels"][number]} ChannelOnPage */
/**
 * @typedef {object} ReaderCard
 * @property {"reader"} kind
 * @property {Chat} chat
 * @property {Reader} reader
 * @property {HTMLElement} node
 * @property {HTMLElement} messages
 * @property {HTMLButtonElement} start
 * @property {HTMLFormElement} composer
 * @property {HTMLElement} menu the bot's command menu, as Telegram's Menu button opens it
 * @property {Typing} typing
 */
/**
 * A card's input field and its inline results (`@bot words`), for the share button's picker to fill.
 * @typedef {object} Typing
 * @property {HTMLInputElement} input
 * @property {InlineBar} bar
 * @property {(readerId: number) => void} actAs makes `readerId` the one who types here
 */
/**
 * A private chat between two readers: the bot is not in it; either writes, or posts inline results.
 * @typedef {object} DirectCard
 * @property {"direct"} kind
 * @property {Chat} chat
 * @property {DirectChat} direct
 * @property {HTMLElement} node
 * @property {HTMLElement} messages
 * @property {Typing} typing
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
 * @property {HTMLElement} note
 */
/**
 * @typedef {object} GroupCard
 * @property {"group"} kind
 * @property {Chat} chat
 * @property {GroupOnPage} group as the server last described it
 * @property {HTMLElement} node
 * @property {HTMLElement} messages
 * @property {HTMLElement} sub
 * @property {HTMLElement} badge
 * @property {HTMLElement} tabs a forum's topics; the chosen one filters the messages
 * @property {HTMLElement} members
 * @property {HTMLDetailsElement} setup
 * @property {HTMLFormElement} addBot
 * @property {HTMLFormElement} newTopic
 * @property {HTMLSelectElement} as who acts in the group: writes, adds the bot, opens topics
 * @property {number | undefined} topic the chosen topic (undefined: General)
 * @property {Typing} typing
 */
/** @typedef {ReaderCard | ChannelCard | GroupCard | DirectCard} Card */

/**
 * A card's head: the avatar, the name with its platform, a line below it and a badge.
 * @param {string} name
 * @param {Platform} platform
 * @param {string} sub
 * @param {HTMLElement} [badge]
 */
function head(name, platform, sub, badge) {
  const subNode = el("div", { class: "chat-sub", text: sub });
  const node = el(
    "header",
    { class: "chat-head" },
    el("span", { class: "avatar", text: Array.from(name)[0] || "#" }),
    el("div", {}, el("div", { class: "chat-title" }, el("span", { dir: "auto", text: name }), " ", platformTag(platform)), subNode),
    badge,
  );
  return { node, sub: subNode };
}

/**
 * A composer: the text input and Send, with `extra` in front (a Menu button, an "as" select), and
 * above them the inline results while the text is `@<bot> words`.
 * @param {string} placeholder
 * @param {(text: string) => unknown} send
 * @param {{ chatId: number, bot: string, reader: () => number, actAs: (readerId: number) => void }} inline
 * @param {...(Node | undefined)} extra
 * @returns {{ form: HTMLFormElement, typing: Typing }}
 */
function composer(placeholder, send, inline, ...extra) {
  const input = el("input", { name: "text", placeholder, autocomplete: "off", dir: "auto", maxlength: "4096" });
  const bar = inlineBar(input, inline.chatId, () => inline.bot, inline.reader);
  const form = el(
    "form",
    {
      class: "composer",
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text === "") return;
        input.value = "";
        bar.node.hidden = true;
        void send(text);
      },
    },
    bar.node,
    el("div", { class: "row" }, ...extra, input, el("button", { type: "submit", text: "Send" })),
  );
  return { form, typing: { input, bar, actAs: inline.actAs } };
}

// ----- a reader's private chat -----------------------------------------------------------------

/**
 * @param {Reader} reader
 * @param {World} world
 * @returns {ReaderCard}
 */
export function readerCard(reader, world) {
  const say = (/** @type {string} */ text) => act(`/sandbox/readers/${reader.id}/send`, { text });
  const messages = el("div", { class: "messages", role: "log" });
  const menu = el("div", { class: "menu", hidden: true });
  const menuButton = el("button", {
    type: "button",
    class: "menu-btn",
    text: "Menu",
    title: "The bot's commands",
    // Bale has no command menu (setMyCommands, docs/bale.md): its readers type the commands.
    hidden: reader.platform === "bale",
    onclick: async () => {
      if (menu.hidden) await renderMenu(reader, menu, say);
      menu.hidden = !menu.hidden;
    },
  });
  const { form, typing } = composer(
    "Message as " + reader.name,
    say,
    { chatId: reader.id, bot: botOf(world, reader.platform), reader: () => reader.id, actAs: () => undefined },
    menuButton,
  );
  const start = el("button", { type: "button", class: "start-btn", text: "START", onclick: () => say("/start") });
  const { node: header } = head(
    reader.name,
    reader.platform,
    "private chat with @" + botOf(world, reader.platform) + " · " + reader.language,
  );
  const node = el(
    "section",
    { class: "chat reader on-" + reader.platform, "data-chat-id": reader.id, "data-name": reader.name, "data-platform": reader.platform },
    header,
    messages,
    menu,
    start,
    form,
  );
  /** @type {Chat} */
  const chat = {
    kind: "reader",
    id: reader.id,
    title: reader.name,
    say,
    press: (messageId, data) => act("/sandbox/press", { readerId: reader.id, messageId, data }),
  };
  return { kind: "reader", chat, reader, node, messages, start, composer: form, menu, typing };
}

/**
 * The menu Telegram shows this reader now: the bot's commands for their chat or their language
 * (setMyCommands), asked for each time it opens, as Telegram does.
 * @param {Reader} reader
 * @param {HTMLElement} menu
 * @param {(text: string) => unknown} say
 */
async function renderMenu(reader, menu, say) {
  const response = await fetch(`/sandbox/readers/${reader.id}/menu`);
  const { commands } = /** @type {{ commands: MenuCommand[] }} */ (fromJson(await response.text()));
  menu.replaceChildren(
    ...commands.map((c) =>
      el(
        "button",
        {
          type: "button",
          class: "menu-item",
          "data-command": c.command,
          onclick: () => {
            menu.hidden = true;
            void say("/" + c.command);
          },
        },
        el("b", { text: "/" + c.command }),
        el("span", { dir: "auto", text: c.description }),
      ),
    ),
  );
}

// ----- a channel -------------------------------------------------------------------------------

/**
 * @param {ChannelOnPage} channel
 * @param {World} world
 * @returns {ChannelCard}
 */
export function channelCard(channel, world) {
  const messages = el("div", { class: "messages", role: "log" });
  const badge = el("span", { class: "badge" });
  const who = el(
    "select",
    { class: "reader-select", "data-platform": channel.platform, "aria-label": "Who adds the bot" },
    ...readerOptions(world, channel.platform),
  );
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
  const { node: header } = head(
    channel.title,
    channel.platform,
    "channel · @" + channel.username + " · created by " + (owner ? owner.name : "?"),
    badge,
  );
  const node = el(
    "section",
    {
      class: "chat channel on-" + channel.platform,
      "data-chat-id": channel.id,
      "data-title": channel.title,
      "data-platform": channel.platform,
    },
    header,
    messages,
    el("div", { class: "chat-foot" }, action, note),
  );
  return { kind: "channel", chat: { kind: "channel", id: channel.id, title: channel.title }, channel, node, messages, badge, action, note };
}

// ----- a group or a forum ----------------------------------------------------------------------

/**
 * @param {GroupOnPage} group
 * @param {World} world
 * @returns {GroupCard}
 */
export function groupCard(group, world) {
  const messages = el("div", { class: "messages", role: "log" });
  const badge = el("span", { class: "badge" });
  const tabs = el("div", { class: "tabs", role: "tablist", hidden: !group.forum });
  const members = el("div", { class: "members" });
  const as = el(
    "select",
    { class: "reader-select as", "data-platform": group.platform, "aria-label": "Acting as" },
    ...readerOptions(world, group.platform),
  );
  as.value = String(group.ownerId);
  const actor = () => Number(as.value);

  const addMember = el(
    "select",
    { class: "reader-select", "data-platform": group.platform, "aria-label": "Reader to add" },
    ...readerOptions(world, group.platform),
  );
  const role = el(
    "select",
    { "aria-label": "As" },
    el("option", { value: "member", text: "member" }),
    el("option", { value: "administrator", text: "admin" }),
  );
  const memberForm = el(
    "form",
    {
      class: "row",
      onsubmit: async (event) => {
        event.preventDefault();
        await act(`/sandbox/groups/${group.id}/members`, { readerId: Number(addMember.value), role: role.value });
      },
    },
    el("label", { class: "inline", text: "Add" }),
    addMember,
    role,
    el("button", { type: "submit", text: "Add" }),
  );
  const addBot = el(
    "form",
    {
      class: "row",
      onsubmit: async (event) => {
        event.preventDefault();
        await act(`/sandbox/groups/${group.id}/add-bot`, { readerId: actor() });
      },
    },
    el("span", { class: "bot-missing", text: "The bot is not in this group." }),
    el("button", { type: "submit", class: "primary", text: "Add the bot" }),
  );
  const topicName = el("input", {
    name: "topic",
    placeholder: "New topic, e.g. World",
    maxlength: "128",
    autocomplete: "off",
    dir: "auto",
  });
  const newTopic = el(
    "form",
    {
      class: "row",
      hidden: !group.forum,
      onsubmit: async (event) => {
        event.preventDefault();
        const answer = await act(`/sandbox/groups/${group.id}/topics`, { name: topicName.value, readerId: actor() });
        if (answer.ok) topicName.value = "";
      },
    },
    topicName,
    el("button", { type: "submit", text: "Open topic" }),
  );
  const setup = el(
    "details",
    // Open while the creator is alone in it: adding members comes first.
    { class: "setup", open: group.members.length <= 1 },
    el("summary", { text: "Members" + (group.forum ? ", topics" : "") + " and the bot" }),
    members,
    memberForm,
    newTopic,
  );

  /** @type {GroupCard} */
  let card;
  // Into the topic shown (a forum's General topic: none).
  const say = (/** @type {string} */ text) =>
    act(`/sandbox/groups/${group.id}/send`, { readerId: actor(), text, ...(card.topic === undefined ? {} : { threadId: card.topic }) });
  const { form, typing } = composer(
    "Message in " + group.title,
    say,
    {
      chatId: group.id,
      bot: botOf(world, group.platform),
      reader: actor,
      actAs: (readerId) => {
        as.value = String(readerId);
      },
    },
    el("label", { class: "inline", text: "as" }),
    as,
  );
  const { node: header, sub } = head(group.title, group.platform, "", badge);
  const node = el(
    "section",
    {
      class: "chat group on-" + group.platform + (group.forum ? " forum" : ""),
      "data-chat-id": group.id,
      "data-title": group.title,
      "data-platform": group.platform,
    },
    header,
    tabs,
    messages,
    el("div", { class: "chat-foot" }, setup, addBot),
    form,
  );
  /** @type {Chat} */
  const chat = { kind: "group", id: group.id, title: group.title, say };
  card = { kind: "group", chat, group, node, messages, sub, badge, tabs, members, setup, addBot, newTopic, as, topic: undefined, typing };
  return card;
}

/**
 * A forum's topics as tabs, each with its number of messages; the chosen one filters the messages.
 * @param {GroupCard} card
 * @param {readonly ChatEntry[]} entries
 */
function renderTabs(card, entries) {
  if (!card.group.forum) return;
  const topics = [{ id: undefined, name: "General" }, ...card.group.topics];
  card.tabs.replaceChildren(
    ...topics.map((topic) => {
      const count = entries.filter((e) => e.threadId === topic.id).length;
      return el(
        "button",
        {
          type: "button",
          role: "tab",
          class: "tab" + (card.topic === topic.id ? " on" : ""),
          "aria-selected": card.topic === topic.id ? "true" : "false",
          "data-topic": topic.name,
          onclick: () => {
            card.topic = topic.id;
            renderTabs(card, entries);
            showTopic(card);
          },
        },
        el("span", { dir: "auto", text: topic.name }),
        count > 0 ? el("small", { text: String(count) }) : undefined,
      );
    }),
  );
}

/**
 * Shows the chosen topic's messages only (a message's node carries its topic).
 * @param {GroupCard} card
 */
export function showTopic(card) {
  if (!card.group.forum) return;
  for (const node of Array.from(card.messages.children)) {
    if (!(node instanceof HTMLElement) || !node.classList.contains("msg")) continue;
    node.hidden = (node.dataset.topic ?? "") !== String(card.topic ?? "");
  }
  card.messages.scrollTop = card.messages.scrollHeight;
}

// ----- a chat between two readers --------------------------------------------------------------

/**
 * @param {DirectChat} direct
 * @param {World} world
 * @returns {DirectCard}
 */
export function directCard(direct, world) {
  const names = direct.readerIds.map((id) => world.readers.find((r) => r.id === id)?.name ?? "?");
  const title = names.join(" ↔ ");
  const messages = el("div", { class: "messages", role: "log" });
  const as = el(
    "select",
    { class: "as", "aria-label": "Writing as" },
    ...direct.readerIds.map((id, i) => el("option", { value: id, text: names[i] })),
  );
  const actor = () => Number(as.value);
  const say = (/** @type {string} */ text) => act(`/sandbox/direct/${direct.id}/send`, { readerId: actor(), text });
  const { form, typing } = composer(
    "Message, or @" + world.botUsername + " words",
    say,
    {
      chatId: direct.id,
      bot: world.botUsername,
      reader: actor,
      actAs: (readerId) => {
        as.value = String(readerId);
      },
    },
    el("label", { class: "inline", text: "as" }),
    as,
  );
  const { node: header } = head(title, "telegram", "private chat between two readers · the bot is not in it");
  const node = el("section", { class: "chat direct", "data-chat-id": direct.id, "data-title": title }, header, messages, form);
  /** @type {Chat} */
  const chat = { kind: "direct", id: direct.id, title, say };
  return { kind: "direct", chat, direct, node, messages, typing };
}

// ----- what every card shows now ---------------------------------------------------------------

/**
 * @param {Card} card
 * @param {World} world
 * @param {readonly ChatEntry[]} entries the chat's messages
 */
export function updateCard(card, world, entries) {
  const hint = (/** @type {string} */ text) => {
    if (entries.length === 0 && !card.node.querySelector(".chat-hint")) card.messages.append(el("p", { class: "chat-hint", text }));
  };
  if (card.kind === "reader") {
    card.start.hidden = entries.length > 0;
    card.composer.hidden = entries.length === 0;
    hint("What can this bot do? It sends you the news of the categories you choose. Press START.");
  } else if (card.kind === "channel") {
    const admin = card.channel.botIsAdmin;
    card.badge.textContent = admin ? "bot: admin" : "bot: not added";
    card.badge.classList.toggle("on", admin);
    card.action.hidden = admin;
    const link = "/link @" + card.channel.username + " world";
    card.note.textContent = !admin
      ? "Only the channel's administrators can add the bot."
      : card.channel.platform === "bale"
        ? "Bale does not tell the bot it was added: the admin sends it " + link + " in their private chat. Posts appear here."
        : "Link categories with the picker in the admin's chat, or " + link + ". Posts appear here.";
    hint("No posts yet.");
  } else if (card.kind === "direct") {
    hint("Type @" + world.botUsername + " and words to find an article, then pick it; or share one with its Share… button.");
  } else {
    const { group } = card;
    const inIt = group.botIsMember;
    card.badge.textContent = inIt ? "bot: member" : "bot: not added";
    card.badge.classList.toggle("on", inIt);
    card.addBot.hidden = inIt;
    const names = group.members.map((m) => {
      const name = world.readers.find((r) => r.id === m.readerId)?.name ?? "?";
      return m.role === "member" ? name : `${name} (${m.role === "creator" ? "creator" : "admin"})`;
    });
    card.sub.textContent =
      (group.forum ? "forum · " + (group.topics.length + 1) + " topics" : "group") +
      " · " +
      group.members.length +
      (group.members.length === 1 ? " member" : " members");
    card.members.textContent = "In the group: " + names.join(", ");
    renderTabs(card, entries);
    hint(
      inIt
        ? "An administrator sends /subscribe world here" + (group.forum ? " (in a topic: that topic gets the posts)" : "") + "."
        : "Add readers, then the bot. Its posts and replies appear here.",
    );
  }
}
