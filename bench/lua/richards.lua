-- richards: Martin Richards' operating-system simulation benchmark.
-- A scheduler runs six tasks (idle, worker, two handlers, two devices) that
-- pass packets to each other through queues; the idle task drives the
-- devices for 10_000 steps. Measures OOP: field access and polymorphic calls
-- (every task kind has its own run()).
-- Size: iterations of the whole simulation (default 30). Each iteration must
-- end with queue count 23246 and hold count 9297 (the classic check for an
-- idle count of 10_000); a wrong iteration prints a line, breaking the output.

local IDLE_COUNT = 10000
local EXPECTED_QUEUE_COUNT = 23246
local EXPECTED_HOLD_COUNT = 9297

local ID_IDLE = 1
local ID_WORKER = 2
local ID_HANDLER_A = 3
local ID_HANDLER_B = 4
local ID_DEVICE_A = 5
local ID_DEVICE_B = 6

local KIND_DEVICE = 0
local KIND_WORK = 1

local DATA_SIZE = 4

-- Task states are bit sets: RUNNABLE = has packets waiting, SUSPENDED =
-- waiting for a packet, HELD = parked by hold(); 0 = running.
local STATE_RUNNING = 0
local STATE_RUNNABLE = 1
local STATE_SUSPENDED = 2
local STATE_HELD = 4
local STATE_SUSPENDED_RUNNABLE = STATE_SUSPENDED | STATE_RUNNABLE
local STATE_NOT_HELD = ~STATE_HELD

---------------------------------------------------------------- Packet

local Packet = {}
Packet.__index = Packet

function Packet.new(link, id, kind)
  local a2 = {}
  for i = 1, DATA_SIZE do a2[i] = 0 end
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = a2 }, Packet)
end

-- Append this packet to the end of the queue and return the queue's head.
function Packet:add_to(queue)
  self.link = nil
  if queue == nil then return self end
  local next = queue
  local peek = next.link
  while peek ~= nil do
    next = peek
    peek = next.link
  end
  next.link = self
  return queue
end

---------------------------------------------------------------- TaskControlBlock

local TaskControlBlock = {}
TaskControlBlock.__index = TaskControlBlock

function TaskControlBlock.new(link, id, priority, queue, task)
  local state = STATE_SUSPENDED
  if queue ~= nil then state = STATE_SUSPENDED_RUNNABLE end
  return setmetatable({
    link = link, id = id, priority = priority, queue = queue, task = task, state = state,
  }, TaskControlBlock)
end

function TaskControlBlock:set_running() self.state = STATE_RUNNING end
function TaskControlBlock:mark_as_not_held() self.state = self.state & STATE_NOT_HELD end
function TaskControlBlock:mark_as_held() self.state = self.state | STATE_HELD end
function TaskControlBlock:mark_as_suspended() self.state = self.state | STATE_SUSPENDED end
function TaskControlBlock:mark_as_runnable() self.state = self.state | STATE_RUNNABLE end

function TaskControlBlock:is_held_or_suspended()
  return (self.state & STATE_HELD) ~= 0 or self.state == STATE_SUSPENDED
end

-- Run the task with the first waiting packet, if it was waiting for one.
function TaskControlBlock:run()
  local packet
  if self.state == STATE_SUSPENDED_RUNNABLE then
    packet = self.queue
    self.queue = packet.link
    if self.queue == nil then
      self.state = STATE_RUNNING
    else
      self.state = STATE_RUNNABLE
    end
  end
  return self.task:run(packet)
end

-- Give this task a packet; answer the task that should run next (this one
-- if it now outranks the sender).
function TaskControlBlock:check_priority_add(task, packet)
  if self.queue == nil then
    self.queue = packet
    self:mark_as_runnable()
    if self.priority > task.priority then return self end
  else
    self.queue = packet:add_to(self.queue)
  end
  return task
end

---------------------------------------------------------------- Scheduler

local Scheduler = {}
Scheduler.__index = Scheduler

function Scheduler.new()
  return setmetatable({
    queue_count = 0, hold_count = 0, blocks = {}, list = nil,
    current_tcb = nil, current_id = nil,
  }, Scheduler)
end

function Scheduler:add_task(id, priority, queue, task)
  self.current_tcb = TaskControlBlock.new(self.list, id, priority, queue, task)
  self.list = self.current_tcb
  self.blocks[id] = self.current_tcb
end

function Scheduler:add_running_task(id, priority, queue, task)
  self:add_task(id, priority, queue, task)
  self.current_tcb:set_running()
end

-- Run tasks in priority order (the list is sorted by creation, highest
-- priority first) until none can run.
function Scheduler:schedule()
  self.current_tcb = self.list
  while self.current_tcb ~= nil do
    if self.current_tcb:is_held_or_suspended() then
      self.current_tcb = self.current_tcb.link
    else
      self.current_id = self.current_tcb.id
      self.current_tcb = self.current_tcb:run()
    end
  end
end

function Scheduler:release(id)
  local tcb = self.blocks[id]
  if tcb == nil then return tcb end
  tcb:mark_as_not_held()
  if tcb.priority > self.current_tcb.priority then
    return tcb
  end
  return self.current_tcb
end

function Scheduler:hold_current()
  self.hold_count = self.hold_count + 1
  self.current_tcb:mark_as_held()
  return self.current_tcb.link
end

function Scheduler:suspend_current()
  self.current_tcb:mark_as_suspended()
  return self.current_tcb
end

-- Send a packet to the task it names; the packet's id becomes the sender.
function Scheduler:queue(packet)
  local t = self.blocks[packet.id]
  if t == nil then return t end
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current_id
  return t:check_priority_add(self.current_tcb, packet)
end

---------------------------------------------------------------- Tasks

-- Idle task: releases the two devices in a pseudo-random order for `count`
-- steps, then holds itself, which ends the simulation.
local IdleTask = {}
IdleTask.__index = IdleTask

function IdleTask.new(scheduler, v1, count)
  return setmetatable({ scheduler = scheduler, v1 = v1, count = count }, IdleTask)
end

function IdleTask:run(packet)
  self.count = self.count - 1
  if self.count == 0 then return self.scheduler:hold_current() end
  if (self.v1 & 1) == 0 then
    self.v1 = self.v1 >> 1
    return self.scheduler:release(ID_DEVICE_A)
  end
  self.v1 = (self.v1 >> 1) ~ 0xD008
  return self.scheduler:release(ID_DEVICE_B)
end

-- Device task: holds one packet at a time and sends it back when released.
local DeviceTask = {}
DeviceTask.__index = DeviceTask

function DeviceTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, v1 = nil }, DeviceTask)
end

function DeviceTask:run(packet)
  if packet == nil then
    if self.v1 == nil then return self.scheduler:suspend_current() end
    local v = self.v1
    self.v1 = nil
    return self.scheduler:queue(v)
  end
  self.v1 = packet
  return self.scheduler:hold_current()
end

-- Worker task: fills work packets with letters and sends them alternately to
-- the two handlers.
local WorkerTask = {}
WorkerTask.__index = WorkerTask

function WorkerTask.new(scheduler, v1, v2)
  return setmetatable({ scheduler = scheduler, v1 = v1, v2 = v2 }, WorkerTask)
end

function WorkerTask:run(packet)
  if packet == nil then return self.scheduler:suspend_current() end
  if self.v1 == ID_HANDLER_A then
    self.v1 = ID_HANDLER_B
  else
    self.v1 = ID_HANDLER_A
  end
  packet.id = self.v1
  packet.a1 = 0
  for i = 1, DATA_SIZE do
    self.v2 = self.v2 + 1
    if self.v2 > 26 then self.v2 = 1 end
    packet.a2[i] = self.v2
  end
  return self.scheduler:queue(packet)
end

-- Handler task: pairs work packets (v1) with device packets (v2), sending
-- one device packet per datum of the current work packet.
local HandlerTask = {}
HandlerTask.__index = HandlerTask

function HandlerTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, v1 = nil, v2 = nil }, HandlerTask)
end

function HandlerTask:run(packet)
  if packet ~= nil then
    if packet.kind == KIND_WORK then
      self.v1 = packet:add_to(self.v1)
    else
      self.v2 = packet:add_to(self.v2)
    end
  end
  if self.v1 ~= nil then
    local count = self.v1.a1
    if count < DATA_SIZE then
      if self.v2 ~= nil then
        local v = self.v2
        self.v2 = self.v2.link
        v.a1 = self.v1.a2[count + 1]
        self.v1.a1 = count + 1
        return self.scheduler:queue(v)
      end
    else
      local v = self.v1
      self.v1 = self.v1.link
      return self.scheduler:queue(v)
    end
  end
  return self.scheduler:suspend_current()
end

---------------------------------------------------------------- main

-- One full simulation; answers its queue and hold counts.
local function run_richards()
  local scheduler = Scheduler.new()
  scheduler:add_running_task(ID_IDLE, 0, nil, IdleTask.new(scheduler, 1, IDLE_COUNT))

  local queue = Packet.new(nil, ID_WORKER, KIND_WORK)
  queue = Packet.new(queue, ID_WORKER, KIND_WORK)
  scheduler:add_task(ID_WORKER, 1000, queue, WorkerTask.new(scheduler, ID_HANDLER_A, 0))

  queue = Packet.new(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  scheduler:add_task(ID_HANDLER_A, 2000, queue, HandlerTask.new(scheduler))

  queue = Packet.new(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  scheduler:add_task(ID_HANDLER_B, 3000, queue, HandlerTask.new(scheduler))

  scheduler:add_task(ID_DEVICE_A, 4000, nil, DeviceTask.new(scheduler))
  scheduler:add_task(ID_DEVICE_B, 5000, nil, DeviceTask.new(scheduler))

  scheduler:schedule()
  return scheduler.queue_count, scheduler.hold_count
end

local function main(iterations)
  local queue_count, hold_count = 0, 0
  for i = 1, iterations do
    queue_count, hold_count = run_richards()
    if queue_count ~= EXPECTED_QUEUE_COUNT or hold_count ~= EXPECTED_HOLD_COUNT then
      print("iteration " .. i .. ": wrong counts " .. queue_count .. " " .. hold_count)
    end
  end
  print("queue count: " .. queue_count)
  print("hold count: " .. hold_count)
end

main(tonumber(arg and arg[1]) or 30)
