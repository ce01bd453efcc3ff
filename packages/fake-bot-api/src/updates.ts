/**
 * Updates for the bot: the queue users' actions fill, and the methods that hand it out —
 * getUpdates (long polling, offset, limit, allowed_updates, 409 for a second poller or while a
 * webhook is set), setWebhook, deleteWebhook and getWebhookInfo (webhook.ts posts the updates).
 */
import type { Update, WebhookInfo } from "grammy/types";
import { ApiFailure } from "./errors.js";
import type { EventHub } from "./events.js";
import type { Flavour } from "./flavours.js";
import { badRequest } from "./errors.js";
import { boolParam, intParam, jsonParam, stringParam, type Params } from "./params.js";
import type { CallContext, Methods } from "./server.js";
import { DEFAULT_MAX_CONNECTIONS, WebhookSender } from "./webhook.js";

/** Update types a bot gets when allowed_updates is empty or was never set. */
const OPT_IN_UPDATES: ReadonlySet<string> = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

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
  private readonly webhook: WebhookSender;

  constructor(
    private readonly events: EventHub,
    private readonly flavour: Flavour,
    latencyMs: () => number = () => 0,
  ) {
    this.webhook = new WebhookSender({
      ready: () => this.readyUpdates(Infinity),
      confirm: (id) => {
        const index = this.updates.findIndex((u) => u.update_id === id);
        if (index >= 0) this.updates.splice(index, 1);
      },
      latencyMs,
    });
  }

  methods(): Methods {
    return {
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => this.webhookInfo(),
      getUpdates: (p, call) => this.getUpdates(p, call),
    };
  }

  /** The URL updates are posted to, when a webhook is set. */
  get webhookUrl(): string | undefined {
    return this.webhook.settings?.url;
  }

  /** Queues an update (the id is assigned here) and wakes a waiting long poll; one the messenger never sends is a test's mistake. */
  queue(partial: Omit<Update, "update_id">): Update {
    const kind = Object.keys(partial).find((key) => this.flavour.absentUpdates.has(key));
    if (kind !== undefined) throw new Error(`FakeTelegram: ${this.flavour.name} sends no ${kind} updates`);
    const update: Update = { ...partial, update_id: this.nextUpdateId++ };
    this.updates.push(update);
    this.wakePoll();
    this.webhook.pump();
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
    this.webhook.close();
  }

  private setWebhook(p: Params): true {
    const url = stringParam(p, "url") ?? "";
    if (url === "") return this.deleteWebhook(p);
    if (!/^https?:\/\//.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    const secret = stringParam(p, "secret_token");
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw badRequest("secret token contains unallowed characters");
    const maxConnections = intParam(p, "max_connections") ?? DEFAULT_MAX_CONNECTIONS;
    if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: max_connections must be between 1 and 100");
    this.setAllowedUpdates(p);
    if (boolParam(p, "drop_pending_updates")) this.updates = [];
    // A waiting long poll ends as Telegram ends it: the webhook now takes the updates.
    const poll = this.poll;
    if (poll) {
      this.poll = undefined;
      clearTimeout(poll.timer);
      poll.reject(new ApiFailure(409, WEBHOOK_CONFLICT));
    }
    this.webhook.set({ url, secret, maxConnections });
    return true;
  }

  private deleteWebhook(p: Params): true {
    if (boolParam(p, "drop_pending_updates")) this.updates = [];
    this.webhook.set(undefined);
    return true;
  }

  private webhookInfo(): WebhookInfo {
    const settings = this.webhook.settings;
    const error = this.webhook.error;
    return {
      url: settings?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.updates.length,
      ...(settings ? { max_connections: settings.maxConnections } : {}),
      ...(this.allowedUpdates ? { allowed_updates: [...this.allowedUpdates] as WebhookInfo["allowed_updates"] } : {}),
      ...(error ? { last_error_date: error.date, last_error_message: error.message } : {}),
    };
  }

  private setAllowedUpdates(p: Params): void {
    const allowed = jsonParam(p, "allowed_updates", "can't parse allowed_updates JSON object");
    if (Array.isArray(allowed)) {
      // The setting sticks for later calls; an empty list restores the default.
      this.allowedUpdates = allowed.length === 0 ? null : new Set(allowed.filter((t) => typeof t === "string"));
    }
  }

  private getUpdates(p: Params, call: CallContext): Update[] | Promise<Update[]> {
    const limit = Math.min(100, Math.max(1, intParam(p, "limit") ?? 100));
    const timeoutSeconds = Math.max(0, intParam(p, "timeout") ?? 0);
    if (this.webhook.settings) throw new ApiFailure(409, WEBHOOK_CONFLICT);
    this.setAllowedUpdates(p);
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
