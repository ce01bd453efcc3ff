/**
 * Fault injection: the next requests of some methods answer an HTTP error (failNext) or lose
 * their connection (dropNext), before or after taking effect.
 */
import { ApiFailure, tooManyRequests } from "./errors.js";
import type { FloodLimits } from "./limits.js";
import { SEND_METHODS } from "./messages.js";
import type { FaultOptions } from "./types.js";

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

interface Fault {
  remaining: number;
  methods: ReadonlySet<string>;
}

export class Faults {
  private failure: (Fault & { status: number }) | undefined;
  private drop: (Fault & { afterDelivery: boolean }) | undefined;

  /** `limits` give an injected 429 its retry_after. */
  constructor(private readonly limits: FloodLimits) {}

  failNext(count: number, status: number, options: FaultOptions): void {
    this.failure = { remaining: count, status, methods: new Set(options.methods ?? SEND_METHODS) };
  }

  dropNext(count: number, options: FaultOptions & { afterDelivery?: boolean }): void {
    this.drop = {
      remaining: count,
      methods: new Set(options.methods ?? SEND_METHODS),
      afterDelivery: options.afterDelivery ?? false,
    };
  }

  /** Whether this request of `method` loses its connection, and when; undefined when it does not. */
  takeDrop(method: string): { afterDelivery: boolean } | undefined {
    const drop = this.drop;
    if (!drop || !take(drop, method)) return undefined;
    return { afterDelivery: drop.afterDelivery };
  }

  /** The error this request of `method` is answered instead, if a failure is due. */
  takeFailure(method: string): ApiFailure | undefined {
    const failure = this.failure;
    if (!failure || !take(failure, method)) return undefined;
    if (failure.status === 429) return tooManyRequests(this.limits.retryAfter);
    return new ApiFailure(failure.status, STATUS_TEXT[failure.status] ?? `Error ${failure.status}`);
  }
}

/** Consumes one use of a fault if it applies to `method`. */
function take(fault: Fault, method: string): boolean {
  if (fault.remaining <= 0 || !fault.methods.has(method)) return false;
  fault.remaining--;
  return true;
}
