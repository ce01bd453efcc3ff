--[[
  After a held reader's digest went out (or nothing was left to send), stores the chat's new cursor
  and next due minute together with its entry in the due index, if nobody changed its record
  meanwhile, and shortens its pacing key to the plain interval.

  Input:
    KEYS[1] the chats hash of the chat's shard
    KEYS[2] the chat's pace key
    KEYS[3] the due index of the chat's shard

    ARGV[1] chat id
    ARGV[2] the encoded record read before the send
    ARGV[3] the encoded record after it
    ARGV[4] pacing interval, ms
    ARGV[5] the new record's next due minute, '' when nothing is held any more

  Output:
    1 - stored
    0 - the record changed meanwhile; not stored (the pace key is shortened all the same)
]]
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[5] == '' then
  redis.call('ZREM', KEYS[3], ARGV[1])
else
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
end
return 1
