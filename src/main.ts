import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { GrammyError, HttpError } from "grammy";
import { startBulletin } from "./app/app.js";
import type { Role } from "./config/common.js";
import { loadConfig } from "./config/env.js";
import { ConfigError } from "./config/errors.js";
import { createLogger, createReadableLogger } from "./log.js";
import { networkErrorCode } from "./telegram/errors.js";
import { SandboxClock } from "./sandbox/clock.js";
import { sandboxEnv, sandboxRequested } from "./sandbox/mode.js";
import { startSandboxTelegram, type SandboxTelegram } from "./sandbox/start.js";
import { startSandboxBale } from "./sandbox/bale.js";

/**
 * Runs Bulletin's roles in this process: those in ROLES, or `only` when an entry point in bots/ or
 * workers/ asks for one. Configuration problems print one line each and exit with code 2.
 */
export async function main(only?: readonly Role[]): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  // `npm start` with no BOT_TOKEN (or SANDBOX=true): every role on a built-in Bot API, and the Bale bot on a built-in Bale.
  let sandbox: SandboxTelegram | undefined;
  let bale: SandboxTelegram | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  if (only === undefined && sandboxRequested(process.env)) {
    sandbox = await startSandboxTelegram();
    bale = await startSandboxBale();
    env = sandboxEnv(process.env, sandbox, bale);
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    return exitWithProblems(error);
  }
  // A sandbox is watched in a terminal; a deployment's lines go to a log collector.
  const logger = sandbox ? createReadableLogger(config.logLevel) : createLogger(config.logLevel);
  let bulletin;
  try {
    bulletin = await startBulletin(config, logger, {
      roles: only ?? config.roles,
      // The sandbox's clock jumps from the page: a digest it makes due shows within a second, not the 15 s of a deployment's look.
      ...(sandbox
        ? { sandbox: { telegram: sandbox.telegram, bale: bale?.telegram, clock: new SandboxClock() }, tuning: { dueScanMs: 1000 } }
        : {}),
    });
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      return exitWithProblems(new ConfigError([`BOT_TOKEN: Telegram refused the token (${error.description}); check it with @BotFather`]));
    }
    if (error instanceof HttpError) {
      return exitWithProblems(new ConfigError([`TELEGRAM_API_ROOT: cannot reach ${config.telegramApiRoot} (${networkErrorCode(error)})`]));
    }
    return exitWithProblems(error);
  }
  if (sandbox && bulletin.httpUrl) {
    logger.info({ url: `${bulletin.httpUrl}/sandbox` }, "sandbox: no BOT_TOKEN, so Bulletin runs on a Telegram and a Bale of its own");
    process.stderr.write(`\nBulletin sandbox: nothing leaves this machine. Open ${bulletin.httpUrl}/sandbox\n\n`);
  }
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down: no new work, finishing sends in flight");
    bulletin
      .stop()
      .then(() => sandbox?.telegram.close())
      .then(() => bale?.telegram.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

function exitWithProblems(error: unknown): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`bulletin: ${problem}\n`);
    process.exit(2);
  }
  throw error;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
