--[[
  Claims a chat for one send, right before it: only if its record is still the one the plan was
  made from (else another process delivered meanwhile) and its pacing key is free. The pacing key
  doubles as the in-flight guard, so two processes visiting the same chat never both send.

  Input:
    KEYS[1] the chats hash of the chat's shard
    KEYS[2] the chat's pace key

    ARGV[1] chat id
    ARGV[2] the encoded record the plan was made from
    ARGV[3] how long the claim lasts, ms

  Output:
    0  - claimed
    -1 - the record changed
    ms - (> 0) how long until the chat's pace allows a send
]]
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then return -1 end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[3], 'NX') then return 0 end
return math.max(redis.call('PTTL', KEYS[2]), 1)
