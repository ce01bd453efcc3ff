/**
 * The HTTP side (node:http, no framework): routes /bot<token>/<method>, reads the parameters, runs
 * the method and answers with the Bot API's JSON envelope. Injected faults and the call log are
 * applied here, and `latencyMs` delays every answer.
 *
 * Every decision about a request (limits, errors, message ids) is taken synchronously when its
 * body has arrived; `latencyMs` only delays the answer. That keeps the rate windows exact even
 * with 100+ requests in flight, and per-request work is O(1) apart from parsing.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiError, ApiSuccess } from "grammy/types";
import { ApiFailure } from "./errors.js";
import type { EventHub } from "./events.js";
import type { Faults } from "./faults.js";
import type { Records } from "./inspection.js";
import { OBSERVED_METHODS, SEND_METHODS } from "./messages.js";
import { parseParams, type Params } from "./params.js";
import type { RecordedCall } from "./types.js";

const ROUTE = /^\/bot([^/?]+)\/([A-Za-z]+)\/?(?:\?(.*))?$/;

/**
 * The largest request body read: Telegram's limit for an uploaded photo (10 MB). A larger body is
 * answered 413 as Telegram does, and not kept: the sandbox's Bot API listens to any local program.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A Bot API method: its result, or a thrown ApiFailure. */
export type Handler = (params: Params, call: CallContext) => unknown;

/** Bot API methods by name, as Telegram spells them. */
export type Methods = Readonly<Record<string, Handler>>;

export interface CallContext {
  /** Runs `listener` if the client goes away before the answer (an aborted long poll). */
  onAbort(listener: () => void): void;
}

type Outcome = { status: number; body: ApiSuccess<unknown> | ApiError };

/** A request being answered: its entry in the call log (when recording), method and parameters. */
interface CallRecord {
  record: RecordedCall | undefined;
  method: string;
  params: Params;
}

export interface ServerParts {
  readonly token: string;
  readonly methods: Methods;
  /** The answer to a request with another token (Telegram: 401 Unauthorized). */
  readonly unknownToken: { readonly status: number; readonly description: string };
  readonly faults: Faults;
  readonly records: Records;
  readonly events: EventHub;
  /** The chat a refused request named, for its "rejected" event. */
  readonly chatIdOf: (raw: unknown) => number;
  /** Gets a handler's bug; the request is answered 500. */
  readonly reportBug: (error: unknown) => void;
}

export class BotApiServer {
  readonly apiRoot: string;
  private readonly handlers: ReadonlyMap<string, { name: string; run: Handler }>;
  private latency = 0;

  constructor(
    private readonly server: Server,
    private readonly parts: ServerParts,
  ) {
    const address = server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${address.port}`;
    // Bot API method names are case-insensitive.
    this.handlers = new Map(Object.entries(parts.methods).map(([name, run]) => [name.toLowerCase(), { name, run }]));
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  /** A node:http server listening on a free loopback port. */
  static async listen(): Promise<Server> {
    // Long polls stay open for up to `timeout` seconds; idle keep-alive sockets must outlive the
    // client's agent, or a reused socket closes under a request (ECONNRESET in tests).
    const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return server;
  }

  async close(): Promise<void> {
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closing;
  }

  get latencyMs(): number {
    return this.latency;
  }

  set latencyMs(ms: number) {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`FakeTelegram: latencyMs must be >= 0, got ${ms}`);
    this.latency = ms;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES;
    if (tooLarge) return this.refuseLarge(req, res);
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      tooLarge = true;
      chunks.length = 0;
      this.refuseLarge(req, res);
    });
    req.on("end", () => {
      if (!tooLarge) this.dispatch(req, res, chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", () => res.destroy());
  }

  /** 413 as Telegram answers it; the rest of the body is read and dropped, then the connection closes. */
  private refuseLarge(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    res.setHeader("connection", "close");
    this.reply(res, failureOutcome(new ApiFailure(413, "Request Entity Too Large")));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, body: string): void {
    const route = ROUTE.exec(req.url ?? "");
    if (!route || (req.method !== "GET" && req.method !== "POST")) return this.reply(res, failureOutcome(new ApiFailure(404, "Not Found")));
    const [, token, methodName = "", query] = route;
    if (token !== this.parts.token) {
      const { status, description } = this.parts.unknownToken;
      return this.reply(res, failureOutcome(new ApiFailure(status, description)));
    }
    const handler = this.handlers.get(methodName.toLowerCase());
    if (!handler) return this.reply(res, failureOutcome(new ApiFailure(404, "Not Found")));

    let params: Params;
    try {
      params = parseParams(req.headers["content-type"], body, query);
    } catch (error) {
      return this.reply(res, this.toOutcome(error));
    }
    const { records, faults } = this.parts;
    const call: CallRecord = { record: records.recordCall(handler.name, params), method: handler.name, params };
    const isSend = SEND_METHODS.has(handler.name);
    if (isSend) records.sendReceived();

    const drop = faults.takeDrop(handler.name);
    if (drop && !drop.afterDelivery) return this.later(() => res.destroy());
    const failure = faults.takeFailure(handler.name);
    if (failure) return this.finish(res, call, isSend, failureOutcome(failure));

    // With a drop after delivery the request takes effect, but the answer never arrives.
    const settle = (outcome: Outcome): void => {
      if (drop) {
        this.count(call, isSend, outcome);
        this.later(() => res.destroy());
      } else {
        this.finish(res, call, isSend, outcome);
      }
    };
    const context: CallContext = {
      onAbort: (listener) => {
        res.once("close", () => {
          if (!res.writableEnded) listener();
        });
      },
    };
    let result: unknown;
    try {
      result = handler.run(params, context);
    } catch (error) {
      return settle(this.toOutcome(error));
    }
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => settle(successOutcome(value)),
        (error: unknown) => settle(this.toOutcome(error)),
      );
    } else {
      settle(successOutcome(result));
    }
  }

  private finish(res: ServerResponse, call: CallRecord, isSend: boolean, outcome: Outcome): void {
    this.count(call, isSend, outcome);
    this.reply(res, outcome);
  }

  private count({ record: call, method, params }: CallRecord, isSend: boolean, outcome: Outcome): void {
    const { records, events } = this.parts;
    if (isSend && outcome.status === 429) records.sendRejected429();
    if (!outcome.body.ok && events.listening && OBSERVED_METHODS.has(method)) {
      let chatId: number | undefined;
      try {
        chatId = this.parts.chatIdOf(params.chat_id);
      } catch {
        chatId = undefined;
      }
      const retryAfter = outcome.body.parameters?.retry_after;
      events.emit({
        type: "rejected",
        chatId,
        method,
        status: outcome.status,
        description: outcome.body.description,
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
    }
    if (!call) return;
    call.status = outcome.status;
    if (!outcome.body.ok) call.description = outcome.body.description;
  }

  private reply(res: ServerResponse, outcome: Outcome): void {
    const json = JSON.stringify(outcome.body);
    this.later(() => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(outcome.status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
      res.end(json);
    });
  }

  private later(action: () => void): void {
    if (this.latency > 0) setTimeout(action, this.latency);
    else action();
  }

  private toOutcome(error: unknown): Outcome {
    if (error instanceof ApiFailure) return failureOutcome(error);
    // A bug in the fake, not a Telegram behaviour: keep it visible.
    this.parts.reportBug(error);
    return failureOutcome(new ApiFailure(500, "Internal Server Error"));
  }
}

function successOutcome(result: unknown): Outcome {
  return { status: 200, body: { ok: true, result } };
}

function failureOutcome(failure: ApiFailure): Outcome {
  const body: ApiError = { ok: false, error_code: failure.status, description: failure.description };
  if (failure.parameters) body.parameters = failure.parameters;
  return { status: failure.status, body };
}
