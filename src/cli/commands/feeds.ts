import { readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../../config/errors.js";
import { isRecord, loadCategories, parseCategories, readCategoriesJson, type Categories } from "../../config/categories.js";
import { decodeFeedBody } from "../../feeds/charset.js";
import { listFeedHealth, type FeedHealth } from "../../feeds/health.js";
import { buildOpml, parseOpmlFeeds, type OpmlFeed } from "../../feeds/opml.js";
import { plannedFeeds } from "../../feeds/schedule.js";
import { EXIT, table, type ExitCode, type OperatorCli } from "../context.js";

/**
 * What the feeds commands need of the operator CLI's context: `import` and `export` work on the
 * categories file alone; `list` reads the feeds' health from Redis, and `export` takes feed titles
 * from it when it has Redis.
 */
export type FeedsCli = Pick<OperatorCli, "io" | "categoriesFile" | "now"> & Partial<Pick<OperatorCli, "redis" | "prefix" | "feedInterval">>;

export const FEEDS_USAGE = `Usage: feeds <command>
  feeds import <file.opml> [--category <slug>] [--dry-run]
      Adds the OPML file's feeds to the categories file. Without --category, each feed goes to the
      category its outline names (category="/<slug>" or the folder it is in, by slug or title).
  feeds export [--category <slug>]
      Prints the feeds of the categories file as OPML 2.0.
  feeds list [--json]
      The feeds and their health: last poll, last success, consecutive failures, last error, items seen.`;

/** The feeds commands' lines in the usage of `npm run cli`. */
export const FEEDS_SUMMARY = `  feeds import <file.opml> [--category <slug>] [--dry-run]
  feeds export [--category <slug>]
  feeds list`;

type RawJson = Record<string, unknown>;

function normalisedUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function feedUrlOf(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  return isRecord(entry) && typeof entry.url === "string" ? entry.url : undefined;
}

/** The slug an OPML category names: a slug itself, or a category's title in any language. */
function matchCategory(categories: Categories, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const wanted = name.trim().toLowerCase();
  if (categories.has(wanted)) return wanted;
  return categories.list.find((c) => Object.values(c.title).some((t) => t.trim().toLowerCase() === wanted))?.slug;
}

function readCategoriesFile(file: string): { raw: RawJson; categories: Categories } {
  const raw = readCategoriesJson(file);
  const categories = parseCategories(raw, file);
  if (!isRecord(raw)) throw new ConfigError([`${file}: not a JSON object`]);
  return { raw, categories };
}

/** Writes next to the file and renames over it: a reader never sees half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temporary, text, "utf8");
  await rename(temporary, file);
}

async function importOpml(args: readonly string[], cli: FeedsCli): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { category: { type: "string", short: "c" }, "dry-run": { type: "boolean" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    cli.io.stderr(`feeds import: give one OPML file\n${FEEDS_USAGE}\n`);
    return EXIT.usage;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    cli.io.stderr(`feeds import: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
    return EXIT.failed;
  }
  const opml = parseOpmlFeeds(decodeFeedBody(bytes).text);
  if (!opml.ok) {
    cli.io.stderr(`feeds import: ${file}: ${opml.error}\n`);
    return EXIT.failed;
  }
  for (const r of opml.rejected) cli.io.stderr(`feeds import: ${file}: skipped "${r.text}": ${r.reason}\n`);

  const { raw, categories } = readCategoriesFile(cli.categoriesFile);
  if (values.category !== undefined && !categories.has(values.category)) {
    cli.io.stderr(`feeds import: no category "${values.category}" in ${cli.categoriesFile} (there are: ${categories.slugs.join(", ")})\n`);
    return EXIT.failed;
  }
  const placed: { feed: OpmlFeed; slug: string }[] = [];
  const unplaced: OpmlFeed[] = [];
  for (const feed of opml.feeds) {
    const slug =
      values.category ?? [feed.category, ...feed.folders].map((name) => matchCategory(categories, name)).find((s) => s !== undefined);
    if (slug) placed.push({ feed, slug });
    else unplaced.push(feed);
  }
  if (unplaced.length > 0) {
    for (const feed of unplaced) {
      cli.io.stderr(
        `feeds import: ${feed.url}: ${feed.category ? `no category "${feed.category}"` : "no category"} in ${cli.categoriesFile}\n`,
      );
    }
    cli.io.stderr(`feeds import: nothing written; name the category with --category <slug> (one of: ${categories.slugs.join(", ")})\n`);
    return EXIT.failed;
  }

  const rawCategories = Array.isArray(raw.categories) ? raw.categories : [];
  let added = 0;
  let present = 0;
  for (const { feed, slug } of placed) {
    const entry = rawCategories.find((c): c is RawJson => isRecord(c) && c.slug === slug);
    if (!entry) continue;
    const list: unknown[] = Array.isArray(entry.feeds) ? entry.feeds : [];
    entry.feeds = list;
    const known = new Set(
      list
        .map(feedUrlOf)
        .filter((u): u is string => u !== undefined)
        .map(normalisedUrl),
    );
    if (known.has(normalisedUrl(feed.url))) {
      present++;
      cli.io.stdout(`= ${slug}: ${feed.url} (already there)\n`);
      continue;
    }
    list.push(feed.url);
    added++;
    cli.io.stdout(`+ ${slug}: ${feed.url}${feed.title ? ` (${feed.title})` : ""}\n`);
  }
  parseCategories(raw, cli.categoriesFile); // what is written must load
  if (values["dry-run"]) {
    cli.io.stdout(`dry run: ${added} feed(s) would be added, ${present} already there; ${cli.categoriesFile} unchanged\n`);
    return EXIT.ok;
  }
  if (added > 0) await writeAtomically(cli.categoriesFile, `${JSON.stringify(raw, null, 2)}\n`);
  cli.io.stdout(
    `${added} feed(s) added, ${present} already there${added > 0 ? `; ${cli.categoriesFile} written (restart the feeds role to poll them)` : ""}\n`,
  );
  return EXIT.ok;
}

async function exportOpml(args: readonly string[], cli: FeedsCli): Promise<ExitCode> {
  const { values } = parseArgs({ args: [...args], options: { category: { type: "string", short: "c" } } });
  const categories = loadCategories(cli.categoriesFile);
  if (values.category !== undefined && !categories.has(values.category)) {
    cli.io.stderr(`feeds export: no category "${values.category}" in ${cli.categoriesFile}\n`);
    return EXIT.failed;
  }
  const titles = new Map<string, string>();
  if (cli.redis) {
    const urls = categories.list.flatMap((c) => c.feeds.map((f) => f.url));
    for (const health of await listFeedHealth(cli.redis, cli.prefix ?? "bulletin", urls)) {
      if (health.url && health.title) titles.set(health.url, health.title);
    }
  }
  cli.io.stdout(
    buildOpml(categories, {
      titles,
      ...(values.category !== undefined ? { category: values.category } : {}),
      ...(cli.now ? { now: new Date(cli.now()) } : {}),
    }),
  );
  return EXIT.ok;
}

function ago(then: number | undefined, now: number): string {
  if (then === undefined) return "never";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

async function listFeeds(args: readonly string[], cli: FeedsCli): Promise<ExitCode> {
  const { values } = parseArgs({ args: [...args], options: { json: { type: "boolean" } } });
  if (!cli.redis) {
    cli.io.stderr("feeds list: needs Redis (REDIS_URL) to read the feeds' health\n");
    return EXIT.failed;
  }
  const categories = loadCategories(cli.categoriesFile);
  const feeds = plannedFeeds(categories, cli.feedInterval ?? 60);
  const healths = await listFeedHealth(
    cli.redis,
    cli.prefix ?? "bulletin",
    feeds.map((f) => f.url),
  );
  const now = (cli.now ?? Date.now)();
  if (values.json) {
    const rows = feeds.map((feed, i) => ({ ...feed, health: healths[i] }));
    cli.io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (feeds.length === 0) {
    cli.io.stdout(`no feeds in ${cli.categoriesFile}\n`);
    return EXIT.ok;
  }
  const status = (h: FeedHealth | undefined): string => {
    if (!h?.lastPollAt) return "new";
    if (h.consecutiveFailures > 0) return `failing ×${h.consecutiveFailures}`;
    return "ok";
  };
  const rows = [
    ["FEED", "CATEGORIES", "EVERY", "STATUS", "LAST POLL", "LAST SUCCESS", "SEEN", "SENT", "LAST ERROR"],
    ...feeds.map((feed, i) => {
      const h = healths[i];
      return [
        feed.url,
        feed.categories.join(","),
        `${feed.interval}s`,
        status(h),
        ago(h?.lastPollAt, now),
        ago(h?.lastSuccessAt, now),
        String(h?.itemsSeen ?? 0),
        String(h?.itemsSent ?? 0),
        h?.consecutiveFailures && h.lastError ? h.lastError : "",
      ];
    }),
  ];
  cli.io.stdout(`${table(rows)}\n`);
  return EXIT.ok;
}

/**
 * `feeds import|export|list`: the feeds commands of `npm run cli`. Returns the exit code; problems
 * go to stderr, one line each, never as a stack trace.
 */
export async function runFeedsCommand(args: readonly string[], cli: FeedsCli): Promise<ExitCode> {
  const [command, ...rest] = args[0] === "feeds" ? args.slice(1) : args;
  try {
    switch (command) {
      case "import":
        return await importOpml(rest, cli);
      case "export":
        return await exportOpml(rest, cli);
      case "list":
        return await listFeeds(rest, cli);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        cli.io.stdout(`${FEEDS_USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        cli.io.stderr(`feeds: unknown command "${command}"\n${FEEDS_USAGE}\n`);
        return EXIT.usage;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) cli.io.stderr(`${problem}\n`);
      return EXIT.failed;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      cli.io.stderr(`feeds ${command ?? ""}: ${error.message}\n${FEEDS_USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
