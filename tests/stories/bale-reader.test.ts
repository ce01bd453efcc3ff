/**
 * Issue 15: a reader on Bale, beside Telegram. Bulletin runs its Telegram bot and its Bale bot in
 * one deployment; the Bale-flavoured fake renders every message as Bale's Markdown (no parse_mode),
 * so what these tests read is what a Bale reader would see.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeTelegram, SentMessage } from "@bulletin/fake-bot-api";
import { parsePrometheus, valueOf } from "../ops/prometheus.js";
import { article, startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function withBale(name: string): Promise<{ s: Stack; bale: FakeTelegram }> {
  const s = await startStack({ name, bale: {} });
  return { s, bale: s.bale! };
}

const buttons = (message: SentMessage | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
const linkOf = (message: SentMessage) => message.entities.find((e) => e.type === "text_link")?.url;
const boldOf = (message: SentMessage) =>
  message.entities
    .filter((e) => e.type === "bold")
    .map((e) => (message.text ?? message.caption ?? "").slice(e.offset, e.offset + e.length));

describe("a reader on Bale", () => {
  it("opens the bot from the ble.ir link with a category, and follows it", async () => {
    const { s, bale } = await withBale("bale-start");
    stack = s;
    const reader = bale.addUser({ id: 4001, first_name: "Reza", language_code: "en" });
    bale.userSends(reader, "/start world");
    const [confirmation] = await bale.waitForMessages(reader.id, 1);
    expect(confirmation!.text).toBe("✅ You now follow: World.");
    // Bale has no parse_mode: none was sent, whatever the bot wrote.
    expect(bale.calls("sendMessage").every((call) => call.params.parse_mode === undefined)).toBe(true);

    bale.userSends(reader, "/categories");
    const [, picker] = await bale.waitForMessages(reader.id, 2);
    expect(buttons(picker)).toEqual(["✅ World", "➕ Politics", "➕ Economy"]);
    bale.userPresses(reader, picker!, "toggle:economy");
    await bale.waitFor(() => bale.messagesTo(reader.id)[1]!.edits === 1, { message: "the picker to be edited in place" });
    expect(bale.messagesTo(reader.id)[1]!.text).toContain("You follow: World, Economy.");
    // Nothing reached Telegram: the two bots are two readers' worlds.
    expect(s.telegram.calls("sendMessage")).toHaveLength(0);

    // The help ends with the bot's own deep link: ble.ir on Bale (its `_`s encoded, so no Markdown reads them), t.me on Telegram.
    bale.userSends(reader, "/help");
    const [, , help] = await bale.waitForMessages(reader.id, 3);
    expect(help!.text).toContain(
      "Invite someone with a link that starts them on a category: https://ble.ir/bulletin%5Ftest%5Fbot?start=world",
    );
    expect(help!.entities).toEqual([]);
    const onTelegram = s.telegram.addUser({ id: 4001, first_name: "Reza" });
    s.telegram.userSends(onTelegram, "/help");
    const [telegramHelp] = await s.telegram.waitForMessages(onTelegram.id, 1);
    expect(telegramHelp!.text).toContain("https://t.me/bulletin_test_bot?start=world");
  });

  it("sees what they typed as written, never turned into bold or italics by Bale's Markdown", async () => {
    const { s, bale } = await withBale("bale-typed");
    stack = s;
    const reader = bale.addUser({ id: 4002, first_name: "Sima" });
    bale.userSends(reader, "/subscribe *breaking* middle_east_news");
    const [answer] = await bale.waitForMessages(reader.id, 1);
    expect(answer!.entities).toEqual([]);
    expect(answer!.text).toMatch(/^I don't know ∗breaking∗, middle＿east＿news\. The categories are: /);
  });

  it("gets an article with a hostile title as one message, rendered right in Bale's Markdown", async () => {
    const { s, bale } = await withBale("bale-article");
    stack = s;
    const reader = bale.addUser({ id: 4003, first_name: "Nima" });
    bale.userSends(reader, "/start world");
    await bale.waitForMessages(reader.id, 1);
    const title = "<b>Tom & Jerry</b> *not bold* _nor italic_ [not](a link) a<b & c>d";
    const url = "https://news.example.com/a/bale_(1)*x";
    expect((await s.publish(article(["world"], { title, url, summary: "1 < 2 && 3 > 2; 2*3*4 = 24; snake_case_name" }))).status).toBe(202);
    const [, delivered] = await bale.waitForMessages(reader.id, 2);
    const text = delivered!.text ?? "";
    expect(boldOf(delivered!)).toEqual(["<b>Tom & Jerry</b> ∗not bold∗ ＿nor italic＿ ［not］(a link) a<b & c>d"]);
    expect(text).toContain("1 < 2 && 3 > 2; 2∗3∗4 = 24; snake＿case＿name");
    expect(linkOf(delivered!)).toBe("https://news.example.com/a/bale%5F%281%29%2Ax");
    expect(delivered!.entities.map((e) => e.type).sort()).toEqual(["bold", "text_link"]);
    await sleep(500);
    expect(bale.messagesTo(reader.id)).toHaveLength(2);
    expect(s.telegram.calls("sendMessage")).toHaveLength(0);
  });
});

describe("what Bale lacks", () => {
  it("has no command menu: refused once per language at start, counted, logged, and the bot serves all the same", async () => {
    const { s, bale } = await withBale("bale-degraded");
    stack = s;
    const reader = bale.addUser({ id: 4200, first_name: "Omid" });
    bale.userSends(reader, "/language fa");
    await bale.waitForMessages(reader.id, 1);
    // At start (English, Persian) and for the reader's choice: each refusal counted, none fatal.
    const scrape = await fetch(`${s.httpUrl}/metrics`);
    const families = parsePrometheus(await scrape.text());
    expect(valueOf(families, "bulletin_degradations_total", { platform: "bale", method: "setMyCommands" })).toBe(3);
    expect(s.telegram.calls("setMyCommands").length).toBeGreaterThan(0);
    // No inline mode on Bale: nothing asks Bale for it, and inline queries are Telegram's alone.
    expect(bale.calls("answerInlineQuery")).toHaveLength(0);

    const ready = (await (await fetch(`${s.httpUrl}/readyz`)).json()) as { status: string; checks: Record<string, unknown> };
    expect(ready.status).toBe("ready");
    expect(ready.checks.baleBot).toMatchObject({ ok: true, state: "connected", mode: "polling", running: true });
    expect(ready.checks.bot).toMatchObject({ ok: true, state: "connected" });
  });
});

describe("one reader on each platform", () => {
  it("each starts the bot on their messenger and gets the same article once, as their messenger renders it", async () => {
    const { s, bale } = await withBale("bale-both");
    stack = s;
    const { telegram } = s;
    // The same number on both: two readers all the same.
    const onTelegram = telegram.addUser({ id: 4100, first_name: "Tara" });
    const onBale = bale.addUser({ id: 4100, first_name: "Bahar" });
    telegram.userSends(onTelegram, "/start world");
    bale.userSends(onBale, "/start economy");
    expect((await telegram.waitForMessages(onTelegram.id, 1))[0]!.text).toBe("✅ You now follow: World.");
    expect((await bale.waitForMessages(onBale.id, 1))[0]!.text).toBe("✅ You now follow: Economy.");
    bale.userSends(onBale, "/subscribe world");
    await bale.waitForMessages(onBale.id, 2);

    await s.publish(article(["world", "economy"], { title: "Markets & *borders*" }));
    const [, telegramCopy] = await telegram.waitForMessages(onTelegram.id, 2);
    const [, , baleCopy] = await bale.waitForMessages(onBale.id, 3);
    expect(boldOf(telegramCopy!)).toEqual(["Markets & *borders*"]);
    expect(boldOf(baleCopy!)).toEqual(["Markets & ∗borders∗"]);
    await sleep(800);
    expect(telegram.messagesTo(onTelegram.id)).toHaveLength(2);
    expect(bale.messagesTo(onBale.id)).toHaveLength(3);

    // Each is their own reader: stopping on Bale leaves Telegram's reader following.
    bale.userSends(onBale, "/stop");
    await bale.waitForMessages(onBale.id, 4);
    telegram.userSends(onTelegram, "/mysubs");
    const [, , mine] = await telegram.waitForMessages(onTelegram.id, 3);
    expect(mine!.text).toBe("You follow: World.");
  });
});
