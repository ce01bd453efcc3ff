/**
 * Which messenger the fake answers as. Bale's Bot API is Telegram's at another root with differences
 * documented only in part (docs/bale.md, point by point, with its sources). Each difference the fake
 * plays is one field of the table below, so a live finding that contradicts docs/bale.md changes one
 * line here; the modules that answer read the field and never ask for the flavour's name.
 */
import type { Chat } from "grammy/types";
import type { FakeFlavour, MemberStatus } from "./types.js";

export interface Flavour {
  readonly name: FakeFlavour;
  /**
   * How text and captions are read. "parse-mode": Telegram's parse_mode (HTML) or explicit entities.
   * "bale-markdown": Bale's Markdown always (parseBaleMarkdown); parse_mode and entities are ignored.
   */
  readonly content: "parse-mode" | "bale-markdown";
  /** editMessageText's answer: the edited Message, or Bale's stub `{ message_id: 0 }`. */
  readonly editAnswer: "message" | "stub";
  /** Chat types that exist; a test adding another is told so. */
  readonly chatTypes: ReadonlySet<Chat["type"]>;
  /** Forum topics exist (createTopic; a send's message_thread_id names one). */
  readonly forums: boolean;
  /** Update kinds the messenger never sends; queueing one is a test's mistake. */
  readonly absentUpdates: ReadonlySet<string>;
  /**
   * How the bot learns it was added to a group: "my_chat_member" (Telegram), or "new_chat_members",
   * a service message in the group (Bale). Other membership changes then reach the bot as nothing.
   */
  readonly joinNotice: "my_chat_member" | "new_chat_members";
  /** getChatMember's statuses; another (left, kicked, restricted) answers `memberMissing`. */
  readonly memberStatuses: ReadonlySet<MemberStatus>;
  /** getChatMember's refusal for a user whose status is not shown (Telegram shows every status). */
  readonly memberMissing: string;
  /** The administrator rights ChatMember carries: Telegram's, or Bale's own names. */
  readonly rightNames: "telegram" | "bale";
  /** Methods answered 404 Not Found, as if they did not exist. */
  readonly missingMethods: ReadonlySet<string>;
  /** A 429's description, given its retry_after. */
  readonly rateLimited: (retryAfter: number) => string;
  /** Sends per sliding second for the whole bot unless `limits.perSecond` says otherwise. */
  readonly perSecond: number;
  /** Paid broadcasts exist (allow_paid_broadcast); otherwise the flag is ignored. */
  readonly paidBroadcasts: boolean;
  /** link_preview_options and disable_web_page_preview are read; otherwise ignored. */
  readonly linkPreviews: boolean;
  /** The answer to a request with a token the server does not know. */
  readonly unknownToken: { readonly status: number; readonly description: string };
}

const TELEGRAM: Flavour = {
  name: "telegram",
  content: "parse-mode",
  editAnswer: "message",
  chatTypes: new Set(["private", "group", "supergroup", "channel"]),
  forums: true,
  absentUpdates: new Set(),
  joinNotice: "my_chat_member",
  memberStatuses: new Set(["creator", "administrator", "member", "restricted", "left", "kicked"]),
  memberMissing: "",
  rightNames: "telegram",
  missingMethods: new Set(),
  rateLimited: (retryAfter) => `Too Many Requests: retry after ${retryAfter}`,
  perSecond: 30,
  paidBroadcasts: true,
  linkPreviews: true,
  unknownToken: { status: 401, description: "Unauthorized" },
};

/** Bale as docs/bale.md found it (the section each line comes from is named beside it). */
const BALE: Flavour = {
  name: "bale",
  // "parse_mode: what Bale renders": Markdown always, no parse_mode.
  content: "bale-markdown",
  // "editMessageText's answer": a stub, message_id 0, no text.
  editAnswer: "stub",
  // "Forum topics, chat types".
  chatTypes: new Set(["private", "group", "channel"]),
  forums: false,
  // "my_chat_member, chat_member" and "Inline mode": no client parses these kinds.
  absentUpdates: new Set(["my_chat_member", "chat_member", "inline_query", "chosen_inline_result"]),
  joinNotice: "new_chat_members",
  // "getChatMember and admin rights": member, administrator, creator only.
  memberStatuses: new Set(["creator", "administrator", "member"]),
  // Not documented: what Bale answers for a user who is not a member. A refusal, so code never
  // reads "not a member" as a status it could mistake for one.
  memberMissing: "Bad Request: user not found",
  rightNames: "bale",
  // "Inline mode" and "setMyCommands (the menu)": no client has them.
  missingMethods: new Set(["answerInlineQuery", "setMyCommands", "getMyCommands", "deleteMyCommands"]),
  // "Rate limits, 429, error shapes": `bot limit exceed`; no published rate, the 20/s.
  rateLimited: () => "bot limit exceed",
  perSecond: 20,
  paidBroadcasts: false,
  // "Link previews": no client sends the options.
  linkPreviews: false,
  // "Rate limits, 429, error shapes": a bad token gets 404 Not Found.
  unknownToken: { status: 404, description: "Not Found" },
};

export const FLAVOURS: Readonly<Record<FakeFlavour, Flavour>> = { telegram: TELEGRAM, bale: BALE };
