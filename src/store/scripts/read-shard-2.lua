--[[
  A shard's subscribers of one category and their records, in one step.

  Input:
    KEYS[1] the category's subscriber set in the shard
    KEYS[2] the shard's chats hash

  Output:
    {id, record, id, record, ...} - a record is nil when the chat has none
]]
local members = redis.call('SMEMBERS', KEYS[1])
if #members == 0 then return {} end
local records = redis.call('HMGET', KEYS[2], unpack(members))
local out = {}
for i, id in ipairs(members) do
  out[#out + 1] = id
  out[#out + 1] = records[i]
end
return out
