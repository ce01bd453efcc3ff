import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { OperatorCli } from "../../src/cli/context.js";
import { createLogger } from "../../src/log.js";
import { CATEGORIES_FILE, REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

export { CATEGORIES_FILE, REDIS_URL };

/** An operator CLI on a Redis connection and key prefix of its own; output captured. */
export interface TestCli extends OperatorCli {
  readonly out: () => string;
  readonly err: () => string;
  reset(): void;
  close(): Promise<void>;
}

export function testCli(name: string): TestCli {
  const prefix = uniquePrefix(name);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let out: string[] = [];
  let err: string[] = [];
  return {
    io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) },
    redis,
    prefix,
    categoriesFile: CATEGORIES_FILE,
    feedInterval: 60,
    logger: createLogger("silent"),
    out: () => out.join(""),
    err: () => err.join(""),
    reset() {
      out = [];
      err = [];
    },
    async close() {
      await dropPrefix(prefix);
      redis.disconnect();
    },
  };
}

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** `npm run cli -- <args>` as a child process: its exit code and output. */
export function runCliProcess(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CATEGORIES_FILE, REDIS_URL, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
