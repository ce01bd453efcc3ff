/**
 * The webhook's once-per-update_id in Redis: a slow update is answered "busy" (Telegram posts it
 * again) and handled once; a post arriving while it is handled waits for that; a failed one may be
 * handled again; without a bot attached nothing is claimed.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { WebhookReceiver } from "../../src/bot/webhook.js";
import { keys } from "../../src/store/keys.js";
import { REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

const prefix = uniquePrefix("webhook-receiver");
let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

const update = (id: number) => ({ update_id: id, message: { message_id: 1, date: 0, chat: { id: 1, type: "private" } } }) as Update;

describe("WebhookReceiver", () => {
  it("answers busy past its deadline, busy again while the update is in hand, then duplicate once it is done", async () => {
    const receiver = new WebhookReceiver(redis, keys(prefix), { handleTimeoutMs: 50, leaseMs: 60_000, rememberMs: 60_000 });
    let finish: () => void = () => undefined;
    let handled = 0;
    receiver.attach(async () => {
      handled++;
      await new Promise<void>((resolve) => (finish = resolve));
    });
    expect(await receiver.receive(update(1))).toBe("busy");
    expect(await receiver.receive(update(1))).toBe("busy");
    finish();
    await receiver.detach();
    receiver.attach(() => Promise.resolve(void handled++));
    expect(await receiver.receive(update(1))).toBe("duplicate");
    expect(handled).toBe(1);
    expect(await redis.pttl(keys(prefix).webhookUpdate(1))).toBeGreaterThan(50_000);
  });

  it("lets a failed update be handled again, and claims nothing without a bot", async () => {
    const receiver = new WebhookReceiver(redis, keys(prefix));
    expect(await receiver.receive(update(2))).toBe("unavailable");
    expect(await redis.exists(keys(prefix).webhookUpdate(2))).toBe(0);
    receiver.attach(() => Promise.reject(new Error("handler failed")));
    expect(await receiver.receive(update(2))).toBe("failed");
    receiver.attach(() => Promise.resolve());
    expect(await receiver.receive(update(2))).toBe("handled");
    expect(await receiver.receive(update(2))).toBe("duplicate");
  });
});
