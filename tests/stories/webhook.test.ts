/**
 * Webhook mode (WEBHOOK_URL, WEBHOOK_SECRET): Telegram posts updates to Bulletin's HTTP server
 * instead of the bot long-polling. The fake Bot API posts them as Telegram does, with the secret in
 * X-Telegram-Bot-Api-Secret-Token; a request without the right secret, or whose body is no update,
 * is refused and handles nothing; a replayed update id is handled once.
 */
import { createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { startStack, type Stack, type StackOptions } from "../support/stack.js";

const SECRET = "webhook-secret-for-the-stories_0123";
const PATH = "/telegram/updates";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** A port nothing listens on now: WEBHOOK_URL must name it before the HTTP server starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startWebhookStack(name: string, telegram: StackOptions["telegram"] = {}): Promise<Stack> {
  const port = await freePort();
  return startStack({
    name,
    telegram,
    env: { HTTP_PORT: String(port), WEBHOOK_URL: `http://127.0.0.1:${port}${PATH}`, WEBHOOK_SECRET: SECRET },
  });
}

/** What Telegram would post for `text` written by user `id` in their private chat. */
function privateMessage(updateId: number, id: number, text: string): Update {
  const command = /^\/\w+/.exec(text)?.[0];
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      from: { id, is_bot: false, first_name: "Reza" },
      chat: { id, type: "private", first_name: "Reza" },
      text,
      ...(command ? { entities: [{ type: "bot_command" as const, offset: 0, length: command.length }] } : {}),
    },
  };
}

async function post(body: unknown, headers: Record<string, string> = { "x-telegram-bot-api-secret-token": SECRET }) {
  const response = await fetch(`${stack!.httpUrl}${PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe("a bot in webhook mode", () => {
  it("registers its URL with the secret, answers a reader's deep link, and /readyz says it is registered", async () => {
    stack = await startWebhookStack("webhook-start");
    const { telegram } = stack;
    expect(telegram.webhookUrl).toBe(`${stack.httpUrl}${PATH}`);
    const [registration] = telegram.calls("setWebhook");
    expect(registration?.params).toMatchObject({
      secret_token: SECRET,
      allowed_updates: ["message", "callback_query", "my_chat_member", "inline_query"],
    });
    expect(telegram.calls("getUpdates")).toEqual([]);

    const reader = telegram.addUser({ id: 4101, first_name: "Maryam", language_code: "en" });
    telegram.userSends(reader, "/start world");
    const [welcome] = await telegram.waitForMessages(reader.id, 1);
    expect(welcome!.text).toBe("✅ You now follow: World.");
    await telegram.waitFor(() => telegram.pendingUpdates().length === 0, { message: "Telegram to forget the acknowledged update" });

    const ready = (await (await fetch(`${stack.httpUrl}/readyz`)).json()) as { status: string; checks: { bot: Record<string, unknown> } };
    expect(ready.status).toBe("ready");
    expect(ready.checks.bot).toMatchObject({ ok: true, mode: "webhook", registered: true, state: "connected" });
  });

  it("answers a second reader while the first one's replies wait for their chat's pace", async () => {
    stack = await startWebhookStack("webhook-pace", { limits: { perSecond: null, privateChat: true } });
    const { telegram } = stack;
    const busy = telegram.addUser({ id: 4111, first_name: "Busy" });
    const other = telegram.addUser({ id: 4112, first_name: "Other" });
    telegram.userSends(busy, "/start world");
    telegram.userSends(busy, "/mysubs");
    telegram.userSends(busy, "/help");
    telegram.userSends(other, "/start politics");
    const replies = await telegram.waitForMessages(busy.id, 3, 10_000);
    const [answer] = await telegram.waitForMessages(other.id, 1);
    // Telegram posts them on parallel connections: their order is the order they reach Bulletin.
    expect(replies.map((r) => r.text)).toContain("✅ You now follow: World.");
    expect(answer!.text).toBe("✅ You now follow: Politics.");
    expect(answer!.sentAt).toBeLessThan(replies[1]!.sentAt);
  });

  it("refuses a missing or wrong secret with 401 and handles nothing of it", async () => {
    stack = await startWebhookStack("webhook-secret");
    const update = privateMessage(777_001, 4102, "/start world");
    expect((await post(update, {})).status).toBe(401);
    expect((await post(update, { "x-telegram-bot-api-secret-token": "not-the-secret" })).status).toBe(401);
    expect((await post(update, { "x-telegram-bot-api-secret-token": `${SECRET}x` })).status).toBe(401);
    // Nothing of the refused posts was handled or even claimed: the same update with the secret is answered once.
    expect((await post(update)).status).toBe(200);
    expect(stack.telegram.messagesTo(4102).map((m) => m.text)).toEqual(["✅ You now follow: World."]);
  });

  it("answers 400 to a body that is not an update, and handles nothing", async () => {
    stack = await startWebhookStack("webhook-body");
    for (const body of ["not json at all", "[]", "{}", '{"update_id":"one"}', '{"update_id":5}', '{"update_id":6,"message":"hi"}']) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
    }
    expect(stack.telegram.calls("sendMessage")).toEqual([]);
  });

  it("handles a replayed update id once", async () => {
    stack = await startWebhookStack("webhook-replay");
    const update = privateMessage(777_002, 4103, "/start world");
    expect((await post(update)).status).toBe(200);
    expect((await post(update)).status).toBe(200);
    expect((await post(update)).status).toBe(200);
    // A later update of the same chat: once it is answered, every earlier post has been dealt with.
    expect((await post(privateMessage(777_003, 4103, "/mysubs"))).status).toBe(200);
    const texts = stack.telegram.messagesTo(4103).map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe("✅ You now follow: World.");
  });
});
