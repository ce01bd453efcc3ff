import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

export interface BulletinProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts Bulletin in a child process and waits until it says it is ready. */
export async function spawnBulletin(env: Record<string, string>, tuning: object = {}): Promise<BulletinProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, TEST_TUNING: JSON.stringify(tuning) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Bulletin process did not start within 20 s:\n${stderr}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`Bulletin process exited with ${code}:\n${stderr}`)));
  });
  return { child, exited };
}
