/**
 * One deployment, two platforms (issue 15): a reader on Telegram and readers on Bale follow the
 * same category and each gets the article once, in what their messenger renders. Bale here is a
 * second fake Bot API at BALE_API_ROOT (the Bale-flavoured fake had not landed when this was
 * written); its readers are subscribed through Bale's store, as the Bale bot would.
 */
import { FakeTelegram, type SentMessage } from "@bulletin/fake-bot-api";
import { afterEach, describe, expect, it } from "vitest";
import { categorySlug, chatId } from "../../src/ids.js";
import { SubscriptionService } from "../../src/subscriptions/service.js";
import { article, startStack, type Stack } from "../support/stack.js";

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

async function twoPlatforms(name: string): Promise<{ stack: Stack; bale: FakeTelegram }> {
  bale = await FakeTelegram.start({ token: BALE_TOKEN });
  stack = await startStack({ name, env: { BALE_BOT_TOKEN: bale.token, BALE_API_ROOT: bale.apiRoot } });
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
    // Bale refuses the first sends: its readers wait, Telegram's does not notice.
    bale.failNext(2, 429);

    const title = "Rates *up* <b>again</b> [x](https://evil.example) _now_";
    await stack.publish(article(["world"], { title, url: "https://news.example.com/rates_(2026)" }));

    const [, onTelegram] = await telegram.waitForMessages(reader.id, 2);
    expect(onTelegram!.text).toContain("Rates *up* <b>again</b> [x](https://evil.example) _now_");
    expect(onTelegram!.entities?.find((e) => e.type === "bold")).toBeDefined();
    const [onBale] = await bale.waitForMessages(SAME_ID, 1, 20_000);
    await bale.waitForMessages(OTHER_BALE_READER, 1, 20_000);

    // Bale's text is its Markdown: a bold title, markup in the title shown as look-alikes, the link's
    // address encoded where Markdown could end it; nothing Bale does not document is sent (parse_mode, preview options).
    expect(onBale!.text).toMatch(/^\*Rates ∗up∗ <b>again<\/b> ［x］\(https:\/\/evil\.example\) ＿now＿\*/);
    expect(onBale!.text).toContain("[Read more](https://news.example.com/rates%5F%282026%29)");
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
    expect(counters).toMatchObject({ sent: "1", "sent:bale": "2", "rate_limited:bale": "2" });
    expect(counters.rate_limited).toBeUndefined();
  });
});
