/**
 * Finding 1 of issue 16: the bot token never reaches a log line or the terminal, even when grammY's
 * network error carries the request URL (…/bot<TOKEN>/sendMessage).
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { createLogger, createReadableLogger } from "../../src/log.js";
import { classifySendError } from "../../src/telegram/errors.js";
import { CATEGORIES_FILE, REDIS_URL, uniquePrefix } from "../support/stack.js";

const TOKEN = "123456789:AAH-secret-part-that-must-not-leak_42";
const SECRET = TOKEN.split(":")[1]!;

/** A loopback port where nothing listens: every request to it fails with ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function capture(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe("the bot token in logs", () => {
  it("a send through an unreachable Bot API is logged by its error code, never with the token", async () => {
    const api = new Api(TOKEN, { apiRoot: `http://127.0.0.1:${await closedPort()}` });
    const error = await api.sendMessage(1, "hello").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const failure = classifySendError(error);
    expect(failure).toEqual({ kind: "transient", description: "network: ECONNREFUSED" });

    const json = capture();
    const readable = capture();
    for (const logger of [createLogger("info", json.stream), createReadableLogger("info", readable.stream)]) {
      // The ways Bulletin's code logs a failed call: the error whole, its classification, its text.
      logger.error({ err: error, failure }, "delivery to a chat failed");
      logger.warn({ cause: { nested: { error } } }, `send failed: ${String(error)} ${String((error as { error?: unknown }).error)}`);
      logger.info(`token was ${TOKEN}`);
    }
    for (const output of [json.text(), readable.text()]) {
      expect(output).toContain("ECONNREFUSED");
      expect(output).not.toContain(SECRET);
    }
  });

  it("npm start with an unreachable TELEGRAM_API_ROOT says so without printing the token", async () => {
    const main = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", main], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}`,
        REDIS_URL,
        KEY_PREFIX: uniquePrefix("token-logs"),
        CATEGORIES_FILE,
        ROLES: "bot",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(output).toMatch(/TELEGRAM_API_ROOT: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(output).not.toContain(SECRET);
  }, 30_000);
});
