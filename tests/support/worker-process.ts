// A Bulletin process for tests that kill or restart processes: roles from ROLES, tuning from
// TEST_TUNING (JSON). Prints "ready" on stdout once its roles run.
import { startBulletin } from "../../src/app/app.js";
import type { Tuning } from "../../src/app/roles/index.js";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log.js";

const config = loadConfig(process.env);
const tuning = JSON.parse(process.env.TEST_TUNING ?? "{}") as Tuning;
const bulletin = await startBulletin(config, createLogger(config.logLevel, process.stderr), { tuning });
process.stdout.write(`ready ${bulletin.httpUrl ?? ""}\n`);
if (process.env.REPORT_RSS) {
  // Benchmarks read this process's memory from its output.
  setInterval(() => process.stdout.write(`rss ${process.memoryUsage().rss}\n`), 500).unref();
}
process.once("SIGTERM", () => {
  void bulletin.stop().then(() => process.exit(0));
});
