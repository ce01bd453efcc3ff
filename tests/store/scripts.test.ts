/**
 * The Lua scripts under src/store/scripts/: every file compiles in a real Redis, says in its header
 * which KEYS and ARGV it takes (as many KEYS as its name says), and is loaded by exactly one
 * typed wrapper next to it, whose decoder refuses a reply of the wrong shape.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CHUNKS, Rounds, splitIntoChunks } from "../../src/delivery/rounds.js";
import { categorySlug } from "../../src/ids.js";
import { keys as keyLayout } from "../../src/store/keys.js";
import { keyCountOf, LuaScript, readScript } from "../../src/store/script.js";
import { ScriptForMany } from "../../src/store/script-for-many.js";
import { dropPrefix, REDIS_URL, uniquePrefix } from "../support/stack.js";

const FOLDER = new URL("../../src/store/scripts/", import.meta.url);
const INCLUDES = new URL("includes/", FOLDER);
const luaFiles = (folder: URL) =>
  readdirSync(folder)
    .filter((f) => f.endsWith(".lua"))
    .sort();
const scripts = luaFiles(FOLDER);
const includes = luaFiles(INCLUDES);

/** The `--[[ … ]]` block a file starts with, and the code after it with comments removed. */
function parts(source: string): { header: string; code: string } {
  const match = /^--\[\[\n([\s\S]*?)\n\]\]\n/.exec(source);
  const code = source.replace(/--\[\[[\s\S]*?\]\]/g, "").replace(/--.*$/gm, "");
  return { header: match?.[1] ?? "", code };
}

/** The numbers i of `NAME[i]` in `text`, ascending, once each. */
function indices(text: string, pattern: RegExp): number[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(() => redis.disconnect());

describe("the Lua scripts", () => {
  it("are all there: a folder of scripts and includes", () => {
    expect(scripts.length).toBeGreaterThanOrEqual(9);
    expect(includes).toContain("start-round.lua");
  });

  it.each(scripts)("%s compiles in Redis (SCRIPT LOAD), with its includes", async (file) => {
    const lua = readScript(new URL(file, FOLDER));
    expect(lua).not.toMatch(/@include/);
    expect(await redis.script("LOAD", lua)).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(includes)("include %s compiles in Redis and is included by a script", async (file) => {
    const source = readFileSync(new URL(file, INCLUDES), "utf8");
    expect(parts(source).header).not.toBe("");
    expect(await redis.script("LOAD", source)).toMatch(/^[0-9a-f]{40}$/);
    const includedBy = scripts.filter((s) =>
      readFileSync(new URL(s, FOLDER), "utf8").includes(`--- @include "includes/${file.replace(/\.lua$/, "")}"`),
    );
    expect(includedBy, `${file} is included by no script`).not.toEqual([]);
  });

  it.each(scripts)("%s names every KEYS and ARGV it uses in its header, as many KEYS as its file name says", (file) => {
    const keyCount = keyCountOf(file);
    const { header } = parts(readFileSync(new URL(file, FOLDER), "utf8"));
    const { code } = parts(readScript(new URL(file, FOLDER)));
    expect(header).toMatch(/\n\s*Input:\n/);
    expect(header).toMatch(/\n\s*Output:\n/);

    const listedKeys = indices(header, /^\s*KEYS\[(\d+)\]\s+\S/gm);
    const variableKeys = indices(header, /^\s*KEYS\[(\d+)\.\.n\]\s+\S/gm);
    const listedArgs = indices(header, /^\s*ARGV\[(\d+)\]\s+\S/gm);
    if (keyCount === undefined) {
      expect(variableKeys, "a -n script lists its variable keys as KEYS[i..n]").toEqual([listedKeys.length + 1]);
    } else {
      expect(listedKeys).toEqual(upTo(keyCount));
      expect(variableKeys).toEqual([]);
    }
    expect(listedKeys).toEqual(upTo(listedKeys.length));
    expect(listedArgs).toEqual(upTo(listedArgs.length));

    // Every key and argument used by number is listed, and every one listed is used.
    expect(indices(code, /KEYS\[(\d+)\]/g)).toEqual(listedKeys);
    expect(indices(code, /ARGV\[(\d+)\]/g)).toEqual(listedArgs);
  });
});

describe("the Docker image", () => {
  it("holds the script files: deploy/Dockerfile copies the folder they are in, and nothing leaves them out", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const dockerfile = readFileSync(join(root, "deploy/Dockerfile"), "utf8");
    const copied = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    const folder = relative(root, fileURLToPath(FOLDER));
    expect(
      copied.some((source) => folder === source || folder.startsWith(`${source}/`)),
      `COPY of ${folder}`,
    ).toBe(true);
    const ignored = existsSync(join(root, ".dockerignore")) ? readFileSync(join(root, ".dockerignore"), "utf8") : "";
    expect(ignored, ".dockerignore").not.toMatch(/lua|^\/?src\b/m);
  });
});

describe("the scripts' wrappers", () => {
  let wrappers: { module: string; script: LuaScript }[] = [];
  beforeAll(async () => {
    const modules = readdirSync(FOLDER).filter((f) => f.endsWith(".ts"));
    for (const module of modules) {
      const exports = (await import(pathToFileURL(join(fileURLToPath(FOLDER), module)).href)) as Record<string, unknown>;
      const found = Object.values(exports).filter((value): value is LuaScript => value instanceof LuaScript);
      expect(found, `${module} wraps no script`).not.toEqual([]);
      wrappers.push(...found.map((script) => ({ module, script })));
    }
  });
  afterAll(() => {
    wrappers = [];
  });

  it("load every script file exactly once, from the file next to them", () => {
    expect(wrappers.map((w) => w.script.file).sort()).toEqual(scripts);
    for (const { script } of wrappers) expect(script.lua).toBe(readScript(new URL(script.file, FOLDER)));
  });

  it("refuse a reply of the wrong shape with an error naming the script", () => {
    for (const { script } of wrappers) {
      expect(() => script.decode({ surprise: true }), script.file).toThrow(new RegExp(`^${script.file} answered .+, expected .+`));
    }
  });

  it("refuse a call with another number of keys than the script's file name says", async () => {
    const fixed = wrappers.map((w) => w.script).filter((s) => s.keyCount !== undefined);
    expect(fixed).not.toEqual([]);
    for (const script of fixed) {
      const keys = Array.from({ length: (script.keyCount ?? 0) + 1 }, (_, i) => `unused-${i}`);
      await expect(script.run(redis, keys, []), script.file).rejects.toThrow(`${script.file} takes ${script.keyCount} keys`);
    }
  });
});

describe("the scripts run once for many calls", () => {
  it("refuse a call with another number of keys or args than each call takes, before anything reaches Redis", async () => {
    const modules = readdirSync(FOLDER).filter((f) => f.endsWith(".ts"));
    const many: ScriptForMany<readonly string[], readonly string[], unknown>[] = [];
    for (const module of modules) {
      const exports = (await import(pathToFileURL(join(fileURLToPath(FOLDER), module)).href)) as Record<string, unknown>;
      many.push(
        ...Object.values(exports).filter(
          (value): value is ScriptForMany<readonly string[], readonly string[], unknown> => value instanceof ScriptForMany,
        ),
      );
    }
    expect(many.map((s) => s.file).sort()).toEqual([
      "claim-chats-n.lua",
      "commit-deliveries-n.lua",
      "commit-dues-n.lua",
      "read-shards-n.lua",
    ]);
    for (const script of many) {
      await expect(script.runAll(redis, [{ keys: ["unused-0"], args: [] }]), script.file).rejects.toThrow(
        new RegExp(`^${script.file} takes \\d+ keys and \\d+ args a call, was given 1 and 0$`),
      );
    }
  });
});

describe("the round scripts", () => {
  const prefix = uniquePrefix("scripts");
  const keys = keyLayout(prefix);
  afterAll(() => dropPrefix(prefix));

  // MAX_CHUNKS reaches the scripts as an argument: they must count a round's chunks as splitIntoChunks splits them.
  it.each([1, MAX_CHUNKS - 1, MAX_CHUNKS, MAX_CHUNKS + 1, 1000, 16_384])(
    "start as many chunks for %i shards as splitIntoChunks makes",
    async (n) => {
      const slug = categorySlug(`chunks-${n}`);
      const shards = Array.from({ length: n }, (_, i) => i);
      await redis.sadd(keys.subscriberShards(slug), ...shards);
      const decision = await new Rounds(redis, keys).touch(slug, "normal", "first-article");
      const chunks = splitIntoChunks(shards);
      expect(decision).toEqual({ kind: "start", start: { round: 1, chunks } });
      expect(await redis.scard(keys.roundChunks(slug, "normal"))).toBe(chunks.length);
    },
  );
});
