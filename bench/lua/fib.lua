-- fib: naive doubly recursive Fibonacci.
-- Measures the cost of a function call plus integer add/compare; nothing else.
-- Size: n (default 35 -> 9227465; n = 20 -> 6765).

-- A local function so the recursive call is an upvalue lookup, the idiomatic
-- (and fair) way to write it in Lua.
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local n = tonumber(arg and arg[1]) or 35
print(fib(n))
