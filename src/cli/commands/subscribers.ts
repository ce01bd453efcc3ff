import { open, readFile } from "node:fs/promises";
import { extname } from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { Categories } from "../../config/categories.js";
import { chatId, type CategorySlug, type ChatId } from "../../ids.js";
import { decodeChatRecord, withSubscriptions, type ChatKind, type ChatRecord } from "../../store/chat-record.js";
import type { BulkChat } from "../../store/chats.js";
import { SHARDS, shardOf } from "../../store/keys.js";
import { csvRow, readCsv } from "../csv.js";
import {
  EXIT,
  UsageError,
  categoriesOf,
  formatCount,
  guarded,
  progressLine,
  storeOf,
  type ExitCode,
  type OperatorCli,
} from "../context.js";
import { execAll } from "../../redis.js";

export const SUBSCRIBERS_USAGE = `Usage: subscribers import <file> [--format csv|json|jsonl] [--language <code>] [--dry-run] [--json]
       subscribers export [--format csv|json|jsonl] [--out <file>] [--category <slug>]
  A row is a chat: chat_id, categories (separated by ; | space, or commas inside quotes),
  language (optional; default --language, en) and kind (optional: private, group, supergroup,
  channel; default private for positive ids, channel for -100… ids, group for other negative ids).
  CSV may start with a header naming these columns in any order; JSON is an array of objects with
  these keys (categories as an array or a string), JSON Lines one object per line.
  Import: new chats are added (they get articles from now on); chats Bulletin already has get the
  categories added; chats that blocked or left the bot are left alone. Malformed rows are
  reported by line and skipped: exit code 3 when any was, 0 when none, 1 when the file cannot be read.
  Export writes every active chat with a subscription (CSV to stdout by default).`;

const FORMATS = ["csv", "json", "jsonl"] as const;
type Format = (typeof FORMATS)[number];
const KINDS = ["private", "group", "supergroup", "channel"] as const satisfies readonly ChatKind[];
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** One row of an import file, whatever its format: validated here, at the input's edge. */
const rowSchema = z.object({
  chat_id: z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: "must be a chat id (an integer)" })
      .int("must be a chat id (an integer)")
      .refine((id) => id !== 0 && Math.abs(id) < 2 ** 52, "must be a Telegram chat id (non-zero, below 2^52)"),
  ),
  categories: z
    .union([z.array(z.string()), z.string().transform((s) => s.split(/[;|,\s]+/))])
    .transform((list) => [...new Set(list.map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(z.string()).min(1, "no category")),
  language: z
    .string()
    .trim()
    .optional()
    .transform((s) => (s === "" ? undefined : s))
    .pipe(z.string().regex(LANGUAGE, "must be a language code like en or fa").optional()),
  kind: z
    .string()
    .trim()
    .optional()
    .transform((s) => (s === "" ? undefined : s))
    .pipe(z.enum(KINDS, { error: `must be one of ${KINDS.join(", ")}` }).optional()),
});
type Row = z.infer<typeof rowSchema>;

interface Candidate {
  /** "file.csv:17" or "file.json: entry 17". */
  readonly where: string;
  /** The line (or entry) number: problems are reported in the file's order. */
  readonly order: number;
  readonly raw: unknown;
}

interface Problem {
  readonly where: string;
  readonly order: number;
  readonly message: string;
}

interface ImportRow {
  readonly where: string;
  readonly id: ChatId;
  readonly slugs: readonly CategorySlug[];
  readonly language: string;
  readonly kind: ChatKind;
}

export function defaultKind(id: number): ChatKind {
  if (id > 0) return "private";
  return id <= -1_000_000_000_000 ? "channel" : "group";
}

function formatOf(file: string, text: string, flag: string | undefined): Format {
  if (flag !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flag))
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not "${flag}"`);
    return flag as Format;
  }
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".json") return "json";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  const first = text.trimStart()[0];
  return first === "[" ? "json" : first === "{" ? "jsonl" : "csv";
}

const COLUMNS = ["chat_id", "categories", "language", "kind"] as const;

/** The rows of a CSV file; the first may be a header naming the columns. */
function csvCandidates(file: string, text: string, problems: Problem[]): Candidate[] {
  const candidates: Candidate[] = [];
  let columns: readonly string[] = COLUMNS;
  let first = true;
  for (const record of readCsv(text)) {
    const where = `${file}:${record.line}`;
    if ("error" in record) {
      problems.push({ where, order: record.line, message: record.error });
      first = false;
      continue;
    }
    const fields = record.fields.map((f) => f.trim());
    if (first && fields[0]?.toLowerCase().replace(/^"|"$/g, "") === "chat_id") {
      columns = fields.map((f) => f.toLowerCase());
      const unknown = columns.filter((c) => !(COLUMNS as readonly string[]).includes(c));
      if (unknown.length > 0) throw new UsageError(`${where}: unknown column(s) ${unknown.join(", ")} (columns: ${COLUMNS.join(", ")})`);
      if (!columns.includes("categories")) throw new UsageError(`${where}: the header has no categories column`);
      first = false;
      continue;
    }
    first = false;
    if (fields.length > columns.length) {
      problems.push({
        where,
        order: record.line,
        message: `${fields.length} fields, expected at most ${columns.length} (${columns.join(",")}); quote categories that contain commas`,
      });
      continue;
    }
    candidates.push({ where, order: record.line, raw: Object.fromEntries(columns.map((c, i) => [c, fields[i] ?? ""])) });
  }
  return candidates;
}

function jsonCandidates(file: string, text: string, format: "json" | "jsonl", problems: Problem[]): Candidate[] {
  if (format === "jsonl") {
    const candidates: Candidate[] = [];
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      const where = `${file}:${index + 1}`;
      try {
        candidates.push({ where, order: index + 1, raw: JSON.parse(line) as unknown });
      } catch (error) {
        problems.push({ where, order: index + 1, message: `not valid JSON (${(error as Error).message})` });
      }
    });
    return candidates;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`${file}: not valid JSON (${(error as Error).message}); nothing imported`);
  }
  if (!Array.isArray(parsed)) throw new ImportFileError(`${file}: expected a JSON array of chats; nothing imported`);
  return parsed.map((raw: unknown, index) => ({ where: `${file}: entry ${index + 1}`, order: index + 1, raw }));
}

/** The file cannot be read as a whole: exit 1, nothing written. */
class ImportFileError extends Error {}

function validate(candidates: readonly Candidate[], categories: Categories, defaultLanguage: string, problems: Problem[]): ImportRow[] {
  const rows: ImportRow[] = [];
  const seen = new Map<number, string>();
  for (const { where, order, raw } of candidates) {
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({
        where,
        order,
        message: parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "row"}: ${i.message}`).join("; "),
      });
      continue;
    }
    const row: Row = parsed.data;
    const unknown = row.categories.filter((slug) => !categories.has(slug));
    if (unknown.length > 0) {
      problems.push({
        where,
        order,
        message: `unknown categor${unknown.length === 1 ? "y" : "ies"} ${unknown.join(", ")} (there are: ${categories.slugs.join(", ")})`,
      });
      continue;
    }
    const earlier = seen.get(row.chat_id);
    if (earlier !== undefined) {
      problems.push({ where, order, message: `chat ${row.chat_id} is already in the file (${earlier})` });
      continue;
    }
    seen.set(row.chat_id, where);
    rows.push({
      where,
      id: chatId(row.chat_id),
      slugs: row.categories as CategorySlug[],
      language: row.language ?? defaultLanguage,
      kind: row.kind ?? defaultKind(row.chat_id),
    });
  }
  return rows;
}

export interface ImportReport {
  readonly rows: number;
  readonly added: number;
  readonly merged: number;
  /** Chats Bulletin has as inactive (they blocked or left the bot): not subscribed again. */
  readonly inactiveLeftAlone: number;
  readonly skipped: number;
  readonly problems: readonly Problem[];
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly dryRun: boolean;
}

const BATCH = 10_000;
const MERGE_CONCURRENCY = 16;

async function importFile(
  file: string,
  cli: OperatorCli,
  options: { format?: string; language: string; dryRun: boolean },
): Promise<ImportReport> {
  const started = performance.now();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ImportFileError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const format = formatOf(file, text, options.format);
  const categories = categoriesOf(cli);
  const problems: Problem[] = [];
  const candidates = format === "csv" ? csvCandidates(file, text, problems) : jsonCandidates(file, text, format, problems);
  const rows = validate(candidates, categories, options.language, problems);
  problems.sort((a, b) => a.order - b.order);
  const total = rows.length + problems.length;

  const store = storeOf(cli);
  // What Bulletin already has of these chats: one HMGET per shard, pipelined.
  const byShard = new Map<number, ImportRow[]>();
  for (const row of rows) {
    const shard = shardOf(row.id);
    let list = byShard.get(shard);
    if (!list) byShard.set(shard, (list = []));
    list.push(row);
  }
  const existing = new Map<ChatId, ChatRecord>();
  const shards = [...byShard.keys()];
  for (let i = 0; i < shards.length; i += 1024) {
    const pipeline = cli.redis.pipeline();
    const slice = shards.slice(i, i + 1024);
    for (const shard of slice) pipeline.hmget(store.keys.chats(shard), ...byShard.get(shard)!.map((r) => String(r.id)));
    const replies = await execAll(pipeline, "reading existing chats");
    slice.forEach((shard, j) => {
      const values = replies[j] ?? [];
      byShard.get(shard)!.forEach((row, k) => {
        const encoded = (values as (string | null)[])[k];
        if (encoded) existing.set(row.id, decodeChatRecord(encoded));
      });
    });
  }

  const sequence = await store.currentSequence();
  const fresh: BulkChat[] = [];
  const merges: ImportRow[] = [];
  let inactive = 0;
  for (const row of rows) {
    const record = existing.get(row.id);
    if (!record) {
      fresh.push({
        id: row.id,
        record: {
          kind: row.kind,
          language: row.language,
          active: true,
          subscriptions: row.slugs.map((slug) => ({ slug, since: 0 })),
          cursor: sequence,
          sentAhead: [],
        },
      });
    } else if (record.active) merges.push(row);
    else inactive++;
  }

  if (!options.dryRun) {
    const progress = progressLine(cli.io, "importing", fresh.length + merges.length);
    for (let i = 0; i < fresh.length; i += BATCH) {
      await store.importChats(fresh.slice(i, i + BATCH), BATCH);
      progress.update(Math.min(fresh.length, i + BATCH));
    }
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < merges.length) {
        const row = merges[next++]!;
        await store.update(row.id, (current) =>
          current?.active ? withSubscriptions(current, row.slugs, sequence, { kind: row.kind, language: row.language }) : undefined,
        );
        progress.update(fresh.length + ++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(MERGE_CONCURRENCY, merges.length) }, worker));
    progress.done();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    rows: total,
    added: fresh.length,
    merged: merges.length,
    inactiveLeftAlone: inactive,
    skipped: problems.length,
    problems,
    seconds: Math.round(seconds * 1000) / 1000,
    rowsPerSecond: seconds > 0 ? Math.round(total / seconds) : total,
    dryRun: options.dryRun,
  };
}

async function runImport(args: readonly string[], cli: OperatorCli): Promise<ExitCode> {
  const { io } = cli;
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      format: { type: "string" },
      language: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError("give one file to import");
  const language = values.language ?? "en";
  if (!LANGUAGE.test(language)) throw new UsageError(`--language must be a language code like en or fa, not "${language}"`);
  let report: ImportReport;
  try {
    report = await importFile(file, cli, { format: values.format, language, dryRun: values["dry-run"] ?? false });
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    io.stderr(`subscribers import: ${error.message}\n`);
    return EXIT.failed;
  }
  for (const problem of report.problems) io.stderr(`subscribers import: ${problem.where}: ${problem.message}; row skipped\n`);
  if (values.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const n = formatCount;
    const verb = report.dryRun ? "would import" : "imported";
    io.stdout(
      `${report.dryRun ? "dry run: " : ""}${n(report.rows)} row(s): ${verb} ${n(report.added + report.merged)} chat(s) ` +
        `(${n(report.added)} new, ${n(report.merged)} already known, categories added), ` +
        `${n(report.inactiveLeftAlone)} inactive left alone, ${n(report.skipped)} malformed skipped; ` +
        `${report.seconds.toFixed(2)} s, ${n(report.rowsPerSecond)} rows/s\n`,
    );
  }
  return report.skipped > 0 ? EXIT.partial : EXIT.ok;
}

interface ExportedChat {
  readonly chat_id: number;
  readonly categories: readonly string[];
  readonly language: string;
  readonly kind: ChatKind;
}

const SHARDS_PER_READ = 512;

/** Every active chat with a subscription (of `category`, when given), shard by shard. */
async function* exportedChats(cli: OperatorCli, category: string | undefined): AsyncGenerator<ExportedChat[]> {
  const store = storeOf(cli);
  for (let first = 0; first < SHARDS; first += SHARDS_PER_READ) {
    const pipeline = cli.redis.pipeline();
    for (let shard = first; shard < Math.min(SHARDS, first + SHARDS_PER_READ); shard++) pipeline.hgetall(store.keys.chats(shard));
    const batch: ExportedChat[] = [];
    for (const hash of await execAll(pipeline, "reading chat records")) {
      for (const [id, encoded] of Object.entries(hash as Record<string, string>)) {
        const record = decodeChatRecord(encoded);
        if (!record.active || record.subscriptions.length === 0) continue;
        const slugs = record.subscriptions.map((s) => s.slug as string);
        if (category !== undefined && !slugs.includes(category)) continue;
        batch.push({ chat_id: Number(id), categories: slugs, language: record.language, kind: record.kind });
      }
    }
    yield batch;
  }
}

async function runExport(args: readonly string[], cli: OperatorCli): Promise<ExitCode> {
  const { values } = parseArgs({
    args: [...args],
    options: { format: { type: "string" }, out: { type: "string", short: "o" }, category: { type: "string", short: "c" } },
    allowPositionals: false,
    strict: true,
  });
  const format = values.format === undefined ? formatOf(values.out ?? "", "", undefined) : formatOf("", "", values.format);
  if (values.category !== undefined) {
    const categories = categoriesOf(cli);
    if (!categories.has(values.category))
      throw new UsageError(`no category "${values.category}" (there are: ${categories.slugs.join(", ")})`);
  }
  let stream: NodeJS.WritableStream | undefined;
  if (values.out !== undefined) {
    try {
      stream = (await open(values.out, "w")).createWriteStream();
    } catch (error) {
      cli.io.stderr(`subscribers export: cannot write ${values.out} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      return EXIT.failed;
    }
  }
  const write = async (text: string) => {
    if (!stream) return cli.io.stdout(text);
    if (!stream.write(text)) await once(stream, "drain");
  };
  let count = 0;
  if (format === "csv") await write(csvRow(COLUMNS));
  if (format === "json") await write("[");
  for await (const batch of exportedChats(cli, values.category)) {
    let text = "";
    for (const chat of batch) {
      if (format === "csv") text += csvRow([String(chat.chat_id), chat.categories.join(";"), chat.language, chat.kind]);
      else text += `${format === "json" ? (count === 0 ? "\n" : ",\n") : ""}${JSON.stringify(chat)}${format === "jsonl" ? "\n" : ""}`;
      count++;
    }
    if (text) await write(text);
  }
  if (format === "json") await write(count === 0 ? "]\n" : "\n]\n");
  if (stream) {
    stream.end();
    await once(stream, "finish");
    cli.io.stderr(`exported ${formatCount(count)} chat(s) to ${values.out}\n`);
  }
  return EXIT.ok;
}

/** `subscribers import|export`. Returns the exit code. */
export async function runSubscribersCommand(args: readonly string[], cli: OperatorCli): Promise<ExitCode> {
  const [command, ...rest] = args;
  return guarded(cli.io, "subscribers", SUBSCRIBERS_USAGE, async () => {
    switch (command) {
      case "import":
        return runImport(rest, cli);
      case "export":
        return runExport(rest, cli);
      case "help":
      case "--help":
        cli.io.stdout(`${SUBSCRIBERS_USAGE}\n`);
        return EXIT.ok;
      case undefined:
        cli.io.stdout(`${SUBSCRIBERS_USAGE}\n`);
        return EXIT.usage;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  });
}
