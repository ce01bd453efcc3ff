--[[
  Shards' subscribers of one category and their records, in one step for several shards.

  Input:
    KEYS[1..n] two keys per shard, one shard after another: the category's subscriber set in the
               shard, the shard's chats hash

  Output:
    one list per shard: {id, record, id, record, ...} - a record is nil when the chat has none
]]
local out = {}
for i = 1, #KEYS / 2 do
  local members = redis.call('SMEMBERS', KEYS[2 * i - 1])
  local shard = {}
  if #members > 0 then
    local records = redis.call('HMGET', KEYS[2 * i], unpack(members))
    for j, id in ipairs(members) do
      shard[2 * j - 1] = id
      shard[2 * j] = records[j]
    end
  end
  out[i] = shard
end
return out
