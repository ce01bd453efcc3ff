import { chatId, type ChatId } from "../../ids.js";
import { unexpectedReply } from "../script.js";
import { loadScriptForMany } from "../script-for-many.js";

const EXPECTED = "a flat list of chat ids and records (or nil)";

/** The chats of the shard that follow the category, with their encoded records; chats without a record are left out. */
export function decodeShard(reply: unknown): Map<ChatId, string> {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) return unexpectedReply(EXPECTED);
  const records = new Map<ChatId, string>();
  for (let i = 0; i < reply.length; i += 2) {
    const id = Number(reply[i]);
    const encoded: unknown = reply[i + 1];
    if (typeof reply[i] !== "string" || !Number.isSafeInteger(id)) return unexpectedReply(EXPECTED);
    if (typeof encoded === "string") {
      if (encoded) records.set(chatId(id), encoded);
    } else if (encoded !== null) return unexpectedReply(EXPECTED);
  }
  return records;
}

/** read-shards-n.lua: several shards in one call, the chats of each. */
export const readShards = loadScriptForMany<readonly [subscribers: string, chats: string], readonly [], Map<ChatId, string>>(
  new URL("read-shards-n.lua", import.meta.url),
  { keys: 2, args: 0, readOnly: true },
  decodeShard,
);
