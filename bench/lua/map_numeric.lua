-- map_numeric: a map with integer keys 1..n: insert, look up, remove.
-- After Wren's map_numeric (n = 2_000_000): insert every key with itself as
-- value, sum the values by looking every key up, then remove every key.
-- Prints the sum and the number of entries left (0; checks removal works).
-- Note: Lua keeps consecutive integer keys in the table's array part, so for
-- Lua this is mostly array indexing, not hashing (the README mentions it).
-- Size: n (default 2_000_000 -> 2000001000000 / 0; 100_000 -> 5000050000 / 0).

local function main(n)
  local map = {}
  for i = 1, n do
    map[i] = i
  end

  local sum = 0
  for i = 1, n do
    sum = sum + map[i]
  end
  print(sum)

  for i = 1, n do
    map[i] = nil
  end

  -- Lua tables have no entry count; count what is left.
  local left = 0
  for _ in pairs(map) do left = left + 1 end
  print(left)
end

main(tonumber(arg and arg[1]) or 2000000)
