/**
 * Chats as the bot sees them: Telegram's errors for blocked, forgotten and migrated chats, members
 * and their rights, and what the bot may send in channels, groups and forum topics.
 */
import { describe, expect, it } from "vitest";
import { Api } from "grammy";
import { FakeTelegram } from "../src/index.js";
import { adminRights, apiError, BOT_USER, useFakeTelegram } from "./support.js";

let tg: FakeTelegram;
let api: Api;
useFakeTelegram((started) => ({ tg, api } = started));

describe("chat errors", () => {
  it("answers 403 for a user who blocked the bot or is deactivated, and for a kicked bot", async () => {
    tg.block(100);
    const blocked = await apiError(api.sendMessage(100, "hi"));
    expect(blocked.error_code).toBe(403);
    expect(blocked.description).toBe("Forbidden: bot was blocked by the user");

    tg.deactivate(101);
    const deactivated = await apiError(api.sendMessage(101, "hi"));
    expect(deactivated.description).toBe("Forbidden: user is deactivated");

    tg.addChat({ id: -300, type: "group", title: "Readers" });
    tg.kick(-300);
    const kicked = await apiError(api.sendMessage(-300, "hi"));
    expect(kicked.error_code).toBe(403);
    expect(kicked.description).toBe("Forbidden: bot was kicked from the group chat");

    tg.restore(100);
    await expect(api.sendMessage(100, "welcome back")).resolves.toMatchObject({ text: "welcome back" });
  });

  it("answers 400 chat not found for forgotten chats, unknown groups and (strict mode) unknown users", async () => {
    tg.forget(55);
    expect((await apiError(api.sendMessage(55, "hi"))).description).toBe("Bad Request: chat not found");
    expect((await apiError(api.sendMessage(-999, "hi"))).description).toBe("Bad Request: chat not found");

    const strict = await FakeTelegram.start({ strictChats: true });
    try {
      const strictApi = new Api(strict.token, { apiRoot: strict.apiRoot });
      const error = await apiError(strictApi.sendMessage(77, "hi"));
      expect(error.error_code).toBe(400);
      expect(error.description).toBe("Bad Request: chat not found");
      strict.addUser({ id: 77, first_name: "Ada" });
      await expect(strictApi.sendMessage(77, "hi")).resolves.toMatchObject({ chat: { id: 77, first_name: "Ada" } });
    } finally {
      await strict.close();
    }
  });

  it("answers migrate_to_chat_id for a group upgraded to a supergroup", async () => {
    tg.addChat({ id: -555, type: "group", title: "Old group" });
    tg.migrate(-555, -1001234567890);
    const error = await apiError(api.sendMessage(-555, "hi"));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: group chat was upgraded to a supergroup chat");
    expect(error.parameters.migrate_to_chat_id).toBe(-1001234567890);

    const moved = await api.sendMessage(-1001234567890, "hi");
    expect(moved.chat).toEqual({ id: -1001234567890, type: "supergroup", title: "Old group" });
  });
});

describe("members and rights", () => {
  it("getChatMember answers Telegram's ChatMember shapes, per chat type", async () => {
    const channel = tg.addChat({ id: -1001000000001, type: "channel", title: "World news", username: "worldnews" });
    const supergroup = tg.addChat({ id: -1001000000002, type: "supergroup", title: "Readers" });
    const group = tg.addChat({ id: -4002, type: "group", title: "Desk" });
    const olga = tg.addUser({ id: 11, first_name: "Olga", username: "olga", language_code: "de" });
    expect(tg.setMember(channel.id, olga, "creator")).toMatchObject({ status: "creator" });

    // The bot in a channel added with addChat: an administrator allowed to post.
    expect(await api.getChatMember(channel.id, tg.botUser.id)).toEqual({
      user: BOT_USER,
      status: "administrator",
      ...adminRights,
      can_post_messages: true,
      can_edit_messages: true,
      can_manage_direct_messages: true,
    });
    expect(await api.getChatMember(channel.id, 11)).toEqual({
      user: { id: 11, is_bot: false, first_name: "Olga", username: "olga", language_code: "de" },
      status: "creator",
      is_anonymous: false,
    });

    // Supergroups: pinning, topics and tags instead of posting and editing.
    tg.setMember(supergroup.id, 12, "administrator", { can_delete_messages: false, custom_title: "Editor" });
    expect(await api.getChatMember(supergroup.id, 12)).toEqual({
      user: { id: 12, is_bot: false, first_name: "User 12" },
      status: "administrator",
      ...adminRights,
      can_delete_messages: false,
      can_pin_messages: true,
      can_manage_topics: true,
      can_manage_tags: true,
      custom_title: "Editor",
    });
    tg.setMember(supergroup.id, 13, "restricted", { can_send_messages: true, until_date: 1_900_000_000 });
    expect(await api.getChatMember(supergroup.id, 13)).toEqual({
      user: { id: 13, is_bot: false, first_name: "User 13" },
      status: "restricted",
      until_date: 1_900_000_000,
      can_send_messages: true,
      can_send_audios: false,
      can_send_documents: false,
      can_send_photos: false,
      can_send_videos: false,
      can_send_video_notes: false,
      can_send_voice_notes: false,
      can_send_polls: false,
      can_send_other_messages: false,
      can_add_web_page_previews: false,
      can_react_to_messages: false,
      can_change_info: false,
      can_invite_users: false,
      can_edit_tag: false,
      can_pin_messages: false,
      can_manage_topics: false,
      is_member: true,
    });
    tg.setMember(supergroup.id, 14, "kicked");
    expect(await api.getChatMember(supergroup.id, 14)).toEqual({
      user: { id: 14, is_bot: false, first_name: "User 14" },
      status: "kicked",
      until_date: 0,
    });
    // Groups: pinning, no topics. The bot is a plain member there by default.
    tg.setMember(group.id, 15, "administrator");
    const groupAdmin = await api.getChatMember(group.id, 15);
    expect(groupAdmin).toMatchObject({ status: "administrator", can_pin_messages: true, can_manage_tags: true });
    expect(groupAdmin).not.toHaveProperty("can_manage_topics");
    expect(groupAdmin).not.toHaveProperty("can_post_messages");
    expect(await api.getChatMember(group.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "member" });
    // Anyone never set has left.
    expect(await api.getChatMember(group.id, 999)).toEqual({ user: { id: 999, is_bot: false, first_name: "User 999" }, status: "left" });
    expect(tg.memberOf(supergroup.id, 12)).toMatchObject({ status: "administrator", custom_title: "Editor" });
    expect(tg.internalErrors).toEqual([]);
  });

  it("getChatMember fails like Telegram for unknown chats, bad ids and chats the bot is not in", async () => {
    const notFound = await apiError(api.getChatMember(-1009999999999, 1));
    expect([notFound.error_code, notFound.description]).toEqual([400, "Bad Request: chat not found"]);
    const group = tg.addChat({ id: -4003, type: "group", title: "Desk" });
    const invalid = await apiError(api.getChatMember(group.id, 0));
    expect(invalid.description).toBe("Bad Request: invalid user_id specified");

    // A private channel the bot left: nothing is readable.
    const hidden = tg.addChat({ id: -1001000000003, type: "channel", title: "Hidden" });
    tg.setMember(hidden.id, 11, "creator");
    tg.setBotMember(hidden.id, "left");
    for (const user of [11, tg.botUser.id]) {
      const error = await apiError(api.getChatMember(hidden.id, user));
      expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot is not a member of the channel chat"]);
    }
    // A public one: the bot still sees itself, but a channel's members only show to its admins.
    const open = tg.addChat({ id: -1001000000004, type: "channel", title: "Open", username: "opennews" });
    tg.setBotMember(open.id, "left");
    expect(await api.getChatMember(open.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "left" });
    expect((await apiError(api.getChatMember(open.id, 11))).description).toBe("Bad Request: member list is inaccessible");

    const supergroup = tg.addChat({ id: -1001000000005, type: "supergroup", title: "Readers" });
    tg.kick(supergroup.id);
    const banned = await apiError(api.getChatMember(supergroup.id, 11));
    expect([banned.error_code, banned.description]).toEqual([403, "Forbidden: bot was kicked from the supergroup chat"]);
    // In a basic group the bot kicked out can still look itself up, not the others.
    tg.kick(group.id);
    expect(await api.getChatMember(group.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "kicked", until_date: 0 });
    const others = await apiError(api.getChatMember(group.id, 11));
    expect([others.error_code, others.description]).toEqual([403, "Forbidden: bot was kicked from the group chat"]);
  });

  it("getChatAdministrators lists the creator first, then admins, the bot but no other bot", async () => {
    const supergroup = tg.addChat({ id: -1001000000006, type: "supergroup", title: "Readers" });
    tg.setMember(supergroup.id, 21, "administrator");
    tg.setMember(supergroup.id, { id: 22, is_bot: true, first_name: "Other", username: "other_bot" }, "administrator");
    tg.setMember(supergroup.id, 23, "member");
    tg.setMember(supergroup.id, 24, "creator", { is_anonymous: true });
    tg.setBotMember(supergroup.id, "administrator", { can_promote_members: true });
    const admins = await api.getChatAdministrators(supergroup.id);
    expect(admins[0]).toEqual({ user: { id: 24, is_bot: false, first_name: "User 24" }, status: "creator", is_anonymous: true });
    expect(
      admins
        .slice(1)
        .map((m) => m.user.id)
        .sort((a, b) => a - b),
    ).toEqual([21, tg.botUser.id]);
    expect(admins.slice(1).every((m) => m.status === "administrator")).toBe(true);
    expect(admins.find((m) => m.user.id === tg.botUser.id)).toMatchObject({ can_promote_members: true });

    const inPrivate = await apiError(api.getChatAdministrators(5));
    expect(inPrivate.description).toBe("Bad Request: there are no administrators in the private chat");
    const channel = tg.addChat({ id: -1001000000007, type: "channel", title: "News" });
    tg.setBotMember(channel.id, "member");
    expect((await apiError(api.getChatAdministrators(channel.id))).description).toBe("Bad Request: member list is inaccessible");
  });

  it("getChat resolves @username case-insensitively and reads only what the bot may see", async () => {
    const channel = tg.addChat({ id: -1001000000008, type: "channel", title: "World news", username: "WorldNews" });
    await expect(api.getChat("@worldnews")).resolves.toMatchObject({
      id: channel.id,
      type: "channel",
      title: "World news",
      username: "WorldNews",
    });
    await expect(api.getChat("@WORLDNEWS")).resolves.toMatchObject({ id: channel.id });
    const unknown = await apiError(api.getChat("@nosuchchannel"));
    expect([unknown.error_code, unknown.description]).toEqual([400, "Bad Request: chat not found"]);

    // A public chat stays readable to a bot outside it; a private one does not; a basic group does.
    tg.setBotMember(channel.id, "left");
    await expect(api.getChat("@worldnews")).resolves.toMatchObject({ id: channel.id });
    const hidden = tg.addChat({ id: -1001000000009, type: "channel", title: "Hidden" });
    tg.setBotMember(hidden.id, "left");
    const error = await apiError(api.getChat(hidden.id));
    expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot is not a member of the channel chat"]);
    const group = tg.addChat({ id: -4004, type: "group", title: "Desk" });
    tg.kick(group.id);
    await expect(api.getChat(group.id)).resolves.toMatchObject({ id: group.id, type: "group" });
  });
});

describe("sending to channels and groups", () => {
  it("needs an administrator allowed to post in a channel, and membership everywhere", async () => {
    const channel = tg.addChat({ id: -1001000000010, type: "channel", title: "World news", username: "worldnews" });
    const posted = await api.sendMessage("@worldnews", "first");
    expect(posted).toMatchObject({ chat: { id: channel.id }, sender_chat: { id: channel.id } });
    expect(posted.from).toBeUndefined();

    tg.setBotMember(channel.id, "administrator", { can_post_messages: false });
    const noRight = await apiError(api.sendMessage(channel.id, "second"));
    expect([noRight.error_code, noRight.description]).toEqual([400, "Bad Request: need administrator rights in the channel chat"]);
    tg.setBotMember(channel.id, "member");
    expect((await apiError(api.sendPhoto(channel.id, "https://example.com/a.jpg"))).description).toBe(
      "Bad Request: need administrator rights in the channel chat",
    );
    tg.setBotMember(channel.id, "left");
    const left = await apiError(api.sendMessage(channel.id, "third"));
    expect([left.error_code, left.description]).toEqual([403, "Forbidden: bot is not a member of the channel chat"]);
    // Edits need membership too.
    const edit = await apiError(api.editMessageText(channel.id, posted.message_id, "edited"));
    expect(edit.description).toBe("Forbidden: bot is not a member of the channel chat");

    tg.kick(channel.id);
    expect(tg.memberOf(channel.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "kicked", until_date: 0 });
    const kicked = await apiError(api.sendMessage(channel.id, "fourth"));
    expect([kicked.error_code, kicked.description]).toEqual([403, "Forbidden: bot was kicked from the channel chat"]);
    tg.restore(channel.id);
    await expect(api.sendMessage(channel.id, "back")).resolves.toMatchObject({ text: "back" });
    expect(tg.messagesTo(channel.id).map((m) => m.text)).toEqual(["first", "back"]);
  });

  it("refuses a restricted bot in a group and a bot that left it", async () => {
    const supergroup = tg.addChat({ id: -1001000000011, type: "supergroup", title: "Readers" });
    tg.setBotMember(supergroup.id, "restricted", { can_send_messages: false });
    const text = await apiError(api.sendMessage(supergroup.id, "hi"));
    expect([text.error_code, text.description]).toEqual([400, "Bad Request: not enough rights to send text messages to the chat"]);
    const photo = await apiError(api.sendPhoto(supergroup.id, "https://example.com/a.jpg"));
    expect(photo.description).toBe("Bad Request: not enough rights to send photos to the chat");
    tg.setBotMember(supergroup.id, "restricted", { can_send_messages: true });
    await expect(api.sendMessage(supergroup.id, "allowed")).resolves.toMatchObject({ text: "allowed" });
    tg.setBotMember(supergroup.id, "restricted", { is_member: false, can_send_messages: true });
    expect((await apiError(api.sendMessage(supergroup.id, "gone"))).description).toBe(
      "Forbidden: bot is not a member of the supergroup chat",
    );

    const group = tg.addChat({ id: -4005, type: "group", title: "Desk" });
    tg.setBotMember(group.id, "left");
    const left = await apiError(api.sendMessage(group.id, "hi"));
    expect([left.error_code, left.description]).toEqual([403, "Forbidden: bot is not a member of the group chat"]);
    expect(tg.total).toBe(5);
    expect(tg.accepted).toBe(1);
  });

  it("posts into forum topics and refuses unknown, deleted and closed ones", async () => {
    const forum = tg.addChat({ id: -1001000000012, type: "supergroup", title: "Newsroom", is_forum: true });
    const tech = tg.createTopic(forum.id, "Tech");
    expect(tech).toBe(1); // the id of the topic's service message
    const sent = await api.sendMessage(forum.id, "<b>Chips</b>", { parse_mode: "HTML", message_thread_id: tech });
    expect(sent).toMatchObject({
      message_id: 2,
      message_thread_id: tech,
      is_topic_message: true,
      reply_to_message: {
        message_id: tech,
        message_thread_id: tech,
        is_topic_message: true,
        forum_topic_created: { name: "Tech", icon_color: 7322096 },
        from: BOT_USER,
      },
    });
    expect(tg.messagesTo(forum.id)[0]).toMatchObject({ text: "Chips", message_thread_id: tech });

    const missing = await apiError(api.sendMessage(forum.id, "x", { message_thread_id: 999 }));
    expect([missing.error_code, missing.description]).toEqual([400, "Bad Request: message thread not found"]);
    const plain = tg.addChat({ id: -1001000000013, type: "supergroup", title: "Plain" });
    expect((await apiError(api.sendMessage(plain.id, "x", { message_thread_id: 1 }))).description).toBe(
      "Bad Request: message thread not found",
    );
    expect(() => tg.createTopic(plain.id, "Nope")).toThrow(/not a forum/);

    // A closed topic takes posts from admins who manage topics only.
    tg.closeTopic(forum.id, tech);
    expect((await apiError(api.sendMessage(forum.id, "x", { message_thread_id: tech }))).description).toBe("Bad Request: TOPIC_CLOSED");
    tg.setBotMember(forum.id, "administrator");
    await expect(api.sendMessage(forum.id, "admin post", { message_thread_id: tech })).resolves.toMatchObject({ message_thread_id: tech });
    tg.deleteTopic(forum.id, tech);
    expect((await apiError(api.sendMessage(forum.id, "x", { message_thread_id: tech }))).description).toBe(
      "Bad Request: message thread not found",
    );
  });
});
