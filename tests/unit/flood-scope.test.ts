import { describe, expect, it } from "vitest";
import { FLOOD_RULE, floodScope } from "../../src/delivery/flood.js";
import { chatId } from "../../src/ids.js";

describe("who waits out a 429", () => {
  it("is the one chat while it is the only one refused, or one of fewer than the rule's number", () => {
    expect(floodScope(chatId(-100123), 1)).toBe("chat");
    expect(floodScope(chatId(42), FLOOD_RULE.chats - 1)).toBe("chat");
  });

  it("is every sender once several chats were refused within the window, or when the call was for no chat", () => {
    expect(floodScope(chatId(42), FLOOD_RULE.chats)).toBe("global");
    expect(floodScope(chatId(42), FLOOD_RULE.chats + 5)).toBe("global");
    expect(floodScope(undefined, 1)).toBe("global");
    expect(floodScope(chatId(42), 2, { windowMs: 1000, chats: 2 })).toBe("global");
  });
});
