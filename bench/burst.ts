/**
 * The `burst` step of `npm run bench`: 2,000 new readers tap the site's `?start=world` link within
 * one second, Telegram 60 ms away and holding each chat to one message a second. Measured in long
 * polling (grammY's runner) and in webhook mode, Bulletin's bot in a child process as
 * `ROLES=bot` (`bot,http` for the webhook) would run it: every reader must get the real answer
 * ("✅ You now follow: World.") and be subscribed.
 */
import { createServer, type AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { User } from "grammy/types";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { categorySlug, chatId } from "../src/ids.js";
import type { Redis } from "../src/redis.js";
import { ChatStore } from "../src/store/chats.js";
import { spawnBulletin } from "../tests/support/processes.js";
import { dropPrefix, uniquePrefix } from "../tests/support/stack.js";

const READERS = 2000;
const TAP_WINDOW_MS = 1000;
const WELCOME = "✅ You now follow: World.";
const SECRET = "bench-webhook-secret-0123456789";

export interface BurstContext {
  readonly redis: Redis;
  readonly redisUrl: string;
  readonly categoriesFile: string;
  readonly log: (text: string) => void;
  readonly percentile: (values: readonly number[], p: number) => number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One burst in one mode; answers its figures under `burst_<mode>_…`. */
async function burstIn(mode: "polling" | "webhook", context: BurstContext): Promise<Record<string, number>> {
  // No bot-wide limit: these are answers to readers who wrote, one per chat; Telegram's per-chat second holds.
  const telegram = await FakeTelegram.start({ latencyMs: 60, limits: { perSecond: null, privateChat: true } });
  const prefix = uniquePrefix(`bench-burst-${mode}`);
  const port = mode === "webhook" ? await freePort() : 0;
  const webhook: Record<string, string> =
    mode === "webhook" ? { WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/updates`, WEBHOOK_SECRET: SECRET, ROLES: "bot,http" } : {};
  const bulletin = await spawnBulletin({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    REDIS_URL: context.redisUrl,
    KEY_PREFIX: prefix,
    CATEGORIES_FILE: context.categoriesFile,
    ROLES: "bot",
    HTTP_PORT: String(port),
    LOG_LEVEL: "warn",
    ...webhook,
  });
  try {
    const readers: User[] = [];
    for (let i = 0; i < READERS; i++) readers.push(telegram.addUser({ id: 7_000_000 + i, first_name: `Reader ${i}`, language_code: "en" }));
    const tappedAt = new Map<number, number>();
    const began = Date.now();
    // The taps spread evenly over one second, in slices of 10 ms.
    for (let sent = 0; sent < READERS;) {
      const due = Math.min(READERS, Math.ceil(((Date.now() - began) / TAP_WINDOW_MS) * READERS) + 1);
      for (; sent < due; sent++) {
        const reader = readers[sent]!;
        tappedAt.set(reader.id, Date.now());
        telegram.userSends(reader, "/start world");
      }
      await sleep(10);
    }
    const deadline = Date.now() + 180_000;
    const answered = () => readers.filter((r) => telegram.messagesTo(r.id).length > 0).length;
    while (answered() < READERS && Date.now() < deadline) await sleep(100);
    const waits: number[] = [];
    let welcomed = 0;
    let last = began;
    for (const reader of readers) {
      const [first] = telegram.messagesTo(reader.id);
      if (!first) continue;
      waits.push((first.sentAt - tappedAt.get(reader.id)!) / 1000);
      last = Math.max(last, first.sentAt);
      if (first.text === WELCOME) welcomed++;
    }
    const store = new ChatStore(context.redis, prefix);
    let subscribed = 0;
    for (const reader of readers) {
      const record = await store.get(chatId(reader.id));
      if (record?.subscriptions.some((s) => s.slug === categorySlug("world"))) subscribed++;
    }
    return {
      [`burst_${mode}_answered`]: waits.length,
      [`burst_${mode}_welcomed`]: welcomed,
      [`burst_${mode}_subscribed`]: subscribed,
      [`burst_${mode}_updates_per_s`]: waits.length / ((last - began) / 1000),
      [`burst_${mode}_p95_s`]: context.percentile(waits, 95),
      [`burst_${mode}_max_s`]: waits.reduce((a, b) => Math.max(a, b), 0),
      [`burst_${mode}_429`]: telegram.rejected429,
    };
  } finally {
    await bulletin.stop();
    await telegram.close();
    await dropPrefix(prefix, context.redisUrl);
  }
}

export async function burst(context: BurstContext): Promise<Record<string, number>> {
  context.log(`burst: ${READERS} readers tap ?start=world within 1 s, 60 ms latency, 1/s per chat enforced; polling, then webhook`);
  return { ...(await burstIn("polling", context)), ...(await burstIn("webhook", context)) };
}

/** The burst's rows of the bench table: [key, label, verdict, target]. */
export const BURST_TARGETS: [key: string, label: string, ok: (v: number) => boolean | undefined, target: string][] = (
  ["polling", "webhook"] as const
).flatMap((mode) => [
  [`burst_${mode}_answered`, `10. burst (${mode}): readers answered`, (v: number) => v === READERS, `${READERS}`],
  [`burst_${mode}_welcomed`, `10. burst (${mode}): with the real welcome`, (v: number) => v === READERS, `${READERS}`],
  [`burst_${mode}_subscribed`, `10. burst (${mode}): subscribed`, (v: number) => v === READERS, `${READERS}`],
  [`burst_${mode}_updates_per_s`, `10. burst (${mode}): updates answered/s`, (v: number) => v >= 300, "≥ 300"],
  [`burst_${mode}_p95_s`, `10. burst (${mode}): reply time p95 (s)`, (v: number) => v <= 7, "≤ 7"],
  [`burst_${mode}_max_s`, `10. burst (${mode}): reply time max (s)`, () => undefined, ""],
  [`burst_${mode}_429`, `10. burst (${mode}): 429s`, (v: number) => v === 0, "0"],
]);
