// The fault suite's table: each scenario appends a row to a file the global setup names, and the
// teardown prints them all once every file has run (files run one after another, each in a worker).
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export interface Row {
  readonly scenario: string;
  readonly readers: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly seconds: number;
  readonly note?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    faultsResults: string;
  }
}

export function record(file: string, row: Row): void {
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function table(rows: readonly Row[]): string {
  const header = ["scenario", "readers", "delivered", "duplicates", "lost", "time (s)", "note"];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.readers),
    String(r.delivered),
    String(r.duplicates),
    String(r.lost),
    r.seconds.toFixed(1),
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    `| ${c.map((v, i) => (i >= 1 && i <= 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "bulletin-faults-"));
  const file = join(dir, "rows.jsonl");
  project.provide("faultsResults", file);
  return () => {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // No scenario recorded a row (all skipped or failed before measuring).
    }
    const rows = text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row)
      .sort((a, b) => a.scenario.localeCompare(b.scenario, "en", { numeric: true }));
    process.stdout.write(`\nFault suite (npm run test:faults)\n${table(rows)}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
