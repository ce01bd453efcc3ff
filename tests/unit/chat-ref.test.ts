/**
 * A chat on its platform in one string (issue 15): what queue jobs and logs carry. Every id written
 * before Bale existed has no mark and must keep naming the Telegram chat it named.
 */
import { describe, expect, it } from "vitest";
import { chatId, formatChatRef, parseChatRef, sameChat, type ChatRef } from "../../src/ids.js";

const telegram = (id: number): ChatRef => ({ platform: "telegram", id: chatId(id) });
const bale = (id: number): ChatRef => ({ platform: "bale", id: chatId(id) });

describe("a chat's string form", () => {
  it("reads an unmarked id, as every older job and key holds it, as Telegram's", () => {
    expect(parseChatRef("123")).toEqual(telegram(123));
    expect(parseChatRef("-1001234567890")).toEqual(telegram(-1001234567890));
    expect(parseChatRef(42)).toEqual(telegram(42));
  });

  it("reads b: as Bale's", () => {
    expect(parseChatRef("b:123")).toEqual(bale(123));
    expect(parseChatRef("b:-4567")).toEqual(bale(-4567));
  });

  it("writes what it reads back, Telegram's with no mark", () => {
    for (const ref of [telegram(123), telegram(-100987), bale(123), bale(-5)]) expect(parseChatRef(formatChatRef(ref))).toEqual(ref);
    expect(formatChatRef(telegram(123))).toBe("123");
    expect(formatChatRef(bale(123))).toBe("b:123");
  });

  it("names no chat for anything else", () => {
    for (const bad of ["", "b:", "t:123", "12a", "1.5", "b:b:1", " 123", "99999999999999999999", "B:123"]) {
      expect(parseChatRef(bad), bad).toBeUndefined();
    }
    expect(parseChatRef(1.5)).toBeUndefined();
    expect(parseChatRef(Number.NaN)).toBeUndefined();
  });

  it("tells Telegram's 123 from Bale's 123", () => {
    expect(sameChat(telegram(123), bale(123))).toBe(false);
    expect(sameChat(bale(123), bale(123))).toBe(true);
  });
});
