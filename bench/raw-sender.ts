// The benchmark's baseline: a bare loop of grammY sendMessage calls at a fixed concurrency, with
// no Redis, no budget and no bookkeeping, sending the same formatted article Bulletin sends.
// Args: apiRoot token firstChatId count concurrency articleJson.
import { Api } from "grammy";
import { formatArticle } from "../src/format/index.js";
import { messagesFor } from "../src/i18n/index.js";
import type { StoredArticle } from "../src/ingest/article.js";

const [apiRoot = "", token = "", first = "0", count = "0", concurrency = "1", articleJson = "{}"] = process.argv.slice(2);
const api = new Api(token, { apiRoot });
const message = formatArticle(JSON.parse(articleJson) as StoredArticle, messagesFor("en"));
if (message.kind !== "text") throw new Error("raw-sender: the benchmark article has no image");
let next = 0;
const total = Number(count);
async function lane(): Promise<void> {
  while (next < total) {
    const chat = Number(first) + next++;
    await api.sendMessage(chat, message.html, { parse_mode: "HTML", link_preview_options: { url: "https://news.example.com/ceiling" } });
  }
}
const cpuBefore = process.cpuUsage();
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
const cpu = process.cpuUsage(cpuBefore);
// The benchmark reads this process's CPU for the sends (ms, user + system).
process.stdout.write(`cpu_ms ${(cpu.user + cpu.system) / 1000}\n`);
