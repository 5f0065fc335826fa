-- fannkuch_redux: the Computer Language Benchmarks Game fannkuch-redux.
-- For every permutation of 0..n-1 (in the order produced by the classic
-- "rotate the first r elements" counter scheme), repeatedly reverse the
-- first k+1 elements where k is the first element, until 0 is first; count
-- those flips. Prints a checksum (flips added for even-numbered permutations,
-- subtracted for odd ones) and the maximum flip count.
-- Measures list mutation and integer loops.
-- Size: n (default 10 -> 73196 / Pfannkuchen(10) = 38;
--        7 -> 228 / Pfannkuchen(7) = 16).
-- Arrays here hold 0-based values in 1-based slots: perm[1] is the first one.

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 1, n do
    perm1[i] = i - 1
    count[i] = 0
  end
  local max_flips, checksum, perm_count = 0, 0, 0
  local r = n
  while true do
    -- Reset the counters below r: count[i] says how many rotations of the
    -- first i elements remain before the next larger rotation.
    while r ~= 1 do
      count[r] = r
      r = r - 1
    end

    for i = 1, n do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[1]
    while k ~= 0 do
      -- reverse perm[1 .. k+1]
      local i, j = 1, k + 1
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i = i + 1
        j = j - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > max_flips then max_flips = flips end
    if perm_count % 2 == 0 then
      checksum = checksum + flips
    else
      checksum = checksum - flips
    end

    -- Next permutation: rotate the first r+1 elements left by one, carrying
    -- into larger rotations when a counter runs out.
    while true do
      if r == n then
        return checksum, max_flips
      end
      local perm0 = perm1[1]
      for i = 1, r do
        perm1[i] = perm1[i + 1]
      end
      perm1[r + 1] = perm0
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
    perm_count = perm_count + 1
  end
end

local n = tonumber(arg and arg[1]) or 10
local checksum, max_flips = fannkuch(n)
print(checksum)
print("Pfannkuchen(" .. n .. ") = " .. max_flips)
