import { GrammyError, HttpError } from "grammy";
import { chatId, type ChatId } from "../ids.js";

/** What a failed Bot API call means for delivery. */
export type SendFailure =
  /** `retryAfterSeconds` undefined: the platform did not say how long (Bale at times); the sender backs off. */
  | { readonly kind: "rate-limited"; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: "chat-gone"; readonly reason: "blocked" | "deactivated" | "kicked" | "not-found" | "forbidden" }
  | { readonly kind: "migrated"; readonly newChatId: ChatId }
  | { readonly kind: "bad-photo"; readonly description: string }
  | { readonly kind: "transient"; readonly description: string }
  | { readonly kind: "bad-request"; readonly description: string }
  | { readonly kind: "unauthorized"; readonly description: string };

/** The parts of a Bot API error answer that decide what to do. */
export interface BotApiErrorAnswer {
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

const PHOTO_PROBLEM =
  /wrong file identifier|HTTP URL|web page content|IMAGE_PROCESS_FAILED|PHOTO_INVALID|failed to get|wrong type of the web page|photo/i;

/** Pure: Telegram's answer → what delivery does about it. */
export function classifyApiError(answer: BotApiErrorAnswer): SendFailure {
  const { error_code: code, description, parameters } = answer;
  if (parameters?.migrate_to_chat_id !== undefined) return { kind: "migrated", newChatId: chatId(parameters.migrate_to_chat_id) };
  if (code === 429) return { kind: "rate-limited", retryAfterSeconds: Math.max(1, parameters?.retry_after ?? 1) };
  if (code === 401 || code === 404) return { kind: "unauthorized", description };
  if (code === 403) {
    const text = description.toLowerCase();
    if (text.includes("blocked")) return { kind: "chat-gone", reason: "blocked" };
    if (text.includes("deactivated")) return { kind: "chat-gone", reason: "deactivated" };
    if (text.includes("kicked") || text.includes("not a member") || text.includes("removed"))
      return { kind: "chat-gone", reason: "kicked" };
    return { kind: "chat-gone", reason: "forbidden" };
  }
  if (code === 400) {
    if (/chat not found|PEER_ID_INVALID|user not found|chat_id is empty/i.test(description)) {
      return { kind: "chat-gone", reason: "not-found" };
    }
    if (PHOTO_PROBLEM.test(description)) return { kind: "bad-photo", description };
    return { kind: "bad-request", description };
  }
  return { kind: "transient", description: `${code} ${description}` };
}

/** Any error thrown by a grammY API call → what delivery does about it. */
export function classifySendError(error: unknown): SendFailure {
  if (error instanceof GrammyError) {
    return classifyApiError({ error_code: error.error_code, description: error.description, parameters: error.parameters });
  }
  if (error instanceof HttpError) return { kind: "transient", description: `network: ${networkErrorCode(error)}` };
  return { kind: "transient", description: error instanceof Error ? error.message : String(error) };
}

/**
 * A network failure by its code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND…): the text of the underlying
 * fetch error names the request URL, and so the bot token in its path (…/bot<token>/sendMessage).
 */
export function networkErrorCode(error: HttpError): string {
  const cause: unknown = error.error;
  if (typeof cause === "object" && cause !== null) {
    const { code, name, type } = cause as { code?: unknown; name?: unknown; type?: unknown };
    if (typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    if (name === "AbortError" || type === "aborted") return "timeout";
  }
  return "network error";
}
