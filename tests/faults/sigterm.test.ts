import { afterEach, expect, it } from "vitest";
import { startEntry, type EntryProcess } from "./support/entry.js";
import { report, seconds, World } from "./support/world.js";

const READERS = 5000;
/** Compose gives a stopping container 30 s before SIGKILL; Bulletin must be out well before. */
const DEADLINE_MS = 25_000;
const READY = ["fan-out and delivery workers are running"];
let world: World | undefined;
const entries: EntryProcess[] = [];
afterEach(async () => {
  for (const e of entries) if (e.child.exitCode === null) e.child.kill("SIGKILL");
  await Promise.all(entries.map((e) => e.exited));
  entries.length = 0;
  await world?.close();
  world = undefined;
});

// `docker compose stop` during a fan-out: SIGTERM to the delivery process (its own entry point,
// workers/delivery.ts). Answers take 300 ms, so a few hundred sends are in flight when it comes.
it("SIGTERM mid fan-out: exit 0 within the deadline, the rest after the next start, nothing twice", async () => {
  world = await World.open({
    name: "sigterm",
    telegram: { latencyMs: 300, limits: { perSecond: 30, paidPerSecond: 1000 } },
    env: { SEND_RATE: "1000", PAID_BROADCAST: "true" },
  });
  const ids = await world.readers(READERS, 20_000_000);
  entries.push(await startEntry("workers/delivery.ts", world.env, READY));
  const started = Date.now();
  await world.publish({ url: "https://news.example.com/faults/sigterm", title: "Stopped mid fan-out", categories: ["world"] });
  await world.telegram.waitFor(() => world!.telegram.accepted >= READERS / 3, { timeoutMs: 60_000, message: "a third sent" });

  const termAt = Date.now();
  entries[0]!.child.kill("SIGTERM");
  const code = await entries[0]!.exited;
  const stopMs = Date.now() - termAt;
  expect(code).toBe(0);
  expect(stopMs).toBeLessThan(DEADLINE_MS);
  const atStop = world.outcome(ids);
  expect(atStop.lost).toBeGreaterThan(0);

  entries.push(await startEntry("workers/delivery.ts", world.env, READY));
  await world.waitForAll(ids, 120_000, "every reader after the next start");
  const allDelivered = seconds(started);
  await world.settled(90_000);
  const outcome = world.outcome(ids);
  report({
    scenario: "4. SIGTERM mid fan-out",
    readers: READERS,
    ...outcome,
    seconds: allDelivered,
    note: `exit 0 in ${(stopMs / 1000).toFixed(1)} s at ${atStop.delivered} sent; the rest after the next start`,
  });
  expect(outcome.lost).toBe(0);
  expect(outcome.duplicates).toBe(0);
});
