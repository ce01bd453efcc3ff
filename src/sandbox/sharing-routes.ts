import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import type { InlineAnswerOnPage, InlineResult, Reader } from "./page/protocol.js";
import type { Post } from "./routes.js";
import { SandboxConflictError, type SandboxState } from "./state.js";

/**
 * The sandbox page's chats between readers, inline mode and the share button's chat picker: what a
 * reader does there goes to the built-in Bot API as Telegram's apps would send it.
 */

const directBody = z.object({ readerId: z.number().int(), otherId: z.number().int() });
const directSendBody = z.object({ readerId: z.number().int(), text: z.string().trim().min(1, "must not be empty").max(4096) });
/** Telegram cuts an inline query at 256 characters; the page sends what was typed after `@bot `. */
const inlineBody = z.object({ readerId: z.number().int(), chatId: z.number().int(), query: z.string().max(1024) });
const pickBody = z.object({
  readerId: z.number().int(),
  chatId: z.number().int(),
  queryId: z.string().min(1).max(64),
  resultId: z.string().min(1).max(64),
});
const shareBody = z.object({
  readerId: z.number().int(),
  messageId: z.number().int().positive(),
  button: z.string().min(1).max(64),
  chatId: z.number().int(),
});
/** How long the page waits for the bot's answer to an inline query. */
const INLINE_ANSWER_MS = 10_000;

export interface SharingRoutes {
  readonly post: Post;
  readonly readerOf: (id: number, reply: FastifyReply) => Reader | undefined;
  readonly params: z.ZodType<{ id: number }>;
  readonly invalid: (error: z.ZodError) => unknown;
  readonly state: SandboxState;
  readonly telegram: FakeTelegram;
}

/**
 * Where `reader` types or posts when the page's card `cardId` is open, as Telegram names it: their
 * chat with the bot (their id), a group's or a channel's id, or the other reader's id in a chat
 * between readers; with the inline query's chat_type there. Undefined: the reader cannot write there.
 */
function placeFor(
  state: SandboxState,
  reader: Reader,
  cardId: number,
): { chatId: number; chatType: "sender" | "private" | "group" | "supergroup" | "channel" } | undefined {
  if (cardId === reader.id) return { chatId: reader.id, chatType: "sender" };
  const direct = state.directChat(cardId);
  if (direct) {
    const other = direct.readerIds.find((id) => id !== reader.id);
    return direct.readerIds.includes(reader.id) && other !== undefined ? { chatId: other, chatType: "private" } : undefined;
  }
  const group = state.group(cardId);
  if (group) return state.roleIn(group.id, reader) ? { chatId: group.id, chatType: group.forum ? "supergroup" : "group" } : undefined;
  const channel = state.channel(cardId);
  if (channel) return state.administers(channel, reader) ? { chatId: channel.id, chatType: "channel" } : undefined;
  return undefined;
}

export function registerSharingRoutes({ post, readerOf, params: idParams, invalid, state, telegram }: SharingRoutes): void {
  // ----- chats between readers, inline mode and sharing --------------------------------------
  post("/sandbox/direct", directBody, (body, _request, reply) => {
    const reader = readerOf(body.readerId, reply);
    const other = reader && readerOf(body.otherId, reply);
    if (!reader || !other) return reply;
    return reply.status(201).send(state.openDirectChat(reader, other));
  });

  post("/sandbox/direct/:id/send", directSendBody, (body, request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.status(400).send(invalid(params.error));
    const reader = readerOf(body.readerId, reply);
    if (!reader) return reply;
    const place = state.directChat(params.data.id) && placeFor(state, reader, params.data.id);
    if (!place) return reply.status(404).send({ error: `${reader.name} has no chat ${params.data.id}` });
    telegram.userWritesTo(state.userOf(reader), place.chatId, body.text);
    return reply.status(202).send({ ok: true });
  });

  /** What Telegram refuses a user (a result gone, a chat the button does not offer): 409 with its reason. */
  const asUser = <T>(act: () => T): T => {
    try {
      return act();
    } catch (error) {
      throw new SandboxConflictError((error as Error).message.replace(/^FakeTelegram\.\w+: /, ""));
    }
  };

  /** Inline mode and the chat picker are Telegram's: Bale has neither (docs/bale.md). */
  const onTelegram = (reader: Reader): void => {
    if (reader.platform !== "telegram") throw new SandboxConflictError(`${reader.name} is on Bale, which has no inline mode`);
  };

  /** The bot's answer to an inline query, as the page lists it; none when it does not answer in time (Telegram shows nothing). */
  const answerOf = async (chatId: number, queryId: string, query: string): Promise<InlineAnswerOnPage> => {
    const answer = await telegram.waitForInlineAnswer(queryId, INLINE_ANSWER_MS).catch(() => undefined);
    if (!answer) return { chatId, queryId, query, results: [] };
    const results = answer.results.flatMap((r): InlineResult[] =>
      r.type === "article"
        ? [
            {
              id: r.id,
              title: r.title,
              ...(r.description === undefined ? {} : { description: r.description }),
              ...(r.thumbnail_url === undefined ? {} : { thumbnail: r.thumbnail_url }),
              ...(r.url === undefined ? {} : { url: r.url }),
            },
          ]
        : [],
    );
    return { chatId, queryId, query: answer.query, results };
  };

  // A reader types `@bot <query>` in a chat: Telegram asks the bot, and lists its answer above the input field.
  post("/sandbox/inline", inlineBody, async (body, _request, reply) => {
    const reader = readerOf(body.readerId, reply);
    if (!reader) return reply;
    onTelegram(reader);
    const place = placeFor(state, reader, body.chatId);
    if (!place) return reply.status(403).send({ error: `${reader.name} cannot write in that chat` });
    const { queryId, update } = telegram.userTypesInline(state.userOf(reader), body.query, { chatType: place.chatType });
    return reply.send(await answerOf(body.chatId, queryId, update.inline_query?.query ?? body.query));
  });

  // The reader picks a result: Telegram posts its message in the chat, from the reader, via the bot.
  post("/sandbox/inline/pick", pickBody, (body, _request, reply) => {
    const reader = readerOf(body.readerId, reply);
    if (!reader) return reply;
    onTelegram(reader);
    const place = placeFor(state, reader, body.chatId);
    if (!place) return reply.status(403).send({ error: `${reader.name} cannot write in that chat` });
    asUser(() => telegram.userPicksInlineResult(state.userOf(reader), body.queryId, body.resultId, place.chatId));
    return reply.status(202).send({ ok: true });
  });

  // A switch_inline_query_chosen_chat button: the reader chose a chat in Telegram's picker (another
  // reader's card: their chat, opened for it); Telegram opens it with `@bot <query>` typed.
  post("/sandbox/share", shareBody, async (body, _request, reply) => {
    const reader = readerOf(body.readerId, reply);
    if (!reader) return reply;
    onTelegram(reader);
    const message = telegram.messagesTo(reader.id).find((m) => m.message_id === body.messageId);
    if (!message) return reply.status(404).send({ error: `no message ${body.messageId} in ${reader.name}'s chat` });
    const other = body.chatId === reader.id ? undefined : state.reader(body.chatId);
    const cardId = other ? state.openDirectChat(reader, other).id : body.chatId;
    const place = placeFor(state, reader, cardId);
    if (!place) return reply.status(403).send({ error: `${reader.name} cannot write in that chat` });
    const { queryId, update } = asUser(() => telegram.userSwitchesInline(state.userOf(reader), message, body.button, place.chatId));
    return reply.send(await answerOf(cardId, queryId, update.inline_query?.query ?? ""));
  });
}
