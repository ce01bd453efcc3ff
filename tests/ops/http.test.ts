/**
 * The operators' HTTP endpoints on a running Bulletin (all roles, a fake Telegram, a key prefix
 * of its own): /metrics after a story, /readyz, and the queue dashboard's authentication.
 */
import { Worker } from "bullmq";
import type { User } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { chatId } from "../../src/ids.js";
import { article, startStack, type Stack } from "../support/stack.js";
import { parsePrometheus, valueOf, type Family } from "./prometheus.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const ADMIN = { ADMIN_USER: "operator", ADMIN_PASSWORD: "correct-horse-battery" };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function metrics(s: Stack, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const response = await fetch(`${s.httpUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return parsePrometheus(await response.text());
}

async function subscribed(s: Stack, id: number, slug: string): Promise<User> {
  const user = s.telegram.addUser({ id, first_name: `Reader ${id}` });
  s.telegram.userSends(user, `/start ${slug}`);
  await s.telegram.waitForMessages(user.id, 1);
  return user;
}

describe("/metrics", () => {
  it("says exactly what happened in a story: subscribe, publish, deliver, one blocked reader", async () => {
    stack = await startStack({ name: "metrics-story" });
    const { telegram } = stack;
    const first = await subscribed(stack, 3001, "world");
    const second = await subscribed(stack, 3002, "world");
    const blocked = await subscribed(stack, 3003, "world");
    await subscribed(stack, 3004, "economy");
    telegram.block(blocked.id);

    const story = article(["world"], { id: "metrics-story-1" });
    expect((await stack.publish(story)).status).toBe(202);
    expect((await stack.publish(story)).status).toBe(200);
    expect((await stack.publish({ title: "no url", categories: ["world"] })).status).toBe(400);
    expect((await stack.publish(article(["sport"]))).status).toBe(422);

    await telegram.waitForMessages(first.id, 2);
    await telegram.waitForMessages(second.id, 2);
    const store = stack.bulletin.runtime.store;
    await telegram.waitFor(async () => (await store.get(chatId(blocked.id)))?.active === false, {
      message: "the blocked reader to be dropped",
    });
    // Delivery counts reach Redis a few times a second: wait until the scrape shows them.
    let families = await metrics(stack);
    await telegram.waitFor(
      async () => {
        families = await metrics(stack!);
        return (
          valueOf(families, "bulletin_messages_sent_total", { kind: "single", platform: "telegram" }) === 2 &&
          valueOf(families, "bulletin_messages_failed_total", { reason: "blocked", platform: "telegram" }) === 1
        );
      },
      { message: "the counters to reach Redis" },
    );

    expect(families.get("bulletin_messages_sent_total")?.type).toBe("counter");
    expect(valueOf(families, "bulletin_messages_sent_total", { kind: "digest", platform: "telegram" })).toBe(0);
    // Bale's series are there from the start, at 0 (issue 15).
    expect(valueOf(families, "bulletin_messages_sent_total", { kind: "single", platform: "bale" })).toBe(0);
    const failed = families
      .get("bulletin_messages_failed_total")!
      .samples.filter((s) => s.labels.platform === "telegram")
      .map((s) => [s.labels.reason, s.value]);
    expect(Object.fromEntries(failed)).toEqual({
      blocked: 1,
      deactivated: 0,
      kicked: 0,
      chat_not_found: 0,
      forbidden: 0,
      migrated: 0,
      rate_limited: 0,
      network: 0,
      bad_request: 0,
      photo_refused: 0,
    });
    expect(valueOf(families, "bulletin_articles_delivered_total", { platform: "telegram" })).toBe(2);
    expect(valueOf(families, "bulletin_articles_delivered_total", { platform: "bale" })).toBe(0);
    expect(valueOf(families, "bulletin_telegram_429_total", { platform: "telegram" })).toBe(0);
    expect(valueOf(families, "bulletin_paid_messages_total")).toBe(0);

    const ingested = (source: string, outcome: string) => valueOf(families, "bulletin_articles_ingested_total", { source, outcome });
    expect([
      ingested("http", "accepted"),
      ingested("http", "duplicate"),
      ingested("http", "invalid"),
      ingested("http", "unknown_category"),
    ]).toEqual([1, 1, 1, 1]);
    expect(ingested("feed", "accepted")).toBe(0);
    expect(ingested("cli", "accepted")).toBe(0);

    // The blocked reader's subscription was dropped: two readers follow World, one Economy.
    expect(families.get("bulletin_subscribers")?.type).toBe("gauge");
    expect(valueOf(families, "bulletin_subscribers", { category: "world", platform: "telegram" })).toBe(2);
    expect(valueOf(families, "bulletin_subscribers", { category: "economy", platform: "telegram" })).toBe(1);
    expect(valueOf(families, "bulletin_subscribers", { category: "politics", platform: "telegram" })).toBe(0);
    expect(valueOf(families, "bulletin_subscribers", { category: "world", platform: "bale" })).toBe(0);

    for (const queue of ["fanout", "delivery", "feeds"]) {
      expect(valueOf(families, "bulletin_queue_jobs", { queue, state: "failed" })).toBe(0);
      expect(valueOf(families, "bulletin_queue_jobs", { queue, state: "waiting" })).toBeTypeOf("number");
      expect(valueOf(families, "bulletin_queue_paused", { queue })).toBe(0);
    }
    expect(valueOf(families, "bulletin_feeds", { health: "failing" })).toBe(0);
    expect(families.get("bulletin_metrics_collect_seconds")?.type).toBe("histogram");

    // Durations every process observed, summed in Redis: one article fanned out, first delivered once;
    // at least three waits for the budget (two delivered sends, one to the reader who blocked the bot;
    // a reader still pacing after the bot's reply waits once more on the second visit).
    await telegram.waitFor(
      async () => {
        families = await metrics(stack!);
        return (
          valueOf(families, "bulletin_ingest_to_first_delivery_seconds_count") === 1 &&
          valueOf(families, "bulletin_ingest_to_delivery_seconds_count") === 2 &&
          // The blocked reader's wait may come in a later flush than the two deliveries.
          (valueOf(families, "bulletin_send_budget_wait_seconds_count") ?? 0) >= 3
        );
      },
      { message: "the timings to reach Redis" },
    );
    expect(families.get("bulletin_fanout_duration_seconds")?.type).toBe("histogram");
    expect(valueOf(families, "bulletin_fanout_duration_seconds_count")).toBe(1);
    expect(valueOf(families, "bulletin_fanout_duration_seconds_bucket", { le: "+Inf" })).toBe(1);
    expect(valueOf(families, "bulletin_ingest_to_first_delivery_seconds_bucket", { le: "60" })).toBe(1);
    // Every delivery: the two readers who got the article.
    expect(valueOf(families, "bulletin_ingest_to_delivery_seconds_count")).toBe(2);
    expect(valueOf(families, "bulletin_send_budget_wait_seconds_count")).toBeGreaterThanOrEqual(3);
    expect(families.has("process_cpu_user_seconds_total")).toBe(true);

    // No chat or user id is ever a label.
    for (const family of families.values()) {
      for (const sample of family.samples) {
        // `le` is a histogram bucket's bound (seconds), not an id.
        for (const [label, value] of Object.entries(sample.labels)) if (label !== "le") expect(value).not.toMatch(/^-?\d{4,}$/);
      }
    }
  });

  it("asks for METRICS_TOKEN as a bearer token when it is set", async () => {
    const token = "metrics-token-0123456789";
    stack = await startStack({ name: "metrics-token", roles: ["http"], env: { METRICS_TOKEN: token } });
    expect((await fetch(`${stack.httpUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${stack.httpUrl}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const families = await metrics(stack, { authorization: `Bearer ${token}` });
    expect(valueOf(families, "bulletin_messages_sent_total", { kind: "single", platform: "telegram" })).toBe(0);
  });
});

describe("/readyz", () => {
  it("is ready with Redis up, no queue paused and the bot connected; says what is wrong otherwise", async () => {
    stack = await startStack({ name: "readyz" });
    const ready = await fetch(`${stack.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; problems: string[]; checks: Record<string, { ok: boolean; state?: string }> };
    expect(body.status).toBe("ready");
    expect(body.problems).toEqual([]);
    expect(body.checks.redis!.ok).toBe(true);
    expect(body.checks.queues!.ok).toBe(true);
    expect(body.checks.bot).toMatchObject({ ok: true, state: "connected" });
    expect((await fetch(`${stack.httpUrl}/healthz`)).status).toBe(200);

    await stack.bulletin.runtime.queues.delivery.pause();
    const paused = await fetch(`${stack.httpUrl}/readyz`);
    expect(paused.status).toBe(503);
    expect(await paused.json()).toMatchObject({
      status: "not ready",
      problems: ["queue delivery: paused (npm run cli -- queues resume delivery)"],
      checks: { queues: { ok: false, paused: ["delivery"] } },
    });
    await stack.bulletin.runtime.queues.delivery.resume();
    expect((await fetch(`${stack.httpUrl}/readyz`)).status).toBe(200);
  });

  it("does not depend on the bot where the bot role does not run", async () => {
    stack = await startStack({ name: "readyz-http", roles: ["http"] });
    const response = await fetch(`${stack.httpUrl}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: Record<string, unknown> };
    expect(body.checks.bot).toBeUndefined();
  });
});

describe("the queue dashboard", () => {
  it("is off without ADMIN_USER and ADMIN_PASSWORD", async () => {
    stack = await startStack({ name: "dashboard-off", roles: ["http"] });
    expect((await fetch(`${stack.httpUrl}/admin/queues`)).status).toBe(404);
  });

  it("answers 401 without credentials or with a wrong password, 200 with the right ones", async () => {
    stack = await startStack({ name: "dashboard", roles: ["http"], env: ADMIN });
    const url = `${stack.httpUrl}/admin/queues`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect((await fetch(url, { headers: { authorization: basic("operator", "wrong-password-123") } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: basic("someone", ADMIN.ADMIN_PASSWORD) } })).status).toBe(401);
    expect((await fetch(`${url}/api/queues`)).status).toBe(401);

    const auth = { authorization: basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD) };
    const page = await fetch(url, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Bulletin");

    const api = await fetch(`${url}/api/queues`, { headers: auth });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual(["delivery", "fanout", "feeds"]);
  });

  it("retries a failed job from the dashboard", async () => {
    stack = await startStack({ name: "dashboard-retry", roles: ["http"], env: ADMIN });
    const queue = stack.bulletin.runtime.queues.fanout;
    await queue.add("article", { articleId: "nope" }, { jobId: "dashboard-retry-1", attempts: 1 });
    // No delivery worker runs here: one that fails every job makes a failed job.
    const worker = new Worker(queue.name, () => Promise.reject(new Error("made to fail")), {
      connection: stack.bulletin.runtime.connect(),
      prefix: stack.prefix,
    });
    await stack.telegram.waitFor(async () => (await queue.getFailedCount()) === 1, { message: "the job to fail" });
    await worker.close();

    const auth = { authorization: basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD) };
    const retried = await fetch(`${stack.httpUrl}/admin/queues/api/queues/fanout/retry/failed`, { method: "PUT", headers: auth });
    expect(retried.status).toBe(200);
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(1);
  });
});
