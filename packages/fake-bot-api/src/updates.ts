/**
 * Updates for the bot: the queue users' actions fill, and the methods that hand it out —
 * getUpdates (long polling, offset, limit, allowed_updates, 409 for a second poller),
 * deleteWebhook and getWebhookInfo.
 */
import type { Update, WebhookInfo } from "grammy/types";
import { ApiFailure } from "./errors.js";
import type { EventHub } from "./events.js";
import { boolParam, intParam, jsonParam, type Params } from "./params.js";
import type { CallContext, Methods } from "./server.js";

/** Update types a bot gets when allowed_updates is empty or was never set. */
const OPT_IN_UPDATES: ReadonlySet<string> = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

interface PendingPoll {
  limit: number;
  timer: NodeJS.Timeout;
  resolve(updates: Update[]): void;
  reject(failure: ApiFailure): void;
}

export class UpdateQueue {
  private updates: Update[] = [];
  private nextUpdateId = 100_000_001;
  /** null = Telegram's default (everything except the opt-in types). */
  private allowedUpdates: ReadonlySet<string> | null = null;
  private poll: PendingPoll | undefined;
  private wakeScheduled = false;

  constructor(private readonly events: EventHub) {}

  methods(): Methods {
    return {
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: (): WebhookInfo => ({ url: "", has_custom_certificate: false, pending_update_count: this.updates.length }),
      getUpdates: (p, call) => this.getUpdates(p, call),
    };
  }

  /** Queues an update (the id is assigned here) and wakes a waiting long poll. */
  queue(partial: Omit<Update, "update_id">): Update {
    const update: Update = { ...partial, update_id: this.nextUpdateId++ };
    this.updates.push(update);
    this.wakePoll();
    if (this.events.listening) this.events.emit({ type: "update", update });
    return update;
  }

  /** Updates queued and not yet confirmed by getUpdates' offset. */
  pending(): Update[] {
    return [...this.updates];
  }

  /** Forgets a waiting long poll (the server is closing its connection). */
  close(): void {
    if (this.poll) clearTimeout(this.poll.timer);
    this.poll = undefined;
  }

  private deleteWebhook(p: Params): true {
    if (boolParam(p, "drop_pending_updates")) this.updates = [];
    return true;
  }

  private getUpdates(p: Params, call: CallContext): Update[] | Promise<Update[]> {
    const limit = Math.min(100, Math.max(1, intParam(p, "limit") ?? 100));
    const timeoutSeconds = Math.max(0, intParam(p, "timeout") ?? 0);
    const allowed = jsonParam(p, "allowed_updates", "can't parse allowed_updates JSON object");
    if (Array.isArray(allowed)) {
      // The setting sticks for later calls; an empty list restores the default.
      this.allowedUpdates = allowed.length === 0 ? null : new Set(allowed.filter((t) => typeof t === "string"));
    }
    const offset = intParam(p, "offset");
    if (offset !== undefined) this.confirmUpdates(offset);

    // Only one getUpdates may run at a time; Telegram ends the older one with 409.
    const previous = this.poll;
    if (previous) {
      this.poll = undefined;
      clearTimeout(previous.timer);
      previous.reject(new ApiFailure(409, POLL_CONFLICT));
    }

    const ready = this.readyUpdates(limit);
    if (ready.length > 0 || timeoutSeconds === 0) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        resolve,
        reject,
        timer: setTimeout(() => this.finishPoll(poll), timeoutSeconds * 1000),
      };
      this.poll = poll;
      call.onAbort(() => {
        if (this.poll !== poll) return;
        clearTimeout(poll.timer);
        this.poll = undefined;
      });
    });
  }

  /** offset confirms every update below it; a negative offset keeps only the last -offset. */
  private confirmUpdates(offset: number): void {
    if (offset < 0) {
      this.updates = this.updates.slice(offset);
      return;
    }
    let confirmed = 0;
    while (confirmed < this.updates.length && (this.updates[confirmed]?.update_id ?? offset) < offset) confirmed++;
    if (confirmed > 0) this.updates.splice(0, confirmed);
  }

  /** Updates of types the bot did not subscribe to are dropped, as Telegram never delivers them. */
  private readyUpdates(limit: number): Update[] {
    if (this.updates.some((u) => !this.isAllowed(u))) this.updates = this.updates.filter((u) => this.isAllowed(u));
    return this.updates.slice(0, limit);
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== "update_id") ?? "";
    return this.allowedUpdates === null ? !OPT_IN_UPDATES.has(type) : this.allowedUpdates.has(type);
  }

  private finishPoll(poll: PendingPoll): void {
    if (this.poll !== poll) return;
    clearTimeout(poll.timer);
    this.poll = undefined;
    poll.resolve(this.readyUpdates(poll.limit));
  }

  /** Answers a waiting long poll; deferred so updates queued together arrive together. */
  private wakePoll(): void {
    if (!this.poll || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const poll = this.poll;
      if (poll && this.readyUpdates(poll.limit).length > 0) this.finishPoll(poll);
    });
  }
}
