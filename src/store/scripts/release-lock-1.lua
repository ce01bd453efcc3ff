--[[
  Deletes a lock only if the caller still holds it.

  Input:
    KEYS[1] the lock key

    ARGV[1] the caller's token

  Output:
    1 - released
    0 - the lock was gone or another caller's
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
