import type { Logger } from "../log.js";
import { encodeChatRecord, type ChatRecord } from "../store/chat-record.js";
import { shardOf } from "../store/keys.js";
import { BatchedScript, ScriptTick, type BatchOf } from "../store/script-for-many.js";
import { claimChats, type Claim } from "../store/scripts/claim-chats.js";
import { commitDeliveries } from "../store/scripts/commit-deliveries.js";
import type { DelivererDeps, PacingOptions } from "./deliverer.js";
import type { HeldReaders } from "./held.js";
import { applyDelivered } from "./plan.js";
import type { Rendered } from "./render.js";
import { withTopicSent } from "./topics.js";
import type { Visit } from "./visits.js";
import { execAll } from "../redis.js";

type ClaimDeps = Pick<DelivererDeps, "redis" | "keys" | "store">;

/**
 * A chat's claim and its commit: a visit claims the chat (its pace key) against the record it
 * planned from, holds the claim while Telegram answers, and records what was sent only if the
 * record is still the one it read; otherwise the delivery is applied to the record as it is now.
 * This is what makes a visit idempotent across processes.
 */
export class ChatClaims {
  /** Claims and commits made in the same tick go to Redis in one script call each, in one pipeline. */
  private readonly claims: BatchOf<typeof claimChats>;
  private readonly commits: BatchOf<typeof commitDeliveries>;
  /** The pace keys of this process's sends in flight, with how long each claim holds when renewed. */
  private readonly inFlight = new Map<string, number>();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ClaimDeps,
    private readonly held: HeldReaders,
    private readonly pacing: PacingOptions,
    private readonly logger: Logger,
  ) {
    const tick = new ScriptTick(deps.redis);
    this.claims = new BatchedScript(deps.redis, claimChats, tick);
    this.commits = new BatchedScript(deps.redis, commitDeliveries, tick);
  }

  /** How long the chat waits between two messages: its pace. */
  paceMs(record: ChatRecord): number {
    return record.kind === "private" ? this.pacing.privateMs : this.pacing.groupMs;
  }

  /** Claims the chat for one send, unless its record changed since the plan or its pace still holds it. */
  claim(visit: Visit): Promise<Claim> {
    return this.claims.run(
      [this.deps.keys.chats(shardOf(visit.chat)), this.deps.keys.pace(visit.chat)],
      [String(visit.chat), visit.encoded, this.paceMs(visit.record) + this.pacing.leaseMs],
    );
  }

  /**
   * Runs `send` with the chat's claim renewed while it waits for Telegram's answer: a slow answer
   * (the message may be there already) must not let the claim run out, or the next visit would send
   * the same articles again. Only a crashed process's claim runs out.
   */
  async whileClaimed<T>(visit: Visit, send: () => Promise<T>): Promise<T> {
    const pace = this.deps.keys.pace(visit.chat);
    this.inFlight.set(pace, this.paceMs(visit.record) + this.pacing.leaseMs);
    this.renewal ??= setInterval(() => this.renewInFlight(), this.pacing.leaseMs / 3);
    try {
      return await send();
    } finally {
      this.inFlight.delete(pace);
      if (this.inFlight.size === 0) {
        clearInterval(this.renewal);
        this.renewal = undefined;
      }
    }
  }

  /** Every claim of a send in flight, renewed together: one timer and one pipeline, not one per send. */
  private renewInFlight(): void {
    const pipeline = this.deps.redis.pipeline();
    for (const [pace, holdMs] of this.inFlight) pipeline.pexpire(pace, holdMs);
    execAll(pipeline, "renewing claims").catch((error: unknown) =>
      this.logger.warn({ err: error, claims: this.inFlight.size }, "cannot renew claims"),
    );
  }

  /** Keeps the claim while the bot waits out a 429, and a lease beyond it for the retry. */
  async extend(visit: Visit, waitMs: number): Promise<void> {
    await this.deps.redis.pexpire(this.deps.keys.pace(visit.chat), waitMs + this.pacing.leaseMs);
  }

  /** Lets the claim run out in `delayMs`: no other visit sends to the chat before then. */
  async releaseIn(visit: Visit, delayMs: number): Promise<void> {
    await this.deps.redis.pexpire(this.deps.keys.pace(visit.chat), delayMs);
  }

  /** Records `seqs` as delivered (a held reader's digest also moves their next due minute). */
  async commit(
    visit: Visit,
    seqs: readonly number[],
    outOfOrder: boolean,
    reschedule?: { readonly nextDue: number | undefined },
  ): Promise<void> {
    if (reschedule) {
      return this.held.commit(visit.chat, visit.encoded, visit.record, seqs, reschedule.nextDue, this.paceMs(visit.record));
    }
    const after = applyDelivered(visit.record, seqs, outOfOrder);
    const applied = await this.commits.run(
      [this.deps.keys.chats(shardOf(visit.chat)), this.deps.keys.pace(visit.chat)],
      [String(visit.chat), visit.encoded, encodeChatRecord(after), this.paceMs(visit.record)],
    );
    if (!applied) {
      // The record changed while the message was in flight (a subscription, say): apply the
      // delivery to the record as it is now.
      await this.deps.store.update(visit.chat, (current) => current && applyDelivered(current, seqs, outOfOrder));
    }
  }

  /** A forum post in one topic while others still wait for the article: that topic is done. */
  async commitTopic(visit: Visit, { seq, thread }: NonNullable<Rendered["topic"]>): Promise<void> {
    const applied = await this.commits.run(
      [this.deps.keys.chats(shardOf(visit.chat)), this.deps.keys.pace(visit.chat)],
      [String(visit.chat), visit.encoded, encodeChatRecord(withTopicSent(visit.record, seq, thread)), this.paceMs(visit.record)],
    );
    if (!applied) await this.deps.store.update(visit.chat, (current) => current && withTopicSent(current, seq, thread));
  }
}
