import { afterEach, expect, it } from "vitest";
import { FlakyTelegram, retryAfterTime, sendsInsideRetryAfter, SLOW_ANSWER_MS } from "./support/flaky-telegram.js";
import { report, TAKEOVER_TUNING, World } from "./support/world.js";

// Sixty readers, not thousands: at a 429 for a third of the sends, every retry_after pauses the
// whole bot (the 429s hit many chats, so they count as global), about one pause per two messages.
const READERS = 60;
let world: World | undefined;
let flaky: FlakyTelegram | undefined;
afterEach(async () => {
  await world?.close();
  await flaky?.close();
  world = undefined;
  flaky = undefined;
});

// Telegram on a bad day, between Bulletin and the fake: a third of the sends answered 429, a tenth
// 502, some connections dropped (before Telegram saw the send, or after it took it), some answers
// 15 s late. Bulletin's pacing as in production (1 message a second per reader, 30 a second in all).
it("Telegram answering 429, 502, dropping and 15 s late: everything delivered once, no slower than retry_after makes it", async () => {
  const shares = { tooMany: 1 / 3, badGateway: 1 / 10, dropBefore: 1 / 25, dropAfter: 1 / 50, slow: 1 / 25 };
  world = await World.open({ name: "flaky", telegram: { latencyMs: 20 }, env: { SEND_RATE: "30" } });
  const proxy = (flaky = await FlakyTelegram.start(world.telegram.apiRoot, shares, 16));
  world.env.TELEGRAM_API_ROOT = proxy.apiRoot;
  const ids = await world.readers(READERS, 40_000_000);
  await world.start(TAKEOVER_TUNING);
  const started = Date.now();
  await world.publish({ url: "https://news.example.com/faults/flaky", title: "A bad day at Telegram", categories: ["world"] });
  await world.waitForAll(ids, 170_000, "every reader despite the faults");
  const elapsed = Date.now() - started;
  await world.settled(60_000);
  const outcome = world.outcome(ids);
  const waited = retryAfterTime(proxy.tooMany);
  report({
    scenario: "3. Telegram 429 ⅓, 502 ⅒, drops, 15 s answers",
    readers: READERS,
    ...outcome,
    seconds: elapsed / 1000,
    note:
      `${proxy.tooMany.length}×429 (retry_after ${(waited / 1000).toFixed(0)} s in all), ${proxy.badGateway.length}×502, ` +
      `${proxy.dropBefore.length + proxy.dropAfter.length} drops (${proxy.dropAfter.length} after Telegram took it), ${proxy.slow.length}×15 s`,
  });
  expect(outcome.lost).toBe(0);
  // Only a send Telegram took whose answer was lost may repeat: nobody can know it arrived.
  const unknowable = new Set(proxy.dropAfter.map((f) => f.chat));
  expect(outcome.repeated.filter((id) => !unknowable.has(id))).toEqual([]);
  // Time: what the retry_after values impose (their union, were every 429 global), one late answer,
  // and the sends themselves; Bulletin's own backoff (502s, drops) must fit in the slack.
  expect(elapsed).toBeLessThan(waited + SLOW_ANSWER_MS + 20_000);
  expect(sendsInsideRetryAfter(proxy)).toEqual([]);
});
