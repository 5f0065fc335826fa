"""fibers: create 100_000 fibers (generators) and run each one once.

After Wren's fibers benchmark: every fiber adds its index to a shared sum; the
sum 0 + 1 + ... + (n-1) is printed. Measures fiber creation and a
resume/finish round trip per fiber. Python's closest built-in fiber is a
generator: creating one allocates its frame, next() resumes it, and it
finishes by returning (StopIteration, absorbed by next's default).

Difference from Wren (and from the Tern version): Wren's fiber i resumes fiber
i+1 from inside itself, nesting 100_000 resumes. Nested generator resumes
nest Python frames and would exceed the recursion limit, as Lua's nested
coroutines overflow the C stack. So here the main program resumes the fibers
one after another, iteratively: the same number of fibers created, resumed
and finished, without the nesting.
Size: n fibers (default 100_000 -> 4999950000; 10_000 -> 49995000).
"""
import sys

total = 0


def fiber_body(i):
    global total
    total += i
    return
    yield  # never reached: its presence makes this function a generator


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    fibers = []
    for i in range(n):
        fibers.append(fiber_body(i))
    for f in fibers:
        next(f, None)
    print(total)


main()
