/**
 * Issue 15: a reader on Bale, beside Telegram. Bulletin runs its Telegram bot and its Bale bot in
 * one deployment; the Bale-flavoured fake renders every message as Bale's Markdown (no parse_mode),
 * so what these tests read is what a Bale reader would see.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeTelegram, SentMessage } from "@bulletin/fake-bot-api";
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
  message.entities.filter((e) => e.type === "bold").map((e) => (message.text ?? message.caption ?? "").slice(e.offset, e.offset + e.length));

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
    expect((await s.publish(article(["world"], { title, url, summary: "1 < 2 && 3 > 2; 2*3*4 = 24; snake_case_name" }))).status).toBe(
      202,
    );
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
