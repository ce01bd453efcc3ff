/**
 * Every string a reader sees, in English. A translation is another object of the same type
 * (see `Messages`), so a missing key is a type error, not a blank message.
 */
export const en = {
  welcome: (name: string) =>
    `Hello, ${name}! I send you the news of the categories you choose, as soon as they are published.\n\nTap a category to follow it:`,
  subscribed: (titles: string) => `✅ You now follow: ${titles}.`,
  alreadySubscribed: (titles: string) => `You already follow: ${titles}.`,
  unsubscribed: (titles: string) => `You no longer follow: ${titles}.`,
  notSubscribed: (titles: string) => `You did not follow: ${titles}.`,
  unknownCategories: (unknown: string, valid: string) =>
    `I don't know ${unknown}. The categories are: ${valid}.`,
  subscribeUsage: (valid: string) => `Tell me which categories, for example /subscribe world. The categories are: ${valid}.`,
  unsubscribeUsage: "Tell me which categories to stop, for example /unsubscribe world, or /stop to stop everything.",
  mySubscriptions: (titles: string) => `You follow: ${titles}.`,
  noSubscriptions: "You follow no category yet. Send /categories to choose.",
  categoriesHeader: "Tap a category to follow it (✅) or stop following it (➕ to add):",
  stopped: "You follow nothing now and will get no more messages. Send /categories to come back at any time.",
  stoppedNothing: "You were not following anything. Send /categories to choose.",
  help: (valid: string) =>
    [
      "I deliver the news of the categories you follow.",
      "",
      "/categories: choose categories with buttons",
      "/subscribe <category>: follow categories, e.g. /subscribe world",
      "/unsubscribe <category>: stop following categories",
      "/mysubs: what you follow",
      "/stop: stop everything",
      "/help: this message",
      "",
      `Categories: ${valid}.`,
    ].join("\n"),
  toggledOn: (title: string) => `Following ${title}`,
  toggledOff: (title: string) => `Stopped ${title}`,
  readMore: "Read more",
  digestHeader: (count: number) => `📰 ${count} new articles`,
  commandDescriptions: {
    start: "Start and choose categories",
    categories: "Choose categories with buttons",
    subscribe: "Follow categories: /subscribe world",
    unsubscribe: "Stop following categories",
    mysubs: "What you follow",
    stop: "Stop all messages",
    help: "How this bot works",
  },
};

export type Messages = typeof en;
