import type { MessageEntity } from "grammy/types";
import type { Platform } from "../../ids.js";
import type { ArticleInput } from "../../ingest/article.js";

/**
 * The shapes the sandbox's server and its page exchange: what GET /sandbox/events streams
 * (SandboxEvent, made by state.ts and page-stream.ts) and what the page's JSON endpoints answer
 * (routes.ts). The server's TypeScript and the page's script (page.js, through JSDoc) both read them
 * from here. Types only, and nothing of Node's: the page's own type check (tsconfig.json here, DOM
 * and no Node) reads this file too.
 */

export interface Reader {
  readonly id: number;
  readonly name: string;
  readonly language: string;
  /** The messenger the reader is on: a Telegram reader and a Bale reader are two people. */
  readonly platform: Platform;
}

export interface Channel {
  readonly id: number;
  readonly title: string;
  readonly username: string;
  readonly ownerId: number;
  readonly platform: Platform;
}

/** A group or a forum (a supergroup whose messages live in topics), created by one of the readers. */
export interface Group {
  readonly id: number;
  readonly title: string;
  readonly forum: boolean;
  readonly ownerId: number;
  readonly platform: Platform;
}

/** A forum's topic: its message_thread_id and name (the General topic has none). */
export interface Topic {
  readonly id: number;
  readonly name: string;
}

/** Who is in a group as Telegram sees them: its creator, its administrators, its members. */
export type GroupRole = "creator" | "administrator" | "member";

export interface GroupOnPage extends Group {
  readonly members: readonly { readonly readerId: number; readonly role: GroupRole }[];
  readonly topics: readonly Topic[];
  /** Whether the bot is in the group (it is added as a member, which may post in a group). */
  readonly botIsMember: boolean;
}

/** A command of the bot's menu (setMyCommands), as Telegram shows it to a reader: GET /sandbox/readers/:id/menu. */
export interface MenuCommand {
  readonly command: string;
  readonly description: string;
}

/** A reader's private chat with another reader: the bot is not in it, but inline results can be posted there. */
export interface DirectChat {
  /** The page's id for the chat (Telegram shows each reader the chat under the other's id). */
  readonly id: number;
  readonly readerIds: readonly [number, number];
}

/** switch_inline_query_chosen_chat: the chat picker, and the query Telegram types in the chat chosen. */
export interface SwitchInline {
  readonly query: string;
  readonly users: boolean;
  readonly groups: boolean;
  readonly channels: boolean;
}

export interface Button {
  readonly text: string;
  readonly data?: string;
  readonly url?: string;
  readonly switchInline?: SwitchInline;
}

/** One result of the bot's answer to an inline query, as Telegram lists it above the input field. */
export interface InlineResult {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly thumbnail?: string;
  readonly url?: string;
}

/** What POST /sandbox/inline and POST /sandbox/share answer: the inline query asked and the bot's answer. */
export interface InlineAnswerOnPage {
  /** The card the query was typed in (a direct chat opened for it, when the picker chose a reader). */
  readonly chatId: number;
  readonly queryId: string;
  readonly query: string;
  readonly results: readonly InlineResult[];
}

/** One message of a chat as the page draws it: text (or caption) with Telegram's entities. */
export interface ChatEntry {
  /** "b<id>" for the bot's messages, "u<id>" for a reader's; an edit replaces the entry of its key. */
  readonly key: string;
  readonly from: "bot" | "user";
  readonly messageId: number;
  readonly text: string;
  readonly entities: readonly MessageEntity[];
  readonly photo?: { readonly source: string; readonly width: number; readonly height: number };
  /** The URL Telegram would show a link preview of. */
  readonly preview?: string;
  readonly buttons?: readonly (readonly Button[])[];
  /** In a group or a chat between readers: the reader who wrote it. */
  readonly author?: string;
  /** A picked inline result: the bot's username it was sent via. */
  readonly via?: string;
  /** In a forum: the topic it belongs to (none: the General topic). */
  readonly threadId?: number;
  readonly edited: boolean;
  /** Unix seconds. */
  readonly date: number;
}

export interface Counters {
  /** Jobs waiting, delayed or running in Bulletin's queues (fan-out and delivery). */
  readonly queued: number;
  /** Messages Telegram accepted from the bot (replies and articles). */
  readonly sent: number;
  /** Sends refused with 429 Too Many Requests (Bulletin waits and sends again). */
  readonly limited: number;
  /** Sends and edits refused for another reason. */
  readonly failed: number;
}

export interface ActivityLine {
  /** ms timestamp. */
  readonly at: number;
  readonly level: "info" | "warn" | "error";
  readonly text: string;
}

/** A messenger the sandbox runs Bulletin on, each with a built-in Bot API of its own and a bot on it. */
export interface PlatformOnPage {
  readonly platform: Platform;
  /** As readers know it: "Telegram", "Bale". */
  readonly name: string;
  readonly botUsername: string;
  /** The site's deep link up to its payload (a category's slug follows): https://t.me/<bot>?start= */
  readonly startLink: string;
}

export interface World {
  readonly readers: readonly Reader[];
  readonly channels: readonly (Channel & { readonly botIsAdmin: boolean })[];
  readonly groups: readonly GroupOnPage[];
  readonly directChats: readonly DirectChat[];
  readonly categories: readonly { readonly slug: string; readonly title: string }[];
  readonly limits: boolean;
  /** The readers' schedules' clock: how far ahead of real time the page moved it, and the zone it is shown in. */
  readonly clock: { readonly ahead: number; readonly zone: string };
  /** The Telegram bot's username. */
  readonly botUsername: string;
  /** Telegram first, then Bale when the sandbox runs it. */
  readonly platforms: readonly PlatformOnPage[];
}

export type SandboxEvent =
  | {
      readonly type: "snapshot";
      readonly world: World;
      readonly transcripts: Readonly<Record<string, readonly ChatEntry[]>>;
      readonly counters: Counters;
      readonly activity: readonly ActivityLine[];
    }
  | { readonly type: "world"; readonly world: World }
  | { readonly type: "entry"; readonly chatId: number; readonly entry: ChatEntry }
  | { readonly type: "toast"; readonly chatId: number; readonly text: string }
  | { readonly type: "activity"; readonly line: ActivityLine }
  | { readonly type: "counters"; readonly counters: Counters };

/** One configured feed as GET /sandbox/feeds shows it (feeds.ts): its newest items, or why there are none. */
export interface FeedPreview {
  readonly url: string;
  readonly category: string;
  readonly items: readonly ArticleInput[];
  readonly error?: string;
}
