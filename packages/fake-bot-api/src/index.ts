/** @bulletin/fake-bot-api: a fake Telegram Bot API server for tests and the sandbox. See README.md. */
export * from "./fake-telegram.js";
export { parseTelegramHtml, type TelegramHtmlResult } from "./telegram-html.js";
