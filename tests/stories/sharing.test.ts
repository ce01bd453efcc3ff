/**
 * Sharing (issue 15): readers pass articles on with inline mode (`@bot words` in any chat) and with
 * the share button under the articles they receive.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SentMessage } from "@bulletin/fake-bot-api";
import type { InlineKeyboardButton, InlineQueryResultArticle, User } from "grammy/types";
import { startBulletin } from "../../src/app/app.js";
import { createLogger } from "../../src/log.js";
import { article, FAST_TUNING, startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const GROUP = -5001;
const CHANNEL = -1001234500001;

async function sharingStack(name: string, env: Record<string, string> = {}, inlineMode = true): Promise<Stack> {
  stack = await startStack({ name, telegram: { inlineMode }, env });
  return stack;
}

/** The user sends `text` to the bot and gets its answer. */
async function say(s: Stack, user: User, text: string): Promise<SentMessage> {
  const before = s.telegram.messagesTo(user.id).length;
  s.telegram.userSends(user, text);
  const messages = await s.telegram.waitForMessages(user.id, before + 1);
  return messages[before]!;
}

/** What the user sees when typing `@bot query`. */
async function inline(s: Stack, user: User, query: string, offset = "") {
  const { queryId } = s.telegram.userTypesInline(user, query, { offset });
  const answer = await s.telegram.waitForInlineAnswer(queryId);
  return { queryId, answer, results: answer.results as InlineQueryResultArticle[] };
}

const buttonsOf = (message: SentMessage | undefined): InlineKeyboardButton[] => message?.reply_markup?.inline_keyboard.flat() ?? [];

describe("inline mode", () => {
  it("finds a Persian title typed with the Arabic yeh and posts the pick in another chat, formatted like a delivered article", async () => {
    const s = await sharingStack("inline-fa");
    const maryam = s.telegram.addUser({ id: 5101, first_name: "Maryam", language_code: "fa" });
    const reza = s.telegram.addUser({ id: 5102, first_name: "Reza", language_code: "fa" });
    await say(s, reza, "/start world");

    const older = article(["world"], { title: "دیدار وزیران در ایران", summary: "گزارش نخست." });
    const newest = article(["world"], {
      title: "سفر رئیس‌جمهور به ایران",
      summary: "رئیس‌جمهور امروز وارد تهران شد.",
      imageUrl: "https://news.example.com/img/1.jpg",
    });
    const other = article(["politics"], { title: "Elections in Europe", summary: "Turnout was high." });
    // One at a time, so that Reza gets each as a delivered article (not one digest).
    expect((await s.publish(older)).status).toBe(202);
    const delivered = await s.telegram.waitForMessages(reza.id, 2);
    for (const a of [newest, other]) expect((await s.publish(a)).status).toBe(202);

    // Typed with Arabic letters (ي) and a zero-width non-joiner the title does not have in that place.
    const { queryId, answer, results } = await inline(s, maryam, "ايران");
    expect(results.map((r) => r.title)).toEqual(["سفر رئیس‌جمهور به ایران", "دیدار وزیران در ایران"]);
    expect(results[0]).toMatchObject({
      description: "رئیس‌جمهور امروز وارد تهران شد.",
      thumbnail_url: "https://news.example.com/img/1.jpg",
      url: newest.url,
    });
    expect(answer.is_personal).toBe(false);
    expect(answer.cache_time).toBeLessThanOrEqual(60);
    expect((await inline(s, maryam, "رئيس‌جمهور تهران")).results.map((r) => r.title)).toEqual(["سفر رئیس‌جمهور به ایران"]);

    s.telegram.addChat({ id: GROUP, type: "group", title: "Family" });
    s.telegram.setMember(GROUP, maryam, "member");
    s.telegram.userPicksInlineResult(maryam, queryId, results[1]!.id, GROUP);
    const [posted] = s.telegram.messagesTo(GROUP);
    const deliveredOlder = delivered.find((m) => m.text?.startsWith("دیدار وزیران"))!;
    expect(posted!.sender?.id).toBe(maryam.id);
    expect(posted!.text).toBe(deliveredOlder.text);
    expect(posted!.entities).toEqual(deliveredOlder.entities);
    expect(posted!.text).toContain("ادامه‌ی خبر");
    expect(posted!.text).toContain("#جهان");
  });

  it("lists the newest articles of the reader's categories for an empty query", async () => {
    const s = await sharingStack("inline-empty");
    const sara = s.telegram.addUser({ id: 5201, first_name: "Sara", language_code: "en" });
    await say(s, sara, "/start politics");
    for (const a of [
      article(["politics"], { title: "Budget vote" }),
      article(["world"], { title: "Storm at sea" }),
      article(["politics"], { title: "New cabinet" }),
    ]) {
      expect((await s.publish(a)).status).toBe(202);
    }
    const { answer, results } = await inline(s, sara, "");
    expect(results.map((r) => r.title)).toEqual(["New cabinet", "Budget vote"]);
    expect(answer.is_personal).toBe(true);
    expect((results[0]!.input_message_content as { message_text: string }).message_text).toContain('">Read more</a>');
  });

  it("pages through more than Telegram's 50 results with next_offset", async () => {
    const s = await sharingStack("inline-pages");
    const ali = s.telegram.addUser({ id: 5251, first_name: "Ali" });
    for (let n = 1; n <= 55; n++) expect((await s.publish(article(["economy"], { title: `Market report ${n}` }))).status).toBe(202);
    const first = await inline(s, ali, "market REPORT");
    expect(first.results).toHaveLength(50);
    expect(first.results[0]!.title).toBe("Market report 55");
    expect(first.answer.next_offset).not.toBe("");
    const second = await inline(s, ali, "market report", first.answer.next_offset);
    expect(second.results.map((r) => r.title)).toEqual([
      "Market report 5",
      "Market report 4",
      "Market report 3",
      "Market report 2",
      "Market report 1",
    ]);
    expect(second.answer.next_offset).toBe("");
  });

  it("answers hostile, emoji-only and 256-character queries with results or none, never an error", async () => {
    const s = await sharingStack("inline-hostile");
    const ali = s.telegram.addUser({ id: 5301, first_name: "Ali" });
    expect((await s.publish(article(["world"], { title: 'Oil <b>prices</b> & 100% "rise"' }))).status).toBe(202);
    const queries = [
      "🙂🔥🙂",
      "<script>alert(1)</script>",
      "' OR 1=1 --",
      "%d+ .* [a-z] (%w) \\ $",
      "a".repeat(256),
      "ي".repeat(400),
      "\u202E\u0000\u200C\u200D",
      "word ".repeat(60),
      "{inline}:*",
      "oil 100",
    ];
    for (const query of queries) {
      const { results } = await inline(s, ali, query);
      expect(Array.isArray(results), query).toBe(true);
    }
    expect((await inline(s, ali, "prices")).results.map((r) => r.title)).toEqual(['Oil <b>prices</b> & 100% "rise"']);
    expect((await inline(s, ali, "oil 100")).results).toHaveLength(1);
    expect((await inline(s, ali, "🙂🔥🙂")).results).toEqual([]);
    expect(s.telegram.calls("answerInlineQuery").every((c) => c.status === 200)).toBe(true);
    expect(s.telegram.internalErrors).toEqual([]);
  });
});

describe("an upgrade to a version with inline search", () => {
  it("indexes the window's articles accepted before the index existed, once, in the background", async () => {
    // The previous version: ingest and delivery, no index (its keys are gone, as if never written).
    const s = await startStack({ name: "inline-upgrade", telegram: { inlineMode: true }, roles: ["http", "workers"] });
    stack = s;
    const { redis, keys } = s.bulletin.runtime;
    const harbour = article(["world"], { title: "Harbour reopens after the storm" });
    const budget = article(["economy"], { title: "Budget vote delayed, harbour funds cut" });
    for (const a of [harbour, budget]) expect((await s.publish(a)).status).toBe(202);
    const indexed = await redis.keys(keys.inline.pattern);
    await redis.del(...indexed);

    // The new version's bot starts and answers at once; the earlier articles become searchable.
    const bot = await startBulletin(s.bulletin.runtime.config, createLogger("silent"), { roles: ["bot"], tuning: FAST_TUNING });
    try {
      const maryam = s.telegram.addUser({ id: 5301, first_name: "Maryam" });
      await expect
        .poll(async () => (await inline(s, maryam, "harbour")).results.map((r) => r.title), { timeout: 10_000 })
        .toEqual([budget.title, harbour.title]);
      expect(await redis.get(keys.inline.backfill)).toBe("done");
      // Articles accepted from then on are indexed as they arrive.
      const added = await bot.runtime.ingestor.ingest(article(["world"], { title: "Harbour traffic back to normal" }), "http");
      expect(added.status).toBe("accepted");
      expect((await inline(s, maryam, "harbour")).results).toHaveLength(3);
    } finally {
      await bot.stop();
    }
  });
});

describe("the share button", () => {
  it("is under each article delivered to a private chat, opens the networks, and is never in a channel", async () => {
    const s = await sharingStack("share-button");
    const hamid = s.telegram.addUser({ id: 5401, first_name: "Hamid", language_code: "en" });
    s.telegram.addChat({ id: CHANNEL, type: "channel", title: "Regional News", username: "regional_news" });
    s.telegram.setMember(CHANNEL, hamid.id, "creator");
    await say(s, hamid, "/start world");
    expect((await say(s, hamid, "/link @regional_news world")).text).toContain("now receives: World");

    const news = article(["world"], { title: "Summit opens in Tehran" });
    expect((await s.publish(news)).status).toBe(202);
    const messages = await s.telegram.waitForMessages(hamid.id, 3);
    const delivered = messages[2]!;
    expect(buttonsOf(delivered)).toEqual([{ text: "↗️ Share…", callback_data: "share" }]);
    const [post] = await s.telegram.waitForMessages(CHANNEL, 1);
    expect(post!.reply_markup).toBeUndefined();

    s.telegram.userPresses(hamid, delivered, "share");
    await s.telegram.waitFor(() => s.telegram.messagesTo(hamid.id)[2]!.edits === 1, { message: "the share choices" });
    const url = encodeURIComponent(news.url as string);
    expect(buttonsOf(s.telegram.messagesTo(hamid.id)[2])).toEqual([
      {
        text: "Telegram",
        switch_inline_query_chosen_chat: {
          query: "Summit opens in Tehran",
          allow_user_chats: true,
          allow_group_chats: true,
          allow_channel_chats: true,
        },
      },
      { text: "X", url: `https://x.com/intent/post?url=${url}&text=Summit%20opens%20in%20Tehran` },
      { text: "Facebook", url: `https://www.facebook.com/sharer/sharer.php?u=${url}` },
    ]);
    // The Telegram choice types the title in inline mode: the article itself is what comes up.
    expect((await inline(s, hamid, "Summit opens in Tehran")).results.map((r) => r.url)).toEqual([news.url]);
  });

  it("links to t.me/share/url when inline mode is off, with the networks SHARE_NETWORKS names, in the reader's language", async () => {
    const s = await sharingStack("share-networks", { SHARE_NETWORKS: "facebook,telegram" }, false);
    const neda = s.telegram.addUser({ id: 5501, first_name: "Neda", language_code: "fa" });
    await say(s, neda, "/start world");
    const news = article(["world"], { title: "خبر تازه" });
    expect((await s.publish(news)).status).toBe(202);
    const delivered = (await s.telegram.waitForMessages(neda.id, 2))[1]!;
    expect(buttonsOf(delivered).map((b) => b.text)).toEqual(["↗️ هم‌رسانی…"]);
    s.telegram.userPresses(neda, delivered, "share");
    await s.telegram.waitFor(() => s.telegram.messagesTo(neda.id)[1]!.edits === 1, { message: "the share choices" });
    const url = encodeURIComponent(news.url as string);
    expect(buttonsOf(s.telegram.messagesTo(neda.id)[1])).toEqual([
      { text: "فیس‌بوک", url: `https://www.facebook.com/sharer/sharer.php?u=${url}` },
      { text: "تلگرام", url: `https://t.me/share/url?url=${url}&text=${encodeURIComponent("خبر تازه")}` },
    ]);
  });

  it("is gone with SHARE_BUTTONS=false", async () => {
    const s = await sharingStack("share-off", { SHARE_BUTTONS: "false" });
    const omid = s.telegram.addUser({ id: 5601, first_name: "Omid" });
    await say(s, omid, "/start world");
    expect((await s.publish(article(["world"]))).status).toBe(202);
    const delivered = (await s.telegram.waitForMessages(omid.id, 2))[1]!;
    expect(delivered.text).toContain("Read more");
    expect(delivered.reply_markup).toBeUndefined();
  });
});
