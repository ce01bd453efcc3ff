import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { SentMessage } from "@bulletin/fake-bot-api";
import type { User } from "grammy/types";
import { chatId } from "../../src/ids.js";
import { readerRecord } from "../support/records.js";
import { startStack, article, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const FSI = "\u2068";
const PDI = "\u2069";

const buttons = (message: SentMessage | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
const linkOf = (message: SentMessage) => message.entities.find((e) => e.type === "text_link");
const commandsOf = (stack: Stack, languageCode?: string) =>
  stack.telegram
    .calls("setMyCommands")
    .filter((call) => call.params.language_code === languageCode && call.params.scope === undefined)
    .map((call) => (call.params.commands as { command: string; description: string }[]).map((c) => c.command));

/** What `user` is answered after sending `text`: the text of the next message to them. */
function conversation(stack: Stack, user: User) {
  return async (text: string): Promise<string> => {
    const before = stack.telegram.messagesTo(user.id).length;
    stack.telegram.userSends(user, text);
    const messages = await stack.telegram.waitForMessages(user.id, before + 1);
    return messages[before]!.text ?? "";
  };
}

/** The next message to `user` once an article goes out. */
async function nextDelivery(stack: Stack, user: User, categories: string[], overrides: Record<string, unknown> = {}): Promise<SentMessage> {
  const before = stack.telegram.messagesTo(user.id).length;
  await stack.publish(article(categories, overrides));
  const messages = await stack.telegram.waitForMessages(user.id, before + 1);
  return messages[before]!;
}

describe("a Persian reader", () => {
  it("sees Persian from /start, buttons included, and gets articles with «ادامه‌ی خبر» and Persian hashtags", async () => {
    stack = await startStack({ name: "fa-start" });
    const { telegram } = stack;
    const maryam = telegram.addUser({ id: 2101, first_name: "مریم", language_code: "fa" });
    telegram.userSends(maryam, "/start");
    const [welcome] = await telegram.waitForMessages(maryam.id, 1);
    expect(welcome!.text!.startsWith(`سلام ${FSI}مریم${PDI}! خبرهای دسته‌هایی را که انتخاب کنید`)).toBe(true);
    expect(buttons(welcome)).toEqual(["➕ جهان", "➕ سیاست", "➕ اقتصاد"]);

    telegram.userPresses(maryam, welcome!, "toggle:world");
    await telegram.waitFor(() => telegram.messagesTo(maryam.id)[0]!.edits === 1, { message: "the picker to be edited" });
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("دنبال می‌کنید: جهان");
    expect(buttons(telegram.messagesTo(maryam.id)[0])).toEqual(["✅ جهان", "➕ سیاست", "➕ اقتصاد"]);

    const delivered = await nextDelivery(stack, maryam, ["world"], { title: "نشست سران آغاز شد", summary: "خلاصه‌ی خبر.", language: "fa" });
    expect(delivered.text).toBe("نشست سران آغاز شد\n\nخلاصه‌ی خبر.\n\nادامه‌ی خبر\n#جهان");
    const link = linkOf(delivered)!;
    expect(delivered.text!.substr(link.offset, link.length)).toBe("ادامه‌ی خبر");

    // Telegram's menu: English for everyone, Persian for a Persian Telegram, both with /language.
    expect(commandsOf(stack)[0]).toContain("language");
    expect(commandsOf(stack, "fa")[0]).toEqual(commandsOf(stack)[0]);
    const persianMenu = telegram.calls("setMyCommands").find((call) => call.params.language_code === "fa")!;
    expect((persianMenu.params.commands as { description: string }[])[0]!.description).toBe("شروع و انتخاب دسته‌ها");
  });

  it("writes category lists with the Persian comma and isolates what they type in Latin letters", async () => {
    stack = await startStack({ name: "fa-lists" });
    const reza = stack.telegram.addUser({ id: 2102, first_name: "رضا", language_code: "fa-IR" });
    const say = conversation(stack, reza);
    expect(await say("/subscribe world politics")).toBe("✅ از این پس دنبال می‌کنید: جهان، سیاست.");
    expect(await say("/subscribe sport")).toBe(
      `دسته‌ی ${FSI}sport${PDI} را نمی‌شناسم. دسته‌ها: ${FSI}world${PDI} (جهان)، ${FSI}politics${PDI} (سیاست)، ${FSI}economy${PDI} (اقتصاد).`,
    );
    expect(await say("/mysubs")).toBe("دسته‌هایی که دنبال می‌کنید: جهان، سیاست.");
  });
});

describe("/language", () => {
  it("/language en switches a Persian reader's replies and deliveries to English, and it sticks", async () => {
    stack = await startStack({ name: "lang-en" });
    const sara = stack.telegram.addUser({ id: 2201, first_name: "Sara", language_code: "fa" });
    const say = conversation(stack, sara);
    expect(await say("/subscribe world")).toBe("✅ از این پس دنبال می‌کنید: جهان.");
    expect((await nextDelivery(stack, sara, ["world"])).text).toContain("ادامه‌ی خبر\n#جهان");

    expect(await say("/language en")).toBe("From now on I write to you in English.");
    expect(await say("/mysubs")).toBe("You follow: World.");
    const delivered = await nextDelivery(stack, sara, ["world"], { title: "Summit opens" });
    expect(delivered.text).toContain("Read more\n#World");
    // Their Telegram is still in Persian: the choice wins over it.
    expect(await say("/help")).toContain("I deliver the news of the categories you follow.");
    // And their menu follows the choice.
    const chatMenu = stack.telegram
      .calls("setMyCommands")
      .filter((call) => JSON.stringify(call.params.scope ?? "").includes(String(sara.id)));
    expect((chatMenu.at(-1)!.params.commands as { description: string }[])[0]!.description).toBe("Start and choose categories");

    expect(await say("/language fa")).toBe("از این پس به فارسی برایتان می‌نویسم.");
    expect(await say("/mysubs")).toBe("دسته‌هایی که دنبال می‌کنید: جهان.");
  });

  it("offers two buttons that switch at once; a forged button is refused and changes nothing", async () => {
    stack = await startStack({ name: "lang-buttons" });
    const { telegram } = stack;
    const ali = telegram.addUser({ id: 2202, first_name: "Ali", language_code: "en" });
    const say = conversation(stack, ali);
    expect(await say("/language")).toBe("Which language shall I write to you in? Tap a button, or send /language en or /language fa.");
    const prompt = telegram.messagesTo(ali.id)[0]!;
    expect(buttons(prompt)).toEqual(["English", "فارسی"]);

    telegram.userPresses(ali, prompt, "lang:xx");
    await telegram.waitFor(() => telegram.callbackAnswers.length === 1, { message: "the forged press to be answered" });
    expect(telegram.callbackAnswers[0]!.text).toBe(
      `I don't know the language "xx". I write in English (/language en) and Persian (/language fa).`,
    );
    expect(await stack.bulletin.runtime.store.get(chatId(ali.id))).toBeUndefined();

    telegram.userPresses(ali, prompt, "lang:fa");
    await telegram.waitFor(() => telegram.messagesTo(ali.id)[0]!.edits === 1, { message: "the prompt to be edited" });
    expect(telegram.callbackAnswers[1]!.text).toBe("از این پس به فارسی برایتان می‌نویسم.");
    expect(telegram.messagesTo(ali.id)[0]!.text).toMatch(/^به چه زبانی برایتان بنویسم؟[^]*\n\nاز این پس به فارسی برایتان می‌نویسم\.$/);
    expect(await say("/mysubs")).toBe(`هنوز هیچ دسته‌ای را دنبال نمی‌کنید. برای انتخاب، ${FSI}/categories${PDI} را بفرستید.`);

    // Pressed again: answered, and the message (already saying so) is left as it is.
    telegram.userPresses(ali, telegram.messagesTo(ali.id)[0]!, "lang:fa");
    await telegram.waitFor(() => telegram.callbackAnswers.length === 3, { message: "the second press to be answered" });
    await sleep(200);
    expect(telegram.messagesTo(ali.id)[0]!.edits).toBe(1);
  });

  it("refuses a language it does not speak, in the reader's language, and stores nothing", async () => {
    stack = await startStack({ name: "lang-unknown" });
    const leila = stack.telegram.addUser({ id: 2203, first_name: "Leila", language_code: "fa" });
    const say = conversation(stack, leila);
    expect(await say("/subscribe economy")).toContain("اقتصاد");
    const before = await stack.bulletin.runtime.store.get(chatId(leila.id));

    expect(await say("/language xx")).toBe(
      `زبان «${FSI}xx${PDI}» را نمی‌شناسم. به فارسی (${FSI}/language fa${PDI}) و انگلیسی (${FSI}/language en${PDI}) می‌نویسم.`,
    );
    expect(await say(`/language ${"x".repeat(200)}`)).toContain(`«${FSI}${"x".repeat(31)}…${PDI}»`);
    expect(await stack.bulletin.runtime.store.get(chatId(leila.id))).toEqual(before);
  });
});

describe("readers from before Persian existed", () => {
  it("a reader stored as English who writes with a Persian Telegram gets Persian replies and deliveries", async () => {
    stack = await startStack({ name: "lang-upgrade" });
    const hamid = stack.telegram.addUser({ id: 2301, first_name: "Hamid", language_code: "fa" });
    await stack.bulletin.runtime.store.importChats([{ id: chatId(hamid.id), record: readerRecord({ language: "en" }) }]);

    // Before they write, the record still says English.
    expect((await nextDelivery(stack, hamid, ["world"])).text).toContain("Read more\n#World");

    expect(await conversation(stack, hamid)("/mysubs")).toBe("دسته‌هایی که دنبال می‌کنید: جهان.");
    expect((await nextDelivery(stack, hamid, ["world"])).text).toContain("ادامه‌ی خبر\n#جهان");
  });
});

describe("a Persian channel admin", () => {
  it("links a channel that then receives Persian posts, and is answered in Persian", async () => {
    stack = await startStack({ name: "lang-channel" });
    const { telegram } = stack;
    const channel = -1002100000001;
    const nasrin = telegram.addUser({ id: 2401, first_name: "Nasrin", language_code: "fa" });
    telegram.addChat({ id: channel, type: "channel", title: "Regional News", username: "regional_news" });
    telegram.setMember(channel, nasrin.id, "creator");
    const say = conversation(stack, nasrin);

    expect(await say("/link @regional_news world economy")).toBe(`✅ از این پس ${FSI}Regional News${PDI} دریافت می‌کند: جهان، اقتصاد.`);
    await stack.publish(article(["world", "economy"], { title: "نشست سران" }));
    const [post] = await telegram.waitForMessages(channel, 1);
    expect(post!.text).toContain("ادامه‌ی خبر\n#جهان #اقتصاد");
    expect(await say("/channels")).toBe(`گفت‌وگوهایی که پیوند داده‌اید:\n• ${FSI}Regional News${PDI}: جهان، اقتصاد`);
  });
});
