--[[
  Inline search: indexes one article in the HASH of its day of arrival.

  Input:
    KEYS[1]      the day's HASH: word -> the seqs of its articles, 4 bytes each (big-endian),
                 ascending; "#<seq>" -> article id
    ARGV[1]      seq
    ARGV[2]      article id
    ARGV[3]      when the day leaves the search window (ms): the key expires then, or later
    ARGV[4..]    the article's words

  Output:
    the number of words the article was added under (0 when it was indexed before)

  One HASH per day, one field per word, instead of a key per word: a key costs about a hundred
  bytes of Redis bookkeeping, a seq four. Seqs arrive nearly in order, so a seq goes in near the
  end of its word's list; one already there is left alone (indexing twice changes nothing).
]]
local key = KEYS[1]
local seq = tonumber(ARGV[1])
local packed = struct.pack('>I4', seq)
local added = 0
for i = 4, #ARGV do
  local list = redis.call('HGET', key, ARGV[i])
  if not list then
    redis.call('HSET', key, ARGV[i], packed)
    added = added + 1
  else
    -- The insertion point: after the last seq below this one, searched from the end.
    local at = #list
    local present = false
    while at > 0 do
      local other = struct.unpack('>I4', list, at - 3)
      if other == seq then present = true break end
      if other < seq then break end
      at = at - 4
    end
    if not present then
      redis.call('HSET', key, ARGV[i], string.sub(list, 1, at) .. packed .. string.sub(list, at + 1))
      added = added + 1
    end
  end
end
redis.call('HSET', key, '#' .. ARGV[1], ARGV[2])
local expireAt = tonumber(ARGV[3])
local current = redis.call('PEXPIRETIME', key)
if current < 0 or current < expireAt then redis.call('PEXPIREAT', key, expireAt) end
return added
