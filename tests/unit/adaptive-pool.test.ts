import { describe, expect, it } from "vitest";
import { AdaptivePool } from "../../src/delivery/pool.js";

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every promise callback that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("how many sends the pool keeps in flight", () => {
  it("at 30 sends/s and 50 ms it stays small, at 1,000/s and 60 ms it holds about 2 × rate × latency", () => {
    const small = new AdaptivePool(30, { min: 4, max: 256 }, 50).limit;
    expect(small).toBeGreaterThanOrEqual(4);
    expect(small).toBeLessThanOrEqual(10);

    const busy = new AdaptivePool(1000, { min: 4, max: 256 }, 60).limit;
    expect(busy).toBeGreaterThanOrEqual(120); // Little's law: 1000/s × 0.06 s = 60 in flight, kept twice over
    expect(busy).toBeLessThanOrEqual(130);
  });

  it("never goes below the minimum, even with no traffic", () => {
    expect(new AdaptivePool(0, { min: 4, max: 256 }, 50).limit).toBe(4);
    expect(new AdaptivePool(0, { min: 1, max: 256 }, 0).limit).toBe(1);
  });

  it("grows with the send rate", () => {
    const limits = [10, 100, 500, 1000, 2000].map((rate) => new AdaptivePool(rate, { min: 4, max: 10_000 }, 60).limit);
    for (let i = 1; i < limits.length; i++) expect(limits[i]!).toBeGreaterThan(limits[i - 1]!);
  });

  it("grows as Telegram's round trips get slower, and shrinks back when they speed up", () => {
    const pool = new AdaptivePool(1000, { min: 4, max: 10_000 }, 50);
    const start = pool.limit;
    let previous = start;
    for (let i = 0; i < 30; i++) {
      pool.observe(300);
      expect(pool.limit).toBeGreaterThanOrEqual(previous);
      previous = pool.limit;
    }
    // After many 300 ms round trips the moving average is close to 300 ms: about 600 in flight.
    expect(pool.limit).toBeGreaterThan(start);
    expect(pool.limit).toBeGreaterThan(500);
    for (let i = 0; i < 100; i++) pool.observe(50);
    expect(pool.limit).toBeLessThan(200);
  });

  it("one slow round trip moves the limit only a little (moving average)", () => {
    const pool = new AdaptivePool(1000, { min: 4, max: 10_000 }, 50);
    const before = pool.limit;
    pool.observe(5000);
    // 10% of the way from 50 ms to 5 s: about 545 ms, not 5 s.
    expect(pool.limit).toBeLessThan(before + 1100);
    expect(pool.limit).toBeGreaterThan(before);
  });

  it("never exceeds the maximum, however slow or busy", () => {
    const pool = new AdaptivePool(100_000, { min: 4, max: 256 }, 50);
    expect(pool.limit).toBe(256);
    for (let i = 0; i < 50; i++) pool.observe(10_000);
    expect(pool.limit).toBe(256);
  });
});

describe("submitting sends", () => {
  /** A pool that holds exactly two sends. */
  const twoAtATime = () => new AdaptivePool(0, { min: 2, max: 2 });

  it("starts a send at once while there is room, and reports it in flight", async () => {
    const pool = twoAtATime();
    const task = deferred<string>();
    const { done } = await pool.submit(() => task.promise);
    expect(pool.inFlight).toBe(1);
    task.resolve("sent");
    await expect(done).resolves.toBe("sent");
    expect(pool.inFlight).toBe(0);
  });

  it("holds the caller while full, and lets it in when a send finishes", async () => {
    const pool = twoAtATime();
    const first = deferred();
    const second = deferred();
    const third = deferred();
    const started: string[] = [];
    await pool.submit(() => (started.push("first"), first.promise));
    await pool.submit(() => (started.push("second"), second.promise));

    let admitted = false;
    const submitted = pool.submit(() => (started.push("third"), third.promise)).then((r) => ((admitted = true), r));
    await settle();
    expect(admitted, "the third caller waits while two sends are in flight").toBe(false);
    expect(started).toEqual(["first", "second"]);
    expect(pool.inFlight).toBe(2);

    second.resolve();
    await settle();
    expect(admitted, "a finished send makes room").toBe(true);
    expect(started).toEqual(["first", "second", "third"]);
    expect(pool.inFlight).toBe(2);

    first.resolve();
    third.resolve();
    await (
      await submitted
    ).done;
    await settle();
    expect(pool.inFlight).toBe(0);
  });

  it("waiting callers are let in one per finished send, first come first served", async () => {
    const pool = twoAtATime();
    const running = [deferred(), deferred()];
    for (const task of running) await pool.submit(() => task.promise);
    const order: string[] = [];
    for (const name of ["a", "b", "c"]) void pool.submit(() => (order.push(name), deferred().promise));
    await settle();
    expect(order).toEqual([]);
    running[0]!.resolve();
    await settle();
    expect(order).toEqual(["a"]);
    running[1]!.resolve();
    await settle();
    expect(order).toEqual(["a", "b"]);
    expect(pool.inFlight).toBe(2);
  });

  it("a failed send frees its slot too, and its failure reaches the caller", async () => {
    const pool = twoAtATime();
    const failing = deferred();
    const other = deferred();
    const { done } = await pool.submit(() => failing.promise);
    await pool.submit(() => other.promise);
    let admitted = false;
    void pool.submit(() => Promise.resolve()).then(() => (admitted = true));
    failing.reject(new Error("Telegram said no"));
    await expect(done).rejects.toThrow("Telegram said no");
    await settle();
    expect(admitted).toBe(true);
  });
});
