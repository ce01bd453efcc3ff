import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { SentMessage } from "@bulletin/fake-bot-api";
import { startStack, article, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const buttons = (message: SentMessage | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

const linkOf = (message: SentMessage) => message.entities.find((e) => e.type === "text_link")?.url;

describe("a reader in their private chat", () => {
  it("opens the bot with /start and sees the categories as buttons", async () => {
    stack = await startStack({ name: "start" });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1001, first_name: "Maryam", language_code: "en" });
    telegram.userSends(reader, "/start");
    const [welcome] = await telegram.waitForMessages(reader.id, 1);
    expect(welcome!.text).toContain("Hello, Maryam!");
    expect(buttons(welcome)).toEqual(["➕ World", "➕ Politics", "➕ Economy"]);
    const commands = telegram.calls("setMyCommands")[0]?.params.commands as { command: string }[];
    expect(commands.map((c) => c.command)).toEqual([
      "start",
      "categories",
      "subscribe",
      "unsubscribe",
      "mysubs",
      "settings",
      "digest",
      "quiet",
      "timezone",
      "mute",
      "unmute",
      "filters",
      "stop",
      "link",
      "unlink",
      "channels",
      "language",
      "help",
    ]);
  });

  it("subscribes from the site's deep link and receives the next article once", async () => {
    stack = await startStack({ name: "deeplink" });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1002, first_name: "Ali" });
    telegram.userSends(reader, "/start world");
    const [confirmation] = await telegram.waitForMessages(reader.id, 1);
    expect(confirmation!.text).toBe("✅ You now follow: World.");

    const seed = JSON.parse(readFileSync(new URL("../fixtures/seed-article.json", import.meta.url), "utf8")) as Record<string, unknown>;
    expect((await stack.publish(seed)).status).toBe(202);
    const messages = await telegram.waitForMessages(reader.id, 2);
    const delivered = messages[1]!;
    expect(delivered.text).toContain("Kyiv: We do not give territorial concessions for membership in NATO");
    expect(delivered.text).toContain("#World");
    expect(delivered.entities.some((e) => e.type === "bold")).toBe(true);
    expect(linkOf(delivered)).toBe(seed.url);
    await sleep(500);
    expect(telegram.messagesTo(reader.id)).toHaveLength(2);
  });

  it("toggles categories with the buttons, editing the same message in place", async () => {
    stack = await startStack({ name: "toggle" });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1003, first_name: "Sara" });
    telegram.userSends(reader, "/categories");
    const [picker] = await telegram.waitForMessages(reader.id, 1);
    expect(buttons(picker)).toEqual(["➕ World", "➕ Politics", "➕ Economy"]);

    telegram.userPresses(reader, picker!, "toggle:politics");
    await telegram.waitFor(() => telegram.messagesTo(reader.id)[0]!.edits === 1, { message: "the picker to be edited" });
    expect(buttons(telegram.messagesTo(reader.id)[0])).toEqual(["➕ World", "✅ Politics", "➕ Economy"]);
    expect(telegram.messagesTo(reader.id)[0]!.text).toContain("You follow: Politics.");
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("Following Politics");

    telegram.userPresses(reader, telegram.messagesTo(reader.id)[0]!, "toggle:politics");
    await telegram.waitFor(() => telegram.messagesTo(reader.id)[0]!.edits === 2, { message: "the second edit" });
    expect(buttons(telegram.messagesTo(reader.id)[0])).toEqual(["➕ World", "➕ Politics", "➕ Economy"]);
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("Stopped Politics");
    expect(telegram.messagesTo(reader.id)).toHaveLength(1);

    await stack.publish(article(["politics"]));
    await sleep(600);
    expect(telegram.messagesTo(reader.id)).toHaveLength(1);
  });

  it("manages subscriptions by command, with a friendly answer to unknown categories", async () => {
    stack = await startStack({ name: "commands" });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1004, first_name: "Reza" });
    const say = async (text: string) => {
      const before = telegram.messagesTo(reader.id).length;
      telegram.userSends(reader, text);
      const messages = await telegram.waitForMessages(reader.id, before + 1);
      return messages[before]!.text ?? "";
    };
    expect(await say("/subscribe world politics")).toBe("✅ You now follow: World, Politics.");
    expect(await say("/subscribe world")).toBe("You already follow: World.");
    expect(await say("/subscribe sport")).toBe(
      "I don't know sport. The categories are: world (World), politics (Politics), economy (Economy).",
    );
    expect(await say("/mysubs")).toBe("You follow: World, Politics.");
    expect(await say("/unsubscribe world")).toBe("You no longer follow: World.");
    expect(await say("/unsubscribe economy")).toBe("You did not follow: Economy.");
    expect(await say("/subscribe")).toContain("Tell me which categories");
    expect(await say("/stop")).toContain("You follow nothing now");
    expect(await say("/mysubs")).toBe("You follow no category yet. Send /categories to choose.");
    expect(await say("/help")).toContain("/subscribe <category>");
  });

  it("gets one message for an article in two of their categories, and nothing for a duplicate", async () => {
    stack = await startStack({ name: "once" });
    const { telegram } = stack;
    const both = telegram.addUser({ id: 1005, first_name: "Both" });
    const economyOnly = telegram.addUser({ id: 1006, first_name: "Economy" });
    telegram.userSends(both, "/subscribe world politics");
    telegram.userSends(economyOnly, "/subscribe economy");
    await telegram.waitForMessages(both.id, 1);
    await telegram.waitForMessages(economyOnly.id, 1);

    const story = article(["world", "politics"], { id: "story-1" });
    const first = await stack.publish(story);
    expect(first).toEqual({ status: 202, body: { id: "story-1", duplicate: false } });
    await telegram.waitForMessages(both.id, 2);

    expect(await stack.publish(story)).toEqual({ status: 200, body: { id: "story-1", duplicate: true } });
    expect(await stack.publish({ ...story, id: "another-id" })).toEqual({ status: 200, body: { id: "story-1", duplicate: true } });
    await sleep(700);
    expect(telegram.messagesTo(both.id)).toHaveLength(2);
    expect(telegram.messagesTo(economyOnly.id)).toHaveLength(1);
  });

  it("receives an article with an image as a photo with its caption", async () => {
    stack = await startStack({ name: "photo" });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1007, first_name: "Pic" });
    telegram.userSends(reader, "/start economy");
    await telegram.waitForMessages(reader.id, 1);
    await stack.publish(article(["economy"], { title: "Markets rally", imageUrl: "https://news.example.com/img/rally.jpg" }));
    const [, photo] = await telegram.waitForMessages(reader.id, 2);
    expect(photo!.method).toBe("sendPhoto");
    expect(photo!.caption).toContain("Markets rally");
    expect(photo!.caption).toContain("#Economy");
  });

  it("receives hostile titles and a 6,000-character Persian summary intact and valid", async () => {
    stack = await startStack({ name: "hostile" });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1008, first_name: "Test", language_code: "fa" });
    telegram.userSends(reader, "/start world");
    await telegram.waitForMessages(reader.id, 1);
    const hostile = `<script>alert("x")</script> & </b> &amp; <b>bold?</b> "quotes" 1 < 2 > 0`;
    await stack.publish(article(["world"], { title: hostile }));
    const [, first] = await telegram.waitForMessages(reader.id, 2);
    expect(first!.text).toContain(hostile);

    const persianWord = "می‌خواهند"; // carries a zero-width non-joiner
    const summary = Array.from({ length: 700 }, (_, i) => `${persianWord} ${i}`)
      .join(" ")
      .slice(0, 6000);
    await stack.publish(article(["world"], { title: "خبر فوری: اعتراض‌ها ادامه دارد", summary, language: "fa" }));
    const [, , second] = await telegram.waitForMessages(reader.id, 3, 8000);
    expect(second!.text).toContain("خبر فوری: اعتراض‌ها ادامه دارد");
    expect(second!.text!.length).toBeLessThanOrEqual(4096);
    expect(second!.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const body = second!.text!.split("\n\n")[1]!;
    expect(body.endsWith("…")).toBe(true);
    for (const word of body.replace("…", "").trim().split(" "))
      expect([persianWord, ...Array.from({ length: 700 }, (_, i) => String(i))]).toContain(word);
  });
});
