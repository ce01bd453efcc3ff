import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { chatId } from "../../src/ids.js";
import type { PrefsChange } from "../../src/preferences/service.js";
import { startBulletin } from "../../src/app/app.js";
import { createLogger } from "../../src/log.js";
import { minuteOfDay } from "../../src/preferences/schedule.js";
import { SandboxClock } from "../../src/sandbox/clock.js";
import { epochMinute } from "../../src/time.js";
import { readerRecord } from "../support/records.js";
import { FAST_TUNING, article, startStack, type Stack } from "../support/stack.js";

/**
 * Readers who receive the news their own way: a daily digest, quiet hours, muted words, chosen
 * languages. Their preferences are set through PreferencesService (the bot's menus are another
 * story); time is a clock the story moves, in Tehran (DEFAULT_TIMEZONE's default).
 */

const TEHRAN = "Asia/Tehran";
const at = (hh: number, mm = 0) => hh * 60 + mm;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function start(name: string): Promise<{ stack: Stack; clock: SandboxClock }> {
  const clock = new SandboxClock();
  stack = await startStack({ name, tuning: { ...FAST_TUNING, clock, dueScanMs: 100 } });
  return { stack, clock };
}

/** A reader who sent `/start world` and got the welcome, with `prefs`. */
async function reader(s: Stack, id: number, name: string, prefs?: PrefsChange): Promise<User> {
  const user = s.telegram.addUser({ id, first_name: name });
  s.telegram.userSends(user, "/start world");
  await s.telegram.waitForMessages(id, 1, 10_000);
  if (prefs) await s.bulletin.runtime.preferences.update(chatId(id), prefs);
  return user;
}

/** What the bot sent `user` after the welcome. */
const received = (s: Stack, user: User) =>
  s.telegram
    .messagesTo(user.id)
    .slice(1)
    .map((m) => m.text ?? m.caption ?? "");

const saw = (s: Stack, user: User, title: string) => received(s, user).some((text) => text.includes(title));

async function waitToSee(s: Stack, user: User, titles: readonly string[]): Promise<void> {
  await s.telegram.waitFor(() => titles.every((title) => saw(s, user, title)), {
    timeoutMs: 10_000,
    message: `${user.first_name} to see ${titles.join(", ")}`,
  });
}

describe("a reader with a daily digest", () => {
  it("gets nothing as articles come, then one digest at their time holding every article since the last", async () => {
    const { stack: s, clock } = await start("daily");
    clock.skipTo(TEHRAN, at(9));
    const dana = await reader(s, 3101, "Dana", { digest: { kind: "daily", at: at(8) } });
    const ian = await reader(s, 3102, "Ian");

    const titles = ["Summit opens", "Markets calm", "Rain in the north"];
    for (const title of titles) await s.publish(article(["world"], { title }));
    await waitToSee(s, ian, titles);
    await sleep(400);
    expect(received(s, dana)).toEqual([]);

    clock.skipTo(TEHRAN, at(8));
    await s.telegram.waitForMessages(dana.id, 2, 10_000);
    await sleep(400);
    const [digest, ...rest] = received(s, dana);
    expect(rest).toEqual([]);
    expect(digest).toBe(["📰 3 new articles", "", "World", "• Rain in the north", "• Markets calm", "• Summit opens"].join("\n"));
    const links = s.telegram.messagesTo(dana.id)[1]!.entities.filter((e) => e.type === "text_link");
    expect(links).toHaveLength(3);
    const record = await s.bulletin.runtime.store.get(chatId(dana.id));
    expect(record?.prefs?.nextDue).toBe(epochMinute(clock.now()) + 24 * 60);

    // The next day's digest holds only what came since.
    await s.publish(article(["world"], { title: "Harvest begins" }));
    await waitToSee(s, ian, ["Harvest begins"]);
    await sleep(300);
    expect(received(s, dana)).toHaveLength(1);
    clock.skipTo(TEHRAN, at(8));
    await s.telegram.waitForMessages(dana.id, 3, 10_000);
    expect(received(s, dana)[1]).toBe(["📰 1 new article", "", "World", "• Harvest begins"].join("\n"));
  });
});

describe("a digest longer than one message", () => {
  it("comes as a second message only because the first is full, and together they hold every article once", async () => {
    const { stack: s, clock } = await start("long-digest");
    clock.skipTo(TEHRAN, at(9));
    const dana = await reader(s, 3151, "Dana", { digest: { kind: "daily", at: at(8) } });
    const titles = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, "0")} ${"a long headline of the day ".repeat(5)}`.trim());
    for (const title of titles) await s.publish(article(["world"], { title }));

    clock.skipTo(TEHRAN, at(8));
    await s.telegram.waitForMessages(dana.id, 3, 10_000);
    await sleep(1000);
    const digests = received(s, dana);
    expect(digests).toHaveLength(2);
    expect(digests[0]!.length + digests[1]!.length).toBeGreaterThan(4096);
    for (const text of digests) expect(text.length).toBeLessThanOrEqual(4096);
    const lines = digests.flatMap((text) => text.split("\n").filter((line) => line.startsWith("• ")));
    expect(lines.map((line) => line.slice(2)).sort()).toEqual([...titles].sort());
    const record = await s.bulletin.runtime.store.get(chatId(dana.id));
    expect(record?.prefs?.nextDue).toBe(epochMinute(clock.now()) + 24 * 60);
  });
});

describe("many readers due at the same minute", () => {
  it("each get exactly one digest, with two delivery processes looking for due readers side by side", async () => {
    const { stack: s, clock } = await start("due-minute");
    const tuning = { ...FAST_TUNING, clock, dueScanMs: 100 };
    const second = await startBulletin(s.bulletin.runtime.config, createLogger("silent"), { roles: ["workers"], tuning });
    try {
      const titles = ["Budget passed", "Bridge reopens", "Storm warning"];
      for (const title of titles) await s.publish(article(["world"], { title }));
      // 300 readers whose daily digest is due this minute, their cursors before the three articles.
      const now = epochMinute(clock.now());
      const prefs = { digest: { kind: "daily" as const, at: minuteOfDay(TEHRAN, now) }, muted: [], nextDue: now };
      const ids = Array.from({ length: 300 }, (_, i) => chatId(3_500_000 + i));
      await s.bulletin.runtime.store.importChats(ids.map((id) => ({ id, record: readerRecord({ prefs }) })));
      await s.telegram.waitFor(() => ids.every((id) => s.telegram.messagesTo(id).length > 0), {
        timeoutMs: 30_000,
        message: "every due reader's digest",
      });
      await sleep(500);
      for (const id of ids) {
        expect(s.telegram.messagesTo(id).map((m) => m.text)).toEqual([
          ["📰 3 new articles", "", "World", "• Storm warning", "• Bridge reopens", "• Budget passed"].join("\n"),
        ]);
      }
    } finally {
      await second.stop();
    }
  });
});

describe("quiet hours", () => {
  it("hold messages and release what came meanwhile as one digest when they end", async () => {
    const { stack: s, clock } = await start("quiet");
    clock.skipTo(TEHRAN, at(21));
    const quinn = await reader(s, 3201, "Quinn", { quiet: { from: at(22), to: at(7) } });
    const ian = await reader(s, 3202, "Ian");

    await s.publish(article(["world"], { title: "Evening news" }));
    await waitToSee(s, quinn, ["Evening news"]);

    clock.skipTo(TEHRAN, at(23, 30));
    await s.publish(article(["world"], { title: "Late vote" }));
    await waitToSee(s, ian, ["Late vote"]);
    await s.publish(article(["world"], { title: "Night storm" }));
    await waitToSee(s, ian, ["Night storm"]);
    await sleep(400);
    expect(received(s, quinn)).toHaveLength(1);

    clock.skipTo(TEHRAN, at(7));
    await s.telegram.waitForMessages(quinn.id, 3, 10_000);
    await sleep(400);
    expect(received(s, quinn).slice(1)).toEqual([["📰 2 new articles", "", "World", "• Night storm", "• Late vote"].join("\n")]);
    // Quiet hours over: the next article comes at once again.
    await s.publish(article(["world"], { title: "Morning brief" }));
    await waitToSee(s, quinn, ["Morning brief"]);
  });
});

describe("muted words", () => {
  it("a word typed with the Persian ی blocks a title spelled with the Arabic ي, for that reader only", async () => {
    const { stack: s } = await start("muted");
    const mina = await reader(s, 3301, "Mina", { muted: ["بازی"] });
    const omid = await reader(s, 3302, "Omid");

    await s.publish(article(["world"], { title: "بازي فوتبال امشب", language: "fa" }));
    await s.publish(article(["world"], { title: "بازیگر جوان جایزه گرفت", language: "fa" }));
    await waitToSee(s, omid, ["بازي فوتبال امشب", "بازیگر جوان جایزه گرفت"]);
    await waitToSee(s, mina, ["بازیگر جوان جایزه گرفت"]);
    await sleep(400);
    expect(saw(s, mina, "فوتبال")).toBe(false);
    // The muted article is passed over, not left pending: the cursor is past both.
    const record = await s.bulletin.runtime.store.get(chatId(mina.id));
    expect(record?.cursor).toBe(2);
  });
});

describe("chosen languages", () => {
  it("a reader who chose only Persian articles does not get English ones", async () => {
    const { stack: s } = await start("languages");
    const farah = await reader(s, 3401, "Farah", { languages: ["fa"] });
    const eli = await reader(s, 3402, "Eli");

    await s.publish(article(["world"], { title: "Summit opens in Geneva", language: "en" }));
    await s.publish(article(["world"], { title: "نشست سران آغاز شد", language: "fa" }));
    await waitToSee(s, eli, ["Summit opens in Geneva", "نشست سران آغاز شد"]);
    await waitToSee(s, farah, ["نشست سران آغاز شد"]);
    await sleep(400);
    expect(saw(s, farah, "Geneva")).toBe(false);
  });
});
