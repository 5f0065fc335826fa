-- loop: a tight integer `while` loop inside a function.
-- Measures raw dispatch of compare / add / jump with locals, the floor every
-- other benchmark stands on. A numeric `for` would be faster in Lua, but the
-- benchmark is defined as a while loop, so every language uses one.
-- Size: n (default 50_000_000 -> 1249999975000000).

local function sum_below(n)
  local s = 0
  local i = 0
  while i < n do
    s = s + i
    i = i + 1
  end
  return s
end

local n = tonumber(arg and arg[1]) or 50000000
print(sum_below(n))
