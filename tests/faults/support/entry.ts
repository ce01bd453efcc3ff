import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface EntryProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything it wrote (its JSON log lines on stdout, problems on stderr). */
  output(): string;
}

/**
 * One of Bulletin's own entry points (`workers/delivery.ts`, `bots/bot.ts`, `src/main.ts`) exactly as
 * `npm run start:workers` runs it, signals and shutdown included; resolves once its output contains each of `ready`.
 */
export async function startEntry(entry: string, env: Record<string, string>, ready: readonly string[]): Promise<EntryProcess> {
  const script = fileURLToPath(new URL(`../../../${entry}`, import.meta.url));
  const child = spawn(process.execPath, ["--import", TSX, script], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within 30 s:\n${output.slice(-5000)}`)), 30_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.every((line) => output.includes(line))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    void exited.then((code) => reject(new Error(`${entry} exited with ${code}:\n${output.slice(-5000)}`)));
  });
  return { child, exited, output: () => output };
}
