-- generators: 1_000_000 yield/resume round trips between a generator
-- coroutine and the main program, which sums the yielded values.
-- Measures the cost of one resume and one yield.
-- Size: n values (default 1_000_000 -> 500000500000; 10_000 -> 50005000).
local n = tonumber(arg and arg[1]) or 1000000

local function main(n)
  local numbers = coroutine.wrap(function()
    local i = 0
    while i < n do
      i = i + 1
      coroutine.yield(i)
    end
  end)
  local sum = 0
  for _ = 1, n do
    sum = sum + numbers()
  end
  return sum
end

print(main(n))
