/** Grouping calls by node must agree with where ioredis sends them: the same slot for every key. */
import { Command } from "ioredis";
import { describe, expect, it } from "vitest";
import { keySlot } from "../../src/redis.js";
import { keys as keyLayout } from "../../src/store/keys.js";
import { chatId } from "../../src/ids.js";

describe("a key's hash slot", () => {
  it("is the one ioredis routes it to, with or without a hash tag, odd braces too", () => {
    const layout = keyLayout("bulletin");
    const keys = ["plain", "{}", "x{}y", "a{b{c}d", "no}tag{", "{a}{b}", "{{a}}", "k{}{x}", "{bulletin}:delivery:wait", "{budget}"];
    for (let i = 0; i < 3000; i++) keys.push(layout.chats(i), layout.pace(chatId(i * 7919)), `k${i}`, `{${i}`, `p:{${i}}:{x}`);
    // Twice: the second time from the tags worked out the first.
    for (const round of [1, 2]) {
      expect(
        keys.filter((key) => keySlot(key) !== new Command("get", [key]).getSlot()),
        `round ${round}`,
      ).toEqual([]);
    }
  });
});
