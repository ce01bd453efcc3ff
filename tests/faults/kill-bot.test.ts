import { afterEach, expect, it } from "vitest";
import { startEntry, type EntryProcess } from "./support/entry.js";
import { report, World } from "./support/world.js";

const READERS = 50;
const READY = ["is polling for updates"];
/** What each reader sends, a round at a time, and the one answer each command must get. */
const SCRIPT: readonly (readonly [command: string, answer: string])[] = [
  ["/subscribe world", "✅ You now follow: World."],
  ["/subscribe politics", "✅ You now follow: Politics."],
  ["/subscribe economy", "✅ You now follow: Economy."],
  ["/unsubscribe world", "You no longer follow: World."],
  ["/unsubscribe politics", "You no longer follow: Politics."],
  ["/mysubs", "You follow: Economy."],
];
let world: World | undefined;
const entries: EntryProcess[] = [];
afterEach(async () => {
  for (const e of entries) if (e.child.exitCode === null) e.child.kill("SIGKILL");
  await Promise.all(entries.map((e) => e.exited));
  entries.length = 0;
  await world?.close();
  world = undefined;
});

// The bot process (bots/bot.ts, as `npm run start:bot` runs it) SIGKILLed while 50 readers send
// commands, then started again. A command applied twice shows as a second answer ("You already
// follow"), a lost one as a missing answer; every reader must end up following what they asked for.
it("the bot killed while readers send commands: no command lost, none applied twice, at most the answer in flight repeated", async () => {
  world = await World.open({ name: "kill-bot", telegram: { latencyMs: 20 } });
  const users = Array.from({ length: READERS }, (_, i) => world!.telegram.addUser({ id: 50_000_000 + i, first_name: `Reader ${i}` }));
  entries.push(await startEntry("bots/bot.ts", world.env, READY));
  const started = Date.now();
  const answers = () => users.reduce((n, u) => n + world!.telegram.messagesTo(u.id).length, 0);

  let killedAt = 0;
  for (const [round, [command]] of SCRIPT.entries()) {
    for (const user of users) world.telegram.userSends(user, command);
    if (round === 2) {
      // Mid round: some of its commands answered, the rest fetched or waiting.
      await world.telegram.waitFor(() => answers() >= READERS * 2 + READERS / 3, { timeoutMs: 30_000, intervalMs: 5 });
      entries[0]!.child.kill("SIGKILL");
      await entries[0]!.exited;
      killedAt = answers();
      entries.push(await startEntry("bots/bot.ts", world.env, READY));
    }
    // Telegram's pace for a private chat: one answer a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  const last = SCRIPT[SCRIPT.length - 1]![1];
  const answered = () => users.every((u) => world!.telegram.messagesTo(u.id).some((m) => m.text === last));
  await world.telegram.waitFor(answered, { timeoutMs: 60_000, message: "an answer to every reader's last command" });
  const elapsed = (Date.now() - started) / 1000;

  const expected = SCRIPT.map(([, answer]) => answer);
  let duplicates = 0;
  let lost = 0;
  const wrong: string[] = [];
  for (const user of users) {
    const got = world.telegram.messagesTo(user.id).map((m) => m.text ?? "");
    duplicates += Math.max(0, got.length - expected.length);
    lost += expected.filter((answer) => !got.includes(answer)).length;
    if (JSON.stringify(withoutOneRepeat(got)) !== JSON.stringify(expected)) wrong.push(`${user.id}: ${JSON.stringify(got)}`);
    expect(got.at(-1)).toBe(last);
  }
  report({
    scenario: "5. bot SIGKILLed mid commands",
    readers: READERS,
    delivered: answers() - duplicates,
    duplicates,
    lost,
    seconds: elapsed,
    note: `${READERS * SCRIPT.length} commands; killed after ${killedAt} answers`,
  });
  // Updates fetched but unfinished at the kill come back from the journal (bot/updates.ts) and are
  // answered as asked. Only an update whose answer had left but whose mark had not (Telegram's
  // answer and one Redis round trip) can be answered twice: at most one per chat (a chat's updates
  // are handled one at a time), as many chats as were answered in those milliseconds — with replies
  // never held by the budget (issue 17), a burst of them. Nothing else may differ.
  expect(wrong, wrong.join("\n")).toEqual([]);
  expect(duplicates).toBeLessThanOrEqual(READERS);
});

/** `answers` with one answer that came twice in a row taken out (the update in flight at the kill). */
function withoutOneRepeat(answers: readonly string[]): readonly string[] {
  const repeat = answers.findIndex((answer, i) => i > 0 && answer === answers[i - 1]);
  return repeat === -1 ? answers : [...answers.slice(0, repeat), ...answers.slice(repeat + 1)];
}
