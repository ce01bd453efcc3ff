import { describe, expect, it } from "vitest";
import { decodeRecords } from "../../src/delivery/records.js";
import { chatId } from "../../src/ids.js";
import { encodeChatRecord } from "../../src/store/chat-record.js";
import { readerRecord } from "../support/records.js";

describe("decoding the chat records of a visit", () => {
  it("keeps every sound record and sets the corrupt one apart with the reason, in order", () => {
    const sound = encodeChatRecord(readerRecord({ cursor: 7 }));
    const { sound: decoded, corrupt } = decodeRecords([
      { chat: chatId(1), encoded: sound },
      { chat: chatId(2), encoded: "p|en|1|world|zz!|" },
      { chat: chatId(3), encoded: sound },
      { chat: chatId(4), encoded: "" },
    ]);
    expect(decoded.map((d) => [d.chat, d.record.cursor])).toEqual([
      [1, 7],
      [3, 7],
    ]);
    expect(corrupt.map((c) => c.chat)).toEqual([2, 4]);
    expect(corrupt[0]!.reason).toContain("corrupt chat record");
  });
});
