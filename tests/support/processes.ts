import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

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
