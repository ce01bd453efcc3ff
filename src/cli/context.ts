import type { Categories } from "../config/categories.js";
import { loadCategories } from "../config/categories.js";
import { ConfigError } from "../config/errors.js";
import type { Logger } from "../log.js";
import type { Redis } from "../redis.js";
import { ChatStore } from "../store/chats.js";
import { keys as keyLayout, type Keys } from "../store/keys.js";

/**
 * Exit codes every operator command keeps, so scripts can trust them:
 * 0 done; 1 failed (nothing or not everything was done, see stderr); 2 bad usage or configuration;
 * 3 done in part: some input rows were malformed and skipped (each reported on stderr by line).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Progress lines on stderr (a terminal): `\r`-rewritten, cleared at the end. Default false. */
  readonly progress?: boolean;
}

/** What an operator command works with: one Redis, the key prefix, the categories file. */
export interface OperatorCli {
  readonly io: CliIo;
  readonly redis: Redis;
  readonly prefix: string;
  /** BullMQ's prefix when it differs from `prefix` (`{KEY_PREFIX}` on a Redis Cluster). */
  readonly queuePrefix?: string;
  readonly categoriesFile: string;
  readonly feedInterval: number;
  /** INLINE_WINDOW_DAYS: how long articles published here stay in the inline search index; default 7. */
  readonly inlineWindowDays?: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export const queuePrefixOfCli = (cli: OperatorCli): string => cli.queuePrefix ?? cli.prefix;
export const keysOf = (cli: OperatorCli): Keys => keyLayout(cli.prefix);
export const storeOf = (cli: OperatorCli): ChatStore => new ChatStore(cli.redis, cli.prefix);
export const categoriesOf = (cli: OperatorCli): Categories => loadCategories(cli.categoriesFile);

/** A usage problem: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Runs a command body with the exit codes above: a ConfigError (categories file) or UsageError is
 * one line per problem and exit 2, a parseArgs error is a usage error; anything else propagates.
 */
export async function guarded(io: CliIo, name: string, usage: string, body: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.stderr(`${name}: ${problem}\n`);
      return EXIT.usage;
    }
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(`${name}: ${error.message}\n${usage}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], options: { readonly rightAlign?: readonly number[] } = {}): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => [...(r[col] ?? "")].length))) ?? [];
  const right = new Set(options.rightAlign ?? []);
  return rows
    .map((row) =>
      row
        .map((cell, col) => {
          const width = widths[col] ?? 0;
          if (right.has(col)) return cell.padStart(width);
          return col === row.length - 1 ? cell : cell.padEnd(width);
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export const formatCount = (n: number): string => n.toLocaleString("en-US");

/** A progress line on stderr when `io.progress` (a terminal); nothing otherwise. */
export function progressLine(io: CliIo, label: string, total: number): { update(done: number): void; done(): void } {
  let last = 0;
  return {
    update(done) {
      if (!io.progress) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      io.stderr(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${formatCount(done)}/${formatCount(total)}`);
    },
    done() {
      if (io.progress) io.stderr("\r\x1b[2K");
    },
  };
}
