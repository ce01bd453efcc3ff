// The Telegram bot alone: readers' commands and buttons (ROLES=bot).
import { main } from "../src/main.js";

await main(["bot"]);
