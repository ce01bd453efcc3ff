--[[
  Shared by commit-deliveries and commit-dues: after a send, stores a chat's new record if nobody
  changed it meanwhile, and shortens its pacing key to the plain interval.

  commit_chat(chats, pace, chat, before, after, pace_ms) answers true when the record was stored,
  false when it had changed meanwhile (the pace key is shortened all the same).
]]
local function commit_chat(chats, pace, chat, before, after, pace_ms)
  local current = redis.call('HGET', chats, chat) or ''
  redis.call('PEXPIRE', pace, pace_ms)
  if current ~= before then return false end
  redis.call('HSET', chats, chat, after)
  return true
end
