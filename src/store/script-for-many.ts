/**
 * Scripts that serve many calls in one run, and the batching that feeds them: at thousands of sends
 * a second, what a delivery process spends its time on is the client's cost per command and per
 * write to Redis, not Redis itself, so the claims, commits and reads of a tick go out as a few
 * script calls in one pipeline.
 */
import { basename } from "node:path";
import type { ChainableCommander, Redis } from "ioredis";
import { isCluster, keySlot, nodeOfSlot } from "../redis.js";
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

/**
 * Errors of a run across slots whose node no longer serves one of its keys (a slot moved, the
 * client's table of slots is stale): nothing was written (see acrossSlotsLua), and its calls go
 * again one run per slot, which the cluster client routes and redirects as it should.
 */
const NOT_SERVED_HERE = /Script attempted to access a non local key/;

/**
 * The same script for a run whose calls' keys lie in several hash slots of one cluster node. A
 * script's declared keys must share a slot, so the keys travel in ARGV (their count first, then the
 * keys, then the args) and KEYS holds the first call's keys only, which routes the run to the node;
 * Redis 7's `allow-cross-slot-keys` flag lets the script use keys of the node's other slots. A
 * script that writes first looks at every call's keys (EXISTS, one call's keys share a slot): a key
 * the node does not serve fails the run there, before anything was written. One that only reads
 * says so (`no-writes`) and needs no such look: failing half-way, it has changed nothing.
 */
export function acrossSlotsLua(lua: string, shape: CallShape): string {
  const lookFirst = shape.readOnly
    ? ""
    : `
  for i = 1, count, ${shape.keys} do redis.call('EXISTS', unpack(keys, i, i + ${shape.keys - 1})) end`;
  return `#!lua flags=${shape.readOnly ? "no-writes," : ""}allow-cross-slot-keys
local KEYS, ARGV = (function(argv)
  local count = tonumber(argv[1])
  local keys, args = {}, {}
  for i = 2, count + 1 do keys[#keys + 1] = argv[i] end
  for i = count + 2, #argv do args[#args + 1] = argv[i] end${lookFirst}
  return keys, args
end)(ARGV)
${lua}`;
}

/** Calls (their indexes) that go to Redis in one run of the script; `acrossSlots`: their keys lie in several slots of one node. */
interface Run {
  readonly calls: readonly number[];
  readonly acrossSlots: boolean;
}

/** How many keys and args each call of a ScriptForMany passes (its header says the same), and whether it only reads. */
export interface CallShape {
  readonly keys: number;
  readonly args: number;
  readonly readOnly?: boolean;
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
  /** The script for runs across the slots of one cluster node (acrossSlotsLua). */
  private readonly acrossSlots: LuaScript<readonly string[], readonly Arg[], unknown[]>;

  constructor(
    file: string,
    lua: string,
    private readonly shape: CallShape,
    private readonly decodeOne: ReplyDecoder<Reply>,
  ) {
    const decodeList = (reply: unknown): unknown[] =>
      Array.isArray(reply) ? (reply as unknown[]) : unexpectedReply("a list with one reply per call");
    super(file, lua, decodeList);
    this.acrossSlots = new LuaScript(file, acrossSlotsLua(lua, shape), decodeList);
  }

  override ensure(client: Redis): void {
    super.ensure(client);
    if (isCluster(client)) this.acrossSlots.ensure(client);
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
   * Redis (up to CALLS_PER_RUN), one run per cluster node on a cluster (across its slots; per slot
   * when `by` says so). Answers how to read the runs' results (in the order queued) into each call's
   * outcome; a run across slots that its node refused goes again one run per slot before it is answered.
   */
  queueCalls(
    client: Redis,
    pipeline: ChainableCommander,
    calls: readonly Call<Keys, Args>[],
    by: "node" | "slot" = "node",
  ): (results: readonly PipelineResult[]) => Promise<Outcome<Reply>[]> {
    const runs = groupCalls(client, calls, by);
    for (const run of runs) this.queueRun(client, pipeline, calls, run);
    return async (results) => {
      const outcomes: Outcome<Reply>[] = [];
      const again: number[] = [];
      runs.forEach((run, r) => {
        const [error, value] = results[r] ?? [new Error("no reply from Redis"), null];
        if (run.acrossSlots && error && NOT_SERVED_HERE.test(error.message)) again.push(...run.calls);
        else this.readRun(run, error ?? undefined, value, outcomes);
      });
      if (again.length > 0) {
        const againCalls = again.map((index) => calls[index]!);
        const retry = client.pipeline();
        const read = this.queueCalls(client, retry, againCalls, "slot");
        let retried: Outcome<Reply>[];
        try {
          retried = await read((await retry.exec()) ?? []);
        } catch (error) {
          retried = againCalls.map(() => ({ ok: false, error }));
        }
        again.forEach((index, i) => (outcomes[index] = retried[i]!));
      }
      return outcomes;
    };
  }

  private queueRun(client: Redis, pipeline: ChainableCommander, calls: readonly Call<Keys, Args>[], run: Run): void {
    const keys: string[] = [];
    const args: Arg[] = [];
    for (const index of run.calls) {
      keys.push(...calls[index]!.keys);
      args.push(...calls[index]!.args);
    }
    if (run.acrossSlots) this.acrossSlots.queue(client, pipeline, calls[run.calls[0]!]!.keys, [keys.length, ...keys, ...args]);
    else this.queue(client, pipeline, keys, args);
  }

  /** Each call of `run` gets its reply from the run's `value`, or the run's failure. */
  private readRun(run: Run, error: unknown, value: unknown, outcomes: Outcome<Reply>[]): void {
    let replies: unknown[] = [];
    let failure: unknown = error;
    if (!failure) {
      try {
        replies = this.decode(value);
        if (replies.length !== run.calls.length) unexpectedReply(`${run.calls.length} replies`);
      } catch (decodeError) {
        failure = decodeError;
      }
    }
    run.calls.forEach((index, i) => {
      if (failure) return (outcomes[index] = { ok: false, error: failure });
      try {
        outcomes[index] = { ok: true, reply: decodeWith(this.file, this.decodeOne, replies[i]) };
      } catch (decodeError) {
        outcomes[index] = { ok: false, error: decodeError };
      }
    });
  }

  /** Runs `calls` in one round trip (see queueCalls) and answers every reply; throws the first failure. */
  async runAll(client: Redis, calls: readonly Call<Keys, Args>[]): Promise<Reply[]> {
    for (const call of calls) this.checkCall(call);
    // Defined before the pipeline is made: a pipeline knows the scripts its client had then.
    this.ensure(client);
    const pipeline = client.pipeline();
    const read = this.queueCalls(client, pipeline, calls);
    return (await read((await pipeline.exec()) ?? [])).map((outcome) => {
      if (!outcome.ok) throw outcome.error;
      return outcome.reply;
    });
  }
}

/**
 * The indexes of `calls` grouped into runs of at most CALLS_PER_RUN: all together on a single Redis;
 * on a cluster, by the node serving the slot of their first key (`by` "node"; by the slot itself
 * while the client has not learnt the table of slots) or by slot (`by` "slot").
 */
function groupCalls(client: Redis, calls: readonly Call<readonly string[], readonly Arg[]>[], by: "node" | "slot"): Run[] {
  const cluster = isCluster(client);
  const slots = calls.map((call) => (cluster ? keySlot(call.keys[0] ?? "") : 0));
  const groups = new Map<string, number[]>();
  calls.forEach((_, index) => {
    const slot = slots[index]!;
    const name = by === "node" ? (nodeOfSlot(client, slot) ?? `slot ${slot}`) : `slot ${slot}`;
    const group = groups.get(name);
    if (group) group.push(index);
    else groups.set(name, [index]);
  });
  const runs: Run[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += CALLS_PER_RUN) {
      const part = group.slice(start, start + CALLS_PER_RUN);
      runs.push({ calls: part, acrossSlots: new Set(part.map((index) => slots[index])).size > 1 });
    }
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
 * as one pipeline, one write and one round trip (a tick's claims and commits together). One tick
 * is out at a time: calls made while it is go together when it is back, so under load a tick
 * carries more calls and the process writes to Redis less often (a fifth fewer writes in the
 * cluster step, where each write cost about 100 µs of the delivery process's CPU).
 */
export class ScriptTick {
  private readonly parts = new Set<TickPart>();
  private flushing = false;

  constructor(private readonly client: Redis) {}

  /** `part` has calls waiting: they go with the tick's pipeline. */
  add(part: TickPart): void {
    if (this.parts.size === 0 && !this.flushing) setImmediate(() => void this.flush());
    this.parts.add(part);
  }

  private async flush(): Promise<void> {
    const parts = [...this.parts];
    this.parts.clear();
    this.flushing = true;
    try {
      await this.send(parts);
    } finally {
      this.flushing = false;
      if (this.parts.size > 0) setImmediate(() => void this.flush());
    }
  }

  private async send(parts: readonly TickPart[]): Promise<void> {
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
      read(results).then(
        (outcomes) =>
          outcomes.forEach((outcome, i) => {
            if (outcome.ok) batch[i]!.resolve(outcome.reply);
            else batch[i]!.reject(outcome.error);
          }),
        (error: unknown) => {
          for (const call of batch) call.reject(error);
        },
      );
    };
  }
}
