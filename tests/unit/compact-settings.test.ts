import { describe, expect, it } from "vitest";
import { COMPACT_SETTINGS, compactSettingsBelow, LISTPACK_ARGS } from "../../src/redis.js";

describe("the Redis settings that keep readers compact", () => {
  it("redis-server is started with every one of them", () => {
    expect(LISTPACK_ARGS).toEqual([
      "--hash-max-listpack-value",
      "256",
      "--hash-max-listpack-entries",
      "1024",
      "--set-max-intset-entries",
      "1024",
    ]);
  });

  it("a Redis with its defaults is told what to set", () => {
    const defaults = { "hash-max-listpack-value": "64", "hash-max-listpack-entries": "512", "set-max-intset-entries": "512" };
    expect(compactSettingsBelow(defaults)).toEqual([
      "hash-max-listpack-value 256",
      "hash-max-listpack-entries 1024",
      "set-max-intset-entries 1024",
    ]);
  });

  it("a Redis run as recommended, or with larger limits, is not", () => {
    const recommended = Object.fromEntries(Object.entries(COMPACT_SETTINGS).map(([name, value]) => [name, String(value)]));
    expect(compactSettingsBelow(recommended)).toEqual([]);
    expect(compactSettingsBelow({ ...recommended, "hash-max-listpack-entries": "4096" })).toEqual([]);
  });

  it("only the settings below are named; a setting the answer lacks is left out", () => {
    expect(compactSettingsBelow({ "hash-max-listpack-value": "256", "set-max-intset-entries": "512" })).toEqual([
      "set-max-intset-entries 1024",
    ]);
  });
});
