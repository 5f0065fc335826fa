-- fibers: create 100_000 fibers (coroutines) and run each one once.
-- After Wren's fibers benchmark: every fiber adds its index to a shared sum;
-- the sum 0 + 1 + ... + (n-1) is printed. Measures fiber creation and a
-- resume/finish round trip per fiber.
--
-- Difference from Wren (and from the Tern version): Wren's fiber i resumes
-- fiber i+1 from inside itself, nesting 100_000 resumes. In Lua 5.4 every
-- nested coroutine.resume also nests on the C stack, and that fails with
-- "C stack overflow" after about 200 levels. So here the main program
-- resumes the fibers one after another, iteratively: the same number of
-- fibers created, resumed and finished, without the nesting.
-- Size: n fibers (default 100_000 -> 4999950000; 10_000 -> 49995000).

local function main(n)
  local sum = 0
  local fibers = {}
  for i = 0, n - 1 do
    fibers[i + 1] = coroutine.create(function()
      sum = sum + i
    end)
  end
  for i = 1, n do
    coroutine.resume(fibers[i])
  end
  print(sum)
end

main(tonumber(arg and arg[1]) or 100000)
