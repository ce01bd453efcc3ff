import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify from "fastify";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBulletin, type Bulletin } from "../../src/app/app.js";
import { loadCategories } from "../../src/config/categories.js";
import { loadConfig } from "../../src/config/env.js";
import { en } from "../../src/i18n/en.js";
import { fa } from "../../src/i18n/fa.js";
import { createLogger } from "../../src/log.js";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import { SandboxClock } from "../../src/sandbox/clock.js";
import { registerSandbox } from "../../src/sandbox/routes.js";
import { SAMPLE_ARTICLE, SAMPLE_ARTICLE_FA, SAMPLE_PHOTO_PATH } from "../../src/sandbox/samples.js";
import { startSandboxTelegram } from "../../src/sandbox/start.js";
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS } from "../support/browser.js";
import { CATEGORIES_FILE, FAST_TUNING, REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

const README_SCREENSHOT = fileURLToPath(new URL("../../docs/sandbox.png", import.meta.url));
const SEED = fileURLToPath(new URL("../fixtures/seed-article.json", import.meta.url));

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`tests/sandbox: the browser tests are skipped: ${CHROMIUM} is missing (apt-get install chromium; CI installs it)`);
}

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
const WAIT = { timeout: 15_000 };
const sandboxApp = () => Fastify({ loggerInstance: logger });
/** The computed CSS direction of an element ("ltr" or "rtl"). */
const direction = (locator: Locator) =>
  locator.evaluate(
    (node) => (globalThis as unknown as { getComputedStyle(n: unknown): { direction: string } }).getComputedStyle(node).direction,
  );

/** The built-in Bot API, Bulletin's bot and workers on it, and the sandbox's routes on a fastify of their own. */
interface Harness {
  readonly telegram: FakeTelegram;
  readonly bulletin: Bulletin;
  readonly prefix: string;
  readonly url: string;
  stop(): Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const { telegram, apiRoot, token } = await startSandboxTelegram();
  const prefix = uniquePrefix("sandbox");
  const config = loadConfig({
    BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    REDIS_URL,
    KEY_PREFIX: prefix,
    HTTP_PORT: "0",
    CATEGORIES_FILE,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
  });
  const clock = new SandboxClock();
  const bulletin = await startBulletin(config, logger, { roles: ["bot", "workers"], tuning: { ...FAST_TUNING, clock } });
  const app = sandboxApp();
  const { runtime } = bulletin;
  registerSandbox(app, {
    telegram,
    clock,
    timezone: config.defaultTimezone,
    ingestor: runtime.ingestor,
    categories: runtime.categories,
    queues: runtime.queues,
    logger,
    sampleArticle: SAMPLE_ARTICLE,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    telegram,
    bulletin,
    prefix,
    url,
    async stop() {
      await app.close();
      await bulletin.stop();
      await telegram.close();
      await dropPrefix(prefix);
    },
  };
}

describe("the sandbox's sample article", () => {
  it("is the project's sample article", () => {
    expect(SAMPLE_ARTICLE).toEqual(JSON.parse(readFileSync(SEED, "utf8")));
  });
});

describe("the sandbox's endpoints", () => {
  let telegram: FakeTelegram;
  const clock = new SandboxClock();
  let app: ReturnType<typeof sandboxApp>;
  const published: unknown[] = [];
  beforeAll(async () => {
    ({ telegram } = await startSandboxTelegram());
    app = sandboxApp();
    registerSandbox(app, {
      telegram,
      clock,
      timezone: "Asia/Tehran",
      ingestor: {
        ingest: (raw) => {
          published.push(raw);
          return Promise.resolve({ status: "accepted", id: "a1" as never, seq: 1 });
        },
      },
      categories: loadCategories(CATEGORIES_FILE),
      // Only the counters read the queues; an empty count will do here.
      queues: { fanout: { getJobCounts: () => Promise.resolve({}) }, delivery: { getJobCounts: () => Promise.resolve({}) } } as never,
      logger,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url, payload: payload as Record<string, unknown>, headers: { host: "127.0.0.1:3000", ...headers } });

  it("validates every body and says what is wrong", async () => {
    const bad = await post("/sandbox/readers", { name: "", language: "english" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual(["name", "language"]);
    expect((await post("/sandbox/readers", "name=x", { "content-type": "text/plain" })).statusCode).toBe(400);
    expect((await post("/sandbox/publish", { title: "No URL", categories: ["world"] })).statusCode).toBe(400);
    expect(published).toEqual([]);
    expect((await post("/sandbox/readers/5550999/send", { text: "/start" })).statusCode).toBe(404);
    expect((await post("/sandbox/limits", { enabled: "yes" })).statusCode).toBe(400);
  });

  it("refuses requests from another site's pages", async () => {
    const answer = await post("/sandbox/readers", { name: "Eve" }, { origin: "https://evil.example" });
    expect(answer.statusCode).toBe(403);
    expect((await post("/sandbox/readers", { name: "Ada" }, { origin: "http://127.0.0.1:3000" })).statusCode).toBe(201);
  });

  it("lets only a channel's administrators add the bot", async () => {
    const owner = (await post("/sandbox/readers", { name: "Owner" })).json<{ id: number }>();
    const other = (await post("/sandbox/readers", { name: "Other" })).json<{ id: number }>();
    const channel = (await post("/sandbox/channels", { title: "Local Desk", ownerId: owner.id })).json<{ id: number; username: string }>();
    expect(channel.username).toBe("local_desk");
    expect((await post("/sandbox/channels", { title: "Local Desk", ownerId: owner.id })).statusCode).toBe(409);
    const refused = await post(`/sandbox/channels/${channel.id}/add-bot`, { readerId: other.id });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: string }>().error).toBe(
      "Other is not an administrator of Local Desk, so Telegram does not let them add the bot",
    );
    expect((await post(`/sandbox/channels/${channel.id}/add-bot`, { readerId: owner.id })).statusCode).toBe(202);
    expect(telegram.memberOf(channel.id, telegram.botUser.id)).toMatchObject({ status: "administrator", can_post_messages: true });
    expect(telegram.pendingUpdates().at(-1)?.my_chat_member?.from.id).toBe(owner.id);
  });

  it("makes groups and forums as Telegram has them: members and admins, topics by admins, the bot added by a member", async () => {
    const reader = async (name: string) => (await post("/sandbox/readers", { name })).json<{ id: number }>().id;
    const [hamid, maryam, mallory, stranger] = [
      await reader("Hamid"),
      await reader("Maryam"),
      await reader("Mallory"),
      await reader("Eve"),
    ];
    const group = (await post("/sandbox/groups", { title: "Neighbours", ownerId: hamid })).json<{ id: number; forum: boolean }>();
    expect(group.id).toBeGreaterThan(-1_000_000_000_000); // a basic group's id
    expect(telegram.memberOf(group.id, hamid).status).toBe("creator");
    expect((await post("/sandbox/groups", { title: "Plain", ownerId: hamid, topics: ["World"] })).statusCode).toBe(409);
    const forum = (await post("/sandbox/groups", { title: "Desk", ownerId: hamid, forum: true, topics: ["World", "Sports"] })).json<{
      id: number;
    }>();
    expect(forum.id).toBeLessThan(-1_000_000_000_000); // a supergroup's

    expect((await post(`/sandbox/groups/${forum.id}/members`, { readerId: maryam, role: "administrator" })).statusCode).toBe(200);
    expect((await post(`/sandbox/groups/${forum.id}/members`, { readerId: mallory, role: "member" })).statusCode).toBe(200);
    expect((await post(`/sandbox/groups/${forum.id}/members`, { readerId: hamid, role: "member" })).statusCode).toBe(409);
    expect(telegram.memberOf(forum.id, maryam).status).toBe("administrator");

    const topicBy = (readerId: number) => post(`/sandbox/groups/${forum.id}/topics`, { name: "Culture", readerId });
    expect((await topicBy(mallory)).statusCode).toBe(403);
    const culture = await topicBy(maryam);
    expect(culture.statusCode).toBe(201);
    const cultureId = culture.json<{ id: number; name: string }>().id;
    expect((await post(`/sandbox/groups/${group.id}/topics`, { name: "Culture", readerId: hamid })).statusCode).toBe(409);

    // Nobody reads the group before the bot is in it; whoever is not in it can neither write nor add the bot.
    const send = (readerId: number, threadId?: number) =>
      post(`/sandbox/groups/${forum.id}/send`, { readerId, text: "/subscribe world", ...(threadId ? { threadId } : {}) });
    expect((await send(mallory)).statusCode).toBe(409);
    expect((await post(`/sandbox/groups/${forum.id}/add-bot`, { readerId: stranger })).statusCode).toBe(403);
    expect((await post(`/sandbox/groups/${forum.id}/add-bot`, { readerId: mallory })).statusCode).toBe(202);
    expect(telegram.pendingUpdates().at(-1)?.my_chat_member).toMatchObject({
      from: { id: mallory },
      new_chat_member: { status: "member" },
    });
    expect((await post(`/sandbox/groups/${forum.id}/add-bot`, { readerId: hamid })).statusCode).toBe(409);

    expect((await send(stranger)).statusCode).toBe(403);
    expect((await send(mallory, 999_999)).statusCode).toBe(409);
    expect((await send(mallory)).statusCode).toBe(202);
    const general = telegram.pendingUpdates().at(-1)?.message;
    expect(general).toMatchObject({ chat: { id: forum.id }, from: { id: mallory }, text: "/subscribe world" });
    expect(general?.is_topic_message).toBeUndefined();
    expect((await send(maryam, cultureId)).statusCode).toBe(202);
    expect(telegram.pendingUpdates().at(-1)?.message).toMatchObject({
      from: { id: maryam },
      message_thread_id: cultureId,
      is_topic_message: true,
    });
  });

  it("lets readers type and pick inline results only where Telegram lets them write", async () => {
    const reader = async (name: string) => (await post("/sandbox/readers", { name })).json<{ id: number }>().id;
    const [nika, omid] = [await reader("Nika"), await reader("Omid")];
    expect((await post("/sandbox/direct", { readerId: nika, otherId: nika })).statusCode).toBe(409);
    const direct = (await post("/sandbox/direct", { readerId: nika, otherId: omid })).json<{ id: number; readerIds: number[] }>();
    expect(direct.readerIds).toEqual([nika, omid]);
    // Opened once: either reader finds the same chat.
    expect((await post("/sandbox/direct", { readerId: omid, otherId: nika })).json<{ id: number }>().id).toBe(direct.id);
    const group = (await post("/sandbox/groups", { title: "Closed", ownerId: omid })).json<{ id: number }>();
    expect((await post("/sandbox/inline", { readerId: nika, chatId: group.id, query: "x" })).statusCode).toBe(403);
    expect((await post("/sandbox/inline", { readerId: nika, chatId: direct.id, query: "x".repeat(2000) })).statusCode).toBe(400);
    const stale = await post("/sandbox/inline/pick", { readerId: nika, chatId: direct.id, queryId: "123", resultId: "1" });
    expect(stale.statusCode).toBe(409);
    expect(stale.json<{ error: string }>().error).toBe("inline query 123 has no answer");
    expect((await post(`/sandbox/direct/${direct.id}/send`, { readerId: nika, text: "hello" })).statusCode).toBe(202);
    expect(telegram.messagesBetween(nika, omid).map((m) => m.text)).toEqual(["hello"]);
  });

  it("moves the readers' clock forward, an hour or to a time of day in DEFAULT_TIMEZONE, never back", async () => {
    const tehran = (ms: number) =>
      new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit" }).format(ms);
    const before = clock.now();
    expect((await post("/sandbox/clock", { forwardMinutes: 60 })).statusCode).toBe(200);
    expect(clock.ahead).toBe(3_600_000);
    expect(clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
    const skipped = await post("/sandbox/clock", { to: "07:30" });
    expect(skipped.statusCode).toBe(200);
    expect(tehran(clock.now())).toBe("07:30");
    expect(clock.now() - before).toBeLessThanOrEqual(25 * 3_600_000);
    for (const wrong of [{ forwardMinutes: -5 }, { to: "25:00" }, { to: "7" }, {}, { forwardMinutes: 5, to: "07:00" }]) {
      expect((await post("/sandbox/clock", wrong)).statusCode, JSON.stringify(wrong)).toBe(400);
    }
  });

  it("serves the page with a content security policy and the samples as inert JSON", async () => {
    const page = await app.inject({ method: "GET", url: "/sandbox" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("script-src 'nonce-");
    expect(page.body).toContain(SAMPLE_ARTICLE_FA.title);
    expect(page.body).not.toMatch(/<\/script>[^]*<\/script>[^]*<\/script>/);
  });

  it("leads a newcomer's address to the page, and has an icon", async () => {
    for (const url of ["/", "/sandbox/"]) {
      const answer = await app.inject({ method: "GET", url });
      expect(answer.statusCode, url).toBe(302);
      expect(answer.headers.location, url).toBe("/sandbox");
    }
    const page = await app.inject({ method: "GET", url: "/sandbox" });
    expect(page.body).toContain('<link rel="icon" href="/sandbox/page/favicon.svg" type="image/svg+xml">');
    for (const url of ["/sandbox/page/favicon.svg", "/favicon.ico"]) {
      const icon = await app.inject({ method: "GET", url });
      expect(icon.statusCode, url).toBe(200);
      expect(icon.headers["content-type"], url).toBe("image/svg+xml; charset=utf-8");
      expect(icon.body, url).toMatch(/^<svg /);
    }
  });

  it("lets in the page's own stylesheet and script by the answer's nonce, and serves nothing else of their folder", async () => {
    const page = await app.inject({ method: "GET", url: "/sandbox" });
    const nonce = /script-src 'nonce-([^']+)'/.exec(String(page.headers["content-security-policy"]))?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(page.body).toContain(`<link rel="stylesheet" href="/sandbox/page/page.css" nonce="${nonce}">`);
    expect(page.body).toContain(`<script type="module" src="/sandbox/page/page.js" nonce="${nonce}"></script>`);
    expect((await app.inject({ method: "GET", url: "/sandbox/page/page.js" })).headers["content-type"]).toBe(
      "text/javascript; charset=utf-8",
    );
    expect((await app.inject({ method: "GET", url: "/sandbox/page/page.css" })).headers["content-type"]).toBe("text/css; charset=utf-8");
    expect((await app.inject({ method: "GET", url: "/sandbox/page/protocol.ts" })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/sandbox/page/page.html" })).statusCode).toBe(404);
  });
});

describe.skipIf(!hasChromium)("the sandbox page in a browser", () => {
  let harness: Harness;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let shot = 0;

  beforeAll(async () => {
    harness = await startHarness();
    userDataDir = mkdtempSync(join(tmpdir(), "bulletin-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 1000 },
      deviceScaleFactor: 1,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => console.error("sandbox page error:", error));
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const old of readdirSync(ARTIFACTS)) if (/^sandbox-.*\.png$/.test(old)) rmSync(join(ARTIFACTS, old));
    await page.goto(`${harness.url}/sandbox`);
    await page.locator('body[data-live="true"]').waitFor(WAIT);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await harness?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const screenshot = async (name: string): Promise<string> => {
    const path = join(ARTIFACTS, `sandbox-${String(++shot).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  const readerCard = (name: string): Locator => page.locator(`section.chat.reader[data-name="${name}"]`);
  const channelCard = (title: string): Locator => page.locator(`section.chat.channel[data-title="${title}"]`);
  const botMessages = (card: Locator, text: string): Locator => card.locator(".msg.bot", { hasText: text });
  const readerId = async (card: Locator): Promise<number> => Number(await card.getAttribute("data-chat-id"));

  const addReader = async (name: string, language: "en" | "fa" = "en"): Promise<Locator> => {
    await page.locator("#reader-form input[name=name]").fill(name);
    await page.locator("#reader-form select[name=language]").selectOption(language);
    await page.locator("#reader-form button[type=submit]").click();
    const card = readerCard(name);
    await card.waitFor(WAIT);
    return card;
  };
  const start = async (card: Locator, name: string) => {
    await card.locator(".start-btn").click();
    await botMessages(card, `Hello, ${name}!`).waitFor(WAIT);
  };
  const type = async (card: Locator, text: string) => {
    await card.locator(".composer input[name=text]").fill(text);
    await card.locator(".composer button[type=submit]").click();
  };
  const publish = async (fields: { title: string; url: string; summary?: string; imageUrl?: string; categories: string[] }) => {
    const form = page.locator("#publish-form");
    await form.locator("input[name=title]").fill(fields.title);
    await form.locator("textarea[name=summary]").fill(fields.summary ?? "");
    await form.locator("input[name=url]").fill(fields.url);
    await form.locator("input[name=imageUrl]").fill(fields.imageUrl ?? "");
    await form.locator("input[name=language]").fill("");
    for (const box of await form.locator("input[name=category]").all()) {
      await box.setChecked(fields.categories.includes((await box.getAttribute("value")) ?? ""));
    }
    await form.locator("button[type=submit]").click();
    await page.locator("#publish-result.good").waitFor(WAIT);
  };

  it("turns Telegram's limits off", async () => {
    expect(await page.locator("#limits").isChecked()).toBe(true);
    await page.locator("label.switch").click();
    await expect.poll(() => harness.telegram.currentLimits().perSecond, WAIT).toBeNull();
    expect(harness.telegram.currentLimits().privateChat).toBe(false);
    await page.locator("#activity li", { hasText: "Telegram's limits are off" }).waitFor(WAIT);
  });

  it("creates a reader who subscribes by pressing a category button", async () => {
    const maryam = await addReader("Maryam");
    await start(maryam, "Maryam");
    await maryam.locator(".kb button", { hasText: "➕ World" }).click();
    // The bot edits the same message: the button turns ✅ and Telegram shows the callback's answer.
    await maryam.locator(".kb button", { hasText: "✅ World" }).waitFor(WAIT);
    await maryam.locator(".toast", { hasText: "Following World" }).waitFor(WAIT);
    expect(await maryam.locator(".msg.bot").count()).toBe(1);
    expect(await maryam.locator(".msg.user").allTextContents()).toEqual([expect.stringContaining("/start")]);
    await screenshot("subscribed");
  });

  it("publishes the sample article, and the reader sees exactly one article message", async () => {
    await page.locator("#sample-en").click();
    expect(await page.locator("#publish-form input[name=title]").inputValue()).toBe(SAMPLE_ARTICLE.title);
    await page.locator("#publish-form button[type=submit]").click();
    await page.locator("#publish-result.good", { hasText: "Accepted" }).waitFor(WAIT);

    const maryam = readerCard("Maryam");
    const article = botMessages(maryam, SAMPLE_ARTICLE.title);
    await article.waitFor(WAIT);
    await sleep(1000);
    expect(await article.count()).toBe(1);
    // As Telegram shows it: the title in bold, "Read more" linking the article, its hashtag, a link preview.
    expect(await article.locator(".body b").first().textContent()).toBe(SAMPLE_ARTICLE.title);
    expect(await article.locator(`.body a[href="${SAMPLE_ARTICLE.url}"]`).textContent()).toBe("Read more");
    expect(await article.locator(".body .link", { hasText: "#world" }).count()).toBe(1);
    expect(await article.locator(".preview b").textContent()).toBe("news.example.com");
    // The welcome and the article: the counter follows what Telegram accepted.
    await expect.poll(async () => Number(await page.locator("#c-sent").textContent()), WAIT).toBe(2);

    // Publishing it again is a duplicate: nobody gets it twice.
    await page.locator("#publish-form button[type=submit]").click();
    await page.locator("#publish-result", { hasText: "Published before" }).waitFor(WAIT);
    await sleep(800);
    expect(await article.count()).toBe(1);
    await screenshot("article");
  });

  it("renders a Persian article right to left, as a photo with its caption", async () => {
    await page.locator("#sample-fa").click();
    await page.locator("#publish-form button[type=submit]").click();
    await page.locator("#publish-result.good").waitFor(WAIT);
    const maryam = readerCard("Maryam");
    const persian = botMessages(maryam, SAMPLE_ARTICLE_FA.title);
    await persian.waitFor(WAIT);
    expect(await direction(persian.locator(".body"))).toBe("rtl");
    expect(await direction(botMessages(maryam, SAMPLE_ARTICLE.title).locator(".body"))).toBe("ltr");

    expect(harness.telegram.messagesTo(await readerId(maryam)).at(-1)?.method).toBe("sendPhoto");
    // The sample's picture is served by the sandbox itself, so it shows without any network.
    await expect
      .poll(() => persian.locator(".photo img").evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), WAIT)
      .toBe(800);
    await screenshot("persian");
  });

  it("links a channel by its admin and shows its post; a non-admin is refused", async () => {
    await page.locator("label.switch").click();
    await expect.poll(() => harness.telegram.currentLimits().perSecond, WAIT).toBe(30);
    expect(harness.telegram.currentLimits().groupChat).toBe(true);
    const hamid = await addReader("Hamid");
    await start(hamid, "Hamid");
    const mallory = await addReader("Mallory", "en");

    await page.locator("#channel-form input[name=title]").fill("Regional News");
    await page.locator("#channel-form input[name=username]").fill("@regional_news");
    await page.locator("#channel-form select[name=owner]").selectOption({ label: "Hamid" });
    await page.locator("#channel-form button[type=submit]").click();
    const channel = channelCard("Regional News");
    await channel.waitFor(WAIT);
    expect(await channel.locator(".badge").textContent()).toBe("bot: not added");

    // Mallory is not an administrator: Telegram would not let her add the bot.
    await channel.locator("select.reader-select").selectOption({ label: "Mallory" });
    await channel.locator("button[type=submit]").click();
    await page.locator("#flash", { hasText: "Mallory is not an administrator of Regional News" }).waitFor(WAIT);
    await screenshot("refused");
    await page.locator("#flash").click();
    await page.locator("#flash").waitFor({ state: "hidden" });

    // Hamid, its creator, adds the bot; the bot sends him the picker for the channel.
    await channel.locator("select.reader-select").selectOption({ label: "Hamid" });
    await channel.locator("button[type=submit]").click();
    await channel.locator(".badge", { hasText: "bot: admin" }).waitFor(WAIT);
    const picker = botMessages(hamid, "Thanks for adding me to Regional News");
    await picker.waitFor(WAIT);
    await picker.locator(".kb button", { hasText: "➕ World" }).click();
    await picker.locator(".kb button", { hasText: "✅ World" }).waitFor(WAIT);

    // Mallory tries to link it by command: the bot refuses.
    await start(mallory, "Mallory");
    await type(mallory, "/link @regional_news politics");
    await botMessages(mallory, "You are not an administrator of Regional News").waitFor(WAIT);

    await publish({
      title: "Summit opens in Geneva",
      summary: "Leaders of forty countries meet for three days.",
      url: `https://news.example.com/en/world/summit-${Date.now()}`,
      categories: ["world", "politics"],
    });
    const post = botMessages(channel, "Summit opens in Geneva");
    await post.waitFor(WAIT);
    await botMessages(readerCard("Maryam"), "Summit opens in Geneva").waitFor(WAIT);
    await sleep(1000);
    expect(await post.count()).toBe(1);
    expect(await channel.locator(".msg.bot").count()).toBe(1);
    expect(await post.locator(".author").textContent()).toBe("Regional News");

    await screenshot("channel");
  });

  it("makes a forum whose admin links World to a topic, where its posts appear; a member is refused", async () => {
    await page.locator("#group-form input[name=title]").fill("Neighbourhood");
    await page.locator("#group-form input[name=forum]").check();
    await page.locator("#group-form input[name=topics]").fill("World, Sports");
    await page.locator("#group-form select[name=owner]").selectOption({ label: "Hamid" });
    await page.locator("#group-form button[type=submit]").click();
    const forum = page.locator('section.chat.group[data-title="Neighbourhood"]');
    await forum.waitFor(WAIT);
    expect(await forum.locator(".tab").allTextContents()).toEqual(["General", "World", "Sports"]);

    // Hamid, its creator, makes Maryam an admin and Mallory a member, then adds the bot.
    const addMember = async (name: string, role: "member" | "administrator") => {
      await forum.locator(".setup select.reader-select").selectOption({ label: name });
      await forum.locator(".setup select[aria-label=As]").selectOption(role);
      await forum.locator(".setup button", { hasText: "Add" }).click();
    };
    await addMember("Maryam", "administrator");
    await addMember("Mallory", "member");
    await forum.locator(".members", { hasText: "Hamid (creator), Maryam (admin), Mallory" }).waitFor(WAIT);
    await forum.locator("select.as").selectOption({ label: "Hamid" });
    await forum.locator("button", { hasText: "Add the bot" }).click();
    await forum.locator(".badge", { hasText: "bot: member" }).waitFor(WAIT);
    await botMessages(readerCard("Hamid"), "Thanks for adding me to Neighbourhood").waitFor(WAIT);

    // In the World topic: Mallory, a member, may not link it; Maryam, an admin, does.
    const write = async (as: string, text: string) => {
      await forum.locator("select.as").selectOption({ label: as });
      await forum.locator(".composer input[name=text]").fill(text);
      await forum.locator(".composer button[type=submit]").click();
    };
    await forum.locator(".tab", { hasText: "World" }).click();
    await write("Mallory", "/subscribe world");
    await botMessages(forum, "Only this group's administrators").waitFor(WAIT);
    await write("Maryam", "/subscribe world");
    await botMessages(forum, "Neighbourhood now receives: World").waitFor(WAIT);
    expect(await forum.locator(".msg.user .author").allTextContents()).toEqual(["Mallory", "Maryam"]);

    await publish({
      title: "Ceasefire talks resume",
      url: `https://news.example.com/en/world/talks-${Date.now()}`,
      categories: ["world"],
    });
    const post = botMessages(forum, "Ceasefire talks resume");
    await post.waitFor(WAIT);
    expect(harness.telegram.messagesTo(await readerId(forum)).at(-1)?.message_thread_id).toBeGreaterThan(0);
    // Posted in the topic: the General topic does not show it.
    await forum.locator(".tab", { hasText: "General" }).click();
    expect(await post.isVisible()).toBe(false);
    await forum.locator(".tab", { hasText: "World" }).click();
    expect(await post.isVisible()).toBe(true);

    await screenshot("forum");
  });

  it("speaks Persian to a reader added as فارسی from the first reply: welcome, buttons, menu and the article's link", async () => {
    const name = "سارا";
    const sara = await addReader(name, "fa");
    await sara.locator(".start-btn").click();
    const welcome = botMessages(sara, "سلام");
    await welcome.waitFor(WAIT);
    expect(harness.telegram.messagesTo(await readerId(sara))[0]?.text).toBe(fa.welcome(name));
    expect(await direction(welcome.locator(".body"))).toBe("rtl");
    // The categories by their Persian titles; a press answers in Persian too.
    expect(await welcome.locator(".kb button").allTextContents()).toEqual(["➕ جهان", "➕ سیاست", "➕ اقتصاد"]);
    await welcome.locator(".kb button", { hasText: "جهان" }).click();
    // The bot edits the welcome into the picker: the button turns ✅.
    await sara.locator(".kb button", { hasText: "✅ جهان" }).waitFor(WAIT);
    await sara.locator(".toast", { hasText: "دنبال می‌کنید" }).waitFor(WAIT);
    // Telegram's menu shows her the commands in Persian (setMyCommands for language_code fa).
    await sara.locator(".menu-btn").click();
    expect(await sara.locator('.menu-item[data-command="help"] span').textContent()).toBe(fa.commandDescriptions.help);
    await sara.locator(".menu-btn").click();

    const url = `https://news.example.com/en/world/markets-${Date.now()}`;
    await publish({ title: "Markets calm after the summit", url, categories: ["world"] });
    const article = botMessages(sara, "Markets calm after the summit");
    await article.waitFor(WAIT);
    expect(await article.locator(`.body a[href="${url}"]`).textContent()).toBe(fa.readMore);
    expect(await article.locator(".body .link", { hasText: "#جهان" }).count()).toBe(1);
    // Maryam, who reads English, gets it with "Read more".
    const english = botMessages(readerCard("Maryam"), "Markets calm after the summit");
    await english.waitFor(WAIT);
    expect(await english.locator(`.body a[href="${url}"]`).textContent()).toBe("Read more");

    // For the README: readers in both languages, a channel and a forum side by side.
    await botMessages(readerCard("Maryam"), SAMPLE_ARTICLE_FA.title).evaluate((node) =>
      (node as unknown as { scrollIntoView(): void }).scrollIntoView(),
    );
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await sleep(2500); // the callback toast fades
    const full = await screenshot("persian-reader");
    // The README's picture: written when missing, or on request (UPDATE_SCREENSHOTS=1), so that a
    // test run does not change a tracked file every time.
    if (!existsSync(README_SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === "1") {
      mkdirSync(join(README_SCREENSHOT, ".."), { recursive: true });
      copyFileSync(full, README_SCREENSHOT);
    }

    // /language en: English from then on, her menu too (the bot sets her chat's commands).
    await type(sara, "/language en");
    await botMessages(sara, en.languageChanged).waitFor(WAIT);
    const helpInMenu = async () => {
      await sara.locator(".menu-btn").click(); // opens it, asking for the menu anew
      const description = await sara.locator('.menu-item[data-command="help"] span').textContent();
      await sara.locator(".menu-btn").click();
      return description;
    };
    await expect.poll(helpInMenu, WAIT).toBe(en.commandDescriptions.help);
  });

  it("lets a reader type @bot words in a chat with another reader, see the results and post the one picked there, via the bot", async () => {
    const form = page.locator("#direct-form");
    await form.locator("select[name=reader]").selectOption({ label: "Hamid" });
    await form.locator("select[name=other]").selectOption({ label: "Maryam" });
    await form.locator("button[type=submit]").click();
    const chat = page.locator('section.chat.direct[data-title="Hamid ↔ Maryam"]');
    await chat.waitFor(WAIT);
    // An article with a picture, in a category nobody follows: found all the same.
    const photo = `${harness.url}${SAMPLE_PHOTO_PATH}`;
    await publish({
      title: "Harbour reopens in Geneva after the storm",
      summary: "Ferries run again from Monday.",
      url: `https://news.example.com/en/economy/harbour-${Date.now()}`,
      imageUrl: photo,
      categories: ["economy"],
    });

    await chat.locator("select.as").selectOption({ label: "Hamid" });
    await chat.locator(".composer input[name=text]").fill("@bulletin_sandbox_bot geneva");
    const results = chat.locator(".inline-result");
    await results.first().waitFor(WAIT);
    // Newest first: title, summary and thumbnail, as Telegram lists them above the input.
    expect(await results.locator(".inline-text b").allTextContents()).toEqual([
      "Harbour reopens in Geneva after the storm",
      "Summit opens in Geneva",
    ]);
    expect(await results.first().locator(".inline-text span").textContent()).toBe("Ferries run again from Monday.");
    expect(await results.first().locator(".inline-thumb img").getAttribute("src")).toBe(photo);
    await screenshot("inline-results");

    await results.nth(1).click();
    const posted = chat.locator(".msg.user", { hasText: "Summit opens in Geneva" });
    await posted.waitFor(WAIT);
    expect(await posted.locator(".author").textContent()).toBe("Hamid");
    expect(await posted.locator(".via").textContent()).toBe("via @bulletin_sandbox_bot");
    // Formatted like a delivered article: the bold title and "Read more".
    expect(await posted.locator(".body b").first().textContent()).toBe("Summit opens in Geneva");
    expect(await posted.locator(".body a").last().textContent()).toBe("Read more");
    expect(await chat.locator(".inline-results").isVisible()).toBe(false);
    const [hamid, maryam] = [await readerId(readerCard("Hamid")), await readerId(readerCard("Maryam"))];
    expect(harness.telegram.messagesBetween(hamid, maryam)).toEqual([
      expect.objectContaining({ method: "inline", sender: expect.objectContaining({ id: hamid }) }),
    ]);
    await screenshot("inline-posted");
  }, 60_000);

  it("opens Telegram's chat picker from an article's share button; the article goes to the chat chosen, and X and Facebook open in a new tab", async () => {
    const maryam = readerCard("Maryam");
    const article = botMessages(maryam, "Markets calm after the summit");
    await article.locator(".kb button", { hasText: "Share…" }).click();
    // The bot turns the one button into the networks' choices.
    const toTelegram = article.locator(".kb button.switch-inline", { hasText: "Telegram" });
    await toTelegram.waitFor(WAIT);
    const x = article.locator(".kb a", { hasText: "X" });
    const facebook = article.locator(".kb a", { hasText: "Facebook" });
    expect(await x.getAttribute("href")).toMatch(/^https:\/\/x\.com\/intent\/post\?url=https%3A%2F%2Fnews\.example\.com/);
    expect(await facebook.getAttribute("href")).toMatch(/^https:\/\/www\.facebook\.com\/sharer\/sharer\.php\?u=https%3A%2F%2F/);
    for (const link of [x, facebook]) expect(await link.getAttribute("target")).toBe("_blank");

    await toTelegram.click();
    const picker = maryam.locator(".picker");
    await picker.waitFor(WAIT);
    const offered = await Promise.all((await picker.locator(".picker-chat").all()).map((chat) => chat.getAttribute("data-name")));
    expect(offered).toEqual(expect.arrayContaining(["Hamid", "Mallory", "سارا", "Neighbourhood"]));
    expect(offered).not.toContain("Maryam");
    await screenshot("share-picker");
    await picker.locator('.picker-chat[data-name="Hamid"]').click();

    // Telegram opens the chat with `@bot <title>` typed, and lists the bot's results.
    const chat = page.locator('section.chat.direct[data-title="Hamid ↔ Maryam"]');
    const input = chat.locator(".composer input[name=text]");
    await expect.poll(() => input.inputValue(), WAIT).toBe("@bulletin_sandbox_bot Markets calm after the summit");
    expect(await chat.locator("select.as").inputValue()).toBe(String(await readerId(maryam)));
    const result = chat.locator(".inline-result", { hasText: "Markets calm after the summit" });
    await result.waitFor(WAIT);
    await result.click();
    const posted = chat.locator(".msg.user", { hasText: "Markets calm after the summit" });
    await posted.waitFor(WAIT);
    expect(await posted.locator(".author").textContent()).toBe("Maryam");
    expect(await posted.locator(".via").textContent()).toBe("via @bulletin_sandbox_bot");
    await screenshot("shared");
  }, 60_000);

  it("never takes article text for HTML", async () => {
    const maryam = readerCard("Maryam");
    const hostile = `<img src=x onerror="document.body.dataset.hacked='yes'"> & <b>not bold</b>`;
    await publish({ title: hostile, url: `https://news.example.com/x/${Date.now()}`, categories: ["world"] });
    const shown = botMessages(maryam, "not bold</b>");
    await shown.waitFor(WAIT);
    expect(await shown.locator(".body b").first().textContent()).toBe(hostile);
    expect(await shown.locator("img").count()).toBe(0);
    expect(await page.locator("body").getAttribute("data-hacked")).toBeNull();
  });
});
