import type { Update } from "grammy/types";

/**
 * What must not run at the same time as an update: its chat, and for a button press also the user
 * who pressed it (a channel's picker is pressed in the admin's private chat, but changes the
 * channel). Updates that share none of these run side by side (the runner and webhook requests);
 * those that share one run in the order they arrived.
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
  const presser = update.callback_query?.from;
  if (presser) keys.push(`user:${presser.id}`);
  return keys;
}
