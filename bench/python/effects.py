"""effects: a state "effect" handled 1_000_000 times.

A counter loop in a generator yields a get request then a set request per step
(500_000 steps); the handler loop answers each by sending the result back into
the generator. Python has no effect handlers: this is the closest equivalent
work.
Size: n steps (default 500_000 -> 500000; 5_000 -> 5000).
"""
import sys


def counter(n):
    for _ in range(n):
        value = yield ("get", None)
        yield ("set", value + 1)
    return (yield ("get", None))


def main(n):
    state = 0
    requests = counter(n)
    op, value = next(requests)
    try:
        while True:
            if op == "get":
                op, value = requests.send(state)
            else:
                state = value
                op, value = requests.send(None)
    except StopIteration as done:
        return done.value


print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500_000))
