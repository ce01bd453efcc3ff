/**
 * Finding 5 of issue 16: /metrics is not open to the network by default, a burst of scrapes costs
 * Redis one read, and compose publishes the HTTP port on the host's loopback only.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { FAST_TUNING, startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const TOKEN = "scrape-token-0123456789";
const scrape = (headers: Record<string, string> = {}) => fetch(`${stack!.httpUrl}/metrics`, { headers });
const sentSingles = (text: string) => Number(/^bulletin_messages_sent_total\{kind="single",platform="telegram"\} (\d+)$/m.exec(text)?.[1]);

describe("/metrics", () => {
  it("is closed to everyone when the server listens off loopback without METRICS_TOKEN", async () => {
    stack = await startStack({ name: "metrics-closed", roles: ["http"], env: { HTTP_HOST: "0.0.0.0" } });
    const refused = await scrape();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: expect.stringContaining("METRICS_TOKEN") });
  });

  it("takes METRICS_TOKEN off loopback, and is open on loopback without one", async () => {
    stack = await startStack({ name: "metrics-token-off", roles: ["http"], env: { HTTP_HOST: "0.0.0.0", METRICS_TOKEN: TOKEN } });
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    await stack.stop();
    stack = await startStack({ name: "metrics-loopback", roles: ["http"] });
    expect((await scrape()).status).toBe(200);
  });

  it("answers scrapes within a few seconds from one reading of Redis", async () => {
    let now = 1_000_000;
    stack = await startStack({
      name: "metrics-cache",
      roles: ["http"],
      tuning: { ...FAST_TUNING, metricsCache: { ttlMs: 5000, now: () => now } },
    });
    const redis = stack.bulletin.runtime.redis;
    const counters = stack.bulletin.runtime.keys.counters;
    await redis.hset(counters, { sent: 3 });
    expect(sentSingles(await (await scrape()).text())).toBe(3);
    await redis.hset(counters, { sent: 4 });
    now += 4000;
    // Ten scrapes at once (say, several Prometheus servers, or someone hammering the endpoint).
    const texts = await Promise.all(Array.from({ length: 10 }, async () => (await scrape()).text()));
    expect(texts.map(sentSingles)).toEqual(Array(10).fill(3));
    now += 1500;
    expect(sentSingles(await (await scrape()).text())).toBe(4);
  });
});

describe("deploy/docker-compose.yml", () => {
  it("publishes the HTTP port on the host's loopback only (a reverse proxy in front serves the world)", () => {
    const file = fileURLToPath(new URL("../../deploy/docker-compose.yml", import.meta.url));
    const compose = z
      .object({ services: z.record(z.string(), z.object({ ports: z.array(z.string()).optional() }).loose()) })
      .loose()
      .parse(parse(readFileSync(file, "utf8"), { merge: true }));
    const published = Object.values(compose.services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});
