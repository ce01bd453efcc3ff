import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const SCRIPT = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

export interface BulletinProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** The HTTP role's address, when it runs. */
  readonly url: string;
  /** The highest resident memory the process reported (needs REPORT_RSS in its env). */
  peakRss(): number;
  /** SIGTERM, then wait for the graceful exit. */
  stop(): Promise<number | null>;
}

/** Starts Bulletin in a child process and waits until it says it is ready. */
export async function spawnBulletin(env: Record<string, string>, tuning: object = {}): Promise<BulletinProcess> {
  // CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles Bulletin's processes.
  const nodeArgs = (process.env.CHILD_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", SCRIPT], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, TEST_TUNING: JSON.stringify(tuning) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let peak = 0;
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Bulletin process did not start within 20 s:\n${stderr}`)), 20_000);
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("ready")) {
          clearTimeout(timer);
          resolve(line.slice("ready".length).trim());
        } else if (line.startsWith("rss ")) peak = Math.max(peak, Number(line.slice(4)));
      }
    });
    void exited.then((code) => reject(new Error(`Bulletin process exited with ${code}:\n${stderr}`)));
  });
  return {
    child,
    exited,
    url,
    peakRss: () => peak,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
/** tsx by its path: the child runs in a folder of its own, where `--import tsx` would not find it. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface SandboxProcess {
  /** Where its HTTP server listens: http://127.0.0.1:<port>. */
  readonly url: string;
  /** What it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then wait for the graceful exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `npm start` without a token, as a newcomer runs it: src/main.ts in `cwd` (a folder without a .env)
 * with only `env` set. Resolves once it prints where to open the page.
 */
export async function startSandboxProcess(env: Record<string, string>, cwd: string): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ["--import", TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start within 30 s:\n${output}`)), 30_000);
    const look = () => {
      const open = /Open (http:\/\/\S+)\/sandbox\n/.exec(output);
      if (!open?.[1]) return;
      clearTimeout(timer);
      child.stdout.off("data", look);
      child.stderr.off("data", look);
      resolve(open[1]);
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    void exited.then((code) => reject(new Error(`the sandbox exited with ${code}:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
