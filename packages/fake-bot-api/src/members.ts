/**
 * Members of groups, supergroups and channels: statuses, the rights each status starts with, and
 * the ChatMember objects the Bot API answers for them.
 */
import type {
  Chat,
  ChatMember,
  ChatMemberAdministrator,
  ChatMemberMember,
  ChatMemberOwner,
  ChatMemberRestricted,
  User,
} from "grammy/types";
import type { Flavour } from "./flavours.js";
import type { BaleAdminRights, MemberRights, MemberStatus } from "./types.js";

export interface MemberEntry {
  user: User;
  status: MemberStatus;
  /** The effective rights: what was set, over the defaults of the status. */
  rights: MemberRights;
}

const MEMBER_STATUSES: ReadonlySet<string> = new Set(["creator", "administrator", "member", "restricted", "left", "kicked"]);

/** Telegram's "add admin" screen: every right on except adding admins and anonymity. */
const ADMIN_DEFAULTS: MemberRights = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
  can_post_messages: true,
  can_edit_messages: true,
  can_pin_messages: true,
  can_manage_topics: true,
  can_manage_direct_messages: true,
  can_manage_tags: true,
  can_send_welcome_messages: true,
};

const RESTRICTED_DEFAULTS: MemberRights = {
  is_member: true,
  can_send_messages: false,
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
  until_date: 0,
};

/** A member with the rights of its status over `rights`; an unknown status is the caller's mistake. */
export function newMemberEntry(user: User, status: MemberStatus, rights: MemberRights): MemberEntry {
  if (!MEMBER_STATUSES.has(status)) throw new Error(`FakeTelegram: "${String(status)}" is not a ChatMember status`);
  return { user, status, rights: effectiveRights(status, rights) };
}

function effectiveRights(status: MemberStatus, given: MemberRights): MemberRights {
  // A right passed as undefined keeps its default.
  const rights = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as MemberRights;
  switch (status) {
    case "administrator":
      return { ...ADMIN_DEFAULTS, ...rights };
    case "restricted":
      return { ...RESTRICTED_DEFAULTS, ...rights };
    case "creator":
      return { is_anonymous: false, ...rights };
    case "kicked":
      return { until_date: 0, ...rights };
    default:
      return { ...rights };
  }
}

/** Who the bot is in a chat it was added to with addChat: a posting admin in a channel, a member elsewhere. */
export function defaultBotStatus(type: Chat["type"]): MemberStatus {
  return type === "channel" ? "administrator" : "member";
}

/** Present in the chat: not left or banned, and a restricted member still in it. */
export function isPresent(entry: MemberEntry): boolean {
  if (entry.status === "left" || entry.status === "kicked") return false;
  return entry.status !== "restricted" || entry.rights.is_member !== false;
}

export const isAdminEntry = (entry: MemberEntry): boolean => entry.status === "creator" || entry.status === "administrator";

const flag = (value: boolean | undefined): boolean => value === true;

/** Bale's own names for an administrator's rights: each on unless set off. */
function baleRights(r: MemberRights): BaleAdminRights {
  return {
    can_send_message: r.can_send_message !== false,
    can_send_media: r.can_send_media !== false,
    can_kick_user: r.can_kick_user !== false,
    can_see_members: r.can_see_members !== false,
    can_send_link_message: r.can_send_link_message !== false,
    can_add_story: r.can_add_story !== false,
  };
}

/**
 * The ChatMember object the Bot API answers, with its fields in the server's order: rights that
 * only make sense for channels (posting, editing, direct messages) or for groups (pinning, topics,
 * tags) appear only there. Bale's administrators carry its own right names beside Telegram's
 * group rights, and no can_post_messages (docs/bale.md, "getChatMember and admin rights").
 */
export function memberObject(type: Chat["type"], entry: MemberEntry, flavour: Flavour): ChatMember {
  if (flavour.rightNames === "bale" && entry.status === "administrator") {
    const telegram = memberObject(type === "channel" ? "group" : type, entry, { ...flavour, rightNames: "telegram" });
    return { ...telegram, ...baleRights(entry.rights) };
  }
  const { user, rights: r } = entry;
  switch (entry.status) {
    case "creator": {
      const owner: ChatMemberOwner = { user, status: "creator", is_anonymous: flag(r.is_anonymous) };
      if (r.custom_title !== undefined) owner.custom_title = r.custom_title;
      return owner;
    }
    case "administrator": {
      const channel = type === "channel";
      const admin: ChatMemberAdministrator = {
        user,
        status: "administrator",
        can_be_edited: flag(r.can_be_edited),
        can_manage_chat: flag(r.can_manage_chat),
        can_change_info: flag(r.can_change_info),
        ...(channel ? { can_post_messages: flag(r.can_post_messages), can_edit_messages: flag(r.can_edit_messages) } : {}),
        can_delete_messages: flag(r.can_delete_messages),
        can_invite_users: flag(r.can_invite_users),
        can_restrict_members: flag(r.can_restrict_members),
        ...(channel ? {} : { can_pin_messages: flag(r.can_pin_messages) }),
        ...(type === "supergroup" ? { can_manage_topics: flag(r.can_manage_topics) } : {}),
        can_promote_members: flag(r.can_promote_members),
        can_manage_video_chats: flag(r.can_manage_video_chats),
        can_post_stories: flag(r.can_post_stories),
        can_edit_stories: flag(r.can_edit_stories),
        can_delete_stories: flag(r.can_delete_stories),
        is_anonymous: flag(r.is_anonymous),
        ...(channel ? { can_manage_direct_messages: flag(r.can_manage_direct_messages) } : { can_manage_tags: flag(r.can_manage_tags) }),
        can_send_welcome_messages: flag(r.can_send_welcome_messages),
      };
      if (r.custom_title !== undefined) admin.custom_title = r.custom_title;
      return admin;
    }
    case "member": {
      const member: ChatMemberMember = { user, status: "member" };
      if (r.tag !== undefined) member.tag = r.tag;
      if (r.until_date !== undefined) member.until_date = r.until_date;
      return member;
    }
    case "restricted": {
      const restricted: ChatMemberRestricted = {
        user,
        status: "restricted",
        until_date: r.until_date ?? 0,
        can_send_messages: flag(r.can_send_messages),
        can_send_audios: flag(r.can_send_audios),
        can_send_documents: flag(r.can_send_documents),
        can_send_photos: flag(r.can_send_photos),
        can_send_videos: flag(r.can_send_videos),
        can_send_video_notes: flag(r.can_send_video_notes),
        can_send_voice_notes: flag(r.can_send_voice_notes),
        can_send_polls: flag(r.can_send_polls),
        can_send_other_messages: flag(r.can_send_other_messages),
        can_add_web_page_previews: flag(r.can_add_web_page_previews),
        can_react_to_messages: flag(r.can_react_to_messages),
        can_change_info: flag(r.can_change_info),
        can_invite_users: flag(r.can_invite_users),
        can_edit_tag: flag(r.can_edit_tag),
        can_pin_messages: flag(r.can_pin_messages),
        can_manage_topics: flag(r.can_manage_topics),
        is_member: r.is_member !== false,
      };
      if (r.tag !== undefined) restricted.tag = r.tag;
      return restricted;
    }
    case "left":
      return { user, status: "left" };
    case "kicked":
      return { user, status: "kicked", until_date: r.until_date ?? 0 };
  }
}
