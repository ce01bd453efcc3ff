import { decodeChatRecord, type ChatRecord } from "../store/chat-record.js";

/** Records as read from Redis, split into the ones that decode and the ones that do not. */
export interface DecodedRecords<T> {
  readonly sound: (T & { readonly record: ChatRecord })[];
  readonly corrupt: (T & { readonly reason: string })[];
}

/**
 * Pure: decodes each chat's stored record on its own, so one corrupt record costs only its own
 * chat its delivery (it is skipped and counted) instead of failing every chat planned with it.
 */
export function decodeRecords<T extends { readonly encoded: string }>(items: readonly T[]): DecodedRecords<T> {
  const sound: (T & { record: ChatRecord })[] = [];
  const corrupt: (T & { reason: string })[] = [];
  for (const item of items) {
    try {
      sound.push({ ...item, record: decodeChatRecord(item.encoded) });
    } catch (error) {
      corrupt.push({ ...item, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { sound, corrupt };
}
