import { describe, expect, it } from "vitest";
import { MAX_CHUNKS, splitIntoChunks } from "../../src/delivery/rounds.js";

const shards = (n: number, step = 1) => Array.from({ length: n }, (_, i) => i * step);

/** The chunk count the Lua side of a round expects (chunk_count in src/store/scripts/includes/start-round.lua); both must agree. */
const luaChunkCount = (n: number) => (n === 0 ? 0 : Math.ceil(n / Math.ceil(n / MAX_CHUNKS)));

describe("splitting a round's shards into chunk jobs", () => {
  it("a category without subscriber shards needs no chunk", () => {
    expect(splitIntoChunks([])).toEqual([]);
  });

  it("one shard is one chunk", () => {
    expect(splitIntoChunks([42])).toEqual([[42]]);
  });

  it("fewer shards than MAX_CHUNKS: one chunk per shard, in order", () => {
    const input = [3, 17, 256, 9000, 16_383];
    expect(splitIntoChunks(input)).toEqual(input.map((s) => [s]));
    expect(splitIntoChunks(shards(MAX_CHUNKS))).toHaveLength(MAX_CHUNKS);
  });

  it.each([MAX_CHUNKS + 1, 300, 513, 769, 1000, 4096, 16_384])(
    "%i shards: at most MAX_CHUNKS contiguous chunks covering all, in order",
    (n) => {
      const input = shards(n, 3);
      const chunks = splitIntoChunks(input);
      expect(chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
      expect(chunks.length).toBe(luaChunkCount(n));
      expect(chunks.flat()).toEqual(input);
      // Every chunk has the same size except the last, which holds the remainder.
      const size = Math.ceil(n / MAX_CHUNKS);
      for (const chunk of chunks.slice(0, -1)) expect(chunk).toHaveLength(size);
      expect(chunks.at(-1)!.length).toBeGreaterThanOrEqual(1);
      expect(chunks.at(-1)!.length).toBeLessThanOrEqual(size);
    },
  );

  it("a smaller limit is respected too", () => {
    const chunks = splitIntoChunks(shards(10), 3);
    expect(chunks).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it("does not modify the shard list it was given", () => {
    const input = shards(600);
    const copy = [...input];
    splitIntoChunks(input);
    expect(input).toEqual(copy);
  });

  it("for every shard count up to 2,000 the chunk count matches the Lua script's", () => {
    for (let n = 0; n <= 2000; n++) expect(splitIntoChunks(shards(n)).length, `${n} shards`).toBe(luaChunkCount(n));
  });
});
