import { afterEach, expect, it } from "vitest";
import { report, seconds, World } from "./support/world.js";

const READERS = 5000;
const LATENCY_MS = 60;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

// Every delivery process dies at once (SIGKILL: no shutdown code runs) while a 5,000-reader fan-out
// is a third done. Started again, they must finish it; a reader may get the article twice only if
// Telegram had accepted their send but the answer had not reached Bulletin when it died.
it("every delivery process SIGKILLed mid fan-out: all delivered after a restart, only in-flight sends repeat", async () => {
  world = await World.open({
    name: "kill",
    telegram: { latencyMs: LATENCY_MS, limits: { perSecond: 30, paidPerSecond: 1000 } },
    env: { SEND_RATE: "1000", PAID_BROADCAST: "true" },
  });
  const ids = await world.readers(READERS, 10_000_000);
  const [first, second] = [await world.start(), await world.start()];
  const started = Date.now();
  await world.publish({ url: "https://news.example.com/faults/kill", title: "Killed mid fan-out", categories: ["world"] });
  await world.telegram.waitFor(() => world!.telegram.accepted >= READERS / 3, { timeoutMs: 60_000, message: "a third sent" });

  const killedAt = Date.now();
  first.child.kill("SIGKILL");
  second.child.kill("SIGKILL");
  await Promise.all([first.exited, second.exited]);
  const atKill = world.outcome(ids);
  expect(atKill.lost).toBeGreaterThan(0);
  // Sends whose answer had not left the fake at the kill (it answers after LATENCY_MS), and any
  // that reached it after: Telegram took them, Bulletin never heard.
  const inFlight = new Set(
    world.telegram
      .calls("sendMessage")
      .filter((call) => call.at >= killedAt - LATENCY_MS - 50)
      .map((call) => Number(call.params.chat_id)),
  );

  await world.start();
  await world.start();
  await world.waitForAll(ids, 120_000, "every reader after the restart");
  const allDelivered = seconds(started);
  await world.settled(90_000);
  const outcome = world.outcome(ids);
  report({
    scenario: "1. SIGKILL every delivery process",
    readers: READERS,
    ...outcome,
    seconds: allDelivered,
    note: `2 processes killed at ${atKill.delivered} sent, ${inFlight.size} in flight; their claims run out after 30 s`,
  });
  expect(outcome.lost).toBe(0);
  expect(outcome.repeated.filter((id) => !inFlight.has(id))).toEqual([]);
  expect(outcome.duplicates).toBeLessThanOrEqual(inFlight.size);
});
