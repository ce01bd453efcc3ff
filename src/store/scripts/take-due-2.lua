--[[
  Takes a shard's readers whose digest is due, with their records, and leases them: their entries
  in the due index move to the lease's end, so that another scan does not take them again while
  their digest is on its way. Delivering the digest stores the real next due minute; a process
  that dies before that leaves the lease to run out, and the reader is taken again.

  Input:
    KEYS[1] the due index of the shard
    KEYS[2] the shard's chats hash

    ARGV[1] the current epoch minute: entries at or before it are due
    ARGV[2] the epoch minute the lease ends
    ARGV[3] the most readers to take

  Output:
    {id, record, id, record, ...} - a record is nil when the chat has none (its entry is removed)
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
if #ids == 0 then return {} end
local records = redis.call('HMGET', KEYS[2], unpack(ids))
local out = {}
for i, id in ipairs(ids) do
  if records[i] then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
  else
    redis.call('ZREM', KEYS[1], id)
  end
  out[#out + 1] = id
  out[#out + 1] = records[i]
end
return out
