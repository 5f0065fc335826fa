-- delta_blue: the DeltaBlue incremental constraint solver benchmark.
-- After Wren's delta_blue (itself a port of the Dart/JavaScript versions of
-- Freeman-Benson and Maloney's DeltaBlue): a planner keeps a dataflow graph
-- of variables and constraints of different strengths and re-plans
-- incrementally as constraints are added and removed.
-- Two tests per iteration, each with 100 variables:
--   chain: a chain of equality constraints, edited at one end, 100 values
--     pushed through it;
--   projection: pairs (src, dst) related by dst = src * scale + offset,
--     changed from both sides and through scale and offset.
-- Both add the values they read to a running total, printed at the end.
-- Measures OOP with real polymorphism (several constraint classes overriding
-- the same methods, found through metatable chains), list building and
-- filtering.
--
-- Behaviour kept from the common versions of the benchmark, on purpose, so
-- that the work done is the same as everyone else's:
--   Strength:next_weaker maps REQUIRED to WEAKEST, so incremental_remove only
--   re-adds required constraints;
--   BinaryConstraint:choose_method evaluates its three tests in sequence and
--   the last one decides.
-- Size: iterations (default 200 -> 70327000, 351635 per iteration;
--        40 -> 14065400).

-- A class is a method table that is its instances' metatable; a subclass's
-- table falls back to its parent's.
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  return c
end

---------------------------------------------------------------- Strength

-- Strengths are unique objects, so == compares them.
local Strength = class()

local ORDERED

function Strength.new(value, name)
  return setmetatable({ value = value, name = name }, Strength)
end

function Strength:next_weaker()
  return ORDERED[self.value + 1]
end

local function stronger(s1, s2) return s1.value < s2.value end
local function weaker(s1, s2) return s1.value > s2.value end
local function weakest_of(s1, s2)
  if weaker(s1, s2) then return s1 end
  return s2
end

local REQUIRED = Strength.new(0, "required")
local STRONG_PREFERRED = Strength.new(1, "strongPreferred")
local PREFERRED = Strength.new(2, "preferred")
local STRONG_DEFAULT = Strength.new(3, "strongDefault")
local NORMAL = Strength.new(4, "normal")
local WEAK_DEFAULT = Strength.new(5, "weakDefault")
local WEAKEST = Strength.new(6, "weakest")

ORDERED = { WEAKEST, WEAK_DEFAULT, NORMAL, STRONG_DEFAULT, PREFERRED, STRONG_PREFERRED }

-- The planner the constraints being built belong to; constraints register
-- themselves with it from their constructors, as in the original.
local planner

---------------------------------------------------------------- Constraint

local Constraint = class()

-- Activate this constraint and attempt to satisfy it.
function Constraint:add_constraint()
  self:add_to_graph()
  planner:incremental_add(self)
end

-- Try to enforce this constraint; answer the constraint it overrides, or
-- nil. Assumes this constraint is not satisfied.
function Constraint:satisfy(mark)
  self:choose_method(mark)
  if not self:is_satisfied() then
    if self.strength == REQUIRED then
      print("Could not satisfy a required constraint!")
    end
    return nil
  end
  self:mark_inputs(mark)
  local out = self:output()
  local overridden = out.determined_by
  if overridden ~= nil then overridden:mark_unsatisfied() end
  out.determined_by = self
  if not planner:add_propagate(self, mark) then
    print("Cycle encountered")
  end
  out.mark = mark
  return overridden
end

function Constraint:destroy_constraint()
  if self:is_satisfied() then planner:incremental_remove(self) end
  self:remove_from_graph()
end

-- Input constraints depend on state outside the solver (an edit).
function Constraint:is_input()
  return false
end

---------------------------------------------------------------- UnaryConstraint

-- A constraint with a single possible output variable.
local UnaryConstraint = class(Constraint)

function UnaryConstraint.init(self, my_output, strength)
  self.strength = strength
  self.satisfied = false
  self.my_output = my_output
  self:add_constraint()
  return self
end

function UnaryConstraint:add_to_graph()
  self.my_output:add_constraint(self)
  self.satisfied = false
end

function UnaryConstraint:choose_method(mark)
  self.satisfied = self.my_output.mark ~= mark
    and stronger(self.strength, self.my_output.walk_strength)
end

function UnaryConstraint:is_satisfied() return self.satisfied end
function UnaryConstraint:mark_inputs(mark) end -- no inputs
function UnaryConstraint:output() return self.my_output end

-- Set the output's walkabout strength and stay flag; if it is stay, compute
-- its value now (the stay optimisation).
function UnaryConstraint:recalculate()
  self.my_output.walk_strength = self.strength
  self.my_output.stay = not self:is_input()
  if self.my_output.stay then self:execute() end
end

function UnaryConstraint:mark_unsatisfied() self.satisfied = false end
function UnaryConstraint:inputs_known(mark) return true end

function UnaryConstraint:remove_from_graph()
  if self.my_output ~= nil then self.my_output:remove_constraint(self) end
  self.satisfied = false
end

-- A variable that should, with some strength, keep its value.
local StayConstraint = class(UnaryConstraint)

function StayConstraint.new(v, strength)
  return UnaryConstraint.init(setmetatable({}, StayConstraint), v, strength)
end

function StayConstraint:execute() end

-- Marks a variable that imperative code wants to change.
local EditConstraint = class(UnaryConstraint)

function EditConstraint.new(v, strength)
  return UnaryConstraint.init(setmetatable({}, EditConstraint), v, strength)
end

function EditConstraint:is_input() return true end
function EditConstraint:execute() end

---------------------------------------------------------------- BinaryConstraint

-- Which way a binary constraint flows.
local BACKWARD = 0
local NONE = 1
local FORWARD = 2

-- A constraint with two possible output variables.
local BinaryConstraint = class(Constraint)

function BinaryConstraint.init(self, v1, v2, strength)
  self.strength = strength
  self.v1 = v1
  self.v2 = v2
  self.direction = NONE
  self:add_constraint()
  return self
end

-- Pick the direction from the marks and walkabout strengths.
function BinaryConstraint:choose_method(mark)
  local v1, v2 = self.v1, self.v2
  if v1.mark == mark then
    if v2.mark ~= mark and stronger(self.strength, v2.walk_strength) then
      self.direction = FORWARD
    else
      self.direction = NONE
    end
  end
  if v2.mark == mark then
    if v1.mark ~= mark and stronger(self.strength, v1.walk_strength) then
      self.direction = BACKWARD
    else
      self.direction = NONE
    end
  end
  if weaker(v1.walk_strength, v2.walk_strength) then
    if stronger(self.strength, v1.walk_strength) then
      self.direction = BACKWARD
    else
      self.direction = NONE
    end
  else
    if stronger(self.strength, v2.walk_strength) then
      self.direction = FORWARD
    else
      self.direction = BACKWARD
    end
  end
end

function BinaryConstraint:add_to_graph()
  self.v1:add_constraint(self)
  self.v2:add_constraint(self)
  self.direction = NONE
end

function BinaryConstraint:is_satisfied() return self.direction ~= NONE end

function BinaryConstraint:mark_inputs(mark)
  self:input().mark = mark
end

function BinaryConstraint:input()
  if self.direction == FORWARD then return self.v1 end
  return self.v2
end

function BinaryConstraint:output()
  if self.direction == FORWARD then return self.v2 end
  return self.v1
end

function BinaryConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
  out.stay = ihn.stay
  if out.stay then self:execute() end
end

function BinaryConstraint:mark_unsatisfied() self.direction = NONE end

function BinaryConstraint:inputs_known(mark)
  local i = self:input()
  return i.mark == mark or i.stay or i.determined_by == nil
end

function BinaryConstraint:remove_from_graph()
  if self.v1 ~= nil then self.v1:remove_constraint(self) end
  if self.v2 ~= nil then self.v2:remove_constraint(self) end
  self.direction = NONE
end

-- v2 = v1 * scale + offset; either side may be written, scale and offset
-- are read-only inputs.
local ScaleConstraint = class(BinaryConstraint)

function ScaleConstraint.new(src, scale, offset, dest, strength)
  -- scale and offset are set before the base initialiser runs: it adds the
  -- constraint to the graph, which needs them.
  local self = setmetatable({ scale = scale, offset = offset }, ScaleConstraint)
  return BinaryConstraint.init(self, src, dest, strength)
end

function ScaleConstraint:add_to_graph()
  BinaryConstraint.add_to_graph(self)
  self.scale:add_constraint(self)
  self.offset:add_constraint(self)
end

function ScaleConstraint:remove_from_graph()
  BinaryConstraint.remove_from_graph(self)
  if self.scale ~= nil then self.scale:remove_constraint(self) end
  if self.offset ~= nil then self.offset:remove_constraint(self) end
end

function ScaleConstraint:mark_inputs(mark)
  BinaryConstraint.mark_inputs(self, mark)
  self.scale.mark = mark
  self.offset.mark = mark
end

function ScaleConstraint:execute()
  if self.direction == FORWARD then
    self.v2.value = self.v1.value * self.scale.value + self.offset.value
  else
    self.v1.value = (self.v2.value - self.offset.value) // self.scale.value
  end
end

function ScaleConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
  out.stay = ihn.stay and self.scale.stay and self.offset.stay
  if out.stay then self:execute() end
end

-- Keeps two variables equal.
local EqualityConstraint = class(BinaryConstraint)

function EqualityConstraint.new(v1, v2, strength)
  return BinaryConstraint.init(setmetatable({}, EqualityConstraint), v1, v2, strength)
end

function EqualityConstraint:execute()
  self:output().value = self:input().value
end

---------------------------------------------------------------- Variable

-- A constrained variable; also holds its part of the constraint graph and
-- the solver's per-variable state.
local Variable = class()

function Variable.new(name, value)
  return setmetatable({
    constraints = {}, determined_by = nil, mark = 0, walk_strength = WEAKEST,
    stay = true, name = name, value = value,
  }, Variable)
end

function Variable:add_constraint(constraint)
  local cs = self.constraints
  cs[#cs + 1] = constraint
end

-- Rebuilds the list without the constraint (a filter, as the other
-- versions do).
function Variable:remove_constraint(constraint)
  local kept = {}
  for _, c in ipairs(self.constraints) do
    if c ~= constraint then kept[#kept + 1] = c end
  end
  self.constraints = kept
  if self.determined_by == constraint then self.determined_by = nil end
end

---------------------------------------------------------------- Plan

-- An ordered list of constraints to execute to re-satisfy everything after
-- inputs change.
local Plan = class()

function Plan.new() return setmetatable({ list = {} }, Plan) end

function Plan:add_constraint(constraint)
  self.list[#self.list + 1] = constraint
end

function Plan:execute()
  local list = self.list
  for i = 1, #list do list[i]:execute() end
end

---------------------------------------------------------------- Planner

local Planner = class()

function Planner.new() return setmetatable({ current_mark = 0 }, Planner) end

-- Satisfy the constraint, then re-satisfy whatever it overrode, and so on,
-- until nothing is overridden. Marks stop cycles.
function Planner:incremental_add(constraint)
  local mark = self:new_mark()
  local overridden = constraint:satisfy(mark)
  while overridden ~= nil do
    overridden = overridden:satisfy(mark)
  end
end

-- Retract a satisfied constraint, then try to satisfy the constraints
-- downstream of it that were unsatisfied, strongest first.
function Planner:incremental_remove(constraint)
  local out = constraint:output()
  constraint:mark_unsatisfied()
  constraint:remove_from_graph()
  local unsatisfied = self:remove_propagate_from(out)
  local strength = REQUIRED
  while true do
    for i = 1, #unsatisfied do
      local u = unsatisfied[i]
      if u.strength == strength then self:incremental_add(u) end
    end
    strength = strength:next_weaker()
    if strength == WEAKEST then break end
  end
end

function Planner:new_mark()
  self.current_mark = self.current_mark + 1
  return self.current_mark
end

-- Plan from the sources: a constraint joins the plan once all its inputs are
-- known (marked, stay, or undetermined).
function Planner:make_plan(sources)
  local mark = self:new_mark()
  local plan = Plan.new()
  local todo = sources
  while #todo > 0 do
    local constraint = table.remove(todo)
    if constraint:output().mark ~= mark and constraint:inputs_known(mark) then
      plan:add_constraint(constraint)
      constraint:output().mark = mark
      self:add_constraints_consuming_to(constraint:output(), todo)
    end
  end
  return plan
end

function Planner:extract_plan_from_constraints(constraints)
  local sources = {}
  for _, constraint in ipairs(constraints) do
    if constraint:is_input() and constraint:is_satisfied() then
      sources[#sources + 1] = constraint
    end
  end
  return self:make_plan(sources)
end

-- Recompute walkabout strengths and stay flags downstream of the
-- constraint; answer false (after removing it) on a cycle.
function Planner:add_propagate(constraint, mark)
  local todo = { constraint }
  while #todo > 0 do
    local d = table.remove(todo)
    if d:output().mark == mark then
      self:incremental_remove(constraint)
      return false
    end
    d:recalculate()
    self:add_constraints_consuming_to(d:output(), todo)
  end
  return true
end

-- Recompute strengths downstream of a variable whose determining constraint
-- went away; answer the unsatisfied constraints found.
function Planner:remove_propagate_from(out)
  out.determined_by = nil
  out.walk_strength = WEAKEST
  out.stay = true
  local unsatisfied = {}
  local todo = { out }
  while #todo > 0 do
    local v = table.remove(todo)
    for _, constraint in ipairs(v.constraints) do
      if not constraint:is_satisfied() then
        unsatisfied[#unsatisfied + 1] = constraint
      end
    end
    local determining = v.determined_by
    for _, next_constraint in ipairs(v.constraints) do
      if next_constraint ~= determining and next_constraint:is_satisfied() then
        next_constraint:recalculate()
        todo[#todo + 1] = next_constraint:output()
      end
    end
  end
  return unsatisfied
end

function Planner:add_constraints_consuming_to(v, coll)
  local determining = v.determined_by
  for _, constraint in ipairs(v.constraints) do
    if constraint ~= determining and constraint:is_satisfied() then
      coll[#coll + 1] = constraint
    end
  end
end

---------------------------------------------------------------- tests

-- A chain of n equality constraints with a stay at one end and an edit at
-- the other: each edit propagates down the whole chain. Answers the sum of
-- the values read at the far end.
local function chain_test(n)
  planner = Planner.new()
  local prev, first, last = nil, nil, nil
  for i = 0, n do
    local v = Variable.new("v", 0)
    if prev ~= nil then EqualityConstraint.new(prev, v, REQUIRED) end
    if i == 0 then first = v end
    if i == n then last = v end
    prev = v
  end

  StayConstraint.new(last, STRONG_DEFAULT)
  local edit = EditConstraint.new(first, PREFERRED)
  local plan = planner:extract_plan_from_constraints({ edit })
  local total = 0
  for i = 0, 99 do
    first.value = i
    plan:execute()
    total = total + last.value
  end
  return total
end

local function change(v, new_value)
  local edit = EditConstraint.new(v, PREFERRED)
  local plan = planner:extract_plan_from_constraints({ edit })
  for _ = 1, 10 do
    v.value = new_value
    plan:execute()
  end
  edit:destroy_constraint()
end

-- n (src, dst) pairs related by dst = src * scale + offset; change values on
-- both sides and the shared scale and offset. Answers the sum of the values
-- checked.
local function projection_test(n)
  planner = Planner.new()
  local scale = Variable.new("scale", 10)
  local offset = Variable.new("offset", 1000)
  local src, dst = nil, nil
  local total = 0

  local dests = {}
  for i = 0, n - 1 do
    src = Variable.new("src", i)
    dst = Variable.new("dst", i)
    dests[#dests + 1] = dst
    StayConstraint.new(src, NORMAL)
    ScaleConstraint.new(src, scale, offset, dst, REQUIRED)
  end

  change(src, 17)
  total = total + dst.value
  if dst.value ~= 1170 then print("Projection 1 failed") end

  change(dst, 1050)
  total = total + src.value
  if src.value ~= 5 then print("Projection 2 failed") end

  change(scale, 5)
  for i = 0, n - 2 do
    total = total + dests[i + 1].value
    if dests[i + 1].value ~= i * 5 + 1000 then print("Projection 3 failed") end
  end

  change(offset, 2000)
  for i = 0, n - 2 do
    total = total + dests[i + 1].value
    if dests[i + 1].value ~= i * 5 + 2000 then print("Projection 4 failed") end
  end
  return total
end

local function main(iterations)
  local total = 0
  for _ = 1, iterations do
    total = total + chain_test(100)
    total = total + projection_test(100)
  end
  print(total)
end

main(tonumber(arg and arg[1]) or 200)
