/**
 * What tests ask the fake afterwards: counters of sends, the log of calls, send timestamps for
 * checking pacing, and waiting until something has arrived.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Params } from "./params.js";
import type { RecordedCall, SentMessage, WaitOptions } from "./types.js";

export class Records {
  private readonly counts = { accepted: 0, rejected429: 0, total: 0, paidSends: 0 };
  private readonly sendTimes: number[] = [];
  private readonly log: RecordedCall[] = [];

  /** `recordCalls` false keeps only the counters and send timestamps. */
  constructor(private readonly recordCalls: boolean) {}

  // ----- written by the server and the send methods ------------------------------------------

  /** The call's entry in the log (completed when answered), or undefined when not recording. */
  recordCall(method: string, params: Params): RecordedCall | undefined {
    if (!this.recordCalls) return undefined;
    const call: RecordedCall = { method, params, at: Date.now(), status: 0 };
    this.log.push(call);
    return call;
  }

  sendReceived(): void {
    this.counts.total++;
  }

  sendRejected429(): void {
    this.counts.rejected429++;
  }

  paidSendAboveFreeLimit(): void {
    this.counts.paidSends++;
  }

  sendAccepted(at: number): void {
    this.sendTimes.push(at);
    this.counts.accepted++;
  }

  // ----- read by tests -----------------------------------------------------------------------

  get accepted(): number {
    return this.counts.accepted;
  }

  get rejected429(): number {
    return this.counts.rejected429;
  }

  get total(): number {
    return this.counts.total;
  }

  get paidSends(): number {
    return this.counts.paidSends;
  }

  calls(method?: string): RecordedCall[] {
    if (method === undefined) return [...this.log];
    const wanted = method.toLowerCase();
    return this.log.filter((c) => c.method.toLowerCase() === wanted);
  }

  sendTimestamps(): number[] {
    return [...this.sendTimes];
  }

  maxSendsInWindow(windowMs: number): number {
    let max = 0;
    let start = 0;
    for (let end = 0; end < this.sendTimes.length; end++) {
      const t = this.sendTimes[end] ?? 0;
      while ((this.sendTimes[start] ?? t) <= t - windowMs) start++;
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 5000, intervalMs = 10, message = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) throw new Error(`FakeTelegram.waitFor: timed out after ${timeoutMs} ms waiting for ${message}`);
    await sleep(intervalMs);
  }
}

/** Waits until `messagesTo()` holds `count` messages; the timeout error lists what did arrive. */
export async function waitForCount(
  messagesTo: () => SentMessage[],
  chatId: number,
  count: number,
  timeoutMs: number,
): Promise<SentMessage[]> {
  try {
    await waitUntil(() => messagesTo().length >= count, { timeoutMs });
  } catch {
    const got = messagesTo().map((m) => JSON.stringify(m.text ?? m.caption ?? ""));
    throw new Error(
      `FakeTelegram.waitForMessages: expected ${count} message(s) to chat ${chatId} within ${timeoutMs} ms, ` +
        `got ${got.length}${got.length > 0 ? `: ${got.join(", ")}` : ""}`,
    );
  }
  return messagesTo();
}
