import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { inspect } from "node:util";
import type { ChainableCommander, Redis } from "ioredis";
import { isCluster, keySlot } from "../redis.js";

export type Arg = string | number;
type Runner = (...args: Arg[]) => Promise<unknown>;

/** Turns a script's raw reply into its typed answer, or calls `unexpectedReply` when the shape is wrong. */
export type ReplyDecoder<Reply> = (reply: unknown) => Reply;

class ReplyShapeError extends Error {}

/** For decoders: the reply is not what the script answers. `expected` says what it should have been. */
export function unexpectedReply(expected: string): never {
  throw new ReplyShapeError(expected);
}

/** A type guard for integer replies (Redis integers, and Lua numbers, which Redis truncates). */
export const isInteger = (value: unknown): value is number => Number.isInteger(value);

/** The common answer of scripts that either did their change or found the state moved on: 1 or 0. */
export function decodeFlag(reply: unknown): boolean {
  if (reply === 1) return true;
  if (reply === 0) return false;
  return unexpectedReply("0 or 1");
}

/** `<name>-<number of KEYS>.lua`, or `<name>-n.lua` when the caller decides how many keys (the header says which). */
const SCRIPT_FILE = /^[a-z0-9]+(?:-[a-z0-9]+)*-(\d+|n)\.lua$/;
/** BullMQ's include line: `--- @include "<path without .lua, relative to the including file>"`. */
const INCLUDE_LINE = /^--- @include "([^"]+)"$/gm;

/**
 * A script file's source with its includes inlined in place, each included file once (a second
 * include of the same file, directly or through another include, is dropped), as BullMQ does.
 */
export function readScript(file: URL): string {
  const included = new Set<string>([file.href]);
  const expand = (url: URL): string =>
    readFileSync(url, "utf8").replace(INCLUDE_LINE, (_line, path: string) => {
      const target = new URL(`${path}.lua`, url);
      if (included.has(target.href)) return "";
      included.add(target.href);
      return expand(target);
    });
  return expand(file);
}

/** `decoder`'s answer for `reply`; a reply of the wrong shape throws a clear error naming `file`. */
function decodeWith<Reply>(file: string, decoder: ReplyDecoder<Reply>, reply: unknown): Reply {
  try {
    return decoder(reply);
  } catch (error) {
    if (!(error instanceof ReplyShapeError)) throw error;
    const shown = inspect(reply, { depth: 3, maxArrayLength: 8, maxStringLength: 80, breakLength: Infinity });
    throw new Error(`${file} answered ${shown}, expected ${error.message}`, { cause: error });
  }
}

/** The number of KEYS a script file takes, from its name; undefined for `-n` files. */
export function keyCountOf(fileName: string): number | undefined {
  const match = SCRIPT_FILE.exec(fileName);
  if (!match) throw new Error(`script file ${fileName} is not named <name>-<number of KEYS>.lua or <name>-n.lua`);
  return match[1] === "n" ? undefined : Number(match[1]);
}

/**
 * A Lua script run with EVALSHA (falling back to EVAL once after a Redis restart), so a change
 * that touches several keys together happens atomically, the way BullMQ's own commands do.
 * `Keys` and `Args` name what the script's header lists; every reply goes through `decode`.
 */
export class LuaScript<Keys extends readonly string[] = readonly string[], Args extends readonly Arg[] = readonly Arg[], Reply = unknown> {
  private readonly name: string;
  /** How many KEYS every call passes (from the file name); undefined when it varies. */
  readonly keyCount: number | undefined;

  constructor(
    /** The script's file name, `<name>-<number of KEYS>.lua`. */
    readonly file: string,
    readonly lua: string,
    private readonly decoder: ReplyDecoder<Reply>,
  ) {
    this.keyCount = keyCountOf(file);
    this.name = `bulletin_${createHash("sha1").update(lua).digest("hex").slice(0, 12)}`;
  }

  /** Defines the script on `client` (pipelines made from it afterwards know it too). */
  ensure(client: Redis): void {
    if (!(this.name in client)) client.defineCommand(this.name, { lua: this.lua });
  }

  /** Throws when a call passes another number of keys than the file name says. */
  checkKeys(keys: Keys): void {
    if (this.keyCount !== undefined && keys.length !== this.keyCount) {
      throw new Error(`${this.file} takes ${this.keyCount} keys, was given ${keys.length}`);
    }
  }

  async run(client: Redis, keys: Keys, args: Args): Promise<Reply> {
    this.checkKeys(keys);
    this.ensure(client);
    const command = (client as unknown as Record<string, Runner>)[this.name];
    if (!command) throw new Error(`script ${this.file} not defined`);
    return this.decode(await command.call(client, keys.length, ...keys, ...args));
  }

  /** Queues the script on a pipeline made from `client`; `decode` the pipeline's result for it. */
  queue(client: Redis, pipeline: ChainableCommander, keys: Keys, args: Args): void {
    this.checkKeys(keys);
    this.ensure(client);
    const command = (pipeline as unknown as Record<string, (...a: Arg[]) => unknown>)[this.name];
    if (!command) throw new Error(`script ${this.file} not defined on pipeline`);
    command.call(pipeline, keys.length, ...keys, ...args);
  }

  /** The typed answer of a raw reply; throws a clear error when its shape is not the script's. */
  decode(reply: unknown): Reply {
    return decodeWith(this.file, this.decoder, reply);
  }
}

/**
 * Loads the script file `url` (with its includes) once, at module load: wrappers call it with
 * `new URL("<name>-<keys>.lua", import.meta.url)`, so the file is found next to them under tsx,
 * vitest and in the Docker image alike.
 */
export function loadScript<Keys extends readonly string[], Args extends readonly Arg[], Reply>(
  url: URL,
  decode: ReplyDecoder<Reply>,
): LuaScript<Keys, Args, Reply> {
  return new LuaScript<Keys, Args, Reply>(basename(url.pathname), readScript(url), decode);
}

/** One call of a ScriptForMany: its own keys and args. */
export interface Call<Keys extends readonly string[], Args extends readonly Arg[]> {
  readonly keys: Keys;
  readonly args: Args;
}

/** What one call of a ScriptForMany came to: its reply, or why it has none. */
export type Outcome<Reply> = { readonly ok: true; readonly reply: Reply } | { readonly ok: false; readonly error: unknown };

/** Calls one run of a script takes at most: a run blocks Redis, so it stays short. */
const CALLS_PER_RUN = 256;

/**
 * A script that does the same thing for several calls in one run (`<name>-n.lua`): KEYS holds each
 * call's keys and ARGV each call's args, one call after another, and it answers a list with one
 * reply per call. One EVALSHA for a batch instead of one per call: at thousands of sends a second
 * the client's cost per command, not Redis, is what a delivery process spends its time on.
 */
export class ScriptForMany<Keys extends readonly string[], Args extends readonly Arg[], Reply> extends LuaScript<
  readonly string[],
  readonly Arg[],
  unknown[]
> {
  constructor(
    file: string,
    lua: string,
    private readonly decodeOne: ReplyDecoder<Reply>,
  ) {
    super(file, lua, (reply) => (Array.isArray(reply) ? reply : unexpectedReply("a list with one reply per call")));
  }

  /**
   * Runs `calls`, as few runs as it takes: all of them in one run on a single Redis (up to
   * CALLS_PER_RUN), one run per hash slot on a cluster, where a script's keys share one slot; the
   * runs travel in one pipeline. Answers each call's outcome, in order.
   */
  async runEach(client: Redis, calls: readonly Call<Keys, Args>[]): Promise<Outcome<Reply>[]> {
    const runs = groupCalls(calls, isCluster(client) ? keySlot : undefined);
    // Defined before the pipeline is made: a pipeline knows the scripts its client had then.
    this.ensure(client);
    const pipeline = client.pipeline();
    for (const run of runs) this.queueRun(client, pipeline, run.map((index) => calls[index]!));
    const outcomes: Outcome<Reply>[] = [];
    let results: [Error | null, unknown][];
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      return calls.map(() => ({ ok: false, error }));
    }
    runs.forEach((run, r) => {
      const [error, value] = results[r] ?? [new Error("no reply from Redis"), null];
      let replies: unknown[] = [];
      let failure: unknown = error ?? undefined;
      if (!failure) {
        try {
          replies = this.decode(value);
          if (replies.length !== run.length) unexpectedReply(`${run.length} replies`);
        } catch (decodeError) {
          failure = decodeError;
        }
      }
      run.forEach((index, i) => {
        if (failure) return (outcomes[index] = { ok: false, error: failure });
        try {
          outcomes[index] = { ok: true, reply: decodeWith(this.file, this.decodeOne, replies[i]) };
        } catch (decodeError) {
          outcomes[index] = { ok: false, error: decodeError };
        }
      });
    });
    return outcomes;
  }

  /** Like runEach, for callers that need every reply: throws the first failure. */
  async runAll(client: Redis, calls: readonly Call<Keys, Args>[]): Promise<Reply[]> {
    return (await this.runEach(client, calls)).map((outcome) => {
      if (!outcome.ok) throw outcome.error;
      return outcome.reply;
    });
  }

  private queueRun(client: Redis, pipeline: ChainableCommander, calls: readonly Call<Keys, Args>[]): void {
    const keys: string[] = [];
    const args: Arg[] = [];
    for (const call of calls) {
      keys.push(...call.keys);
      args.push(...call.args);
    }
    this.queue(client, pipeline, keys, args);
  }
}

/** The indexes of `calls` grouped into runs: by the slot of their first key when `slotOf` is given, at most CALLS_PER_RUN each. */
function groupCalls(calls: readonly Call<readonly string[], readonly Arg[]>[], slotOf?: (key: string) => number): number[][] {
  const groups = new Map<number, number[]>();
  calls.forEach((call, index) => {
    const slot = slotOf ? slotOf(call.keys[0] ?? "") : 0;
    const group = groups.get(slot);
    if (group) group.push(index);
    else groups.set(slot, [index]);
  });
  const runs: number[][] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += CALLS_PER_RUN) runs.push(group.slice(start, start + CALLS_PER_RUN));
  }
  return runs;
}

/** Loads a ScriptForMany (`<name>-n.lua`), whose replies per call `decodeOne` reads. */
export function loadScriptForMany<Keys extends readonly string[], Args extends readonly Arg[], Reply>(
  url: URL,
  decodeOne: ReplyDecoder<Reply>,
): ScriptForMany<Keys, Args, Reply> {
  return new ScriptForMany<Keys, Args, Reply>(basename(url.pathname), readScript(url), decodeOne);
}

/** The BatchedScript of a ScriptForMany (for declaring fields). */
export type BatchOf<Script> = Script extends ScriptForMany<infer Keys, infer Args, infer Reply> ? BatchedScript<Keys, Args, Reply> : never;

interface Queued<Keys extends readonly string[], Args extends readonly Arg[], Reply> extends Call<Keys, Args> {
  resolve(value: Reply): void;
  reject(error: unknown): void;
}

/**
 * Runs one script for many callers: the calls made in the same tick go to Redis together, in one
 * run of the script (one per hash slot on a cluster), so a process sending thousands of messages a
 * second makes a few script calls a tick instead of one per message.
 */
export class BatchedScript<Keys extends readonly string[], Args extends readonly Arg[], Reply> {
  private queued: Queued<Keys, Args, Reply>[] = [];

  constructor(
    private readonly client: Redis,
    private readonly script: ScriptForMany<Keys, Args, Reply>,
  ) {
    script.ensure(client);
  }

  run(keys: Keys, args: Args): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => void this.flush());
      this.queued.push({ keys, args, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    const outcomes = await this.script.runEach(this.client, batch);
    batch.forEach((call, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) call.resolve(outcome.reply);
      else call.reject(outcome.error);
    });
  }
}
