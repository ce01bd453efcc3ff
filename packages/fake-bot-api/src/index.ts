/** @bulletin/fake-bot-api: a fake Telegram Bot API server for tests and the sandbox. See README.md. */
export { FakeTelegram } from "./fake-telegram.js";
export { GROUP_ANONYMOUS_BOT } from "./simulation.js";
export { parseBaleMarkdown, type BaleMarkdownResult } from "./bale-markdown.js";
export { parseTelegramHtml, type TelegramHtmlResult } from "./telegram-html.js";
export type * from "./types.js";
