/**
 * The sandbox as a newcomer runs it, `npm start` without a token, stopped and started again on the
 * same Redis: the README promises that a restart starts over.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_NAMES, openQueues } from "../../src/queues.js";
import type { ChatEntry, Counters, SandboxEvent } from "../../src/sandbox/page/protocol.js";
import { SAMPLE_ARTICLE } from "../../src/sandbox/samples.js";
import { startSandboxProcess, type SandboxProcess } from "../support/processes.js";
import { CATEGORIES_FILE, REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

type Snapshot = Extract<SandboxEvent, { type: "snapshot" }>;

/** What the page would show now: the first event of its live stream. */
async function snapshot(url: string): Promise<Snapshot> {
  const controller = new AbortController();
  const response = await fetch(`${url}/sandbox/events`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n\n")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value as Uint8Array, { stream: true });
    }
  } finally {
    controller.abort();
  }
  const data = /^data: (.*)$/m.exec(text)?.[1];
  if (!data) throw new Error(`no snapshot in ${text}`);
  return JSON.parse(data) as Snapshot;
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls the page's snapshot until `found` says yes. */
async function until(url: string, found: (s: Snapshot) => boolean, what: string): Promise<Snapshot> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await snapshot(url);
    if (found(now)) return now;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within 15 s; the page shows ${JSON.stringify(now.transcripts)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const botSaid = (s: Snapshot, chatId: number, text: string) =>
  (s.transcripts[String(chatId)] ?? []).some((e: ChatEntry) => e.from === "bot" && e.text.includes(text));

/** A reader who follows World, as the page makes one. */
async function worldReader(url: string, name: string): Promise<number> {
  const reader = await post(url, "/sandbox/readers", { name, language: "en" });
  expect(reader.status).toBe(201);
  const id = reader.body.id as number;
  expect((await post(url, `/sandbox/readers/${id}/send`, { text: "/subscribe world" })).status).toBe(202);
  await until(url, (s) => botSaid(s, id, "You now follow: World"), `${name} follows World`);
  return id;
}

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== "0");
  return found.sort();
}

describe("a restarted sandbox", () => {
  let dir: string;
  let port: number;
  let redis: Redis;
  const keyPrefix = uniquePrefix("restart");
  const prefix = `bulletin-sandbox-${keyPrefix}`;
  let running: SandboxProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bulletin-sandbox-"));
    redis = new Redis(REDIS_URL);
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen({ host: "127.0.0.1", port: 0 }, resolve));
    port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  afterAll(async () => {
    await running?.stop();
    await dropPrefix(prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    running = await startSandboxProcess({ REDIS_URL, KEY_PREFIX: keyPrefix, HTTP_PORT: String(port), CATEGORIES_FILE }, dir);
    return running;
  };

  it("starts over: the sample reaches this run's readers, and nothing of the last run's readers, articles or jobs is left", async () => {
    // The first run: Ada follows World and gets the sample article.
    const first = await start();
    const ada = await worldReader(first.url, "Ada");
    expect((await post(first.url, "/sandbox/publish", SAMPLE_ARTICLE)).status).toBe(202);
    await until(first.url, (s) => botSaid(s, ada, SAMPLE_ARTICLE.title), "Ada gets the sample");
    expect(await first.stop()).toBe(0);

    // What it leaves in Redis: Ada's chat and subscription, the sample's dedupe marks, the queues;
    // and a job of hers that was still waiting (a retry, say).
    const left = await keysUnder(redis, prefix);
    for (const kind of [/:chats:/, /:subs:world:/, /:dedupe:url:/, /:delivery:/])
      expect(
        left.some((k) => kind.test(k)),
        String(kind),
      ).toBe(true);
    const queues = openQueues(redis, prefix);
    await queues.delivery.add(JOB_NAMES.visit, { chatId: ada }, { delay: 1000 });

    // The second run: none of it is there.
    const second = await start();
    const fresh = await keysUnder(redis, prefix);
    expect(fresh.filter((k) => /:(chats|subs|dedupe|article|log|round):/.test(k))).toEqual([]);
    expect(await queues.delivery.getJobCounts("waiting", "delayed", "prioritized", "active", "failed")).toEqual({
      waiting: 0,
      delayed: 0,
      prioritized: 0,
      active: 0,
      failed: 0,
    });
    await queues.close();

    // The sample is news again, and the next article reaches this run's reader, not Ada's ghost.
    const bea = await worldReader(second.url, "Bea");
    const sample = await post(second.url, "/sandbox/publish", SAMPLE_ARTICLE);
    expect(sample.status).toBe(202);
    expect(sample.body.duplicate).toBe(false);
    await until(second.url, (s) => botSaid(s, bea, SAMPLE_ARTICLE.title), "Bea gets the sample");
    const next = { title: "Summit opens in Geneva", url: "https://news.example.com/en/world/summit", categories: ["world"] };
    expect((await post(second.url, "/sandbox/publish", next)).status).toBe(202);
    const seen = await until(second.url, (s) => botSaid(s, bea, next.title), "Bea gets the next article");
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the time Ada's old job was due
    const after = await snapshot(second.url);
    expect(after.counters).toMatchObject<Partial<Counters>>({ failed: 0 });
    expect(after.activity.filter((line) => line.level !== "info")).toEqual([]);
    expect(Object.keys(seen.transcripts)).not.toContain(String(ada));

    // What the newcomer's terminal showed: readable lines, nothing for a deployment's operator.
    const terminal = second.output();
    expect(terminal).toContain(`sandbox: keys under ${prefix}; each run starts empty`);
    expect(terminal).not.toMatch(/^\{"level"/m);
    expect(terminal).not.toContain("ADMIN_USER");
    expect(terminal).not.toContain("INGEST_TOKEN");
    expect(await second.stop()).toBe(0);
    running = undefined;
  }, 90_000);
});
