import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { SentMessage } from "@bulletin/fake-bot-api";
import type { User } from "grammy/types";
import { chatId } from "../../src/ids.js";
import { FAST_TUNING, startStack, type Stack } from "../support/stack.js";

/**
 * Readers set their own way of receiving the news: the /settings menu and the commands beside it,
 * in English and Persian, with what they type checked before anything is stored.
 */

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const FSI = "\u2068";
const PDI = "\u2069";

/** 1 March 2026, 10:30 UTC: 14:00 in Tehran, 10:30 in London, 05:30 in New York. */
const NOW = Date.UTC(2026, 2, 1, 10, 30);
const start = (name: string) => startStack({ name, tuning: { ...FAST_TUNING, clock: { now: () => NOW } } });

const buttons = (message: SentMessage | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/** The callback data of the button labelled `label`. */
function dataOf(message: SentMessage, label: string): string {
  const button = message.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  if (!button || !("callback_data" in button) || button.callback_data === undefined)
    throw new Error(`no button "${label}" in ${buttons(message).join(" | ")}`);
  return button.callback_data;
}

/** What `user` is answered after sending `text`. */
function conversation(stack: Stack, user: User) {
  return async (text: string): Promise<string> => {
    const before = stack.telegram.messagesTo(user.id).length;
    stack.telegram.userSends(user, text);
    const messages = await stack.telegram.waitForMessages(user.id, before + 1);
    return messages[before]!.text ?? "";
  };
}

/** Presses `data` on `message` and waits for the answer (and the menu's edit, unless `edited` is false); gives the answer's text. */
async function press(stack: Stack, user: User, message: SentMessage, data: string, edited = true): Promise<string | undefined> {
  const { telegram } = stack;
  const answers = telegram.callbackAnswers.length;
  const edits = message.edits;
  telegram.userPresses(user, message, data);
  await telegram.waitFor(() => telegram.callbackAnswers.length > answers, { message: `the press of ${data} to be answered` });
  if (edited) await telegram.waitFor(() => message.edits > edits, { message: `the menu to change after ${data}` });
  return telegram.callbackAnswers.at(-1)!.text;
}

/** Presses the button labelled `label` on the menu. */
const tap = (stack: Stack, user: User, menu: SentMessage, label: string) => press(stack, user, menu, dataOf(menu, label));

const ENGLISH_DEFAULTS = [
  "⚙️ Your settings",
  "📬 Delivery: each article as soon as it is published",
  "🌙 Quiet hours: none",
  "🌐 Article languages: all languages",
  "🕰 Time zone: Asia/Tehran (now 14:00)",
  "🔇 Muted words: none",
].join("\n");
const ENGLISH_FILTERS_HINT = "Change them with /settings; /mute word and /unmute word change the muted words.";

describe("an English reader", () => {
  it("sets a daily digest, quiet hours, Persian articles only and London time with the /settings buttons", async () => {
    stack = await start("settings-en-menu");
    const { telegram } = stack;
    const ann = telegram.addUser({ id: 3101, first_name: "Ann", language_code: "en" });
    const say = conversation(stack, ann);
    await say("/subscribe world");

    expect(await say("/settings")).toBe(ENGLISH_DEFAULTS);
    const menu = telegram.messagesTo(ann.id).at(-1)!;
    expect(buttons(menu)).toEqual(["📬 Delivery", "🌙 Quiet hours", "🌐 Article languages", "🕰 Time zone", "🔇 Muted words"]);

    await tap(stack, ann, menu, "📬 Delivery");
    expect(buttons(menu)).toEqual([
      "✅ Each article",
      "Hourly",
      "Daily 07:00",
      "Daily 08:00",
      "Daily 12:00",
      "Daily 18:00",
      "Daily 21:00",
      "↩️ Back",
    ]);
    expect(menu.text).toBe(`${ENGLISH_DEFAULTS}\n\nAnother time: /digest daily HH:MM`);
    expect(await tap(stack, ann, menu, "Daily 08:00")).toBe("✅ Saved");
    expect(menu.text).toContain("📬 Delivery: one digest a day at 08:00");
    expect(buttons(menu)).toContain("✅ Daily 08:00");
    expect(buttons(menu)).toContain("Each article");

    await tap(stack, ann, menu, "↩️ Back");
    await tap(stack, ann, menu, "🌙 Quiet hours");
    expect(buttons(menu)).toEqual(["✅ Off", "22:00–07:00", "23:00–07:00", "00:00–08:00", "↩️ Back"]);
    await tap(stack, ann, menu, "23:00–07:00");
    await tap(stack, ann, menu, "↩️ Back");
    await tap(stack, ann, menu, "🌐 Article languages");
    expect(buttons(menu)).toEqual(["✅ All languages", "Only Persian", "Only English", "↩️ Back"]);
    await tap(stack, ann, menu, "Only Persian");
    await tap(stack, ann, menu, "↩️ Back");
    await tap(stack, ann, menu, "🕰 Time zone");
    expect(buttons(menu).slice(0, 3)).toEqual(["✅ Asia/Tehran", "UTC", "Europe/London"]);
    await tap(stack, ann, menu, "Europe/London");
    expect(buttons(menu)).toContain("✅ Europe/London");
    await tap(stack, ann, menu, "↩️ Back");
    await tap(stack, ann, menu, "🔇 Muted words");
    expect(menu.text).toMatch(/\n\nMute a word: \/mute word\. Unmute it: \/unmute word\. Up to 50 words\.$/);

    const set = [
      "⚙️ Your settings",
      "📬 Delivery: one digest a day at 08:00",
      "🌙 Quiet hours: 23:00–07:00",
      "🌐 Article languages: only Persian",
      "🕰 Time zone: Europe/London (now 10:30)",
      "🔇 Muted words: none",
    ].join("\n");
    expect(await say("/filters")).toBe(`${set}\n\n${ENGLISH_FILTERS_HINT}`);
    expect(await stack.bulletin.runtime.preferences.get(chatId(ann.id))).toMatchObject({
      digest: { kind: "daily", at: 480 },
      quiet: { from: 1380, to: 420 },
      languages: ["fa"],
      timezone: "Europe/London",
    });

    // Pressing what is already chosen is answered and leaves the menu as it is.
    await tap(stack, ann, menu, "↩️ Back");
    await tap(stack, ann, menu, "🕰 Time zone");
    const edits = menu.edits;
    expect(await press(stack, ann, menu, dataOf(menu, "✅ Europe/London"), false)).toBe("✅ Saved");
    await sleep(200);
    expect(menu.edits).toBe(edits);

    // Telegram's command menu lists the new commands, in both languages.
    for (const languageCode of [undefined, "fa"]) {
      const menuCall = telegram.calls("setMyCommands").find((call) => call.params.language_code === languageCode && !call.params.scope)!;
      const commands = (menuCall.params.commands as { command: string }[]).map((c) => c.command);
      expect(commands).toEqual(expect.arrayContaining(["settings", "digest", "quiet", "timezone", "mute", "unmute", "filters"]));
    }
  });

  it("changes the same with commands, and /filters lists it all", async () => {
    stack = await start("settings-en-commands");
    const ann = stack.telegram.addUser({ id: 3102, first_name: "Ann", language_code: "en" });
    const say = conversation(stack, ann);
    await say("/subscribe world");
    expect(await say("/filters")).toBe(`${ENGLISH_DEFAULTS}\n\n${ENGLISH_FILTERS_HINT}`);

    expect(await say("/digest hourly")).toBe("✅ Delivery: one digest every hour.");
    expect(await say("/digest daily 7:45")).toBe("✅ Delivery: one digest a day at 07:45.");
    expect(await say("/quiet 22:30-06:00")).toBe(
      "🌙 Quiet hours: 22:30–06:00. Nothing is sent then; what arrives meanwhile comes as one digest when they end.",
    );
    expect(await say("/timezone")).toBe(
      "Your time zone is Asia/Tehran (it is 14:00 there). Change it with an IANA name, for example /timezone Europe/London or /timezone Asia/Tehran.",
    );
    expect(await say("/timezone america/new_york")).toBe("🕰 Your time zone is now America/New_York; it is 05:30 there.");
    expect(await say("/mute football, climate change")).toBe(
      "🔇 Muted: football, climate change. Articles with these words in their title or summary are not sent to you.",
    );
    expect(await say("/mute Football cricket")).toBe(
      "🔇 Muted: cricket. Articles with these words in their title or summary are not sent to you.\nAlready muted: football.",
    );
    expect(await say("/unmute FOOTBALL tennis")).toBe("🔔 Unmuted: football.\nNot muted: tennis.");
    expect(await say("/filters")).toBe(
      [
        "⚙️ Your settings",
        "📬 Delivery: one digest a day at 07:45",
        "🌙 Quiet hours: 22:30–06:00",
        "🌐 Article languages: all languages",
        "🕰 Time zone: America/New_York (now 05:30)",
        "🔇 Muted words: climate change, cricket",
        "",
        ENGLISH_FILTERS_HINT,
      ].join("\n"),
    );
    expect(await say("/digest off")).toBe("✅ Delivery: each article as soon as it is published.");
    expect(await say("/quiet off")).toBe("🔔 Quiet hours are off.");
    // /settings with a chat is still a channel's settings.
    expect(await say("/settings nothing-here")).toMatch(/^\/settings alone: your own settings as a reader\.\nChange how posts look/);
  });
});

describe("a Persian reader", () => {
  it("is answered in Persian, right to left, with Persian digits and isolated Latin names", async () => {
    stack = await start("settings-fa");
    const { telegram } = stack;
    const maryam = telegram.addUser({ id: 3201, first_name: "مریم", language_code: "fa" });
    const say = conversation(stack, maryam);
    await say("/subscribe world");

    expect(await say("/digest daily ۰۸:۳۰")).toBe("✅ تحویل خبرها: یک خلاصه در روز، ساعت ۰۸:۳۰.");
    expect(await say("/quiet 23:00-07:00")).toBe(
      "🌙 ساعت‌های سکوت: از ۲۳:۰۰ تا ۰۷:۰۰. در این بازه چیزی فرستاده نمی‌شود؛ آنچه در این میان برسد، وقتی بازه تمام شد یک‌جا در یک خلاصه می‌آید.",
    );
    expect(await say("/timezone Europe/London")).toBe(
      `🕰 منطقه‌ی زمانی شما از این پس ${FSI}Europe/London${PDI} است؛ آنجا اکنون ساعت ۱۰:۳۰ است.`,
    );
    // Typed with the Arabic kaf, stored (and matched) with the Persian one.
    expect(await say("/mute كتاب football")).toBe(
      `🔇 مسدود شد: کتاب، ${FSI}football${PDI}. خبرهایی که این واژه‌ها در عنوان یا خلاصه‌شان باشد برایتان فرستاده نمی‌شود.`,
    );

    const summary = [
      "⚙️ تنظیمات شما",
      "📬 تحویل خبرها: یک خلاصه در روز، ساعت ۰۸:۳۰",
      "🌙 ساعت‌های سکوت: از ۲۳:۰۰ تا ۰۷:۰۰",
      "🌐 زبان خبرها: همه‌ی زبان‌ها",
      `🕰 منطقه‌ی زمانی: ${FSI}Europe/London${PDI} (اکنون ساعت ۱۰:۳۰)`,
      `🔇 واژه‌های مسدود: کتاب، ${FSI}football${PDI}`,
    ].join("\n");
    expect(await say("/settings")).toBe(summary);
    const menu = telegram.messagesTo(maryam.id).at(-1)!;
    expect(buttons(menu)).toEqual(["📬 تحویل خبرها", "🌙 ساعت‌های سکوت", "🌐 زبان خبرها", "🕰 منطقه‌ی زمانی", "🔇 واژه‌های مسدود"]);

    await tap(stack, maryam, menu, "📬 تحویل خبرها");
    expect(buttons(menu)).toEqual([
      "هر خبر جدا",
      "هر ساعت",
      "روزانه ۰۷:۰۰",
      "روزانه ۰۸:۰۰",
      "روزانه ۱۲:۰۰",
      "روزانه ۱۸:۰۰",
      "روزانه ۲۱:۰۰",
      "↩️ بازگشت",
    ]);
    expect(menu.text).toBe(`${summary}\n\nساعتی دیگر: ${FSI}/digest daily HH:MM${PDI}`);
    expect(await tap(stack, maryam, menu, "روزانه ۰۷:۰۰")).toBe("✅ ذخیره شد");
    expect(buttons(menu)).toContain("✅ روزانه ۰۷:۰۰");
    await tap(stack, maryam, menu, "↩️ بازگشت");
    await tap(stack, maryam, menu, "🌐 زبان خبرها");
    expect(buttons(menu)).toEqual(["✅ همه‌ی زبان‌ها", "فقط فارسی", "فقط انگلیسی", "↩️ بازگشت"]);
    await tap(stack, maryam, menu, "فقط فارسی");
    await tap(stack, maryam, menu, "↩️ بازگشت");
    await tap(stack, maryam, menu, "🌙 ساعت‌های سکوت");
    await tap(stack, maryam, menu, "خاموش");

    expect(await say("/unmute كتاب")).toBe("🔔 آزاد شد: کتاب.");
    expect(await say("/filters")).toBe(
      [
        "⚙️ تنظیمات شما",
        "📬 تحویل خبرها: یک خلاصه در روز، ساعت ۰۷:۰۰",
        "🌙 ساعت‌های سکوت: ندارد",
        "🌐 زبان خبرها: فقط فارسی",
        `🕰 منطقه‌ی زمانی: ${FSI}Europe/London${PDI} (اکنون ساعت ۱۰:۳۰)`,
        `🔇 واژه‌های مسدود: ${FSI}football${PDI}`,
        "",
        `برای تغییر آن‌ها ${FSI}/settings${PDI} را بفرستید؛ ${FSI}/mute${PDI} و ${FSI}/unmute${PDI} واژه‌های مسدود را تغییر می‌دهند.`,
      ].join("\n"),
    );

    // After /language en the same menu answers in English.
    await say("/language en");
    await tap(stack, maryam, menu, "↩️ بازگشت");
    expect(menu.text).toMatch(/^⚙️ Your settings\n📬 Delivery: one digest a day at 07:00/);
  });
});

describe("bad input", () => {
  it("is answered in the reader's language and nothing is stored", async () => {
    stack = await start("settings-bad");
    const ann = stack.telegram.addUser({ id: 3301, first_name: "Ann", language_code: "en" });
    const reza = stack.telegram.addUser({ id: 3302, first_name: "رضا", language_code: "fa" });
    const sayEn = conversation(stack, ann);
    const sayFa = conversation(stack, reza);
    await sayEn("/subscribe world");
    await sayFa("/subscribe world");
    const filtersBefore = await sayEn("/filters");

    expect(await sayEn("/digest daily 25:00")).toBe(
      `"25:00" is not a time of day. Write it as HH:MM on a 24-hour clock, for example 07:30 or 21:00.`,
    );
    expect(await sayEn("/digest daily 7")).toMatch(/^"7" is not a time of day\./);
    expect(await sayEn("/digest daily")).toBe("At what time? For example /digest daily 08:00 (24-hour clock, your time zone).");
    expect(await sayEn("/digest weekly")).toMatch(/^How shall I deliver your news\?\n\/digest off: /);
    expect(await sayEn("/timezone Mars/Olympus")).toBe(
      `I don't know the time zone "Mars/Olympus". Use an IANA name such as Asia/Tehran, Europe/London or America/New_York.`,
    );
    expect(await sayEn("/timezone london")).toBe(`I don't know the time zone "london". Did you mean /timezone Europe/London?`);
    expect(await sayEn("/quiet 07:00-07:00")).toBe(
      "A window from 07:00 to 07:00 has no length. Give two different times, for example /quiet 23:00-07:00.",
    );
    expect(await sayEn("/quiet 23:00")).toMatch(/^\/quiet 23:00-07:00: nothing is sent/);
    expect(await sayEn("/mute")).toBe(
      "Tell me which words: /mute football cricket, or phrases between commas: /mute climate change, football. Up to 50 words, 64 characters each.",
    );
    expect(await sayEn("/mute ok !!!")).toBe(`"!!!" has no letter or digit to look for. Nothing was muted.`);
    expect(await sayEn(`/mute ok ${"x".repeat(65)}`)).toBe(
      `"${"x".repeat(31)}…" is too long: a muted word has at most 64 characters. Nothing was muted.`,
    );
    const fiftyOne = Array.from({ length: 51 }, (_, i) => `w${i}`).join(" ");
    expect(await sayEn(`/mute ${fiftyOne}`)).toBe(
      "You can mute up to 50 words and you have 0, so only 50 words more fit. Nothing was muted; /unmute some first.",
    );
    expect(await sayEn("/unmute")).toBe("Tell me which words: /unmute football. /filters lists your muted words.");
    expect(await sayEn("/filters")).toBe(filtersBefore);

    const fifty = Array.from({ length: 50 }, (_, i) => `w${i}`).join(" ");
    expect(await sayEn(`/mute ${fifty}`)).toMatch(/^🔇 Muted: w0, w1, /);
    const filtersFull = await sayEn("/filters");
    expect(await sayEn("/mute one")).toBe(
      "You can mute up to 50 words and you have 50, so no more fit. Nothing was muted; /unmute some first.",
    );
    expect(await sayEn("/filters")).toBe(filtersFull);

    const persianBefore = await stack.bulletin.runtime.store.get(chatId(reza.id));
    expect(await sayFa("/digest daily 25:00")).toBe(
      `«${FSI}25:00${PDI}» ساعت درستی نیست. آن را ۲۴ساعته و به شکل ${FSI}HH:MM${PDI} بنویسید، مثلاً ${FSI}07:30${PDI} یا ${FSI}21:00${PDI}.`,
    );
    expect(await sayFa("/digest daily")).toBe(`چه ساعتی؟ مثلاً ${FSI}/digest daily 08:00${PDI} (۲۴ساعته، به وقت منطقه‌ی زمانی شما).`);
    expect(await sayFa("/timezone مریخ")).toBe(
      `منطقه‌ی زمانی «${FSI}مریخ${PDI}» را نمی‌شناسم. یک نام ${FSI}IANA${PDI} بفرستید، مانند ${FSI}Asia/Tehran${PDI}، ${FSI}Europe/London${PDI} یا ${FSI}America/New_York${PDI}.`,
    );
    expect(await sayFa("/timezone تهران")).toBe(
      `منطقه‌ی زمانی «${FSI}تهران${PDI}» را نمی‌شناسم. منظورتان ${FSI}/timezone Asia/Tehran${PDI} بود؟`,
    );
    expect(await sayFa("/quiet ۰۷:۰۰-۰۷:۰۰")).toBe(
      `بازه‌ای از ۰۷:۰۰ تا ۰۷:۰۰ طولی ندارد. دو ساعت متفاوت بدهید، مثلاً ${FSI}/quiet 23:00-07:00${PDI}.`,
    );
    expect(await sayFa(`/mute ${"ب".repeat(65)}`)).toMatch(
      /^«\u2068ب+…\u2069» بیش از اندازه بلند است: هر واژه‌ی مسدود حداکثر ۶۴ نویسه دارد\. چیزی مسدود نشد\.$/,
    );
    expect(await stack.bulletin.runtime.store.get(chatId(reza.id))).toEqual(persianBefore);
  });

  it("forged or stale buttons are answered politely and change nothing; a stranger's press stores nothing", async () => {
    stack = await start("settings-forged");
    const { telegram } = stack;
    const ann = telegram.addUser({ id: 3401, first_name: "Ann", language_code: "en" });
    const say = conversation(stack, ann);
    await say("/subscribe world");
    await say("/settings");
    const menu = telegram.messagesTo(ann.id).at(-1)!;
    const before = await stack.bulletin.runtime.store.get(chatId(ann.id));

    const stale = "This button is out of date; nothing was changed. Send /settings for a fresh menu.";
    for (const data of [
      "pr:d:0930",
      "pr:d:daily",
      "pr:q:0700-0700",
      "pr:l:de",
      "pr:z:Mars/Olympus",
      "pr:z:Europe/Paris",
      "pr:s:admin",
      `pr:${"x".repeat(61)}`,
    ]) {
      expect(await press(stack, ann, menu, data, false)).toBe(stale);
    }
    await sleep(200);
    expect(menu.edits).toBe(0);
    expect(await stack.bulletin.runtime.store.get(chatId(ann.id))).toEqual(before);
    expect(await say("/filters")).toBe(`${ENGLISH_DEFAULTS}\n\n${ENGLISH_FILTERS_HINT}`);

    // Someone who follows nothing has no settings to change: told how to start, nothing stored.
    const bob = telegram.addUser({ id: 3402, first_name: "Bob", language_code: "en" });
    const toBob = conversation(stack, bob);
    expect(await toBob("/settings")).toBe("Follow a category first (/categories): your settings are kept with what you follow.");
    expect(await toBob("/digest hourly")).toBe("Follow a category first (/categories): your settings are kept with what you follow.");
    const bobs = telegram.messagesTo(bob.id).at(-1)!;
    expect(await press(stack, bob, bobs, "pr:d:hourly", false)).toBe(
      "Follow a category first (/categories): your settings are kept with what you follow.",
    );
    expect(await stack.bulletin.runtime.store.get(chatId(bob.id))).toBeUndefined();
  });
});
