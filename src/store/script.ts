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

  private ensure(client: Redis): void {
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
