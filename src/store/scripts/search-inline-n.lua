--[[
  Inline search: the newest articles holding every query word, hour by hour from the newest.

  Input:
    KEYS[1..n]   H*W SETs, then H HASHes: for each hour h = 1..H (newest first), the SET of seqs
                 of each query word w = 1..W in that hour (at (h-1)*W + w); then each hour's HASH
                 seq -> article id (at H*W + h)

    ARGV[1] W, the number of words (1..8)
    ARGV[2] H, the number of hours
    ARGV[3] only seqs below this (the page's offset); 0 for the first page
    ARGV[4] how many results at most

  Output:
    {seq1, id1, seq2, id2, ...}, newest first

  SINTER runs in C and stops at the first empty set, so an hour without one of the words costs one
  call; the work grows with the matches of the newest hours, not with the articles in the window.
]]
local words = tonumber(ARGV[1])
local hours = tonumber(ARGV[2])
local before = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local out = {}
local sets = {}
for h = 1, hours do
  local base = (h - 1) * words
  local members
  if words == 1 then
    members = redis.call('SMEMBERS', KEYS[base + 1])
  else
    for w = 1, words do sets[w] = KEYS[base + w] end
    members = redis.call('SINTER', unpack(sets, 1, words))
  end
  if #members > 0 then
    local seqs = {}
    for i = 1, #members do
      local seq = tonumber(members[i])
      if before == 0 or seq < before then seqs[#seqs + 1] = seq end
    end
    table.sort(seqs, function(a, b) return a > b end)
    local ids = KEYS[hours * words + h]
    for i = 1, #seqs do
      local id = redis.call('HGET', ids, seqs[i])
      if id then
        out[#out + 1] = seqs[i]
        out[#out + 1] = id
        if #out >= 2 * limit then return out end
      end
    end
  end
end
return out
