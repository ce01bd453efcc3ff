// `npm run cli -- <command>`: operator commands. Exit codes: 0 done, 1 failed, 2 bad usage or config,
// 3 done in part (an import skipped malformed rows).
import { existsSync } from "node:fs";
import { loadCliConfig } from "../config/env.js";
import { ConfigError } from "../config/errors.js";
import { runFeedsCommand } from "./commands/feeds.js";
import { connectRedis } from "../redis.js";
import { DEFAULT_REDIS_URL } from "../config/env.js";
import { OPERATOR_USAGE, isOperatorCommand, runOperatorCommand } from "./operator.js";

const USAGE = `Usage: npm run cli -- <command>
  feeds import <file.opml> [--category <slug>] [--dry-run]
  feeds export [--category <slug>]
  feeds list
${OPERATOR_USAGE}
`;

async function run(args: readonly string[]): Promise<number> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadCliConfig(process.env);
  const [command, ...rest] = args;
  const out = (text: string) => process.stdout.write(text);
  const err = (text: string) => process.stderr.write(text);
  if (isOperatorCommand(command)) {
    return runOperatorCommand(command, rest, config, { stdout: out, stderr: err, progress: process.stderr.isTTY });
  }
  switch (command) {
    case "feeds": {
      const redis = connectRedis(config.redisUrl ?? DEFAULT_REDIS_URL, { lazyConnect: true });
      try {
        return await runFeedsCommand(rest, {
          stdout: out,
          stderr: err,
          categoriesFile: config.categoriesFile,
          redis,
          prefix: config.keyPrefix,
          feedInterval: config.feedInterval,
        });
      } finally {
        redis.disconnect();
      }
    }
    default:
      err(USAGE);
      return 2;
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) process.stderr.write(`bulletin: ${problem}\n`);
  process.exitCode = 2;
}
