import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/** The one logger of a process, writing JSON lines; components take `logger.child({ component })`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: "bulletin" } }, destination);
}

/**
 * The same logger writing lines for a person at a terminal (the sandbox): the time, the level, the
 * component and the message, then the other fields as JSON; an error with its stack below.
 * `destination` defaults to stdout, colored when it is a terminal.
 */
export function createReadableLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return createLogger(
    level,
    pretty({
      ...(destination ? { destination, colorize: false } : {}),
      sync: true,
      translateTime: "SYS:HH:MM:ss",
      ignore: "pid,hostname,app,component",
      messageFormat: "{if component}{component}: {end}{msg}",
      singleLine: true,
    }),
  );
}
