"""method_call: monomorphic method calls with field reads and writes.

After Wren's method_call benchmark: a Toggle object whose activate() flips a
boolean field and returns the object, so `t.activate().value()` is two
dependent method calls. The project's size is n iterations of 4 such chains
(Wren's original does 100_000 x 10 on a Toggle and then on an NthToggle
subclass; the project table fixes 2_000_000 x 4 on one Toggle).
4 flips per iteration is even, so the final state is the start state: True,
printed in lower case to match the other languages.
Size: n (default 2_000_000 -> true).
"""
import sys


class Toggle:
    def __init__(self, start_state):
        self.state = start_state

    def value(self):
        return self.state

    def activate(self):
        self.state = not self.state
        return self


def run(n):
    toggle = Toggle(True)
    val = True
    for _ in range(n):
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
    return toggle.value()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    print("true" if run(n) else "false")


main()
