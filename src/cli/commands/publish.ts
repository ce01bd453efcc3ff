import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Ingestor, type IngestOutcome } from "../../ingest/ingest.js";
import { openQueues } from "../../queues.js";
import { DEFAULT_INLINE_WINDOW_DAYS, SearchIndex } from "../../sharing/search-index.js";
import { EXIT, UsageError, categoriesOf, guarded, keysOf, type ExitCode, type OperatorCli, queuePrefixOfCli } from "../context.js";

export const PUBLISH_USAGE = `Usage: publish (--url <url> --title <text> --category <slug> [--category <slug>…] [--summary <text>]
                 [--id <id>] [--image-url <url>] [--published-at <ISO date>] [--language <code>] [--priority breaking])
              | --file <article.json | -> [--json]
  Ingests an article (or a JSON array of them) as POST /api/articles does: validated, deduplicated,
  then fanned out by the workers. Exit 0 when every article was accepted or was already known,
  1 when one was refused (invalid, unknown category).`;

interface Reported {
  readonly index: number;
  readonly outcome: IngestOutcome;
}

function describe(outcome: IngestOutcome): string {
  switch (outcome.status) {
    case "accepted":
      return `accepted ${outcome.id} (sequence ${outcome.seq}); the workers deliver it`;
    case "duplicate":
      return `duplicate of ${outcome.id}: already published, not sent again`;
    case "invalid":
      return `invalid: ${outcome.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`;
    case "unknown-category":
      return `unknown categor${outcome.unknown.length === 1 ? "y" : "ies"} ${outcome.unknown.join(", ")} (there are: ${outcome.valid.join(", ")})`;
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

/** `publish`: one article from flags, or articles from a JSON file, through the Ingestor. */
export async function runPublishCommand(args: readonly string[], cli: OperatorCli): Promise<ExitCode> {
  const { io } = cli;
  return guarded(io, "publish", PUBLISH_USAGE, async () => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        url: { type: "string" },
        title: { type: "string" },
        summary: { type: "string" },
        category: { type: "string", short: "c", multiple: true },
        id: { type: "string" },
        "image-url": { type: "string" },
        "published-at": { type: "string" },
        language: { type: "string" },
        priority: { type: "string" },
        file: { type: "string", short: "f" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      io.stdout(`${PUBLISH_USAGE}\n`);
      return EXIT.ok;
    }
    const fromFlags = [
      values.url,
      values.title,
      values.summary,
      values.category,
      values.id,
      values["image-url"],
      values["published-at"],
      values.language,
      values.priority,
    ].some((v) => v !== undefined);
    let articles: unknown[];
    if (values.file !== undefined) {
      if (fromFlags) throw new UsageError("give the article either as flags or as --file, not both");
      const json = await readJson(values.file);
      articles = Array.isArray(json) ? json : [json];
      if (articles.length === 0) throw new UsageError(`${values.file}: an empty array: nothing to publish`);
    } else {
      if (!fromFlags) throw new UsageError("give the article as flags (--url, --title, --category) or --file");
      // Only the flags given: the Ingestor's schema says what is missing or wrong.
      const article = Object.fromEntries(
        Object.entries({
          url: values.url,
          title: values.title,
          summary: values.summary,
          categories: values.category,
          id: values.id,
          imageUrl: values["image-url"],
          publishedAt: values["published-at"],
          language: values.language,
          priority: values.priority,
        }).filter(([, v]) => v !== undefined),
      );
      articles = [article];
    }

    const categories = categoriesOf(cli);
    const queues = openQueues(cli.redis, queuePrefixOfCli(cli));
    try {
      const keys = keysOf(cli);
      const index = new SearchIndex(cli.redis, keys, cli.inlineWindowDays ?? DEFAULT_INLINE_WINDOW_DAYS);
      const ingestor = new Ingestor({ redis: cli.redis, keys, categories, queues, logger: cli.logger, index });
      const reported: Reported[] = [];
      for (const [index, article] of articles.entries()) reported.push({ index, outcome: await ingestor.ingest(article, "cli") });
      const refused = reported.filter((r) => r.outcome.status === "invalid" || r.outcome.status === "unknown-category");
      if (values.json) {
        io.stdout(
          `${JSON.stringify(
            reported.map((r) => ({ index: r.index, ...r.outcome })),
            null,
            2,
          )}\n`,
        );
      } else {
        for (const r of reported) {
          const line = `${articles.length > 1 ? `[${r.index}] ` : ""}${describe(r.outcome)}\n`;
          if (refused.includes(r)) io.stderr(`publish: ${line}`);
          else io.stdout(line);
        }
      }
      return refused.length > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await queues.close();
    }
  });
}
