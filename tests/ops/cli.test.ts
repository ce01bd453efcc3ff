/**
 * The operators' CLI commands against a real Redis, each test on a key prefix of its own:
 * stats, publish, subscribers import|export, queues; and the exit codes of `npm run cli` itself.
 */
import { DeliveryStats } from "../../src/delivery/stats.js";
import { createLogger } from "../../src/log.js";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runPublishCommand } from "../../src/cli/commands/publish.js";
import { runQueuesCommand } from "../../src/cli/commands/queues.js";
import { runSendTestCommand } from "../../src/cli/commands/send-test.js";
import { runStatsCommand } from "../../src/cli/commands/stats.js";
import { runSubscribersCommand } from "../../src/cli/commands/subscribers.js";
import { categorySlug, chatId } from "../../src/ids.js";
import { openQueues } from "../../src/queues.js";
import { ChatStore } from "../../src/store/chats.js";
import { keys as keyLayout } from "../../src/store/keys.js";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { runCliProcess, testCli, type TestCli } from "./cli-support.js";

let cli: TestCli | undefined;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulletin-ops-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await cli?.close();
  cli = undefined;
});

const storeOf = (c: TestCli) => new ChatStore(c.redis, c.prefix);
const world = categorySlug("world");
const politics = categorySlug("politics");

describe("stats", () => {
  it("shows subscribers per category, chats by kind, queues, counters and feeds; --json for scripts", async () => {
    cli = testCli("stats");
    const store = storeOf(cli);
    const reader = (id: number, slugs: string[], active = true) => ({
      id: chatId(id),
      record: {
        kind: id > 0 ? ("private" as const) : ("channel" as const),
        language: "en",
        active,
        subscriptions: slugs.map((s) => ({ slug: categorySlug(s), since: 0 })),
        cursor: 0,
        sentAhead: [],
      },
    });
    await store.importChats([
      reader(1, ["world"]),
      reader(2, ["world", "politics"]),
      reader(-1001234567890, ["economy"]),
      reader(3, [], false),
    ]);
    // A Bale reader with a Telegram reader's id: counted in Bale's column only (issue 15).
    await store.on("bale").importChats([reader(1, ["world"])]);
    await cli.redis.hset(keyLayout(cli.prefix).counters, {
      sent: 5,
      sent_digest: 1,
      chat_gone_blocked: 2,
      "ingested:http:accepted": 4,
      // Bale's counters, beside Telegram's (issue 15).
      "sent:bale": 6,
      "chat_gone_not_found:bale": 1,
    });
    // Sends a delivery process just made: they count in the last minute's rate.
    const deliveryStats = new DeliveryStats(cli.redis, keyLayout(cli.prefix), createLogger("silent"));
    deliveryStats.count("sent", 3);
    deliveryStats.count("sent_digest", 1);
    await deliveryStats.flush();
    expect(await runPublishCommand(["--url", "https://news.example.com/s/1", "--title", "One", "-c", "world"], cli)).toBe(0);
    cli.reset();

    expect(await runStatsCommand(["--json"], cli)).toBe(0);
    const stats = JSON.parse(cli.out()) as Record<string, unknown>;
    expect(stats.sentLastMinute).toBe(4);
    expect(stats.subscribers).toEqual([
      { category: "world", subscribers: 2, bale: 1 },
      { category: "politics", subscribers: 1, bale: 0 },
      { category: "economy", subscribers: 1, bale: 0 },
    ]);
    expect(stats.chats).toEqual({
      active: { private: 2, group: 0, supergroup: 0, channel: 1 },
      inactive: { private: 1, group: 0, supergroup: 0, channel: 0 },
      corrupt: 0,
    });
    expect(stats.queues).toContainEqual({
      queue: "fanout",
      paused: false,
      jobs: { waiting: 1, prioritized: 0, active: 0, delayed: 0, "waiting-children": 0, failed: 0, completed: 0 },
    });
    expect(stats.counters).toMatchObject({
      delivery: { sent: 8, sent_digest: 2, chat_gone_blocked: 2, rate_limited: 0 },
      platforms: {
        telegram: { sent: 8, sent_digest: 2, chat_gone_blocked: 2 },
        bale: { sent: 6, sent_digest: 0, chat_gone_blocked: 0, chat_gone_not_found: 1 },
      },
      ingested: { http: { accepted: 4, duplicate: 0 }, cli: { accepted: 1 } },
      paidMessages: 0,
    });
    expect(stats.feeds).toEqual({ byState: { ok: 0, failing: 0, new: 0 }, feeds: [] });

    cli.reset();
    expect(await runStatsCommand([], cli)).toBe(0);
    const text = cli.out();
    expect(text).toMatch(/^CATEGORY\s+TELEGRAM\s+BALE$/m);
    expect(text).toMatch(/^world\s+2\s+1$/m);
    expect(text).toMatch(/^private\s+2\s+1$/m);
    expect(text).toMatch(/^fanout\s+no\s+1\s+0/m);
    expect(text).toMatch(/^DELIVERY\s+TELEGRAM\s+BALE$/m);
    expect(text).toMatch(/^messages sent \(single\)\s+8\s+6$/m);
    expect(text).toMatch(/^sent in the last minute \(both\)\s+4 \(0\.1\/s\)$/m);
    expect(text).toMatch(/^failed: blocked\s+2\s+0$/m);
    expect(text).toMatch(/^failed: chat_not_found\s+0\s+1$/m);
    expect(text).toMatch(/^cli\s+1\s+0\s+0\s+0$/m);

    cli.reset();
    expect(await runStatsCommand(["--bogus"], cli)).toBe(2);
    expect(cli.err()).toContain("Usage: stats");
  });
});

describe("publish", () => {
  it("ingests an article from flags, once; refuses an invalid one or an unknown category with exit 1", async () => {
    cli = testCli("publish");
    const flags = [
      "--url",
      "https://news.example.com/p/1",
      "--title",
      "Hello",
      "--summary",
      "World news",
      "-c",
      "world",
      "-c",
      "politics",
      "--priority",
      "breaking",
    ];
    expect(await runPublishCommand(flags, cli)).toBe(0);
    expect(cli.out()).toMatch(/^accepted u[0-9a-f]+ \(sequence 1\)/);
    const fanout = openQueues(cli.redis, cli.prefix).fanout;
    expect(await fanout.getWaitingCount()).toBe(1);

    cli.reset();
    expect(await runPublishCommand([...flags, "--json"], cli)).toBe(0);
    expect(JSON.parse(cli.out())).toEqual([{ index: 0, status: "duplicate", id: expect.stringMatching(/^u/) as unknown }]);

    cli.reset();
    expect(await runPublishCommand(["--url", "https://news.example.com/p/2", "--title", "Sport", "-c", "sport"], cli)).toBe(1);
    expect(cli.err()).toBe("publish: unknown category sport (there are: world, politics, economy)\n");

    cli.reset();
    expect(await runPublishCommand(["--url", "not a url", "-c", "world"], cli)).toBe(1);
    expect(cli.err()).toContain("invalid: url: must be an http(s) URL; title:");

    cli.reset();
    expect(await runPublishCommand([], cli)).toBe(2);
    expect(cli.err()).toContain("give the article as flags");
    await fanout.close();
  });

  it("ingests the articles of a JSON file", async () => {
    cli = testCli("publish-file");
    const file = join(dir, "articles.json");
    await writeFile(
      file,
      JSON.stringify([
        { id: "file-1", url: "https://news.example.com/f/1", title: "One", categories: ["world"] },
        { id: "file-2", url: "https://news.example.com/f/2", title: "Two", categories: ["economy"], language: "fa" },
        { url: "https://news.example.com/f/3", categories: ["economy"] },
      ]),
    );
    expect(await runPublishCommand(["--file", file], cli)).toBe(1);
    expect(cli.out()).toMatch(/^\[0\] accepted file-1 \(sequence 1\).*\n\[1\] accepted file-2 \(sequence 2\)/);
    expect(cli.err()).toContain("publish: [2] invalid: title:");

    cli.reset();
    expect(await runPublishCommand(["--file", join(dir, "missing.json")], cli)).toBe(2);
    expect(cli.err()).toContain("cannot read");
    cli.reset();
    expect(await runPublishCommand(["--file", file, "--title", "x"], cli)).toBe(2);
  });
});

describe("subscribers import", () => {
  it("imports a CSV file, reporting broken rows by line and skipping them (exit 3)", async () => {
    cli = testCli("import-csv");
    const store = storeOf(cli);
    // An article already published: imported readers start after it, not with a backlog.
    await cli.redis.set(keyLayout(cli.prefix).sequence, "41");
    const file = join(dir, "readers.csv");
    await writeFile(
      file,
      [
        "chat_id,categories,language",
        "101,world,fa",
        '102,"world,politics",',
        "103,world;economy,en",
        "abc,world,en",
        "104,sport,en",
        "105,,en",
        '106,"world" x,en',
        "107,world,english",
        "101,economy,en",
        "-1001234567890,politics",
        "108,world,en,private,extra",
        "",
      ].join("\n"),
    );
    expect(await runSubscribersCommand(["import", file], cli)).toBe(3);
    expect(cli.err().trim().split("\n")).toEqual([
      `subscribers import: ${file}:5: chat_id: must be a chat id (an integer); row skipped`,
      `subscribers import: ${file}:6: unknown category sport (there are: world, politics, economy); row skipped`,
      `subscribers import: ${file}:7: categories: no category; row skipped`,
      `subscribers import: ${file}:8: text after a closing quote; row skipped`,
      `subscribers import: ${file}:9: language: must be a language code like en or fa; row skipped`,
      `subscribers import: ${file}:10: chat 101 is already in the file (${file}:2); row skipped`,
      `subscribers import: ${file}:12: 5 fields, expected at most 3 (chat_id,categories,language); quote categories that contain commas; row skipped`,
    ]);
    expect(cli.out()).toMatch(
      /^11 row\(s\): imported 4 chat\(s\) \(4 new, 0 already known, categories added\), 0 inactive left alone, 7 malformed skipped; /,
    );

    expect(await store.get(chatId(101))).toEqual({
      kind: "private",
      language: "fa",
      active: true,
      subscriptions: [{ slug: world, since: 0 }],
      cursor: 41,
      sentAhead: [],
    });
    expect((await store.get(chatId(102)))?.subscriptions.map((s) => s.slug)).toEqual(["world", "politics"]);
    expect((await store.get(chatId(102)))?.language).toBe("en");
    expect((await store.get(chatId(-1001234567890)))?.kind).toBe("channel");
    expect(await store.get(chatId(104))).toBeUndefined();
    expect(await store.countSubscribers(world)).toBe(3);
    expect(await store.countSubscribers(politics)).toBe(2);
  });

  it("adds categories to chats it already has and leaves chats that left the bot alone", async () => {
    cli = testCli("import-merge");
    const store = storeOf(cli);
    await store.importChats([
      {
        id: chatId(201),
        record: { kind: "private", language: "fa", active: true, subscriptions: [{ slug: world, since: 0 }], cursor: 7, sentAhead: [] },
      },
      { id: chatId(202), record: { kind: "private", language: "en", active: false, subscriptions: [], cursor: 3, sentAhead: [] } },
    ]);
    await cli.redis.set(keyLayout(cli.prefix).sequence, "9");
    const file = join(dir, "merge.jsonl");
    await writeFile(
      file,
      [
        '{"chat_id":201,"categories":["politics"]}',
        '{"chat_id":202,"categories":"world"}',
        "{broken",
        '{"chat_id":"203","categories":"economy world","language":"fa"}',
      ].join("\n"),
    );
    expect(await runSubscribersCommand(["import", file, "--json"], cli)).toBe(3);
    expect(JSON.parse(cli.out())).toMatchObject({ rows: 4, added: 1, merged: 1, inactiveLeftAlone: 1, skipped: 1, dryRun: false });
    expect(cli.err()).toMatch(new RegExp(`^subscribers import: ${file}:3: not valid JSON`));
    expect(await store.get(chatId(201))).toEqual({
      kind: "private",
      language: "fa",
      active: true,
      subscriptions: [
        { slug: world, since: 0 },
        { slug: politics, since: 9 },
      ],
      cursor: 7,
      sentAhead: [],
    });
    expect((await store.get(chatId(202)))?.active).toBe(false);
    expect((await store.get(chatId(203)))?.subscriptions.map((s) => s.slug)).toEqual(["economy", "world"]);
  });

  it("checks a file without writing with --dry-run, and refuses what it cannot read (exit 1) or use (exit 2)", async () => {
    cli = testCli("import-dry");
    const file = join(dir, "dry.json");
    await writeFile(
      file,
      JSON.stringify([
        { chat_id: 301, categories: ["world"] },
        { chat_id: 0, categories: ["world"] },
      ]),
    );
    expect(await runSubscribersCommand(["import", file, "--dry-run"], cli)).toBe(3);
    expect(cli.out()).toMatch(/^dry run: 2 row\(s\): would import 1 chat\(s\)/);
    expect(cli.err()).toContain(`${file}: entry 2: chat_id: must be a Telegram chat id`);
    expect(await storeOf(cli).get(chatId(301))).toBeUndefined();

    cli.reset();
    await writeFile(join(dir, "bad.json"), "[{");
    expect(await runSubscribersCommand(["import", join(dir, "bad.json")], cli)).toBe(1);
    expect(cli.err()).toMatch(/not valid JSON .*; nothing imported/);
    expect(await runSubscribersCommand(["import", join(dir, "none.csv")], cli)).toBe(1);
    expect(await runSubscribersCommand(["import"], cli)).toBe(2);
    expect(await runSubscribersCommand(["import", file, "--format", "xml"], cli)).toBe(2);
    expect(await runSubscribersCommand(["frobnicate"], cli)).toBe(2);
  });

  // How fast is measured by `npm run bench -- import`; here, that 100,000 rows all land right.
  it("imports 100,000 rows", async () => {
    cli = testCli("import-100k");
    const rows = ["chat_id,categories,language"];
    const slugs = ["world", "politics", "economy", "world;economy"];
    for (let i = 0; i < 100_000; i++) rows.push(`${1_000_000 + i},${slugs[i % 4]},${i % 3 === 0 ? "fa" : "en"}`);
    const file = join(dir, "100k.csv");
    await writeFile(file, `${rows.join("\n")}\n`);
    expect(await runSubscribersCommand(["import", file, "--json"], cli)).toBe(0);
    const report = JSON.parse(cli.out()) as { added: number };
    expect(report.added).toBe(100_000);
    const store = storeOf(cli);
    expect(await store.countSubscribers(world)).toBe(50_000);
    expect(await store.countSubscribers(categorySlug("economy"))).toBe(50_000);
    expect((await store.get(chatId(1_000_003)))?.language).toBe("fa");
    expect((await store.get(chatId(1_000_004)))?.language).toBe("en");
  }, 60_000);
});

describe("subscribers export", () => {
  it("writes every active subscribed chat as CSV, JSON or JSON Lines, and imports back the same", async () => {
    cli = testCli("export");
    const store = storeOf(cli);
    const record = (slugs: string[], language = "en", active = true) => ({
      kind: "private" as const,
      language,
      active,
      subscriptions: slugs.map((s) => ({ slug: categorySlug(s), since: 0 })),
      cursor: 0,
      sentAhead: [],
    });
    await store.importChats([
      { id: chatId(401), record: record(["world", "politics"], "fa") },
      { id: chatId(402), record: record(["economy"]) },
      { id: chatId(403), record: record([], "en") },
      { id: chatId(404), record: record(["world"], "en", false) },
      { id: chatId(-1009876543210), record: { ...record(["world"]), kind: "channel" as const } },
    ]);
    expect(await runSubscribersCommand(["export"], cli)).toBe(0);
    const csv = cli.out().split("\n");
    expect(csv[0]).toBe("chat_id,categories,language,kind");
    expect(csv.slice(1).filter(Boolean).sort()).toEqual([
      "-1009876543210,world,en,channel",
      "401,world;politics,fa,private",
      "402,economy,en,private",
    ]);

    cli.reset();
    expect(await runSubscribersCommand(["export", "--format", "json", "--category", "world"], cli)).toBe(0);
    const json = JSON.parse(cli.out()) as { chat_id: number }[];
    expect(json.map((c) => c.chat_id).sort()).toEqual([-1009876543210, 401]);

    const out = join(dir, "export.jsonl");
    cli.reset();
    expect(await runSubscribersCommand(["export", "--out", out], cli)).toBe(0);
    expect(cli.err()).toBe(`exported 3 chat(s) to ${out}\n`);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(3);

    // Into another deployment: the same chats, subscriptions and languages.
    const other = testCli("export-target");
    try {
      expect(await runSubscribersCommand(["import", out], other)).toBe(0);
      const target = storeOf(other);
      expect(await target.get(chatId(401))).toMatchObject({ language: "fa", subscriptions: [{ slug: "world" }, { slug: "politics" }] });
      expect((await target.get(chatId(-1009876543210)))?.kind).toBe("channel");
      expect(await target.get(chatId(404))).toBeUndefined();
    } finally {
      await other.close();
    }
    expect(await runSubscribersCommand(["export", "--category", "sport"], cli)).toBe(2);
  });
});

describe("queues", () => {
  it("lists, pauses, resumes, retries failed jobs and cleans", async () => {
    cli = testCli("queues");
    const queues = openQueues(cli.redis, cli.prefix);
    try {
      await queues.fanout.add("article", { articleId: "a" }, { attempts: 1 });
      await queues.fanout.add("article", { articleId: "b" }, { attempts: 1 });
      const worker = new Worker("fanout", () => Promise.reject(new Error("made to fail")), {
        connection: cli.redis.duplicate(),
        prefix: cli.prefix,
      });
      await expect.poll(() => queues.fanout.getFailedCount(), { timeout: 10_000 }).toBe(2);
      await worker.close();

      expect(await runQueuesCommand(["list", "--json"], cli)).toBe(0);
      const listed = JSON.parse(cli.out()) as { queue: string; paused: boolean; jobs: Record<string, number> }[];
      expect(listed.map((q) => q.queue)).toEqual(["fanout", "delivery", "feeds"]);
      expect(listed[0]!.jobs.failed).toBe(2);

      cli.reset();
      expect(await runQueuesCommand(["pause", "delivery", "feeds"], cli)).toBe(0);
      expect(cli.out()).toBe("delivery: paused\nfeeds: paused\n");
      expect(await queues.delivery.isPaused()).toBe(true);
      expect(await queues.fanout.isPaused()).toBe(false);
      cli.reset();
      expect(await runQueuesCommand(["resume"], cli)).toBe(0);
      expect(await queues.delivery.isPaused()).toBe(false);

      cli.reset();
      expect(await runQueuesCommand(["retry-failed", "fanout"], cli)).toBe(0);
      expect(cli.out()).toBe("fanout: 2 failed job(s) moved back to waiting\n");
      expect(await queues.fanout.getFailedCount()).toBe(0);
      expect(await queues.fanout.getWaitingCount()).toBe(2);

      cli.reset();
      expect(await runQueuesCommand(["clean", "fanout", "--state", "waiting", "--json"], cli)).toBe(0);
      expect(JSON.parse(cli.out())).toEqual([{ queue: "fanout", removed: { waiting: 2 } }]);
      expect(await queues.fanout.getWaitingCount()).toBe(0);

      cli.reset();
      expect(await runQueuesCommand(["pause", "nope"], cli)).toBe(2);
      expect(cli.err()).toContain('no queue "nope"');
      expect(await runQueuesCommand(["clean", "--grace", "soon"], cli)).toBe(2);
      expect(await runQueuesCommand(["explode"], cli)).toBe(2);
    } finally {
      await queues.close();
    }
  });
});

describe("send-test", () => {
  it("sends a sample post formatted for the chat, and says when Telegram refuses it", async () => {
    cli = testCli("send-test");
    const telegram = await FakeTelegram.start();
    try {
      const access = { token: telegram.token, apiRoot: telegram.apiRoot };
      expect(await runSendTestCommand(["777", "--category", "economy"], cli, access)).toBe(0);
      expect(cli.out()).toMatch(/^sent message \d+ to chat 777 \(text, en; a chat Bulletin does not know\)/);
      const [post] = await telegram.waitForMessages(777, 1);
      expect(post!.text).toContain("Bulletin test post");
      expect(post!.text).toContain("#Economy");
      expect(post!.entities.some((e) => e.type === "bold")).toBe(true);

      // A channel Bulletin knows: its settings shape the post.
      telegram.addChat({ id: -1005550001, type: "channel", title: "Newsroom" });
      await storeOf(cli).importChats([
        {
          id: chatId(-1005550001),
          record: {
            kind: "channel",
            language: "en",
            active: true,
            subscriptions: [{ slug: world, since: 0 }],
            cursor: 0,
            sentAhead: [],
            settings: { photo: true, linkPreview: false, hashtags: false, signature: "@newsroom" },
          },
        },
      ]);
      cli.reset();
      expect(await runSendTestCommand(["-1005550001"], cli, access)).toBe(0);
      const [channelPost] = await telegram.waitForMessages(-1005550001, 1);
      expect(channelPost!.text).toContain("@newsroom");
      expect(channelPost!.text).not.toContain("#world");

      cli.reset();
      expect(await runSendTestCommand(["-1009999999"], cli, access)).toBe(1);
      expect(cli.err()).toBe("send-test: Telegram refused the message: 400 Bad Request: chat not found\n");
      expect(await runSendTestCommand([], cli, access)).toBe(2);
      expect(await runSendTestCommand(["777", "--category", "sport"], cli, access)).toBe(2);
    } finally {
      await telegram.close();
    }
  });
});

describe("npm run cli", () => {
  // Six processes, each starting tsx: run side by side, and given the time a loaded machine needs.
  it("exits 0, 1, 2 or 3 as scripts expect", { timeout: 120_000 }, async () => {
    cli = testCli("process");
    const env = { KEY_PREFIX: cli.prefix, LOG_LEVEL: "silent" };
    const file = join(dir, "process.csv");
    await writeFile(file, "1,world,en\nnot-a-chat,world,en\n");
    const [stats, partial, badQueue, badCommand, noToken, down] = await Promise.all([
      runCliProcess(["stats", "--json", "--no-chats"], env),
      runCliProcess(["subscribers", "import", file], env),
      runCliProcess(["queues", "pause", "nope"], env),
      runCliProcess(["no-such-command"], env),
      runCliProcess(["send-test", "777"], env),
      runCliProcess(["stats"], { ...env, REDIS_URL: "redis://127.0.0.1:9" }),
    ]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toHaveProperty("subscribers");
    expect(partial.code).toBe(3);
    expect(partial.stderr).toContain(`${file}:2: chat_id`);
    expect(badQueue.code).toBe(2);
    expect(badCommand.code).toBe(2);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/^bulletin: BOT_TOKEN: is required/);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("stats: cannot reach Redis at redis://127.0.0.1:9");
  });
});
