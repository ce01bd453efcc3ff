--[[
  Inline search: the newest articles holding every query word, day by day from the newest.

  Input:
    KEYS[1..n]   the days' HASHes (index-inline-1.lua), newest first: word -> the seqs of its
                 articles, 4 bytes each, ascending; "#<seq>" -> article id
    ARGV[1]      only seqs below this (the page's offset); 0 for the first page
    ARGV[2]      how many results at most
    ARGV[3..]    the query's words (1..8)

  Output:
    {seq1, id1, seq2, id2, ...}, newest first

  A day without one of the words costs one HMGET. Otherwise the shortest list is walked from its
  end (the newest) and each seq is looked up in the other lists by binary search, so the work grows
  with the rarest word's matches and the results wanted, not with the articles in the window.
]]
local before = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local words = {}
for i = 3, #ARGV do words[#words + 1] = ARGV[i] end
local out = {}

local function at(list, i)
  return (struct.unpack('>I4', list, 4 * i - 3))
end

local function holds(list, seq)
  local lo, hi = 1, #list / 4
  while lo <= hi do
    local mid = math.floor((lo + hi) / 2)
    local value = at(list, mid)
    if value == seq then return true end
    if value < seq then lo = mid + 1 else hi = mid - 1 end
  end
  return false
end

for d = 1, #KEYS do
  local lists = redis.call('HMGET', KEYS[d], unpack(words))
  local complete = true
  for w = 1, #lists do
    if not lists[w] then complete = false break end
  end
  if complete then
    table.sort(lists, function(a, b) return #a < #b end)
    local shortest = lists[1]
    for i = #shortest / 4, 1, -1 do
      local seq = at(shortest, i)
      if before == 0 or seq < before then
        local all = true
        for w = 2, #lists do
          if not holds(lists[w], seq) then all = false break end
        end
        if all then
          local id = redis.call('HGET', KEYS[d], '#' .. seq)
          if id then
            out[#out + 1] = seq
            out[#out + 1] = id
            if #out >= 2 * limit then return out end
          end
        end
      end
    end
  end
end
return out
