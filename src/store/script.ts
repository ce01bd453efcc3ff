import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { inspect } from "node:util";
import type { ChainableCommander, Redis } from "ioredis";

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
export function decodeWith<Reply>(file: string, decoder: ReplyDecoder<Reply>, reply: unknown): Reply {
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
