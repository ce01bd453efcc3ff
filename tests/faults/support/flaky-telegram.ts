import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "../../support/random.js";

/** Shares of send requests answered each way (the rest go through untouched). */
export interface FlakyShares {
  /** 429 Too Many Requests with a retry_after of 1 or 2 s. */
  readonly tooMany: number;
  /** 502 Bad Gateway, before Telegram saw the request. */
  readonly badGateway: number;
  /** The connection drops before the request reaches Telegram. */
  readonly dropBefore: number;
  /** Telegram takes the message, then the connection drops: the sender cannot know it was sent. */
  readonly dropAfter: number;
  /** Telegram takes the message and the answer comes 15 s later. */
  readonly slow: number;
}

export interface Faulted {
  readonly at: number;
  readonly chat: number;
  readonly retryAfter?: number;
}

const SENDS = /\/(sendMessage|sendPhoto)$/i;
export const SLOW_ANSWER_MS = 15_000;

/**
 * An HTTP proxy in front of the fake Bot API that fails a share of the sends at random (seeded, so a
 * run can be replayed), as Telegram and the network between do on a bad day. Other methods pass.
 */
export class FlakyTelegram {
  /** Every send request, faulted or not. */
  readonly sends: Faulted[] = [];
  readonly tooMany: Faulted[] = [];
  readonly badGateway: Faulted[] = [];
  readonly dropBefore: Faulted[] = [];
  readonly dropAfter: Faulted[] = [];
  readonly slow: Faulted[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
  ) {}

  static async start(target: string, shares: FlakyShares, seed: number): Promise<FlakyTelegram> {
    const random = seededRandom(seed);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const flaky = new FlakyTelegram(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void flaky.handle(req, res, target, shares, random));
    return flaky;
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    target: string,
    shares: FlakyShares,
    random: () => number,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const forward = async () => {
      const answer = await fetch(`${target}${req.url ?? ""}`, {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: req.method === "GET" ? undefined : body,
      });
      return { status: answer.status, text: await answer.text() };
    };
    const reply = (status: number, text: string) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    if (!SENDS.test(req.url ?? "")) {
      const { status, text } = await forward();
      return reply(status, text);
    }
    const fault: Faulted = { at: Date.now(), chat: chatOf(req.headers["content-type"], body) };
    this.sends.push(fault);
    let draw = random();
    const pick = (share: number) => {
      draw -= share;
      return draw < 0;
    };
    if (pick(shares.tooMany)) {
      const retryAfter = random() < 0.5 ? 1 : 2;
      this.tooMany.push({ ...fault, retryAfter });
      const description = `Too Many Requests: retry after ${retryAfter}`;
      return reply(429, JSON.stringify({ ok: false, error_code: 429, description, parameters: { retry_after: retryAfter } }));
    }
    if (pick(shares.badGateway)) {
      this.badGateway.push(fault);
      return reply(502, JSON.stringify({ ok: false, error_code: 502, description: "Bad Gateway" }));
    }
    if (pick(shares.dropBefore)) {
      this.dropBefore.push(fault);
      return void res.socket?.destroy();
    }
    const { status, text } = await forward();
    if (pick(shares.dropAfter)) {
      this.dropAfter.push(fault);
      return void res.socket?.destroy();
    }
    if (pick(shares.slow)) {
      this.slow.push(fault);
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        reply(status, text);
      }, SLOW_ANSWER_MS);
      this.pending.add(timer);
      return;
    }
    reply(status, text);
  }

  async close(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function chatOf(contentType: string | undefined, body: Buffer): number {
  const text = body.toString("utf8");
  if (contentType?.includes("json")) return Number((JSON.parse(text) as { chat_id?: unknown }).chat_id);
  return Number(new URLSearchParams(text).get("chat_id"));
}

/** Sends to a chat while a 429's retry_after for that chat was still running. */
export function sendsInsideRetryAfter(flaky: FlakyTelegram): Faulted[] {
  return flaky.sends.filter((send) =>
    flaky.tooMany.some((f) => f.chat === send.chat && send.at > f.at && send.at < f.at + (f.retryAfter ?? 0) * 1000),
  );
}

/** The total length of the union of [at, at + retry_after) windows: time no send could avoid waiting. */
export function retryAfterTime(faults: readonly Faulted[]): number {
  const windows = faults.map((f) => [f.at, f.at + (f.retryAfter ?? 0) * 1000] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of windows) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
