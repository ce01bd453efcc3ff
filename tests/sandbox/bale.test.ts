import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify from "fastify";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import { startBulletin, type Bulletin } from "../../src/app/app.js";
import { loadCategories } from "../../src/config/categories.js";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log.js";
import { SANDBOX_BALE_BOT_USERNAME, startSandboxBale } from "../../src/sandbox/bale.js";
import { SandboxClock } from "../../src/sandbox/clock.js";
import { sandboxEnv } from "../../src/sandbox/mode.js";
import type { Reader } from "../../src/sandbox/page/protocol.js";
import { registerSandbox } from "../../src/sandbox/routes.js";
import { SAMPLE_ARTICLE } from "../../src/sandbox/samples.js";
import { SANDBOX_BOT_USERNAME, startSandboxTelegram } from "../../src/sandbox/start.js";
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS } from "../support/browser.js";
import { CATEGORIES_FILE, FAST_TUNING, REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

/**
 * The sandbox on both platforms (issue 15): a built-in Bale beside the built-in Telegram, Bulletin's
 * Bale bot on it, and a page where a newcomer adds readers on either and opens the site's links.
 */

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
const WAIT = { timeout: 20_000 };
const hasChromium = existsSync(CHROMIUM);
const noQueues = { fanout: { getJobCounts: () => Promise.resolve({}) }, delivery: { getJobCounts: () => Promise.resolve({}) } } as never;
const noIngest = { ingest: () => Promise.resolve({ status: "accepted", id: "a1" as never, seq: 1 }) } as never;

describe("the sandbox's environment with Bale", () => {
  it("points the Bale bot at the built-in Bale, and never at a real Bale from the shell", () => {
    const env = sandboxEnv(
      { BALE_BOT_TOKEN: "555:real-bale-token-from-the-shell-xxxxxxx", BALE_SEND_RATE: "5", REDIS_URL },
      { token: "1:t", apiRoot: "http://127.0.0.1:1" },
      { token: "2:b", apiRoot: "http://127.0.0.1:2" },
    );
    expect(env).toMatchObject({ BOT_TOKEN: "1:t", BALE_BOT_TOKEN: "2:b", BALE_API_ROOT: "http://127.0.0.1:2", REDIS_URL });
    expect(env.BALE_SEND_RATE).toBeUndefined();
    expect(sandboxEnv({ BALE_BOT_TOKEN: "555:x" }, { token: "1:t", apiRoot: "http://127.0.0.1:1" }).BALE_BOT_TOKEN).toBeUndefined();
  });
});

describe("the sandbox's endpoints on both platforms", () => {
  let telegram: FakeTelegram;
  let bale: FakeTelegram;
  const app = Fastify({ loggerInstance: logger });
  let state: ReturnType<typeof registerSandbox>;
  beforeAll(async () => {
    ({ telegram } = await startSandboxTelegram());
    ({ telegram: bale } = await startSandboxBale());
    state = registerSandbox(app, {
      telegram,
      bale,
      clock: new SandboxClock(),
      timezone: "Asia/Tehran",
      ingestor: noIngest,
      categories: loadCategories(CATEGORIES_FILE),
      queues: noQueues,
      logger,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
    await bale.close();
  });
  const post = (url: string, payload: object) =>
    app.inject({ method: "POST", url, payload: payload as Record<string, unknown>, headers: { host: "127.0.0.1:3000" } });
  const addReader = async (name: string, platform?: string) => (await post("/sandbox/readers", { name, platform })).json<Reader>();

  it("tells the page both bots and their links for the site", () => {
    const snapshot = state.snapshot();
    expect(snapshot.type === "snapshot" && snapshot.world.platforms).toEqual([
      {
        platform: "telegram",
        name: "Telegram",
        botUsername: SANDBOX_BOT_USERNAME,
        startLink: `https://t.me/${SANDBOX_BOT_USERNAME}?start=`,
      },
      {
        platform: "bale",
        name: "Bale",
        botUsername: SANDBOX_BALE_BOT_USERNAME,
        startLink: `https://ble.ir/${SANDBOX_BALE_BOT_USERNAME}?start=`,
      },
    ]);
  });

  it("adds a reader on Bale, who exists on the built-in Bale only", async () => {
    const dara = await addReader("Dara", "bale");
    expect(dara.platform).toBe("bale");
    const maryam = await addReader("Maryam");
    expect(maryam.platform).toBe("telegram");
    expect(dara.id).not.toBe(maryam.id);
    expect((await post("/sandbox/readers", { name: "X", platform: "myspace" })).statusCode).toBe(400);

    // Opening ble.ir/<bale-bot>?start=world: Bale's bot gets /start world from Dara, Telegram's nothing.
    const opened = await post(`/sandbox/readers/${dara.id}/deep-link`, { payload: "world" });
    expect(opened.statusCode).toBe(202);
    expect(bale.pendingUpdates().map((u) => u.message?.text)).toEqual(["/start world"]);
    expect(telegram.pendingUpdates()).toEqual([]);
    expect((await post(`/sandbox/readers/${dara.id}/deep-link`, { payload: "World!" })).statusCode).toBe(400);
  });

  it("keeps each platform's chats apart: no forum on Bale, no Telegram reader in a Bale group", async () => {
    const dara = state.world().readers.find((r) => r.name === "Dara");
    const maryam = state.world().readers.find((r) => r.name === "Maryam");
    const forum = await post("/sandbox/groups", { title: "Topics", ownerId: dara?.id, forum: true, topics: ["World"] });
    expect(forum.statusCode).toBe(409);
    expect(forum.json<{ error: string }>().error).toContain("Bale has no forums");

    const group = await post("/sandbox/groups", { title: "Bale friends", ownerId: dara?.id });
    expect(group.json<{ platform: string }>().platform).toBe("bale");
    const id = group.json<{ id: number }>().id;
    const join = await post(`/sandbox/groups/${id}/members`, { readerId: maryam?.id, role: "member" });
    expect(join.statusCode).toBe(409);
    expect(join.json<{ error: string }>().error).toBe("Maryam is on Telegram and Bale friends on Bale: add a Bale reader");

    const channel = await post("/sandbox/channels", { title: "Bale News", username: "bale_news", ownerId: dara?.id });
    expect(channel.json<{ platform: string }>().platform).toBe("bale");
    const byStranger = await post(`/sandbox/channels/${channel.json<{ id: number }>().id}/add-bot`, { readerId: maryam?.id });
    expect(byStranger.statusCode).toBe(409);

    // Inline mode and chats to share into are Telegram's: Bale has none (docs/bale.md).
    const inline = await post("/sandbox/inline", { readerId: dara?.id, chatId: dara?.id, query: "news" });
    expect(inline.statusCode).toBe(409);
    expect(inline.json<{ error: string }>().error).toBe("Dara is on Bale, which has no inline mode");
    expect(bale.pendingUpdates().some((u) => "inline_query" in u)).toBe(false);
    expect((await post("/sandbox/direct", { readerId: dara?.id, otherId: maryam?.id })).statusCode).toBe(409);
  });
});

describe("a sandbox without Bale", () => {
  it("refuses a Bale reader and says why", async () => {
    const { telegram } = await startSandboxTelegram();
    const app = Fastify({ loggerInstance: logger });
    const state = registerSandbox(app, {
      telegram,
      clock: new SandboxClock(),
      timezone: "UTC",
      ingestor: noIngest,
      categories: loadCategories(CATEGORIES_FILE),
      queues: noQueues,
      logger,
    });
    try {
      const answer = await app.inject({
        method: "POST",
        url: "/sandbox/readers",
        payload: { name: "Dara", platform: "bale" },
        headers: { host: "127.0.0.1:3000" },
      });
      expect(answer.statusCode).toBe(409);
      expect(answer.json<{ error: string }>().error).toContain("Telegram only");
      expect(state.world().platforms.map((p) => p.platform)).toEqual(["telegram"]);
    } finally {
      await app.close();
      await telegram.close();
    }
  });
});

/** Both built-in Bot APIs, Bulletin's two bots and its workers on them, and the sandbox's routes. */
interface Harness {
  readonly telegram: FakeTelegram;
  readonly bale: FakeTelegram;
  readonly bulletin: Bulletin;
  readonly url: string;
  stop(): Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const telegram = await startSandboxTelegram();
  const bale = await startSandboxBale();
  const prefix = uniquePrefix("sandbox-bale");
  const config = loadConfig({
    ...sandboxEnv({ REDIS_URL, CATEGORIES_FILE, HTTP_PORT: "0", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" }, telegram, bale),
    // Not a sandbox's own prefix: the test's, dropped at the end.
    SANDBOX: "false",
    KEY_PREFIX: prefix,
  });
  const clock = new SandboxClock();
  const bulletin = await startBulletin(config, logger, { roles: ["bot", "workers"], tuning: { ...FAST_TUNING, clock } });
  const app = Fastify({ loggerInstance: logger });
  const { runtime } = bulletin;
  registerSandbox(app, {
    telegram: telegram.telegram,
    bale: bale.telegram,
    clock,
    timezone: config.defaultTimezone,
    ingestor: runtime.ingestor,
    categories: runtime.categories,
    queues: runtime.queues,
    logger,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    telegram: telegram.telegram,
    bale: bale.telegram,
    bulletin,
    url,
    async stop() {
      await app.close();
      await bulletin.stop();
      await telegram.telegram.close();
      await bale.telegram.close();
      await dropPrefix(prefix);
    },
  };
}

describe.skipIf(!hasChromium)("a newcomer tries Bale beside Telegram on the sandbox page", () => {
  let harness: Harness;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;

  beforeAll(async () => {
    harness = await startHarness();
    userDataDir = mkdtempSync(join(tmpdir(), "bulletin-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => console.error("sandbox page error:", error));
    await page.goto(`${harness.url}/sandbox`);
    await page.locator('body[data-live="true"]').waitFor(WAIT);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await harness?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const readerCard = (name: string): Locator => page.locator(`section.chat.reader[data-name="${name}"]`);
  const botMessages = (card: Locator, text: string): Locator => card.locator(".msg.bot", { hasText: text });
  const addReader = async (name: string, platform: "telegram" | "bale"): Promise<Locator> => {
    await page.locator(`#platform-switch label.${platform}`).click();
    await page.locator("#reader-form input[name=name]").fill(name);
    await page.locator("#reader-form button[type=submit]").click();
    const card = readerCard(name);
    await card.waitFor(WAIT);
    return card;
  };
  const openSiteLink = async (platform: "telegram" | "bale", reader: string): Promise<string | null> => {
    const row = page.locator(`.site-link-row[data-platform="${platform}"]`);
    await row.locator("select").selectOption({ label: reader });
    const link = row.locator("a.site-link");
    const href = await link.getAttribute("href");
    await link.click();
    return href;
  };

  it("a Bale reader and a Telegram reader each open their platform's link on the site and are subscribed", async () => {
    const dara = await addReader("Dara", "bale");
    expect(await dara.getAttribute("data-platform")).toBe("bale");
    expect(await dara.locator(".platform-tag").textContent()).toBe("Bale");
    expect(await dara.locator(".chat-sub").textContent()).toContain(`@${SANDBOX_BALE_BOT_USERNAME}`);
    const maryam = await addReader("Maryam", "telegram");
    expect(await maryam.locator(".platform-tag").textContent()).toBe("Telegram");

    await page.locator("#link-category").selectOption("world");
    expect(await openSiteLink("bale", "Dara")).toBe(`https://ble.ir/${SANDBOX_BALE_BOT_USERNAME}?start=world`);
    await botMessages(dara, "You now follow: World").waitFor(WAIT);
    expect(await openSiteLink("telegram", "Maryam")).toBe(`https://t.me/${SANDBOX_BOT_USERNAME}?start=world`);
    await botMessages(maryam, "You now follow: World").waitFor(WAIT);
    // Each bot answered on its own platform.
    const daraId = Number(await dara.getAttribute("data-chat-id"));
    const maryamId = Number(await maryam.getAttribute("data-chat-id"));
    expect(harness.bale.messagesTo(daraId).map((m) => m.text)).toEqual([expect.stringContaining("You now follow: World")]);
    expect(harness.telegram.messagesTo(maryamId).map((m) => m.text)).toEqual([expect.stringContaining("You now follow: World")]);
  });

  it("publishes an article: each reader sees it once, as their messenger renders it", async () => {
    await page.locator("#sample-en").click();
    await page.locator("#publish-form button[type=submit]").click();
    await page.locator("#publish-result.good", { hasText: "Accepted" }).waitFor(WAIT);

    const dara = botMessages(readerCard("Dara"), SAMPLE_ARTICLE.title);
    const maryam = botMessages(readerCard("Maryam"), SAMPLE_ARTICLE.title);
    await dara.waitFor(WAIT);
    await maryam.waitFor(WAIT);
    await sleep(1500);
    expect(await dara.count()).toBe(1);
    expect(await maryam.count()).toBe(1);

    // On Bale: the title bold from Bale's Markdown, "Read more" a link, and no markup shown as text.
    expect(await dara.locator(".body b").first().textContent()).toBe(SAMPLE_ARTICLE.title);
    expect(await dara.locator(`.body a[href="${SAMPLE_ARTICLE.url}"]`).textContent()).toBe("Read more");
    const shown = (await dara.locator(".body").textContent()) ?? "";
    expect(shown).not.toMatch(/<\/?[a-z][^>]*>|\*|\]\(/i);
    const sent = harness.bale.messagesTo(Number(await readerCard("Dara").getAttribute("data-chat-id"))).at(-1);
    expect(sent?.entities.some((e) => e.type === "bold")).toBe(true);
    // On Telegram: the same article from its HTML.
    expect(await maryam.locator(".body b").first().textContent()).toBe(SAMPLE_ARTICLE.title);
    expect(await maryam.locator(`.body a[href="${SAMPLE_ARTICLE.url}"]`).textContent()).toBe("Read more");
    expect((await maryam.locator(".body").textContent()) ?? "").not.toMatch(/<\/?[a-z][^>]*>/i);
  });

  it("a Bale channel's admin adds the bot and links it by command, as Bale tells the bot nothing; its post shows in Bale's rendering", async () => {
    await page.locator("#platform-switch label.bale").click();
    // Bale has no forums: the choice is off while Bale is chosen.
    expect(await page.locator("#group-form input[name=forum]").isDisabled()).toBe(true);
    await page.locator("#channel-form input[name=title]").fill("Bale News");
    await page.locator("#channel-form input[name=username]").fill("bale_news");
    expect(await page.locator("#channel-form select[name=owner] option").allTextContents()).toEqual(["Dara"]);
    await page.locator("#channel-form button[type=submit]").click();
    const channel = page.locator('section.chat.channel[data-title="Bale News"]');
    await channel.waitFor(WAIT);
    expect(await channel.getAttribute("data-platform")).toBe("bale");
    await channel.locator("button", { hasText: "Add bot" }).click();
    await channel.locator(".badge", { hasText: "bot: admin" }).waitFor(WAIT);
    await channel.locator(".channel-note", { hasText: "/link @bale_news world" }).waitFor(WAIT);

    const dara = readerCard("Dara");
    await dara.locator(".composer input[name=text]").fill("/link @bale_news world");
    await dara.locator(".composer button[type=submit]").click();
    await botMessages(dara, "Bale News now receives: World").waitFor(WAIT);

    const title = `Talks resume in Vienna ${Date.now()}`;
    const form = page.locator("#publish-form");
    await form.locator("input[name=title]").fill(title);
    await form.locator("textarea[name=summary]").fill("");
    await form.locator("input[name=url]").fill(`https://news.example.com/en/world/vienna-${Date.now()}`);
    await form.locator("input[name=imageUrl]").fill("");
    await form.locator("button[type=submit]").click();
    const post = botMessages(channel, title);
    await post.waitFor(WAIT);
    await sleep(1000);
    expect(await post.count()).toBe(1);
    expect(await post.locator(".body b").first().textContent()).toBe(title);
    expect(await post.locator(".author").textContent()).toBe("Bale News");

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "sandbox-bale.png"), fullPage: true });
  });
});
