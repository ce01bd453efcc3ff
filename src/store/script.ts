import { createHash } from "node:crypto";
import type { ChainableCommander, Redis } from "ioredis";

type Arg = string | number;
type Runner = (...args: Arg[]) => Promise<unknown>;

/**
 * A Lua script run with EVALSHA (falling back to EVAL once after a Redis restart), so a change
 * that touches several keys together happens atomically, the way BullMQ's own commands do.
 */
export class LuaScript {
  private readonly name: string;

  constructor(private readonly lua: string) {
    this.name = `bulletin_${createHash("sha1").update(lua).digest("hex").slice(0, 12)}`;
  }

  /** Defines the script on `client` (pipelines made from it afterwards know it too). */
  ensure(client: Redis): void {
    if (!(this.name in client)) client.defineCommand(this.name, { lua: this.lua });
  }

  run(client: Redis, keys: readonly string[], args: readonly Arg[] = []): Promise<unknown> {
    this.ensure(client);
    const command = (client as unknown as Record<string, Runner>)[this.name];
    if (!command) throw new Error(`script ${this.name} not defined`);
    return command.call(client, keys.length, ...keys, ...args);
  }

  /** Queues the script on a pipeline made from `client`. */
  queue(client: Redis, pipeline: ChainableCommander, keys: readonly string[], args: readonly Arg[] = []): void {
    this.ensure(client);
    const command = (pipeline as unknown as Record<string, (...a: Arg[]) => unknown>)[this.name];
    if (!command) throw new Error(`script ${this.name} not defined on pipeline`);
    command.call(pipeline, keys.length, ...keys, ...args);
  }
}

interface Queued {
  readonly keys: readonly string[];
  readonly args: readonly Arg[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Runs one script for many callers, sending the calls made in the same tick together in one
 * pipeline: at thousands of sends a second, one round trip per tick instead of one per send.
 */
export class BatchedScript {
  private queued: Queued[] = [];

  constructor(
    private readonly client: Redis,
    private readonly script: LuaScript,
  ) {
    script.ensure(client);
  }

  run(keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => void this.flush());
      this.queued.push({ keys, args, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    const pipeline = this.client.pipeline();
    for (const call of batch) this.script.queue(this.client, pipeline, call.keys, call.args);
    try {
      const results = (await pipeline.exec()) ?? [];
      batch.forEach((call, i) => {
        const [error, value] = results[i] ?? [new Error("no reply from Redis")];
        if (error) call.reject(error);
        else call.resolve(value);
      });
    } catch (error) {
      for (const call of batch) call.reject(error);
    }
  }
}
