--[[
  After sends, stores each chat's new cursor if nobody changed its record meanwhile, and shortens
  its pacing key to the plain interval. Each chat is stored or not on its own; a batch of them
  costs one script call.

  Input:
    KEYS[1..n] two keys per chat, one chat after another: the chats hash of its shard, its pace key

    ARGV: four per chat, in the same order: chat id, the encoded record read before the send, the
          encoded record after it, the pacing interval (ms)

  Output:
    one answer per chat:
      1 - stored
      0 - the record changed meanwhile; not stored (the pace key is shortened all the same)
]]
--- @include "includes/commit-chat"

local answers = {}
for i = 1, #KEYS / 2 do
  local stored = commit_chat(KEYS[2 * i - 1], KEYS[2 * i], ARGV[4 * i - 3], ARGV[4 * i - 2], ARGV[4 * i - 1], ARGV[4 * i])
  answers[i] = stored and 1 or 0
end
return answers
