/**
 * FakeTelegram: a Telegram Bot API server of Bulletin's own, the sandbox's built-in Telegram and
 * the fake that tests and benchmarks run against. This class is the one entry point; the work is
 * done by the modules beside it (server, world, rights, messages, chats, updates, simulation…).
 *
 * The bot points grammY's `apiRoot` (the app's TELEGRAM_API_ROOT) at this server. It answers like
 * the real Bot API: same JSON envelopes, error codes and descriptions, flood limits and long
 * polling, so code that handles Telegram's failures can be tested against them.
 *
 * Groups, supergroups and channels have members, the bot among them (setMember, setBotMember,
 * botMembershipChanged); reads, edits and sends are checked against the bot's membership and rights
 * the way the Bot API server checks them, with its error codes and descriptions.
 *
 * `flavour: "bale"` makes it Bale's Bot API instead, with the differences flavours.ts lists.
 *
 * `onEvent` tells a listener (the sandbox page) what the bot sent, edited, answered or had refused,
 * and which updates users caused; listening changes nothing in how the server answers.
 */
import type { Server } from "node:http";
import type { BotCommand, Chat, ChatMember, Message, Update, User, UserFromGetMe } from "grammy/types";
import { CallbackQueries } from "./callbacks.js";
import { ChatQueries } from "./chats.js";
import { BotCommands } from "./commands.js";
import { EventHub } from "./events.js";
import { Faults } from "./faults.js";
import { FLAVOURS, type Flavour } from "./flavours.js";
import { Records, waitForCount, waitUntil } from "./inspection.js";
import { DirectChats, plainText } from "./direct.js";
import { InlineQueries } from "./inline.js";
import { FloodLimits } from "./limits.js";
import { Messages } from "./messages.js";
import { BotApiServer, type Methods } from "./server.js";
import { UserSimulation } from "./simulation.js";
import { Topics } from "./topics.js";
import type {
  AddUserOptions,
  CallbackAnswer,
  ChatMessageOptions,
  FakeFlavour,
  FakeTelegramLimits,
  FakeTelegramListener,
  FakeTelegramOptions,
  FaultOptions,
  InlineAnswer,
  InlineQueryOptions,
  MemberRights,
  MenuPlace,
  MemberStatus,
  NewUser,
  RecordedCall,
  SentMessage,
  TopicOptions,
  WaitOptions,
} from "./types.js";
import { UpdateQueue } from "./updates.js";
import { World } from "./world.js";

const DEFAULT_TOKEN = "123456789:AAF-fake-token-for-tests-only_xxxxx";
const TOKEN_PATTERN = /^(\d+):[A-Za-z0-9_-]{20,}$/;

export class FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botUser: UserFromGetMe;
  /** The messenger answered as ("telegram" or "bale"). */
  readonly flavour: FakeFlavour;
  /** Handler bugs (answered with 500); a test can assert this stays empty. */
  readonly internalErrors: unknown[] = [];

  private readonly server: BotApiServer;
  private readonly world: World;
  private readonly topics: Topics;
  private readonly limits: FloodLimits;
  private readonly events: EventHub;
  private readonly records: Records;
  private readonly faults: Faults;
  private readonly updates: UpdateQueue;
  private readonly callbacks: CallbackQueries;
  private readonly simulation: UserSimulation;
  private readonly inline: InlineQueries;
  private readonly direct: DirectChats;
  private readonly commands = new BotCommands();
  private closed = false;

  private constructor(server: Server, options: FakeTelegramOptions) {
    const token = options.token ?? DEFAULT_TOKEN;
    const tokenMatch = TOKEN_PATTERN.exec(token);
    if (!tokenMatch?.[1]) throw new Error(`FakeTelegram: "${token}" does not look like a bot token (digits:20+ characters)`);
    this.token = token;
    const flavour: Flavour = FLAVOURS[options.flavour ?? "telegram"];
    this.flavour = flavour.name;
    const inlineMode = options.inlineMode ?? false;
    if (inlineMode && flavour.missingMethods.has("answerInlineQuery")) throw new Error(`FakeTelegram: ${flavour.name} has no inline mode`);
    this.botUser = {
      id: Number(tokenMatch[1]),
      is_bot: true,
      first_name: options.botFirstName ?? "Bulletin Test",
      username: options.botUsername ?? "bulletin_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: inlineMode,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    const onInternalError =
      options.onInternalError ??
      ((error: unknown) =>
        process.stderr.write(`FakeTelegram internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
    const reportBug = (error: unknown): void => {
      this.internalErrors.push(error);
      onInternalError(error);
    };
    const recordMessages = options.recordMessages ?? true;

    this.world = new World(this.botUser, options.strictChats ?? false, flavour);
    this.topics = new Topics(this.world);
    this.limits = new FloodLimits(options.limits ?? {}, flavour);
    this.events = new EventHub(reportBug);
    this.records = new Records(recordMessages);
    this.faults = new Faults(this.limits);
    // The server is made below; the webhook reads its latency when it posts.
    this.updates = new UpdateQueue(this.events, flavour, () => this.server.latencyMs);
    this.callbacks = new CallbackQueries(this.events);
    this.simulation = new UserSimulation(this.world, this.updates, this.callbacks);
    this.direct = new DirectChats(this.world, this.events);
    this.inline = new InlineQueries(this.world, this.updates, this.events, this.direct, inlineMode);
    const messages = new Messages(this.world, this.topics, this.limits, this.records, this.events, recordMessages);
    this.server = new BotApiServer(server, {
      token,
      // A method the messenger lacks is not served: 404 Not Found, as for any unknown method.
      methods: withoutMissing(flavour, {
        getMe: () => this.botUser,
        ...this.updates.methods(),
        ...this.commands.methods(),
        ...messages.methods(),
        ...this.callbacks.methods(),
        ...this.inline.methods(),
        ...new ChatQueries(this.world).methods(),
      }),
      unknownToken: flavour.unknownToken,
      faults: this.faults,
      records: this.records,
      events: this.events,
      chatIdOf: (raw) => this.world.chatIdOf(raw),
      reportBug,
    });
    this.apiRoot = this.server.apiRoot;
    this.latencyMs = options.latencyMs ?? 0;
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    return new FakeTelegram(await BotApiServer.listen(), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.updates.close();
    await this.server.close();
  }

  // ----- configuration -----------------------------------------------------------------------

  /** Delay of every answer, in ms. */
  get latencyMs(): number {
    return this.server.latencyMs;
  }

  set latencyMs(ms: number) {
    this.server.latencyMs = ms;
  }

  setLimits(limits: Partial<FakeTelegramLimits>): void {
    this.limits.set(limits);
  }

  currentLimits(): Readonly<FakeTelegramLimits> {
    return this.limits.current();
  }

  // ----- events ------------------------------------------------------------------------------

  /** Calls `listener` for every event (see FakeTelegramEvent) until the returned function is called. */
  onEvent(listener: FakeTelegramListener): () => void {
    return this.events.subscribe(listener);
  }

  // ----- chats and users ---------------------------------------------------------------------

  /**
   * Registers a chat (a group, supergroup or channel the bot is in; or a private chat). In a new
   * channel the bot is an administrator with the default rights (can_post_messages included), in a
   * new group or supergroup a plain member; change that with setBotMember. Registering a known chat
   * again only updates its description.
   */
  addChat(chat: Chat): Chat {
    this.world.register(chat);
    return chat;
  }

  /** A user who has a private chat with the bot (chat id = user id). */
  addUser(input: NewUser, options: AddUserOptions = {}): User {
    return this.world.addUser(input, options);
  }

  /** The user has never pressed Start: the bot's sends to them answer 403 until they write (userSends). */
  neverStarted(userId: number): void {
    this.world.neverStarted(userId);
  }

  block(chatId: number): void {
    this.world.setStatus(chatId, "blocked");
  }

  deactivate(chatId: number): void {
    this.world.setStatus(chatId, "deactivated");
  }

  /** The bot was banned from a group or channel (its member status becomes "kicked"). */
  kick(chatId: number): void {
    this.world.kick(chatId);
  }

  /** The chat no longer exists for the bot: "chat not found". */
  forget(chatId: number): void {
    this.world.setStatus(chatId, "forgotten");
  }

  /** Undoes block/deactivate/kick/forget/migrate; a bot that left or was banned is back with its default membership. */
  restore(chatId: number): void {
    this.world.restore(chatId);
  }

  /** A group became a supergroup: the old id answers with migrate_to_chat_id, the new id works. */
  migrate(oldChatId: number, newChatId: number): void {
    this.world.migrate(oldChatId, newChatId);
  }

  // ----- members and topics ------------------------------------------------------------------

  /**
   * Sets a member of a group, supergroup or channel (the chat must be registered). `user` is a
   * User or the id of one the fake has met (otherwise "User <id>"). Returns the ChatMember that
   * getChatMember now answers. Users never set are "left".
   */
  setMember(chatId: number, user: number | User, status: MemberStatus, rights: MemberRights = {}): ChatMember {
    return this.world.setMember(chatId, user, status, rights);
  }

  /** Sets the bot's own membership in a group, supergroup or channel; later requests see it. */
  setBotMember(chatId: number, status: MemberStatus, rights: MemberRights = {}): ChatMember {
    return this.world.setBotMember(chatId, status, rights);
  }

  /** What getChatMember answers for a user in a group or channel (without the access checks). */
  memberOf(chatId: number, userId: number): ChatMember {
    return this.world.memberOf(chatId, userId);
  }

  /** Opens a topic in a forum supergroup (addChat with is_forum: true); returns its message_thread_id. */
  createTopic(chatId: number, name: string, options: TopicOptions = {}): number {
    return this.topics.create(chatId, name, options);
  }

  /** Closes a topic: only admins with can_manage_topics (and the creator) may still post there. */
  closeTopic(chatId: number, threadId: number): void {
    this.topics.setClosed(chatId, threadId, true);
  }

  reopenTopic(chatId: number, threadId: number): void {
    this.topics.setClosed(chatId, threadId, false);
  }

  /** Deletes a topic: sends to it answer "message thread not found". */
  deleteTopic(chatId: number, threadId: number): void {
    this.topics.delete(chatId, threadId);
  }

  // ----- faults ------------------------------------------------------------------------------

  /** The next `count` matching requests answer `status` (500 "Internal Server Error" by default). */
  failNext(count: number, status = 500, options: FaultOptions = {}): void {
    this.faults.failNext(count, status, options);
  }

  /**
   * The next `count` matching requests lose their connection without an answer (a network error).
   * With `afterDelivery`, the send is carried out first: the bot cannot know it was delivered.
   */
  dropNext(count: number, options: FaultOptions & { afterDelivery?: boolean } = {}): void {
    this.faults.dropNext(count, options);
  }

  // ----- simulated users ---------------------------------------------------------------------

  /** Queues a raw update (my_chat_member, channel_post…); the update id is assigned here. */
  queueUpdate(partial: Omit<Update, "update_id">): Update {
    return this.updates.queue(partial);
  }

  /** The user writes `text` to the bot in their private chat (which also counts as pressing Start). */
  userSends(user: User, text: string): Update {
    return this.simulation.userSends(user, text);
  }

  /**
   * `user` writes `text` in a group or supergroup, as a topic message when `threadId` names a topic
   * of a forum, or as an anonymous admin (from = GroupAnonymousBot, sender_chat = the group; the
   * user must be its creator or an administrator). A user with no member entry becomes a member;
   * one who left, was banned or may not send messages cannot write (an Error, as Telegram would
   * never deliver it). Leading commands get a bot_command entity, as in userSends.
   */
  userSendsInChat(user: User, chatId: number, text: string, options: ChatMessageOptions = {}): Update {
    return this.simulation.userSendsInChat(user, chatId, text, options);
  }

  /** An admin posts `text` in a channel the bot is in: a channel_post update. */
  channelPost(chatId: number, text: string): Update {
    return this.simulation.channelPost(chatId, text);
  }

  /**
   * `by` changes the bot's membership: queues the my_chat_member update Telegram sends (the bot's
   * old and new ChatMember) and applies the change, so later requests see it. Pass a Chat to
   * register a chat the bot was not in (its old status is then "left"). In a private chat the
   * statuses are "kicked" (the user blocked the bot) and "member" (unblocked or started).
   *
   * Bale sends no my_chat_member: the change is applied, and only the bot joining a group reaches
   * it, as a message in the group with `new_chat_members`; otherwise the answer is undefined.
   */
  botMembershipChanged(target: number | Chat, by: User, newStatus: MemberStatus, rights: MemberRights = {}): Update | undefined {
    return this.simulation.botMembershipChanged(target, by, newStatus, rights);
  }

  /** The user types `@bot <query>` (in the chat `options.chatType` says): an inline_query update; its id is `queryId`. */
  userTypesInline(user: User, query: string, options: InlineQueryOptions = {}): { update: Update; queryId: string } {
    return this.inline.userTypes(user, query, options);
  }

  /** The bot's answer to inline query `queryId`, once it answered. */
  inlineAnswer(queryId: string): InlineAnswer | undefined {
    return this.inline.answerOf(queryId);
  }

  /** Waits for the bot's answer to inline query `queryId`. */
  async waitForInlineAnswer(queryId: string, timeoutMs = 5000): Promise<InlineAnswer> {
    await this.waitFor(() => this.inline.answerOf(queryId) !== undefined, { timeoutMs, message: `an answer to inline query ${queryId}` });
    return this.inline.answerOf(queryId)!;
  }

  /**
   * The user picks a result of an answered inline query in `chatId`: its message appears there, from
   * the user via the bot. `chatId` as the user sees it: another user's id is their chat with that user.
   */
  userPicksInlineResult(user: User, queryId: string, resultId: string, chatId: number): Message {
    return this.inline.userPicks(user, queryId, resultId, chatId);
  }

  /**
   * The user presses `buttonText` (switch_inline_query_chosen_chat) under the bot's `message` and
   * chooses `chatId` in Telegram's chat picker (another user's id: their chat with that user): an
   * inline query with the button's query, from that chat; the button's allow_* flags are checked.
   */
  userSwitchesInline(user: User, message: SentMessage, buttonText: string, chatId: number): { update: Update; queryId: string } {
    return this.inline.userSwitches(user, message, buttonText, chatId);
  }

  /** The user writes `text` to another user, in their private chat (the bot never sees it). */
  userWritesTo(user: User, otherUserId: number, text: string): SentMessage {
    return this.direct.post(user, otherUserId, plainText(text));
  }

  /** The messages of the private chat between users `a` and `b` (written, or picked inline results), oldest first. */
  messagesBetween(a: number, b: number): SentMessage[] {
    return this.direct.between(a, b);
  }

  /** The user presses an inline button with `data` under one of the bot's messages. */
  userPresses(user: User, message: SentMessage | Message, data: string): Update {
    return this.simulation.userPresses(user, message, data);
  }

  // ----- inspection --------------------------------------------------------------------------

  get accepted(): number {
    return this.records.accepted;
  }

  get rejected429(): number {
    return this.records.rejected429;
  }

  /** Send requests received, whatever their outcome (accepted, rejected, failed, dropped). */
  get total(): number {
    return this.records.total;
  }

  /** Accepted paid-broadcast sends above the free per-second limit (each would cost Stars). */
  get paidSends(): number {
    return this.records.paidSends;
  }

  /** The bot's commands that Telegram's menu shows there (setMyCommands), in the user's language when the bot set one. */
  commandsShownIn(place: MenuPlace): BotCommand[] {
    return this.commands.shownIn(place);
  }

  get callbackAnswers(): readonly CallbackAnswer[] {
    return this.callbacks.answered();
  }

  /** The bot's messages to a chat, oldest first, in their current (edited) state. */
  messagesTo(chatId: number): SentMessage[] {
    return [...(this.world.chat(chatId)?.sent ?? [])];
  }

  calls(method?: string): RecordedCall[] {
    return this.records.calls(method);
  }

  /** ms timestamps of every accepted send, in order. */
  sendTimestamps(): number[] {
    return this.records.sendTimestamps();
  }

  /** The most accepted sends found in any sliding window of `windowMs` (for checking pacing). */
  maxSendsInWindow(windowMs = 1000): number {
    return this.records.maxSendsInWindow(windowMs);
  }

  /** The URL setWebhook named (updates are posted there), or undefined while the bot long-polls. */
  get webhookUrl(): string | undefined {
    return this.updates.webhookUrl;
  }

  /** Updates queued and not yet confirmed (by getUpdates' offset or the webhook's 2xx). */
  pendingUpdates(): Update[] {
    return this.updates.pending();
  }

  waitFor(predicate: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
    return waitUntil(predicate, options);
  }

  /** The bot's messages to a chat once there are `count`; the timeout error lists what did arrive. */
  waitForMessages(chatId: number, count: number, timeoutMs = 5000): Promise<SentMessage[]> {
    return waitForCount(() => this.messagesTo(chatId), chatId, count, timeoutMs);
  }
}

function withoutMissing(flavour: Flavour, methods: Methods): Methods {
  return Object.fromEntries(Object.entries(methods).filter(([name]) => !flavour.missingMethods.has(name)));
}
