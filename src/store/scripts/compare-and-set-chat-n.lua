--[[
  Compare-and-set of one chat record together with its category memberships and its entry in the
  due index: all live under the chat's shard tag, so the whole change is one atomic script.

  Input:
    KEYS[1]      the chats hash of the chat's shard
    KEYS[2]      the due index of the chat's shard
    KEYS[3..n]   the subscriber sets to add the chat to (ARGV[4] of them), then those to remove it from

    ARGV[1] chat id
    ARGV[2] the encoded record expected now ('' when absent)
    ARGV[3] the new encoded record
    ARGV[4] how many of KEYS[3..n] are sets to add the chat to
    ARGV[5] the new record's next due minute, '' when nothing is held for the chat

  Output:
    1 - changed
    0 - the record was not the expected one; nothing changed
]]
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[5] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
end
local adds = tonumber(ARGV[4])
for i = 3, 2 + adds do redis.call('SADD', KEYS[i], ARGV[1]) end
for i = 3 + adds, #KEYS do redis.call('SREM', KEYS[i], ARGV[1]) end
return 1
