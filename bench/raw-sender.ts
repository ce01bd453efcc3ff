// The benchmark's baseline: a bare loop of grammY sendMessage calls at a fixed concurrency, with
// no Redis, no budget and no bookkeeping, sending the same message Bulletin sends a reader: the
// formatted article with its link preview and the "Share…" button (SHARE_BUTTONS is on by default).
// Args: apiRoot token firstChatId count concurrency articleJson [transport]: "grammy" (grammY's
// default fetch, the baseline) or "bulletin" (the transport delivery uses, src/telegram/transport.ts).
import { Api } from "grammy";
import { SEND_TIMEOUT_MS } from "../src/delivery/lease.js";
import { formatArticle } from "../src/format/index.js";
import { messagesFor } from "../src/i18n/index.js";
import type { StoredArticle } from "../src/ingest/article.js";
import { shareKeyboard } from "../src/sharing/share.js";
import { deliveryApiOptions } from "../src/telegram/transport.js";

const [apiRoot = "", token = "", first = "0", count = "0", concurrency = "1", articleJson = "{}", transport = "grammy"] =
  process.argv.slice(2);
const api = new Api(token, transport === "bulletin" ? deliveryApiOptions(apiRoot, SEND_TIMEOUT_MS / 1000) : { apiRoot });
const messages = messagesFor("en");
const message = formatArticle(JSON.parse(articleJson) as StoredArticle, messages);
if (message.kind !== "text") throw new Error("raw-sender: the benchmark article has no image");
let next = 0;
const total = Number(count);
async function lane(): Promise<void> {
  while (next < total) {
    const chat = Number(first) + next++;
    await api.sendMessage(chat, message.html, {
      parse_mode: "HTML",
      reply_markup: shareKeyboard(messages),
      link_preview_options: { url: "https://news.example.com/ceiling" },
    });
  }
}
const cpuBefore = process.cpuUsage();
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
const cpu = process.cpuUsage(cpuBefore);
// The benchmark reads this process's CPU for the sends (ms, user + system).
process.stdout.write(`cpu_ms ${(cpu.user + cpu.system) / 1000}\n`);
// undici keeps its connections open: the loop is done.
process.exit(0);
