"""delta_blue: the DeltaBlue incremental constraint solver benchmark.

After Wren's delta_blue (itself a port of the Dart/JavaScript versions of
Freeman-Benson and Maloney's DeltaBlue): a planner keeps a dataflow graph of
variables and constraints of different strengths and re-plans incrementally
as constraints are added and removed.
Two tests per iteration, each with 100 variables:
  - chain: a chain of equality constraints, edited at one end, 100 values
    pushed through it;
  - projection: pairs (src, dst) related by dst = src * scale + offset,
    changed from both sides and through scale and offset.
Both add the values they read to a running total, printed at the end.
Measures OOP with real polymorphism (several constraint classes overriding
the same methods), list building and filtering.

Behaviour kept from the common versions of the benchmark, on purpose, so that
the work done is the same as everyone else's:
  - Strength.next_weaker maps REQUIRED to WEAKEST, so incremental_remove only
    re-adds required constraints;
  - BinaryConstraint.choose_method evaluates its three tests in sequence and
    the last one decides.
Size: iterations (default 200 -> 70327000, 351635 per iteration;
       40 -> 14065400).
"""
import sys


class Strength:
    """Strengths are unique objects, so `==`/`is` compares them."""

    def __init__(self, value, name):
        self.value = value
        self.name = name

    def next_weaker(self):
        return ORDERED[self.value]


def stronger(s1, s2):
    return s1.value < s2.value


def weaker(s1, s2):
    return s1.value > s2.value


def weakest_of(s1, s2):
    return s1 if weaker(s1, s2) else s2


REQUIRED = Strength(0, "required")
STRONG_PREFERRED = Strength(1, "strongPreferred")
PREFERRED = Strength(2, "preferred")
STRONG_DEFAULT = Strength(3, "strongDefault")
NORMAL = Strength(4, "normal")
WEAK_DEFAULT = Strength(5, "weakDefault")
WEAKEST = Strength(6, "weakest")

ORDERED = [WEAKEST, WEAK_DEFAULT, NORMAL, STRONG_DEFAULT, PREFERRED, STRONG_PREFERRED]

# The planner the constraints being built belong to; constraints register
# themselves with it from their constructors, as in the original.
planner = None


class Constraint:
    def __init__(self, strength):
        self.strength = strength

    def add_constraint(self):
        """Activate this constraint and attempt to satisfy it."""
        self.add_to_graph()
        planner.incremental_add(self)

    def satisfy(self, mark):
        """Try to enforce this constraint; answer the constraint it
        overrides, or None. Assumes this constraint is not satisfied."""
        self.choose_method(mark)
        if not self.is_satisfied():
            if self.strength is REQUIRED:
                print("Could not satisfy a required constraint!")
            return None
        self.mark_inputs(mark)
        out = self.output()
        overridden = out.determined_by
        if overridden is not None:
            overridden.mark_unsatisfied()
        out.determined_by = self
        if not planner.add_propagate(self, mark):
            print("Cycle encountered")
        out.mark = mark
        return overridden

    def destroy_constraint(self):
        if self.is_satisfied():
            planner.incremental_remove(self)
        self.remove_from_graph()

    def is_input(self):
        """Input constraints depend on state outside the solver (an edit)."""
        return False


class UnaryConstraint(Constraint):
    """A constraint with a single possible output variable."""

    def __init__(self, my_output, strength):
        super().__init__(strength)
        self.satisfied = False
        self.my_output = my_output
        self.add_constraint()

    def add_to_graph(self):
        self.my_output.add_constraint(self)
        self.satisfied = False

    def choose_method(self, mark):
        self.satisfied = (self.my_output.mark != mark
                          and stronger(self.strength, self.my_output.walk_strength))

    def is_satisfied(self):
        return self.satisfied

    def mark_inputs(self, mark):
        pass  # no inputs

    def output(self):
        return self.my_output

    def recalculate(self):
        """Set the output's walkabout strength and stay flag; if it is stay,
        compute its value now (the stay optimisation)."""
        self.my_output.walk_strength = self.strength
        self.my_output.stay = not self.is_input()
        if self.my_output.stay:
            self.execute()

    def mark_unsatisfied(self):
        self.satisfied = False

    def inputs_known(self, mark):
        return True

    def remove_from_graph(self):
        if self.my_output is not None:
            self.my_output.remove_constraint(self)
        self.satisfied = False


class StayConstraint(UnaryConstraint):
    """A variable that should, with some strength, keep its value."""

    def execute(self):
        pass


class EditConstraint(UnaryConstraint):
    """Marks a variable that imperative code wants to change."""

    def is_input(self):
        return True

    def execute(self):
        pass


# Which way a binary constraint flows.
BACKWARD = 0
NONE = 1
FORWARD = 2


class BinaryConstraint(Constraint):
    """A constraint with two possible output variables."""

    def __init__(self, v1, v2, strength):
        super().__init__(strength)
        self.v1 = v1
        self.v2 = v2
        self.direction = NONE
        self.add_constraint()

    def choose_method(self, mark):
        """Pick the direction from the marks and walkabout strengths."""
        v1 = self.v1
        v2 = self.v2
        if v1.mark == mark:
            if v2.mark != mark and stronger(self.strength, v2.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = NONE
        if v2.mark == mark:
            if v1.mark != mark and stronger(self.strength, v1.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = NONE
        if weaker(v1.walk_strength, v2.walk_strength):
            if stronger(self.strength, v1.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = NONE
        else:
            if stronger(self.strength, v2.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = BACKWARD

    def add_to_graph(self):
        self.v1.add_constraint(self)
        self.v2.add_constraint(self)
        self.direction = NONE

    def is_satisfied(self):
        return self.direction != NONE

    def mark_inputs(self, mark):
        self.input().mark = mark

    def input(self):
        return self.v1 if self.direction == FORWARD else self.v2

    def output(self):
        return self.v2 if self.direction == FORWARD else self.v1

    def recalculate(self):
        ihn = self.input()
        out = self.output()
        out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
        out.stay = ihn.stay
        if out.stay:
            self.execute()

    def mark_unsatisfied(self):
        self.direction = NONE

    def inputs_known(self, mark):
        i = self.input()
        return i.mark == mark or i.stay or i.determined_by is None

    def remove_from_graph(self):
        if self.v1 is not None:
            self.v1.remove_constraint(self)
        if self.v2 is not None:
            self.v2.remove_constraint(self)
        self.direction = NONE


class ScaleConstraint(BinaryConstraint):
    """v2 = v1 * scale + offset; either side may be written, scale and
    offset are read-only inputs."""

    def __init__(self, src, scale, offset, dest, strength):
        # Set before the base constructor runs: it adds the constraint to the
        # graph, which needs them.
        self.scale = scale
        self.offset = offset
        super().__init__(src, dest, strength)

    def add_to_graph(self):
        super().add_to_graph()
        self.scale.add_constraint(self)
        self.offset.add_constraint(self)

    def remove_from_graph(self):
        super().remove_from_graph()
        if self.scale is not None:
            self.scale.remove_constraint(self)
        if self.offset is not None:
            self.offset.remove_constraint(self)

    def mark_inputs(self, mark):
        super().mark_inputs(mark)
        self.scale.mark = mark
        self.offset.mark = mark

    def execute(self):
        if self.direction == FORWARD:
            self.v2.value = self.v1.value * self.scale.value + self.offset.value
        else:
            self.v1.value = (self.v2.value - self.offset.value) // self.scale.value

    def recalculate(self):
        ihn = self.input()
        out = self.output()
        out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
        out.stay = ihn.stay and self.scale.stay and self.offset.stay
        if out.stay:
            self.execute()


class EqualityConstraint(BinaryConstraint):
    """Keeps two variables equal."""

    def execute(self):
        self.output().value = self.input().value


class Variable:
    """A constrained variable; also holds its part of the constraint graph
    and the solver's per-variable state."""

    def __init__(self, name, value):
        self.constraints = []
        self.determined_by = None
        self.mark = 0
        self.walk_strength = WEAKEST
        self.stay = True
        self.name = name
        self.value = value

    def add_constraint(self, constraint):
        self.constraints.append(constraint)

    def remove_constraint(self, constraint):
        self.constraints = [c for c in self.constraints if c is not constraint]
        if self.determined_by is constraint:
            self.determined_by = None


class Plan:
    """An ordered list of constraints to execute to re-satisfy everything
    after inputs change."""

    def __init__(self):
        self.list = []

    def add_constraint(self, constraint):
        self.list.append(constraint)

    def execute(self):
        for constraint in self.list:
            constraint.execute()


class Planner:
    def __init__(self):
        self.current_mark = 0

    def incremental_add(self, constraint):
        """Satisfy the constraint, then re-satisfy whatever it overrode, and
        so on, until nothing is overridden. Marks stop cycles."""
        mark = self.new_mark()
        overridden = constraint.satisfy(mark)
        while overridden is not None:
            overridden = overridden.satisfy(mark)

    def incremental_remove(self, constraint):
        """Retract a satisfied constraint, then try to satisfy the
        constraints downstream of it that were unsatisfied, strongest first."""
        out = constraint.output()
        constraint.mark_unsatisfied()
        constraint.remove_from_graph()
        unsatisfied = self.remove_propagate_from(out)
        strength = REQUIRED
        while True:
            for u in unsatisfied:
                if u.strength is strength:
                    self.incremental_add(u)
            strength = strength.next_weaker()
            if strength is WEAKEST:
                break

    def new_mark(self):
        self.current_mark += 1
        return self.current_mark

    def make_plan(self, sources):
        """Plan from the sources: a constraint joins the plan once all its
        inputs are known (marked, stay, or undetermined)."""
        mark = self.new_mark()
        plan = Plan()
        todo = sources
        while todo:
            constraint = todo.pop()
            if constraint.output().mark != mark and constraint.inputs_known(mark):
                plan.add_constraint(constraint)
                constraint.output().mark = mark
                self.add_constraints_consuming_to(constraint.output(), todo)
        return plan

    def extract_plan_from_constraints(self, constraints):
        sources = []
        for constraint in constraints:
            if constraint.is_input() and constraint.is_satisfied():
                sources.append(constraint)
        return self.make_plan(sources)

    def add_propagate(self, constraint, mark):
        """Recompute walkabout strengths and stay flags downstream of the
        constraint; answer False (after removing it) on a cycle."""
        todo = [constraint]
        while todo:
            d = todo.pop()
            if d.output().mark == mark:
                self.incremental_remove(constraint)
                return False
            d.recalculate()
            self.add_constraints_consuming_to(d.output(), todo)
        return True

    def remove_propagate_from(self, out):
        """Recompute strengths downstream of a variable whose determining
        constraint went away; answer the unsatisfied constraints found."""
        out.determined_by = None
        out.walk_strength = WEAKEST
        out.stay = True
        unsatisfied = []
        todo = [out]
        while todo:
            v = todo.pop()
            for constraint in v.constraints:
                if not constraint.is_satisfied():
                    unsatisfied.append(constraint)
            determining = v.determined_by
            for next_constraint in v.constraints:
                if next_constraint is not determining and next_constraint.is_satisfied():
                    next_constraint.recalculate()
                    todo.append(next_constraint.output())
        return unsatisfied

    def add_constraints_consuming_to(self, v, coll):
        determining = v.determined_by
        for constraint in v.constraints:
            if constraint is not determining and constraint.is_satisfied():
                coll.append(constraint)


def chain_test(n):
    """A chain of n equality constraints with a stay at one end and an edit
    at the other: each edit propagates down the whole chain. Answers the sum
    of the values read at the far end."""
    global planner
    planner = Planner()
    prev = first = last = None
    for i in range(n + 1):
        v = Variable("v", 0)
        if prev is not None:
            EqualityConstraint(prev, v, REQUIRED)
        if i == 0:
            first = v
        if i == n:
            last = v
        prev = v

    StayConstraint(last, STRONG_DEFAULT)
    edit = EditConstraint(first, PREFERRED)
    plan = planner.extract_plan_from_constraints([edit])
    total = 0
    for i in range(100):
        first.value = i
        plan.execute()
        total += last.value
    return total


def change(v, new_value):
    edit = EditConstraint(v, PREFERRED)
    plan = planner.extract_plan_from_constraints([edit])
    for _ in range(10):
        v.value = new_value
        plan.execute()
    edit.destroy_constraint()


def projection_test(n):
    """n (src, dst) pairs related by dst = src * scale + offset; change
    values on both sides and the shared scale and offset. Answers the sum of
    the values checked."""
    global planner
    planner = Planner()
    scale = Variable("scale", 10)
    offset = Variable("offset", 1000)
    src = dst = None
    total = 0

    dests = []
    for i in range(n):
        src = Variable("src", i)
        dst = Variable("dst", i)
        dests.append(dst)
        StayConstraint(src, NORMAL)
        ScaleConstraint(src, scale, offset, dst, REQUIRED)

    change(src, 17)
    total += dst.value
    if dst.value != 1170:
        print("Projection 1 failed")

    change(dst, 1050)
    total += src.value
    if src.value != 5:
        print("Projection 2 failed")

    change(scale, 5)
    for i in range(n - 1):
        total += dests[i].value
        if dests[i].value != i * 5 + 1000:
            print("Projection 3 failed")

    change(offset, 2000)
    for i in range(n - 1):
        total += dests[i].value
        if dests[i].value != i * 5 + 2000:
            print("Projection 4 failed")
    return total


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    total = 0
    for _ in range(iterations):
        total += chain_test(100)
        total += projection_test(100)
    print(total)


main()
