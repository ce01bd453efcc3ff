import { createServer } from "node:net";
import { ConfigError } from "../config/errors.js";

/**
 * Whether the HTTP server can listen at HTTP_HOST:HTTP_PORT, tried before anything else starts: a
 * busy port is one line and exit code 2, not a stack trace after the bot and the workers started
 * (and, in a sandbox, before its keys are deleted: the busy port may be another sandbox's).
 */
export async function ensureCanListen(host: string, port: number): Promise<void> {
  // Port 0 takes any free port: nothing to check.
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error) => reject(listenProblem(error, host, port) ?? error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The operator's problem behind a failed listen, as one line naming the variable to change. */
export function listenProblem(error: unknown, host: string, port: number): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "EADDRINUSE":
      return new ConfigError([
        `HTTP_PORT: ${host}:${port} is in use by another program (another Bulletin or sandbox?); stop it or choose another port, e.g. HTTP_PORT=${port === 65_535 ? port - 1 : port + 1}`,
      ]);
    case "EACCES":
      return new ConfigError([`HTTP_PORT: this process may not listen on port ${port}; choose one above 1023`]);
    case "EADDRNOTAVAIL":
      return new ConfigError([`HTTP_HOST: ${host} is not an address of this machine`]);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ConfigError([`HTTP_HOST: cannot resolve ${host}`]);
    default:
      return undefined;
  }
}
