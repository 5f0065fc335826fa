-- effects: a state "effect" handled 1_000_000 times. A counter loop in a
-- coroutine yields a `get` request then a `set` request per step (500_000
-- steps); the handler loop in the main program answers each by resuming the
-- coroutine. Lua has no effect handlers: this is the closest equivalent work.
-- Size: n steps (default 500_000 -> 500000; 5_000 -> 5000).
local n = tonumber(arg and arg[1]) or 500000

local yield = coroutine.yield

local function counter(n)
  for _ = 1, n do
    local value = yield("get")
    yield("set", value + 1)
  end
  return yield("get")
end

local function main(n)
  local state = 0
  local co = coroutine.create(counter)
  local _, op, value = coroutine.resume(co, n)
  while coroutine.status(co) ~= "dead" do
    if op == "get" then
      _, op, value = coroutine.resume(co, state)
    else
      state = value
      _, op, value = coroutine.resume(co, nil)
    end
  end
  return op
end

print(main(n))
