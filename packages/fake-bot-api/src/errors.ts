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
export const tooManyRequests = (retryAfter: number): ApiFailure =>
  new ApiFailure(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
