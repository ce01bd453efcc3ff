export * from "../../src/sandbox/telegram-html.js";
