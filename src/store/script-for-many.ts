/**
 * Scripts that serve many calls in one run, and the batching that feeds them: at thousands of sends
 * a second, what a delivery process spends its time on is the client's cost per command and per
 * write to Redis, not Redis itself, so the claims, commits and reads of a tick go out as a few
 * script calls in one pipeline.
 */
import { basename } from "node:path";
import type { ChainableCommander, Redis } from "ioredis";
import { isCluster, keySlot } from "../redis.js";
import { decodeWith, LuaScript, readScript, unexpectedReply, type Arg, type ReplyDecoder } from "./script.js";

/** One call of a ScriptForMany: its own keys and args. */
export interface Call<Keys extends readonly string[], Args extends readonly Arg[]> {
  readonly keys: Keys;
  readonly args: Args;
}

/** What one call of a ScriptForMany came to: its reply, or why it has none. */
export type Outcome<Reply> = { readonly ok: true; readonly reply: Reply } | { readonly ok: false; readonly error: unknown };

type PipelineResult = [Error | null, unknown];

/** Calls one run of a script takes at most: a run blocks Redis, so it stays short. */
const CALLS_PER_RUN = 256;

/** How many keys and args each call of a ScriptForMany passes (its header says the same). */
export interface CallShape {
  readonly keys: number;
  readonly args: number;
}

/**
 * A script that does the same thing for several calls in one run (`<name>-n.lua`): KEYS holds each
 * call's keys and ARGV each call's args, one call after another, and it answers a list with one
 * reply per call.
 */
export class ScriptForMany<Keys extends readonly string[], Args extends readonly Arg[], Reply> extends LuaScript<
  readonly string[],
  readonly Arg[],
  unknown[]
> {
  constructor(
    file: string,
    lua: string,
    private readonly shape: CallShape,
    private readonly decodeOne: ReplyDecoder<Reply>,
  ) {
    super(file, lua, (reply) => (Array.isArray(reply) ? reply : unexpectedReply("a list with one reply per call")));
  }

  /** Throws when a call passes another number of keys or args than each call takes: the run would read every later call askew. */
  checkCall(call: Call<Keys, Args>): void {
    if (call.keys.length !== this.shape.keys || call.args.length !== this.shape.args) {
      throw new Error(
        `${this.file} takes ${this.shape.keys} keys and ${this.shape.args} args a call, was given ${call.keys.length} and ${call.args.length}`,
      );
    }
  }

  /**
   * Queues `calls` on `pipeline` in as few runs as it takes: all of them in one run on a single
   * Redis (up to CALLS_PER_RUN), one run per hash slot on a cluster, where a script's keys share
   * one slot. Answers how to read the runs' results (in the order queued) into each call's outcome.
   */
  queueCalls(
    client: Redis,
    pipeline: ChainableCommander,
    calls: readonly Call<Keys, Args>[],
  ): (results: readonly PipelineResult[]) => Outcome<Reply>[] {
    const runs = groupCalls(calls, isCluster(client) ? keySlot : undefined);
    for (const run of runs) {
      const keys: string[] = [];
      const args: Arg[] = [];
      for (const index of run) {
        keys.push(...calls[index]!.keys);
        args.push(...calls[index]!.args);
      }
      this.queue(client, pipeline, keys, args);
    }
    return (results) => {
      const outcomes: Outcome<Reply>[] = [];
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
    };
  }

  /** Runs `calls` in one round trip (see queueCalls) and answers every reply; throws the first failure. */
  async runAll(client: Redis, calls: readonly Call<Keys, Args>[]): Promise<Reply[]> {
    for (const call of calls) this.checkCall(call);
    // Defined before the pipeline is made: a pipeline knows the scripts its client had then.
    this.ensure(client);
    const pipeline = client.pipeline();
    const read = this.queueCalls(client, pipeline, calls);
    return read((await pipeline.exec()) ?? []).map((outcome) => {
      if (!outcome.ok) throw outcome.error;
      return outcome.reply;
    });
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

/** Loads a ScriptForMany (`<name>-n.lua`), whose calls have `shape` and whose replies per call `decodeOne` reads. */
export function loadScriptForMany<Keys extends readonly string[], Args extends readonly Arg[], Reply>(
  url: URL,
  shape: CallShape,
  decodeOne: ReplyDecoder<Reply>,
): ScriptForMany<Keys, Args, Reply> {
  return new ScriptForMany<Keys, Args, Reply>(basename(url.pathname), readScript(url), shape, decodeOne);
}

/** A BatchedScript's calls of one tick, queued on the tick's pipeline; `settle` hands out the results. */
interface TickPart {
  queueOn(pipeline: ChainableCommander): (results: readonly PipelineResult[] | Error) => void;
}

/**
 * The tick's pipeline: what every BatchedScript sharing it queued since the last tick goes to Redis
 * as one pipeline, one write and one round trip (a tick's claims and commits together).
 */
export class ScriptTick {
  private readonly parts = new Set<TickPart>();

  constructor(private readonly client: Redis) {}

  /** `part` has calls waiting: they go with the tick's pipeline. */
  add(part: TickPart): void {
    if (this.parts.size === 0) setImmediate(() => void this.flush());
    this.parts.add(part);
  }

  private async flush(): Promise<void> {
    const parts = [...this.parts];
    this.parts.clear();
    const pipeline = this.client.pipeline();
    const settles = parts.map((part) => {
      const start = pipeline.length;
      return { start, settle: part.queueOn(pipeline) };
    });
    let results: readonly PipelineResult[] | Error;
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      results = error instanceof Error ? error : new Error(String(error));
    }
    for (const { start, settle } of settles) settle(results instanceof Error ? results : results.slice(start));
  }
}

/** The BatchedScript of a ScriptForMany (for declaring fields). */
export type BatchOf<Script> = Script extends ScriptForMany<infer Keys, infer Args, infer Reply> ? BatchedScript<Keys, Args, Reply> : never;

interface Queued<Keys extends readonly string[], Args extends readonly Arg[], Reply> extends Call<Keys, Args> {
  resolve(value: Reply): void;
  reject(error: unknown): void;
}

/**
 * Runs one script for many callers: the calls made in the same tick go to Redis together, in one
 * run of the script (one per hash slot on a cluster), on the pipeline of `tick` (which other
 * BatchedScripts may share), so a process sending thousands of messages a second makes a few
 * script calls and one write a tick instead of a few per message.
 */
export class BatchedScript<Keys extends readonly string[], Args extends readonly Arg[], Reply> implements TickPart {
  private queued: Queued<Keys, Args, Reply>[] = [];

  constructor(
    private readonly client: Redis,
    private readonly script: ScriptForMany<Keys, Args, Reply>,
    private readonly tick: ScriptTick = new ScriptTick(client),
  ) {
    script.ensure(client);
  }

  run(keys: Keys, args: Args): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.script.checkCall({ keys, args });
      if (this.queued.length === 0) this.tick.add(this);
      this.queued.push({ keys, args, resolve, reject });
    });
  }

  queueOn(pipeline: ChainableCommander): (results: readonly PipelineResult[] | Error) => void {
    const batch = this.queued;
    this.queued = [];
    const read = this.script.queueCalls(this.client, pipeline, batch);
    return (results) => {
      if (results instanceof Error) {
        for (const call of batch) call.reject(results);
        return;
      }
      read(results).forEach((outcome, i) => {
        if (outcome.ok) batch[i]!.resolve(outcome.reply);
        else batch[i]!.reject(outcome.error);
      });
    };
  }
}
