/**
 * Many readers at once, in long polling: the bot handles updates concurrently (grammY's runner), a
 * chat's own in order, so a reader whose chat must wait for Telegram's one message a second holds
 * up nobody else.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("readers arriving together, the bot long-polling", () => {
  it("answers a second reader while the first one's replies wait for their chat's pace", async () => {
    stack = await startStack({ name: "burst-pace", telegram: { limits: { perSecond: null, privateChat: true } } });
    const { telegram } = stack;
    const busy = telegram.addUser({ id: 5101, first_name: "Busy" });
    const other = telegram.addUser({ id: 5102, first_name: "Other" });
    // Three commands in a row: Telegram takes one message a second to a chat, so the replies to
    // the busy reader go out a second apart, in order.
    telegram.userSends(busy, "/start world");
    telegram.userSends(busy, "/mysubs");
    telegram.userSends(busy, "/help");
    telegram.userSends(other, "/start politics");
    const replies = await telegram.waitForMessages(busy.id, 3, 10_000);
    const [answer] = await telegram.waitForMessages(other.id, 1);
    expect(replies[0]!.text).toBe("✅ You now follow: World.");
    expect(replies[1]!.text).toContain("World");
    expect(answer!.text).toBe("✅ You now follow: Politics.");
    // The other reader did not wait behind the busy reader's paced replies.
    expect(answer!.sentAt).toBeLessThan(replies[1]!.sentAt);
    expect(replies.map((r) => r.sentAt)).toEqual([...replies.map((r) => r.sentAt)].sort((a, b) => a - b));
  });

  it("stops polling when another process polls with the token (409), and /readyz says why", async () => {
    stack = await startStack({ name: "burst-conflict" });
    const { telegram, httpUrl } = stack;
    await telegram.waitFor(() => telegram.calls("getUpdates").length > 0, { message: "the bot's first poll" });
    // A second bot instance with the same token: Telegram ends the first poll with 409.
    await fetch(`${telegram.apiRoot}/bot${telegram.token}/getUpdates?timeout=0`);
    let readiness: { status: string; problems: string[]; checks: { bot: Record<string, unknown> } } | undefined;
    await telegram.waitFor(
      async () => {
        readiness = (await (await fetch(`${httpUrl}/readyz`)).json()) as typeof readiness;
        return readiness!.checks.bot.running === false;
      },
      { message: "/readyz to say polling stopped" },
    );
    expect(readiness!.status).toBe("not ready");
    expect(readiness!.problems).toEqual([
      expect.stringMatching(/^bot: failing \(getUpdates: 409 Conflict: terminated by other getUpdates request/),
    ]);
  });

  it("says in /readyz that it polls", async () => {
    stack = await startStack({ name: "burst-readyz" });
    const reader = stack.telegram.addUser({ id: 5103, first_name: "Nima" });
    stack.telegram.userSends(reader, "/start");
    await stack.telegram.waitForMessages(reader.id, 1);
    const ready = (await (await fetch(`${stack.httpUrl}/readyz`)).json()) as { status: string; checks: { bot: Record<string, unknown> } };
    expect(ready.status).toBe("ready");
    expect(ready.checks.bot).toMatchObject({ ok: true, mode: "polling", running: true, state: "connected" });
  });
});
