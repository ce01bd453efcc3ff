import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { startStack, article, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const CHANNEL = -1001234567890;
// Pacing ten times faster than Telegram's, with a little room: one post every 330 ms, at most 20 in 6 s.
const CHANNEL_TUNING = { pacing: { privateMs: 300, groupMs: 330, leaseMs: 5000, retryDelayMs: 300 } };

/** The stack with a channel "Regional News" (@regional_news) whose creator is Hamid. */
async function withChannel(name: string): Promise<{ s: Stack; hamid: User; say: (user: User, text: string) => Promise<string> }> {
  const s = await startStack({ name, tuning: CHANNEL_TUNING });
  const hamid = s.telegram.addUser({ id: 7001, first_name: "Hamid" });
  s.telegram.addChat({ id: CHANNEL, type: "channel", title: "Regional News", username: "regional_news" });
  s.telegram.setMember(CHANNEL, hamid.id, "creator");
  const say = async (user: User, text: string) => {
    const before = s.telegram.messagesTo(user.id).length;
    s.telegram.userSends(user, text);
    const messages = await s.telegram.waitForMessages(user.id, before + 1);
    return messages[before]!.text ?? "";
  };
  return { s, hamid, say };
}

describe("a channel admin", () => {
  it("links their channel by command and the next article is posted there once", async () => {
    const { s, hamid, say } = await withChannel("link");
    stack = s;
    expect(await say(hamid, "/link @regional_news world economy")).toBe("✅ Regional News now receives: World, Economy.");
    await s.publish(article(["world", "economy"], { title: "Summit opens" }));
    const [post] = await s.telegram.waitForMessages(CHANNEL, 1);
    expect(post!.text).toContain("Summit opens");
    await sleep(500);
    expect(s.telegram.messagesTo(CHANNEL)).toHaveLength(1);
    expect(await say(hamid, "/channels")).toBe("The chats you linked:\n• Regional News: World, Economy");
  });

  it("is refused when they are only a member, and nothing of that category ever reaches the channel", async () => {
    const { s, say } = await withChannel("nonadmin");
    stack = s;
    const mallory = s.telegram.addUser({ id: 7002, first_name: "Mallory" });
    s.telegram.setMember(CHANNEL, mallory.id, "member");
    expect(await say(mallory, "/link @regional_news politics")).toBe(
      "You are not an administrator of Regional News, so you can't change what it receives.",
    );
    await s.publish(article(["politics"], { title: "Should not be posted" }));
    await sleep(800);
    expect(s.telegram.messagesTo(CHANNEL)).toHaveLength(0);
  });

  it("is refused when they administer the channel without the right to post in it (issue 16)", async () => {
    const { s, say } = await withChannel("nopost");
    stack = s;
    const moderator = s.telegram.addUser({ id: 7004, first_name: "Moderator" });
    s.telegram.setMember(CHANNEL, moderator.id, "administrator", { can_post_messages: false, can_delete_messages: true });
    expect(await say(moderator, "/link @regional_news politics")).toBe(
      "You are an administrator of Regional News but may not post there, so you can't choose what it posts.",
    );
    await s.publish(article(["politics"], { title: "Should not be posted" }));
    await sleep(800);
    expect(s.telegram.messagesTo(CHANNEL)).toHaveLength(0);
  });

  it("is refused once they lost their admin rights", async () => {
    const { s, hamid, say } = await withChannel("demoted");
    stack = s;
    const editor = s.telegram.addUser({ id: 7003, first_name: "Editor" });
    s.telegram.setMember(CHANNEL, editor.id, "administrator", { can_post_messages: true });
    expect(await say(editor, "/link @regional_news world")).toContain("now receives: World");
    s.telegram.setMember(CHANNEL, editor.id, "member");
    expect(await say(editor, "/unlink @regional_news world")).toContain("You are not an administrator of Regional News");
    expect(await say(hamid, "/unlink @regional_news world")).toBe("Regional News no longer receives: World.");
  });

  it("is told which right the bot is missing when it may not post", async () => {
    const { s, hamid, say } = await withChannel("botrights");
    stack = s;
    s.telegram.setBotMember(CHANNEL, "administrator", { can_post_messages: false });
    expect(await say(hamid, "/link @regional_news world")).toBe(
      "I can't post in Regional News: make me an administrator who may post messages.",
    );
  });

  it("adds the bot as admin and picks categories with the buttons it sends them", async () => {
    const { s, hamid } = await withChannel("picker");
    stack = s;
    s.telegram.userSends(hamid, "/start");
    await s.telegram.waitForMessages(hamid.id, 1);
    s.telegram.setBotMember(CHANNEL, "left");
    s.telegram.botMembershipChanged(CHANNEL, hamid, "administrator", { can_post_messages: true });
    const [, picker] = await s.telegram.waitForMessages(hamid.id, 2);
    expect(picker!.text).toBe("Thanks for adding me to Regional News. Tap the categories it should receive:");
    s.telegram.userPresses(hamid, picker!, `ln:${CHANNEL}:economy`);
    await s.telegram.waitFor(() => s.telegram.messagesTo(hamid.id)[1]!.edits === 1, { message: "the picker to update" });
    const buttons = s.telegram
      .messagesTo(hamid.id)[1]!
      .reply_markup!.inline_keyboard.flat()
      .map((b) => b.text);
    expect(buttons).toContain("✅ Economy");
    await s.publish(article(["economy"], { title: "Rates hold" }));
    const [post] = await s.telegram.waitForMessages(CHANNEL, 1);
    expect(post!.text).toContain("Rates hold");
  });

  it("sees the bot stop for good when it is removed, and is told once", async () => {
    const { s, hamid, say } = await withChannel("removed");
    stack = s;
    await say(hamid, "/link @regional_news world");
    s.telegram.botMembershipChanged(CHANNEL, hamid, "left");
    await s.telegram.waitForMessages(hamid.id, 2);
    expect(s.telegram.messagesTo(hamid.id)[1]!.text).toContain("I can no longer post in Regional News");
    await s.publish(article(["world"], { title: "After removal" }));
    await sleep(800);
    expect(s.telegram.calls("sendMessage").filter((c) => c.params.chat_id === CHANNEL)).toHaveLength(0);
    expect(s.telegram.messagesTo(hamid.id)).toHaveLength(2);
  });

  it("chooses how posts look: no hashtags, a signature", async () => {
    const { s, hamid, say } = await withChannel("settings");
    stack = s;
    await say(hamid, "/link @regional_news world");
    expect(await say(hamid, "/settings @regional_news hashtags off")).toContain("hashtags off");
    expect(await say(hamid, "/settings @regional_news signature — Regional News, since 1990")).toContain(
      'signature "— Regional News, since 1990"',
    );
    await s.publish(article(["world"], { title: "Styled" }));
    const [post] = await s.telegram.waitForMessages(CHANNEL, 1);
    expect(post!.text).toContain("— Regional News, since 1990");
    expect(post!.text).not.toContain("#world");
  });

  it("gets a burst of 30 articles spread out, never over the channel's limit, none dropped", async () => {
    const { s, hamid, say } = await withChannel("burst");
    stack = s;
    // Telegram's 20 posts a minute, ten times faster so the test takes seconds: 20 per 6 s.
    s.telegram.setLimits({ groupChat: { count: 20, windowMs: 6000 } });
    await say(hamid, "/link @regional_news world");
    for (let i = 0; i < 30; i++) await s.publish(article(["world"], { title: `Burst ${i}` }));
    const posts = await s.telegram.waitForMessages(CHANNEL, 30, 30_000);
    expect(posts.map((p) => p.text!.split("\n")[0])).toEqual(Array.from({ length: 30 }, (_, i) => `Burst ${i}`));
    expect(s.telegram.rejected429).toBe(0);
  }, 40_000);
});

describe("a group", () => {
  const GROUP = -4002;

  it("takes /subscribe from its admins only, anonymous admins included", async () => {
    stack = await startStack({ name: "group", tuning: CHANNEL_TUNING });
    const { telegram } = stack;
    telegram.addChat({ id: GROUP, type: "group", title: "Newsroom" });
    const admin = telegram.addUser({ id: 7101, first_name: "Admin" });
    const member = telegram.addUser({ id: 7102, first_name: "Member" });
    telegram.setMember(GROUP, admin.id, "administrator");
    telegram.setMember(GROUP, member.id, "member");

    telegram.userSendsInChat(member, GROUP, "/subscribe world");
    const [refusal] = await telegram.waitForMessages(GROUP, 1);
    expect(refusal!.text).toBe("Only this group's administrators can change what it receives.");

    telegram.userSendsInChat(admin, GROUP, "/subscribe world", { anonymousAdmin: true });
    const [, done] = await telegram.waitForMessages(GROUP, 2);
    expect(done!.text).toBe("✅ Newsroom now receives: World.");
    await stack.publish(article(["world"], { title: "Group story" }));
    const messages = await telegram.waitForMessages(GROUP, 3);
    expect(messages[2]!.text).toContain("Group story");
  });

  it("is told how to continue when the person who added the bot never started it", async () => {
    stack = await startStack({ name: "groupnote", tuning: CHANNEL_TUNING });
    const { telegram } = stack;
    const stranger = telegram.addUser({ id: 7105, first_name: "Stranger" }, { started: false });
    telegram.addChat({ id: GROUP, type: "group", title: "Newsroom" });
    telegram.setMember(GROUP, stranger.id, "creator");
    telegram.setBotMember(GROUP, "left");
    telegram.botMembershipChanged(GROUP, stranger, "member");
    const [note] = await telegram.waitForMessages(GROUP, 1);
    expect(note!.text).toBe(
      "Thanks for adding me! An administrator chooses what this group receives with /subscribe <category> here, or privately in @bulletin_test_bot with /link.",
    );
    expect(telegram.messagesTo(stranger.id)).toHaveLength(0);
  });

  it("follows its group to the supergroup it became, and tells the admin who linked it", async () => {
    stack = await startStack({ name: "migrated", tuning: CHANNEL_TUNING });
    const { telegram } = stack;
    telegram.addChat({ id: GROUP, type: "group", title: "Newsroom" });
    const admin = telegram.addUser({ id: 7103, first_name: "Admin" });
    telegram.setMember(GROUP, admin.id, "creator");
    telegram.userSends(admin, "/start");
    await telegram.waitForMessages(admin.id, 1);
    telegram.userSendsInChat(admin, GROUP, "/subscribe economy");
    await telegram.waitForMessages(GROUP, 1);
    telegram.migrate(GROUP, -1004002);
    telegram.setMember(-1004002, admin.id, "creator");
    await stack.publish(article(["economy"], { title: "Moved along" }));
    const [post] = await telegram.waitForMessages(-1004002, 1, 8000);
    expect(post!.text).toContain("Moved along");
    const told = await telegram.waitForMessages(admin.id, 2);
    expect(told[1]!.text).toBe("Newsroom became a supergroup; its categories moved with it.");
  });

  it("posts a category in the forum topic it was linked from", async () => {
    stack = await startStack({ name: "topics", tuning: CHANNEL_TUNING });
    const { telegram } = stack;
    const FORUM = -1009009;
    telegram.addChat({ id: FORUM, type: "supergroup", title: "Desk", is_forum: true });
    const admin = telegram.addUser({ id: 7104, first_name: "Admin" });
    telegram.setMember(FORUM, admin.id, "administrator");
    const economyTopic = telegram.createTopic(FORUM, "Economy");
    telegram.userSendsInChat(admin, FORUM, "/subscribe economy", { threadId: economyTopic });
    telegram.userSendsInChat(admin, FORUM, "/subscribe world");
    await telegram.waitForMessages(FORUM, 2);
    await stack.publish(article(["economy"], { title: "Topic story" }));
    await stack.publish(article(["world"], { title: "General story" }));
    await telegram.waitFor(() => telegram.messagesTo(FORUM).length >= 4, { timeoutMs: 8000, message: "both posts" });
    const posts = telegram.messagesTo(FORUM).slice(2);
    expect(posts.find((p) => p.text?.includes("Topic story"))?.message_thread_id).toBe(economyTopic);
    expect(posts.find((p) => p.text?.includes("General story"))?.message_thread_id).toBeUndefined();
  });
});
