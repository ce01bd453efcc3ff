/**
 * Issue 15, bad input: a Bale token given as a Telegram one (or the reverse) fails at start with one
 * readable line and exit code 2; the same bot named for both platforms is refused before any call.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { CATEGORIES_FILE, REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const TELEGRAM_TOKEN = "111111111:AAF-telegram-token-for-tests_0000000";
const BALE_TOKEN = "222222222:bale-token-for-tests-0123456789abcdef";
/** A second Telegram bot's token: what an operator pastes into BALE_BOT_TOKEN by mistake. */
const OTHER_TELEGRAM_TOKEN = "333333333:AAF-another-telegram-bot-token_00000";

let telegram: FakeTelegram;
let bale: FakeTelegram;
const prefix = uniquePrefix("bale-tokens");

beforeAll(async () => {
  telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  bale = await FakeTelegram.start({ token: BALE_TOKEN, flavour: "bale" });
});
afterAll(async () => {
  await telegram.close();
  await bale.close();
  await dropPrefix(prefix);
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly lines: string[];
}

/** `npm start` as an operator runs it, with the bot role only; what it printed and its exit code. */
function start(tokens: { BOT_TOKEN: string; BALE_BOT_TOKEN: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, MAIN], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...tokens,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        BALE_API_ROOT: bale.apiRoot,
        REDIS_URL,
        KEY_PREFIX: prefix,
        CATEGORIES_FILE,
        ROLES: "bot",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`main.ts did not exit within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, lines: stderr.split("\n").filter((line) => line !== "") });
    });
  });
}

const hostOf = (fake: FakeTelegram) => new URL(fake.apiRoot).host;

describe("tokens at start", () => {
  it("stops with one line naming Bale's root when BALE_BOT_TOKEN is a Telegram bot's token", async () => {
    const run = await start({ BOT_TOKEN: TELEGRAM_TOKEN, BALE_BOT_TOKEN: OTHER_TELEGRAM_TOKEN });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([`bulletin: BALE_BOT_TOKEN: ${hostOf(bale)} does not know this token (is it a Telegram token?)`]);
  });

  it("stops with one line naming Telegram's root when the two tokens are swapped", async () => {
    const run = await start({ BOT_TOKEN: BALE_TOKEN, BALE_BOT_TOKEN: TELEGRAM_TOKEN });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([`bulletin: BOT_TOKEN: ${hostOf(telegram)} does not know this token (is it a Bale token?)`]);
    expect(run.lines.join("\n")).not.toContain(BALE_TOKEN.split(":")[1]);
  });

  it("refuses the same bot for both platforms without asking either", async () => {
    const asked = telegram.calls("getMe").length + bale.calls("getMe").length;
    const run = await start({ BOT_TOKEN: TELEGRAM_TOKEN, BALE_BOT_TOKEN: TELEGRAM_TOKEN });
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(/^bulletin: BALE_BOT_TOKEN: names the same bot as BOT_TOKEN/);
    expect(telegram.calls("getMe").length + bale.calls("getMe").length).toBe(asked);
  });
});
