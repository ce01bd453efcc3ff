export * from "../../src/sandbox/bot-api.js";
