import { DEFAULT_REDIS_URL, loadConfig, type CliConfig } from "../config/env.js";
import { createLogger } from "../log.js";
import { withTimeout } from "../ops/health.js";
import { connectRedis } from "../redis.js";
import { EXIT, type CliIo, type ExitCode, type OperatorCli } from "./context.js";
import { PUBLISH_USAGE, runPublishCommand } from "./commands/publish.js";
import { QUEUES_USAGE, runQueuesCommand } from "./commands/queues.js";
import { SEND_TEST_USAGE, runSendTestCommand } from "./commands/send-test.js";
import { STATS_USAGE, runStatsCommand } from "./commands/stats.js";
import { SUBSCRIBERS_USAGE, runSubscribersCommand } from "./commands/subscribers.js";

/** The operators' commands of `npm run cli` (issue 6), each `(args, cli) => exit code`. */
export const OPERATOR_COMMANDS = {
  stats: runStatsCommand,
  publish: runPublishCommand,
  subscribers: runSubscribersCommand,
  queues: runQueuesCommand,
  "send-test": (args: readonly string[], cli: OperatorCli, env: NodeJS.ProcessEnv) => {
    // The one command that talks to Telegram: it needs the bot's token (a ConfigError without it).
    const config = loadConfig(env);
    return runSendTestCommand(args, cli, { token: config.botToken, apiRoot: config.telegramApiRoot });
  },
} as const satisfies Record<string, (args: readonly string[], cli: OperatorCli, env: NodeJS.ProcessEnv) => Promise<ExitCode>>;

export type OperatorCommand = keyof typeof OPERATOR_COMMANDS;

export const OPERATOR_USAGE = [STATS_USAGE, PUBLISH_USAGE, SUBSCRIBERS_USAGE, QUEUES_USAGE, SEND_TEST_USAGE].join("\n");

export function isOperatorCommand(command: string | undefined): command is OperatorCommand {
  return command !== undefined && Object.hasOwn(OPERATOR_COMMANDS, command);
}

const REDIS_TIMEOUT_MS = 5000;

/**
 * Runs one operator command against the configured Redis: connects (failing within 5 s with exit
 * code 1 when Redis does not answer), runs, disconnects. Logs go to stderr, warnings and worse
 * unless LOG_LEVEL asks for debug or trace.
 */
export async function runOperatorCommand(
  command: OperatorCommand,
  args: readonly string[],
  config: CliConfig,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExitCode> {
  const url = config.redisUrl ?? DEFAULT_REDIS_URL;
  const redis = connectRedis(url, { lazyConnect: true });
  redis.on("error", () => undefined);
  try {
    try {
      await withTimeout(
        redis.connect().then(() => redis.ping()),
        REDIS_TIMEOUT_MS,
      );
    } catch (error) {
      const where = url.replace(/\/\/[^@/]*@/, "//***@");
      io.stderr(`${command}: cannot reach Redis at ${where} (${error instanceof Error ? error.message : String(error)}); set REDIS_URL\n`);
      return EXIT.failed;
    }
    const level = ["debug", "trace"].includes(config.logLevel) ? config.logLevel : config.logLevel === "silent" ? "silent" : "warn";
    return await OPERATOR_COMMANDS[command](args, {
      io,
      redis,
      prefix: config.keyPrefix,
      categoriesFile: config.categoriesFile,
      feedInterval: config.feedInterval,
      logger: createLogger(level, process.stderr),
    }, env);
  } finally {
    redis.disconnect();
  }
}
