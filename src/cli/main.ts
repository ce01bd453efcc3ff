// `npm run cli -- <command>` and the `bulletin` bin: the operators' commands, one file per group in
// commands/. Exit codes: 0 done, 1 failed, 2 bad usage or config, 3 done in part (an import skipped
// malformed rows).
import { existsSync } from "node:fs";
import { DEFAULT_REDIS_URL, loadCliConfig, loadConfig, type CliConfig } from "../config/env.js";
import { ConfigError } from "../config/errors.js";
import { createLogger } from "../log.js";
import { withTimeout } from "../ops/health.js";
import { queuePrefixOf } from "../queues.js";
import { connectTarget, describeTarget, type RedisTarget } from "../redis.js";
import { FEEDS_SUMMARY, runFeedsCommand } from "./commands/feeds.js";
import { PUBLISH_USAGE, runPublishCommand } from "./commands/publish.js";
import { QUEUES_USAGE, runQueuesCommand } from "./commands/queues.js";
import { SEND_TEST_USAGE, runSendTestCommand } from "./commands/send-test.js";
import { STATS_USAGE, runStatsCommand } from "./commands/stats.js";
import { SUBSCRIBERS_USAGE, runSubscribersCommand } from "./commands/subscribers.js";
import { EXIT, type CliIo, type ExitCode, type OperatorCli } from "./context.js";

interface Command {
  /** Its lines in the usage of `npm run cli`. */
  readonly usage: string;
  readonly run: (args: readonly string[], cli: OperatorCli, env: NodeJS.ProcessEnv) => Promise<ExitCode>;
  /**
   * Redis must answer before the command runs (else exit 1 within 5 s). The feeds commands mostly
   * edit the categories file: they connect only when they use Redis.
   */
  readonly checksRedis: boolean;
}

/** Every command of `npm run cli`, in the order of its usage. */
const COMMANDS: Readonly<Record<string, Command>> = {
  feeds: { usage: FEEDS_SUMMARY, run: runFeedsCommand, checksRedis: false },
  stats: { usage: STATS_USAGE, run: runStatsCommand, checksRedis: true },
  publish: { usage: PUBLISH_USAGE, run: runPublishCommand, checksRedis: true },
  subscribers: { usage: SUBSCRIBERS_USAGE, run: runSubscribersCommand, checksRedis: true },
  queues: { usage: QUEUES_USAGE, run: runQueuesCommand, checksRedis: true },
  "send-test": {
    usage: SEND_TEST_USAGE,
    run: (args, cli, env) => {
      // The one command that talks to Telegram: it needs the bot's token (a ConfigError without it).
      const config = loadConfig(env);
      return runSendTestCommand(args, cli, { token: config.botToken, apiRoot: config.telegramApiRoot });
    },
    checksRedis: true,
  },
};

const USAGE = `Usage: npm run cli -- <command>
${Object.values(COMMANDS)
  .map((command) => command.usage)
  .join("\n")}
`;

const REDIS_TIMEOUT_MS = 5000;

/**
 * Runs one command against the configured Redis: connects (failing within 5 s with exit code 1
 * when Redis does not answer and the command needs it), runs, disconnects. Logs go to stderr,
 * warnings and worse unless LOG_LEVEL asks for debug or trace.
 */
async function runCommand(name: string, command: Command, args: readonly string[], config: CliConfig, io: CliIo): Promise<ExitCode> {
  const target: RedisTarget = config.redisClusterNodes
    ? { cluster: config.redisClusterNodes }
    : { url: config.redisUrl ?? DEFAULT_REDIS_URL };
  const redis = connectTarget(target, { lazyConnect: true });
  try {
    if (command.checksRedis) {
      redis.on("error", () => undefined);
      try {
        await withTimeout(
          redis.connect().then(() => redis.ping()),
          REDIS_TIMEOUT_MS,
        );
      } catch (error) {
        io.stderr(
          `${name}: cannot reach Redis at ${describeTarget(target)} (${error instanceof Error ? error.message : String(error)}); set ${"url" in target ? "REDIS_URL" : "REDIS_CLUSTER_NODES"}\n`,
        );
        return EXIT.failed;
      }
    }
    const level = ["debug", "trace"].includes(config.logLevel) ? config.logLevel : config.logLevel === "silent" ? "silent" : "warn";
    return await command.run(
      args,
      {
        io,
        redis,
        prefix: config.keyPrefix,
        queuePrefix: queuePrefixOf(config.keyPrefix, config.redisClusterNodes !== undefined),
        categoriesFile: config.categoriesFile,
        feedInterval: config.feedInterval,
        inlineWindowDays: config.inlineWindowDays,
        logger: createLogger(level, process.stderr),
      },
      process.env,
    );
  } finally {
    redis.disconnect();
  }
}

async function run(args: readonly string[]): Promise<ExitCode> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadCliConfig(process.env);
  const [name, ...rest] = args;
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress: process.stderr.isTTY,
  };
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (name === undefined || command === undefined) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  return runCommand(name, command, rest, config, io);
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) process.stderr.write(`bulletin: ${problem}\n`);
  process.exitCode = 2;
}
