/**
 * One deployment, two platforms (issue 15): a reader on Telegram and readers on Bale follow the
 * same category and each gets the article once, in what their messenger renders. Bale is the fake
 * Bot API in its Bale flavour at BALE_API_ROOT (Markdown always, no previews, 429s that may not
 * say how long); its readers are subscribed through Bale's store, as the Bale bot does.
 */
import { FakeTelegram, type SentMessage } from "@bulletin/fake-bot-api";
import { afterEach, describe, expect, it } from "vitest";
import { categorySlug, chatId } from "../../src/ids.js";
import { PreferencesService } from "../../src/preferences/service.js";
import { SandboxClock } from "../../src/sandbox/clock.js";
import { SubscriptionService } from "../../src/subscriptions/service.js";
import { FAST_TUNING, article, startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
let bale: FakeTelegram | undefined;
afterEach(async () => {
  await stack?.stop();
  await bale?.close();
  stack = bale = undefined;
});

const BALE_TOKEN = "987654321:AAF-fake-bale-token-for-tests_yyyy";
const SAME_ID = 5123;
const OTHER_BALE_READER = 5124;

async function twoPlatforms(name: string, clock?: SandboxClock): Promise<{ stack: Stack; bale: FakeTelegram }> {
  bale = await FakeTelegram.start({ flavour: "bale", token: BALE_TOKEN });
  stack = await startStack({
    name,
    env: { BALE_BOT_TOKEN: bale.token, BALE_API_ROOT: bale.apiRoot },
    ...(clock ? { tuning: { ...FAST_TUNING, clock, dueScanMs: 100 } } : {}),
  });
  return { stack, bale };
}

const buttonsOf = (message: SentMessage | undefined) => message?.reply_markup?.inline_keyboard.flat() ?? [];

describe("a reader on Telegram and readers on Bale", () => {
  it("each get the article once, Telegram in HTML and Bale in its Markdown, and a Bale 429 slows Bale alone", async () => {
    const { stack, bale } = await twoPlatforms("two-platforms");
    const { telegram, bulletin } = stack;
    const reader = telegram.addUser({ id: SAME_ID, first_name: "Telegram reader" });
    telegram.userSends(reader, "/start world");
    await telegram.waitForMessages(reader.id, 1);
    const baleReaders = new SubscriptionService(bulletin.runtime.store.on("bale"), bulletin.runtime.categories);
    for (const id of [SAME_ID, OTHER_BALE_READER]) {
      bale.addUser({ id, first_name: `Bale reader ${id}` });
      await baleReaders.subscribe(chatId(id), [categorySlug("world")], { kind: "private", language: "en" });
    }
    // Bale takes one message a second here and says "bot limit exceed" without retry_after: its
    // readers wait (2 s, doubling), Telegram's reader does not notice.
    bale.setLimits({ perSecond: 1, omitRetryAfter: true });

    const title = "Rates *up* <b>again</b> [x](https://evil.example) _now_";
    await stack.publish(article(["world"], { title, url: "https://news.example.com/rates_(2026)" }));

    const [, onTelegram] = await telegram.waitForMessages(reader.id, 2);
    expect(onTelegram!.text).toContain("Rates *up* <b>again</b> [x](https://evil.example) _now_");
    expect(onTelegram!.entities?.find((e) => e.type === "bold")).toBeDefined();
    const [onBale] = await bale.waitForMessages(SAME_ID, 1, 20_000);
    await bale.waitForMessages(OTHER_BALE_READER, 1, 20_000);

    // Bale's text is its Markdown: a bold title, markup in the title shown as look-alikes (never a
    // link or formatting), the one link the article's; nothing Bale does not document is sent.
    expect(onBale!.html).toMatch(/^\*Rates ∗up∗ <b>again<\/b> ［x］\(https:\/\/evil\.example\) ＿now＿\*/);
    expect(onBale!.text).toMatch(/^Rates ∗up∗ <b>again<\/b> ［x］\(https:\/\/evil\.example\) ＿now＿\n/);
    expect(onBale!.entities.filter((e) => e.type === "bold")).toHaveLength(1);
    expect(onBale!.entities.flatMap((e) => (e.type === "text_link" ? [e.url] : []))).toEqual([
      "https://news.example.com/rates%5F%282026%29",
    ]);
    const baleSends = bale.calls("sendMessage").filter((c) => c.params.chat_id === SAME_ID);
    expect(baleSends.length).toBeGreaterThanOrEqual(1);
    for (const { params } of baleSends) {
      expect(params.parse_mode).toBeUndefined();
      expect(params.link_preview_options).toBeUndefined();
      expect(params.message_thread_id).toBeUndefined();
    }
    // Bale's share button is a row of links: no inline mode, no callback to answer.
    const buttons = buttonsOf(onBale);
    expect(buttons.length).toBeGreaterThan(0);
    for (const button of buttons) expect(button).toEqual({ text: expect.any(String), url: expect.stringMatching(/^https:\/\//) });

    // Once each, counted per platform; Telegram's counters are Telegram's alone.
    await telegram.waitFor(async () => Number(await bulletin.runtime.redis.hget(bulletin.runtime.keys.counters, "sent:bale")) === 2, {
      message: "both Bale sends to be counted",
    });
    expect(telegram.messagesTo(reader.id)).toHaveLength(2);
    expect(bale.messagesTo(SAME_ID)).toHaveLength(1);
    expect(bale.messagesTo(OTHER_BALE_READER)).toHaveLength(1);
    const counters = await bulletin.runtime.redis.hgetall(bulletin.runtime.keys.counters);
    expect(counters).toMatchObject({ sent: "1", "sent:bale": "2" });
    expect(Number(counters["rate_limited:bale"])).toBeGreaterThanOrEqual(1);
    expect(counters.rate_limited).toBeUndefined();
  });
});

describe("a Bale reader with a daily digest", () => {
  it("gets nothing as articles come, then one digest in Bale Markdown at their time; the Telegram reader with the same id is not held", async () => {
    const clock = new SandboxClock();
    const { stack, bale } = await twoPlatforms("bale-digest", clock);
    const { telegram, bulletin } = stack;
    const TEHRAN = "Asia/Tehran";
    clock.skipTo(TEHRAN, 9 * 60);
    const onTelegram = telegram.addUser({ id: SAME_ID, first_name: "Telegram reader" });
    telegram.userSends(onTelegram, "/start world");
    await telegram.waitForMessages(SAME_ID, 1);
    bale.addUser({ id: SAME_ID, first_name: "Bale reader" });
    const baleStore = bulletin.runtime.store.on("bale");
    await new SubscriptionService(baleStore, bulletin.runtime.categories).subscribe(chatId(SAME_ID), [categorySlug("world")], {
      kind: "private",
      language: "en",
    });
    await new PreferencesService(baleStore, clock, TEHRAN).update(chatId(SAME_ID), { digest: { kind: "daily", at: 8 * 60 } });

    for (const title of ["Summit opens", "Markets_calm"]) await stack.publish(article(["world"], { title }));
    const seen = () =>
      telegram
        .messagesTo(SAME_ID)
        .map((m) => m.text ?? "")
        .join("\n");
    await telegram.waitFor(() => seen().includes("Summit opens") && seen().includes("Markets_calm"), {
      message: "the Telegram reader to get both articles as they come",
    });
    const telegramMessages = telegram.messagesTo(SAME_ID).length;
    expect(bale.messagesTo(SAME_ID)).toEqual([]);

    clock.skipTo(TEHRAN, 8 * 60);
    const [digest] = await bale.waitForMessages(SAME_ID, 1);
    expect(digest!.text).toBe(["📰 2 new articles", "", "World", "• Markets＿calm", "• Summit opens"].join("\n"));
    expect(digest!.entities.filter((e) => e.type === "text_link")).toHaveLength(2);
    expect(digest!.parse_mode).toBeUndefined();
    expect((await baleStore.get(chatId(SAME_ID)))?.prefs?.nextDue).toBeGreaterThan(0);
    expect((await bulletin.runtime.store.get(chatId(SAME_ID)))?.prefs?.nextDue).toBeUndefined();
    expect(telegram.messagesTo(SAME_ID)).toHaveLength(telegramMessages);
  });
});
