/**
 * The webhook's once-per-update_id, through the bot's update journal in Redis (the same journal long
 * polling keeps): a slow update is answered "busy" (Telegram posts it again) and handled once; a
 * post arriving while it is handled finds it in hand; an update whose handling died is taken over by
 * a repost once its lease has run; without a bot attached nothing is journaled.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { HandledUpdates } from "../../src/bot/updates.js";
import { WebhookReceiver, type WebhookBot } from "../../src/bot/webhook.js";
import { keys } from "../../src/store/keys.js";
import { REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

const prefix = uniquePrefix("webhook-receiver");
const BOT = 42;
let redis: Redis;
let journal: HandledUpdates;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
  journal = new HandledUpdates(redis, keys(prefix));
});
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

const update = (id: number) => ({ update_id: id, message: { message_id: 1, date: 0, chat: { id: 1, type: "private" } } }) as Update;

/** The bot as the bot role attaches it: claimed in the journal, finished when handled (as onceEach does). */
function bot(handle: (update: Update) => Promise<void>): WebhookBot {
  return {
    claim: (u, leaseMs) => journal.claim(BOT, u, leaseMs),
    handle: async (u) => {
      await handle(u);
      await journal.finish(BOT, u.update_id);
    },
  };
}

describe("WebhookReceiver", () => {
  it("answers busy past its deadline, busy again while the update is in hand, then duplicate once it is done", async () => {
    const receiver = new WebhookReceiver({ handleTimeoutMs: 50, leaseMs: 60_000 });
    let finish: () => void = () => undefined;
    let handled = 0;
    receiver.attach(
      bot(async () => {
        handled++;
        await new Promise<void>((resolve) => (finish = resolve));
      }),
    );
    expect(await receiver.receive(update(1))).toBe("busy");
    expect(await receiver.receive(update(1))).toBe("busy");
    finish();
    await receiver.detach();
    receiver.attach(bot(() => Promise.resolve(void handled++)));
    expect(await receiver.receive(update(1))).toBe("duplicate");
    expect(handled).toBe(1);
    // Out of the journal once handled: a restarted poller would not handle it again.
    expect(await journal.leftovers(BOT)).toEqual([]);
  });

  it("an update whose handling failed or died stays in the journal, and a repost after the lease takes it over", async () => {
    const dying = new WebhookReceiver({ handleTimeoutMs: 1000, leaseMs: 60_000 });
    expect(await dying.receive(update(2))).toBe("unavailable");
    expect(await journal.leftovers(BOT)).toEqual([]);
    dying.attach(bot(() => Promise.reject(new Error("the process died mid-update"))));
    expect(await dying.receive(update(2))).toBe("failed");
    // Within the lease the entry counts as in hand: Telegram is told to post again later.
    expect(await dying.receive(update(2))).toBe("busy");
    expect((await journal.leftovers(BOT)).map((u) => u.update_id)).toEqual([2]);

    const later = new WebhookReceiver({ handleTimeoutMs: 1000, leaseMs: 0 });
    let handled = 0;
    later.attach(bot(() => Promise.resolve(void handled++)));
    expect(await later.receive(update(2))).toBe("handled");
    expect(await later.receive(update(2))).toBe("duplicate");
    expect(handled).toBe(1);
  });
});
