/**
 * Reading chats: getChat, getChatMember and getChatAdministrators, with the Bot API's shapes and
 * its rules on what the bot may see.
 */
import type { ChatFullInfo, ChatMember } from "grammy/types";
import { ApiFailure, badRequest } from "./errors.js";
import { isAdminEntry, memberObject } from "./members.js";
import { intParam, type Params } from "./params.js";
import { checkAccess, checkMemberList } from "./rights.js";
import type { Methods } from "./server.js";
import type { World } from "./world.js";

export class ChatQueries {
  constructor(private readonly world: World) {}

  methods(): Methods {
    return {
      getChat: (p) => this.getChat(p),
      getChatMember: (p) => this.getChatMember(p),
      getChatAdministrators: (p) => this.getChatAdministrators(p),
    };
  }

  private getChat(p: Params): ChatFullInfo {
    const state = this.world.knownChat(p);
    // A blocked or deactivated user's chat can still be read, and so can a group the bot left or
    // was kicked from, or a public channel or supergroup it is not in; see checkAccess.
    checkAccess(state, "read", this.world.botMember(state));
    const extras = {
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
    return { ...state.chat, ...extras };
  }

  private getChatMember(p: Params): ChatMember {
    const state = this.world.knownChat(p);
    const userId = intParam(p, "user_id");
    if (userId === undefined || userId <= 0) throw badRequest("invalid user_id specified");
    const self = userId === this.world.botUser.id;
    // The bot may always ask about itself; other members need access to the member list.
    checkAccess(state, self ? "read" : "readMembers", this.world.botMember(state));
    const chat = state.chat;
    if (chat.type === "private") {
      const user = self ? this.world.botSender() : this.world.userById(userId);
      if (userId === chat.id || self) return { user, status: "member" };
      if (!this.world.flavour.memberStatuses.has("left")) throw new ApiFailure(400, this.world.flavour.memberMissing);
      return { user, status: "left" };
    }
    if (!self) checkMemberList(state, this.world.botMember(state));
    const entry = this.world.member(state, userId);
    if (!this.world.flavour.memberStatuses.has(entry.status)) throw new ApiFailure(400, this.world.flavour.memberMissing);
    return memberObject(chat.type, entry, this.world.flavour);
  }

  /** The creator and administrators, without other bots (the bot itself included), creator first. */
  private getChatAdministrators(p: Params): ChatMember[] {
    const state = this.world.knownChat(p);
    checkAccess(state, "readMembers", this.world.botMember(state));
    const chat = state.chat;
    if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
    checkMemberList(state, this.world.botMember(state));
    const admins = [...(state.members?.values() ?? [])].filter(
      (entry) => isAdminEntry(entry) && (!entry.user.is_bot || entry.user.id === this.world.botUser.id),
    );
    admins.sort((a, b) => Number(b.status === "creator") - Number(a.status === "creator"));
    return admins.map((entry) => memberObject(chat.type, entry, this.world.flavour));
  }
}
