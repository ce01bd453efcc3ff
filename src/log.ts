import { pino, type Logger } from "pino";

export type { Logger };

/** The one logger of a process; components take `logger.child({ component })`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: "bulletin" } }, destination);
}
