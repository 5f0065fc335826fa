-- method_call: monomorphic method calls with field reads and writes.
-- After Wren's method_call benchmark: a Toggle object whose activate() flips a
-- boolean field and returns the object, so that `t:activate():value()` is two
-- dependent method calls. The project's size is n iterations of 4 such chains
-- (Wren's original does 100_000 x 10 on a Toggle and then on an NthToggle
-- subclass; the project table fixes 2_000_000 x 4 on one Toggle).
-- 4 flips per iteration is even, so the final state is the start state: true.
-- Size: n (default 2_000_000 -> true).

-- Classic Lua class: methods live in a metatable's __index, so each call is a
-- table lookup on the instance that falls through to the class table.
local Toggle = {}
Toggle.__index = Toggle

function Toggle.new(start_state)
  return setmetatable({ state = start_state }, Toggle)
end

function Toggle:value()
  return self.state
end

function Toggle:activate()
  self.state = not self.state
  return self
end

local function run(n)
  local toggle = Toggle.new(true)
  local val = true
  for _ = 1, n do
    val = toggle:activate():value()
    val = toggle:activate():value()
    val = toggle:activate():value()
    val = toggle:activate():value()
  end
  return toggle:value()
end

local n = tonumber(arg and arg[1]) or 2000000
print(run(n))
