/**
 * Callback queries: a user's button press opens one (UserSimulation.userPresses), and
 * answerCallbackQuery answers it once, as Telegram allows.
 */
import { badRequest } from "./errors.js";
import type { EventHub } from "./events.js";
import { boolParam, intParam, stringParam, type Params } from "./params.js";
import type { Methods } from "./server.js";
import type { CallbackAnswer } from "./types.js";

const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";

export class CallbackQueries {
  private readonly openQueries = new Set<string>();
  /** Which chat each open query came from, for "callback-answer" events. */
  private readonly queryChats = new Map<string, number>();
  private readonly answers: CallbackAnswer[] = [];
  private queryCounter = 0;

  constructor(private readonly events: EventHub) {}

  methods(): Methods {
    return { answerCallbackQuery: (p) => this.answerCallbackQuery(p) };
  }

  /** Opens a query for a press by `userId` on a message in `chatId`; returns its id. */
  open(userId: number, chatId: number): string {
    const id = `${userId}${String(++this.queryCounter).padStart(6, "0")}`;
    this.openQueries.add(id);
    this.queryChats.set(id, chatId);
    return id;
  }

  answered(): readonly CallbackAnswer[] {
    return [...this.answers];
  }

  private answerCallbackQuery(p: Params): true {
    const id = stringParam(p, "callback_query_id") ?? "";
    // Telegram accepts one answer per query, and only for queries it issued.
    if (!this.openQueries.delete(id)) throw badRequest(QUERY_INVALID);
    const answer: CallbackAnswer = { callback_query_id: id, at: Date.now() };
    const text = stringParam(p, "text");
    if (text !== undefined) answer.text = text;
    if (p.show_alert !== undefined) answer.show_alert = boolParam(p, "show_alert");
    const url = stringParam(p, "url");
    if (url !== undefined) answer.url = url;
    const cacheTime = intParam(p, "cache_time");
    if (cacheTime !== undefined) answer.cache_time = cacheTime;
    this.answers.push(answer);
    const chatId = this.queryChats.get(id);
    this.queryChats.delete(id);
    if (this.events.listening) this.events.emit({ type: "callback-answer", chatId, answer: { ...answer } });
    return true;
  }
}
