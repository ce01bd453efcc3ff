--[[
  Claims chats for one send each, right before it: a chat only if its record is still the one its
  plan was made from (else another process delivered meanwhile) and its pacing key is free. The
  pacing key doubles as the in-flight guard, so two processes visiting the same chat never both send.
  Each chat is claimed or not on its own; a batch of them costs one script call.

  Input:
    KEYS[1..n] two keys per chat, one chat after another: the chats hash of its shard, its pace key

    ARGV: three per chat, in the same order: chat id, the encoded record the plan was made from,
          how long the claim lasts (ms)

  Output:
    one answer per chat:
      0  - claimed
      -1 - the record changed
      ms - (> 0) how long until the chat's pace allows a send
]]
local answers = {}
for i = 1, #KEYS / 2 do
  local chats, pace = KEYS[2 * i - 1], KEYS[2 * i]
  local chat, planned, claimMs = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i]
  if (redis.call('HGET', chats, chat) or '') ~= planned then
    answers[i] = -1
  elseif redis.call('SET', pace, '1', 'PX', claimMs, 'NX') then
    answers[i] = 0
  else
    answers[i] = math.max(redis.call('PTTL', pace), 1)
  end
end
return answers
