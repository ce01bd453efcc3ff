--[[
  After held readers' digests went out (or nothing was left to send), stores each chat's new cursor
  and next due minute together with its entry in the due index, if nobody changed its record
  meanwhile, and shortens its pacing key to the plain interval. Each chat is stored or not on its
  own; a batch of them costs one script call.

  Input:
    KEYS[1..n] three keys per chat, one chat after another: the chats hash of its shard, its pace
               key, the due index of its shard

    ARGV: five per chat, in the same order: chat id, the encoded record read before the send, the
          encoded record after it, the pacing interval (ms), the new record's next due minute ('' when
          nothing is held any more)

  Output:
    one answer per chat:
      1 - stored
      0 - the record changed meanwhile; not stored (the pace key is shortened all the same)
]]
--- @include "includes/commit-chat"

local answers = {}
for i = 1, #KEYS / 3 do
  local chat, due, next_due = ARGV[5 * i - 4], KEYS[3 * i], ARGV[5 * i]
  if commit_chat(KEYS[3 * i - 2], KEYS[3 * i - 1], chat, ARGV[5 * i - 3], ARGV[5 * i - 2], ARGV[5 * i - 1]) then
    if next_due == '' then
      redis.call('ZREM', due, chat)
    else
      redis.call('ZADD', due, next_due, chat)
    end
    answers[i] = 1
  else
    answers[i] = 0
  end
end
return answers
