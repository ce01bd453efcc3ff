/**
 * Issue 15: channels and groups on Bale. Bale tells a bot nothing when it is made a channel's
 * administrator (no my_chat_member): the admin links the channel in their private chat, and the
 * rights are asked of Bale at that moment (getChatMember, Bale's statuses and right names). A group
 * tells the bot it joined with a service message.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import type { User } from "grammy/types";
import { article, startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const CHANNEL = -1001234567890;
const GROUP = -4004004;
const CHANNEL_TUNING = { pacing: { privateMs: 300, groupMs: 330, leaseMs: 5000, retryDelayMs: 300 } };

/** A stack with Bale, and on Bale a channel "Regional News" (@regional_news) whose creator is Hamid. */
async function withBaleChannel(
  name: string,
): Promise<{ s: Stack; bale: FakeTelegram; hamid: User; say: (user: User, text: string) => Promise<string> }> {
  const s = await startStack({ name, bale: {}, tuning: CHANNEL_TUNING });
  const bale = s.bale!;
  const hamid = bale.addUser({ id: 7001, first_name: "Hamid" });
  bale.addChat({ id: CHANNEL, type: "channel", title: "Regional News", username: "regional_news" });
  bale.setMember(CHANNEL, hamid.id, "creator");
  const say = async (user: User, text: string) => {
    const before = bale.messagesTo(user.id).length;
    bale.userSends(user, text);
    const messages = await bale.waitForMessages(user.id, before + 1);
    return messages[before]!.text ?? "";
  };
  return { s, bale, hamid, say };
}

describe("a channel admin on Bale", () => {
  it("links their channel with /link, checked with Bale, and the next article is posted there once", async () => {
    const { s, bale, hamid, say } = await withBaleChannel("bale-link");
    stack = s;
    expect(await say(hamid, "/link @regional_news world economy")).toBe("✅ Regional News now receives: World, Economy.");
    expect(bale.calls("getChatMember").map((call) => call.params.user_id)).toEqual(expect.arrayContaining([hamid.id, bale.botUser.id]));
    await s.publish(article(["world", "economy"], { title: "Summit_opens *today*" }));
    const [post] = await bale.waitForMessages(CHANNEL, 1);
    expect(post!.text).toContain("Summit＿opens ∗today∗");
    expect(post!.entities.filter((e) => e.type === "bold")).toHaveLength(1);
    await sleep(500);
    expect(bale.messagesTo(CHANNEL)).toHaveLength(1);
    expect(await say(hamid, "/channels")).toBe("The chats you linked:\n• Regional News: World, Economy");
    // A Telegram chat with the same id is another chat: nothing went there.
    expect(s.telegram.calls("sendMessage")).toHaveLength(0);
  });

  it("is refused when they are only a member, and nothing of that category reaches the channel", async () => {
    const { s, bale, say } = await withBaleChannel("bale-nonadmin");
    stack = s;
    const mallory = bale.addUser({ id: 7002, first_name: "Mallory" });
    bale.setMember(CHANNEL, mallory.id, "member");
    expect(await say(mallory, "/link @regional_news politics")).toBe(
      "You are not an administrator of Regional News, so you can't change what it receives.",
    );
    const stranger = bale.addUser({ id: 7003, first_name: "Stranger" });
    expect(await say(stranger, "/link @regional_news politics")).toBe(
      "You are not an administrator of Regional News, so you can't change what it receives.",
    );
    await s.publish(article(["politics"], { title: "Should not be posted" }));
    await sleep(800);
    expect(bale.messagesTo(CHANNEL)).toHaveLength(0);
  });

  it("lets any of its administrators link it: Bale's rights have no 'may post' to ask for", async () => {
    const { s, bale, say } = await withBaleChannel("bale-editor");
    stack = s;
    const editor = bale.addUser({ id: 7004, first_name: "Editor" });
    bale.setMember(CHANNEL, editor.id, "administrator");
    expect(await say(editor, "/link @regional_news politics")).toBe("✅ Regional News now receives: Politics.");
  });
});

describe("a group on Bale", () => {
  it("learns it was added from the service message: whoever added it picks categories in private", async () => {
    const s = await startStack({ name: "bale-group", bale: {}, tuning: CHANNEL_TUNING });
    stack = s;
    const bale = s.bale!;
    const leila = bale.addUser({ id: 7101, first_name: "Leila" });
    bale.userSends(leila, "/start");
    await bale.waitForMessages(leila.id, 1);
    bale.botMembershipChanged({ id: GROUP, type: "group", title: "Family" }, leila, "member");
    bale.setMember(GROUP, leila.id, "creator");
    const [, picker] = await bale.waitForMessages(leila.id, 2);
    expect(picker!.text).toBe("Thanks for adding me to Family. Tap the categories it should receive:");
    bale.userPresses(leila, picker!, `ln:${GROUP}:world`);
    await bale.waitFor(() => bale.messagesTo(leila.id)[1]!.edits === 1, { message: "the picker to update" });
    await s.publish(article(["world"], { title: "Family news" }));
    const [post] = await bale.waitForMessages(GROUP, 1);
    expect(post!.text).toContain("Family news");
  });

  it("takes /subscribe from its admins in the group itself, a plain 'group'", async () => {
    const s = await startStack({ name: "bale-group-cmd", bale: {}, tuning: CHANNEL_TUNING });
    stack = s;
    const bale = s.bale!;
    const admin = bale.addUser({ id: 7201, first_name: "Admin" });
    const member = bale.addUser({ id: 7202, first_name: "Member" });
    bale.addChat({ id: GROUP, type: "group", title: "Neighbours" });
    bale.setMember(GROUP, admin.id, "administrator");
    bale.setMember(GROUP, member.id, "member");
    bale.userSendsInChat(member, GROUP, "/subscribe world");
    const [refused] = await bale.waitForMessages(GROUP, 1);
    expect(refused!.text).toBe("Only this group's administrators can change what it receives.");
    bale.userSendsInChat(admin, GROUP, "/subscribe world");
    const [, linked] = await bale.waitForMessages(GROUP, 2);
    expect(linked!.text).toBe("✅ Neighbours now receives: World.");
  });
});
