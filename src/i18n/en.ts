import { formatCount as count, plural } from "./format.js";

const words = (n: number) => `${count(n, "en")} ${plural(n, "en", { one: "word", other: "words" })}`;

/**
 * Every string the bot sends (to readers, chat admins and operators), in English. A translation is
 * another object of the same type (see `Messages`), so a missing key is a type error, not a blank
 * message.
 */
export const en = {
  welcome: (name: string) =>
    `Hello, ${name}! I send you the news of the categories you choose, as soon as they are published.\n\nTap a category to follow it:`,
  subscribed: (titles: string) => `✅ You now follow: ${titles}.`,
  alreadySubscribed: (titles: string) => `You already follow: ${titles}.`,
  unsubscribed: (titles: string) => `You no longer follow: ${titles}.`,
  notSubscribed: (titles: string) => `You did not follow: ${titles}.`,
  unknownCategories: (unknown: readonly string[], valid: string) => `I don't know ${unknown.join(", ")}. The categories are: ${valid}.`,
  subscribeUsage: (valid: string) => `Tell me which categories, for example /subscribe world. The categories are: ${valid}.`,
  unsubscribeUsage: "Tell me which categories to stop, for example /unsubscribe world, or /stop to stop everything.",
  mySubscriptions: (titles: string) => `You follow: ${titles}.`,
  noSubscriptions: "You follow no category yet. Send /categories to choose.",
  categoriesHeader: "Tap a category to follow it (✅) or stop following it (➕ to add):",
  stopped: "You follow nothing now and will get no more messages. Send /categories to come back at any time.",
  stoppedNothing: "You were not following anything. Send /categories to choose.",
  slowDown: (seconds: number) =>
    `That's a lot of messages at once. I'll answer again in ${count(seconds, "en")} ${plural(seconds, "en", { one: "second", other: "seconds" })}.`,
  help: (valid: string, invite: string) =>
    [
      "I deliver the news of the categories you follow.",
      "",
      "/categories: choose categories with buttons",
      "/subscribe <category>: follow categories, e.g. /subscribe world",
      "/unsubscribe <category>: stop following categories",
      "/mysubs: what you follow",
      "/stop: stop everything",
      "/language: English or فارسی",
      "",
      "Your own way of receiving the news:",
      "/settings: your settings with buttons",
      "/digest off | hourly | daily 08:00: each article at once, or one digest an hour or a day",
      "/quiet 23:00-07:00 | off: hours without messages",
      "/timezone Europe/London: the time zone of your times",
      "/mute word…, /unmute word…: skip articles that contain these words",
      "/filters: your muted words and settings",
      "/help: this message",
      "",
      "For your channel or group (make me an administrator there first):",
      "/link @channel <category>: post a category there",
      "/unlink @channel [category]: stop",
      "/channels: the chats you linked",
      "/settings @channel: photos, previews, hashtags, signature",
      "",
      `Categories: ${valid}.`,
      `Invite someone with a link that starts them on a category: ${invite}`,
    ].join("\n"),
  toggledOn: (title: string) => `Following ${title}`,
  toggledOff: (title: string) => `Stopped ${title}`,
  readMore: "Read more",
  digestHeader: (n: number) => `📰 ${count(n, "en")} new ${plural(n, "en", { one: "article", other: "articles" })}`,
  linkUsage: (valid: string) =>
    [
      "Link a channel or group you administer to categories:",
      "/link @channel world economy",
      "/link -1001234567890 world",
      "/link -1001234567890 world topic=12 (a forum topic)",
      "",
      "First add me to it as an administrator who may post messages.",
      `Categories: ${valid}.`,
    ].join("\n"),
  unlinkUsage: "Tell me which chat: /unlink @channel (everything) or /unlink @channel world.",
  chatNotFound: (ref: string) =>
    `I can't find ${ref}. Add me to it first (as an administrator of a channel), then try again with its @username or its id.`,
  userNotAdmin: (title: string) => `You are not an administrator of ${title}, so you can't change what it receives.`,
  userCannotPost: (title: string) => `You are an administrator of ${title} but may not post there, so you can't choose what it posts.`,
  botNotInChat: (title: string) => `I am not in ${title}. Add me to it (as an administrator of a channel) first.`,
  botCannotPost: (title: string) => `I can't post in ${title}: make me an administrator who may post messages.`,
  linked: (title: string, titles: string) => `✅ ${title} now receives: ${titles}.`,
  alreadyLinked: (title: string, titles: string) => `${title} already receives: ${titles}.`,
  unlinked: (title: string, titles: string) => `${title} no longer receives: ${titles}.`,
  nothingLinked: (title: string) => `${title} receives nothing from me.`,
  channelsHeader: "The chats you linked:",
  channelLine: (title: string, titles: string) => `• ${title}: ${titles}`,
  noChannels: "You have not linked any channel or group yet. Send /link to see how.",
  addedToChat: (title: string) => `Thanks for adding me to ${title}. Tap the categories it should receive:`,
  addedToGroupNote: (botUsername: string) =>
    `Thanks for adding me! An administrator chooses what this group receives with /subscribe <category> here, or privately in @${botUsername} with /link.`,
  chatLost: (title: string) =>
    `I can no longer post in ${title} (I was removed or lost my rights, or the chat is gone), so I stopped sending it articles. Add me back as an administrator and /link it again to resume.`,
  chatMoved: (title: string) => `${title} became a supergroup; its categories moved with it.`,
  groupAdminsOnly: "Only this group's administrators can change what it receives.",
  groupSubscriptions: (titles: string) => `This chat receives: ${titles}.`,
  groupNothing: "This chat receives nothing yet. An administrator can send /subscribe world.",
  settingsUsage: [
    "/settings alone: your own settings as a reader.",
    "Change how posts look in a chat you administer:",
    "/settings @channel photo on|off",
    "/settings @channel preview on|off",
    "/settings @channel hashtags on|off",
    "/settings @channel signature Your line here (or: signature off)",
  ].join("\n"),
  settingsShown: (title: string, photo: boolean, preview: boolean, hashtags: boolean, signature: string) =>
    `${title}: photos ${photo ? "on" : "off"}, link previews ${preview ? "on" : "off"}, hashtags ${hashtags ? "on" : "off"}, signature ${signature ? `"${signature}"` : "none"}.`,
  languagePrompt: "Which language shall I write to you in? Tap a button, or send /language en or /language fa.",
  languageChanged: "From now on I write to you in English.",
  unknownLanguage: (word: string) => `I don't know the language "${word}". I write in English (/language en) and Persian (/language fa).`,
  /** A reader's own way of receiving the news (src/bot/features/settings.ts, src/bot/settings-menu.ts). */
  prefs: {
    digestInstant: "each article as soon as it is published",
    digestHourly: "one digest every hour",
    digestDaily: (time: string) => `one digest a day at ${time}`,
    quietNone: "none",
    quietWindow: (from: string, to: string) => `${from}–${to}`,
    languagesAll: "all languages",
    languagesOnly: (names: string) => `only ${names}`,
    languageNames: { en: "English", fa: "Persian" },
    zone: (zone: string, time: string) => `${zone} (now ${time})`,
    mutedNone: "none",
    summary: (delivery: string, quiet: string, languages: string, zone: string, muted: string) =>
      [
        "⚙️ Your settings",
        `📬 Delivery: ${delivery}`,
        `🌙 Quiet hours: ${quiet}`,
        `🌐 Article languages: ${languages}`,
        `🕰 Time zone: ${zone}`,
        `🔇 Muted words: ${muted}`,
      ].join("\n"),
    filtersHint: "Change them with /settings; /mute word and /unmute word change the muted words.",
    needStart: "Follow a category first (/categories): your settings are kept with what you follow.",
    digestSet: (delivery: string) => `✅ Delivery: ${delivery}.`,
    digestUsage: [
      "How shall I deliver your news?",
      "/digest off: each article as soon as it is published",
      "/digest hourly: one digest every hour",
      "/digest daily 08:00: one digest a day at that time (24-hour clock, your time zone)",
      "Or choose in /settings.",
    ].join("\n"),
    digestNeedsTime: "At what time? For example /digest daily 08:00 (24-hour clock, your time zone).",
    badTime: (typed: string) => `"${typed}" is not a time of day. Write it as HH:MM on a 24-hour clock, for example 07:30 or 21:00.`,
    quietSet: (window: string) =>
      `🌙 Quiet hours: ${window}. Nothing is sent then; what arrives meanwhile comes as one digest when they end.`,
    quietOff: "🔔 Quiet hours are off.",
    quietUsage: [
      "/quiet 23:00-07:00: nothing is sent in that window (your time zone); what arrives meanwhile comes as one digest when it ends.",
      "/quiet off: no quiet hours.",
    ].join("\n"),
    quietZero: (time: string) =>
      `A window from ${time} to ${time} has no length. Give two different times, for example /quiet 23:00-07:00.`,
    timezoneSet: (zone: string, time: string) => `🕰 Your time zone is now ${zone}; it is ${time} there.`,
    timezoneUsage: (zone: string, time: string) =>
      `Your time zone is ${zone} (it is ${time} there). Change it with an IANA name, for example /timezone Europe/London or /timezone Asia/Tehran.`,
    unknownZone: (typed: string) =>
      `I don't know the time zone "${typed}". Use an IANA name such as Asia/Tehran, Europe/London or America/New_York.`,
    unknownZoneSuggestion: (typed: string, suggestion: string) =>
      `I don't know the time zone "${typed}". Did you mean /timezone ${suggestion}?`,
    muted: (list: string) => `🔇 Muted: ${list}. Articles with these words in their title or summary are not sent to you.`,
    alreadyMuted: (list: string) => `Already muted: ${list}.`,
    muteUsage: (max: number, maxLength: number) =>
      `Tell me which words: /mute football cricket, or phrases between commas: /mute climate change, football. Up to ${words(max)}, ${count(maxLength, "en")} characters each.`,
    muteTooLong: (entry: string, maxLength: number) =>
      `"${entry}" is too long: a muted word has at most ${count(maxLength, "en")} characters. Nothing was muted.`,
    muteNotAWord: (entry: string) => `"${entry}" has no letter or digit to look for. Nothing was muted.`,
    muteTooMany: (have: number, room: number, max: number) =>
      `You can mute up to ${words(max)} and you have ${count(have, "en")}, so ${room > 0 ? `only ${words(room)} more fit` : "no more fit"}. Nothing was muted; /unmute some first.`,
    unmuted: (list: string) => `🔔 Unmuted: ${list}.`,
    notMuted: (list: string) => `Not muted: ${list}.`,
    unmuteUsage: "Tell me which words: /unmute football. /filters lists your muted words.",
    menu: {
      delivery: "📬 Delivery",
      quiet: "🌙 Quiet hours",
      languages: "🌐 Article languages",
      zone: "🕰 Time zone",
      muted: "🔇 Muted words",
      back: "↩️ Back",
      instant: "Each article",
      hourly: "Hourly",
      daily: (time: string) => `Daily ${time}`,
      quietOff: "Off",
      languagesAll: "All languages",
      languageOnly: (name: string) => `Only ${name}`,
      digestHint: "Another time: /digest daily HH:MM",
      quietHint: "Another window: /quiet 23:30-06:30",
      languagesHint: "Articles in the other languages are not sent to you.",
      zoneHint: "Another zone: /timezone Europe/Paris (any IANA name)",
      mutedHint: (max: number) => `Mute a word: /mute word. Unmute it: /unmute word. Up to ${words(max)}.`,
      saved: "✅ Saved",
      stale: "This button is out of date; nothing was changed. Send /settings for a fresh menu.",
    },
  },
  /** The operators' commands, to the operators of ADMIN_USER_IDS (src/bot/features/admin.ts); HTML. */
  admin: {
    subscribersHeader: "<b>Subscribers</b>",
    subscribers: (category: string, subscribers: number) => `${category}: ${count(subscribers, "en")}`,
    queuesHeader: "<b>Queues</b> (waiting / active / delayed / failed)",
    queue: (queue: string, paused: boolean, waiting: number, active: number, delayed: number, failed: number) =>
      `${queue}${paused ? " ⏸ paused" : ""}: ${[waiting, active, delayed, failed].map((n) => count(n, "en")).join(" / ")}`,
    deliveryHeader: "<b>Delivery</b>",
    sent: (single: number, digests: number, articles: number) =>
      `sent: ${count(single, "en")} single, ${count(digests, "en")} digests; ${count(articles, "en")} articles`,
    failed: (failures: readonly string[]) => `failed: ${failures.length > 0 ? failures.join(", ") : "none"}`,
    failure: (reason: string, failures: number) => `${reason} ${count(failures, "en")}`,
    paidMessages: (paid: number) => `paid messages: ${count(paid, "en")}`,
    feeds: (ok: number, failing: number, neverPolled: number) =>
      `<b>Feeds</b>: ${count(ok, "en")} ok, ${count(failing, "en")} failing, ${count(neverPolled, "en")} never polled`,
    paused: (queues: readonly string[]) =>
      `⏸ Paused ${queues.join(" and ")}: nothing is sent until /resume. Sends in flight finish; articles keep arriving and wait.`,
    resumed: (queues: readonly string[]) => `▶️ Resumed ${queues.join(" and ")}: delivery goes on where it stopped.`,
    announceUsage: "Usage: /announce <text> — a service message to every reader, sent through the same rate-limited delivery.",
    announced: (id: string) => `📢 Announcement ${id} queued: every reader gets it once, at the pace Telegram allows.`,
  },
  sharing: {
    /** The one button under a delivered article; pressed, it turns into the networks' buttons. */
    share: "↗️ Share…",
    networks: { telegram: "Telegram", x: "X", facebook: "Facebook" },
    notAnArticle: "There is no article in this message to share.",
    /** Inline mode with no result: the line Telegram shows above the (empty) results. */
    noResults: "No recent article matches. Open the bot",
  },
  commandDescriptions: {
    start: "Start and choose categories",
    categories: "Choose categories with buttons",
    subscribe: "Follow categories: /subscribe world",
    unsubscribe: "Stop following categories",
    mysubs: "What you follow",
    settings: "Your settings: digests, quiet hours, languages, time zone",
    digest: "Each article at once, or digests: /digest daily 08:00",
    quiet: "Hours without messages: /quiet 23:00-07:00",
    timezone: "Your time zone: /timezone Europe/London",
    mute: "Skip articles with a word: /mute football",
    unmute: "Stop skipping a word",
    filters: "Your muted words and settings",
    stop: "Stop all messages",
    link: "Link a channel or group you administer",
    unlink: "Unlink a channel or group",
    channels: "The channels and groups you linked",
    language: "English or فارسی",
    help: "How this bot works",
  },
};

export type Messages = typeof en;
