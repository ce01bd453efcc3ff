import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/**
 * A bot token (`<bot id>:<secret>`), with or without the `bot` of a Bot API path. grammY's network
 * errors carry the request URL (…/bot<token>/sendMessage), and pino prints nested errors whole.
 */
const BOT_TOKEN_PATTERN = /(bot)?(\d{3,20}):[A-Za-z0-9_-]{20,}/g;

/** `text` with every bot token's secret replaced: `bot123456789:<redacted>` keeps which bot it was. */
export function redactTokens(text: string): string {
  return text.replace(BOT_TOKEN_PATTERN, (_match, bot: string | undefined, id: string) => `${bot ?? ""}${id}:<redacted>`);
}

/**
 * The one logger of a process, writing JSON lines; components take `logger.child({ component })`.
 * Every line is redacted as written (after serialisation), so no field, nesting or message can
 * carry a bot token out.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: "bulletin" }, hooks: { streamWrite: redactTokens } }, destination);
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
