/**
 * Telegram's error answers. A method handler throws an ApiFailure; the server turns it into the
 * Bot API's envelope ({ ok: false, error_code, description, parameters }).
 */
import type { ResponseParameters } from "grammy/types";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

export const badRequest = (what: string): ApiFailure => new ApiFailure(400, `Bad Request: ${what}`);
export const forbidden = (what: string): ApiFailure => new ApiFailure(403, `Forbidden: ${what}`);
/** Telegram's 429; `description` and whether retry_after is given are the flavour's. */
export const tooManyRequests = (
  retryAfter: number,
  description = `Too Many Requests: retry after ${retryAfter}`,
  withRetryAfter = true,
): ApiFailure => new ApiFailure(429, description, withRetryAfter ? { retry_after: retryAfter } : undefined);
