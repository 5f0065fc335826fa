-- string_equals: string equality tests, equal and unequal, in a loop.
-- After Wren's string_equals (1_000_000 iterations of 10 comparisons): per
-- iteration, 3 comparisons of equal strings (short, medium, long), then 7 of
-- unequal ones: empty vs non-empty, a prefix, same length with one character
-- changed, a string against a number, a longer string differing only at its
-- end, and a long string against a short one. Counts the true results, so
-- the count is 3 per iteration. The strings are our own.
-- Lua interns short strings (up to 40 bytes), so those compare by pointer;
-- longer ones compare by length, then content (equal constants in one
-- function share one object, so the equal long pair is a pointer check too).
-- Lua's == does not coerce, so "456" == 456 is false, as in the other
-- languages.
-- Size: iterations (default 1_000_000 -> 3000000; 100_000 -> 300000).

local function run(n)
  local count = 0
  for _ = 1, n do
    if "xyz" == "xyz" then count = count + 1 end
    if "a string of middling length" == "a string of middling length" then
      count = count + 1
    end
    if "a considerably longer string, though not by any means a huge one" ==
        "a considerably longer string, though not by any means a huge one" then
      count = count + 1
    end

    if "" == "xyz" then count = count + 1 end
    if "xyz" == "xyzw" then count = count + 1 end
    if "one character differs" == "one character diffars" then count = count + 1 end
    if "456" == 456 then count = count + 1 end
    if "a string of middling length" == "a string of middling length." then
      count = count + 1
    end
    if "a string of middling length" == "a string of middling lengtj" then
      count = count + 1
    end
    if "a considerably longer string, though not by any means a huge one" ==
        "short" then
      count = count + 1
    end
  end
  return count
end

local n = tonumber(arg and arg[1]) or 1000000
print(run(n))
