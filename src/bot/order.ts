import type { Update } from "grammy/types";

/**
 * What must not run at the same time as an update: its chat, and the person behind a private chat,
 * a button press or a change of the bot's membership (an admin adds the bot to a channel, then
 * presses the picker or types /link in private: those follow each other in order). Updates that
 * share none of these run side by side (the runner, webhook requests); those that share one run in
 * the order they arrived. A group's messages are ordered by the group alone, so one member's paced
 * private chat never holds up the group.
 */
export function orderingKeys(update: Update): string[] {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.channel_post?.chat ??
    update.edited_channel_post?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat ??
    update.callback_query?.message?.chat;
  const keys = chat ? [`chat:${chat.id}`] : [];
  const person = chat?.type === "private" ? chat.id : (update.callback_query?.from.id ?? update.my_chat_member?.from.id);
  if (person !== undefined) keys.push(`user:${person}`);
  return keys;
}
