"""generators: 1_000_000 yield/resume round trips between a generator and the
main program, which sums the yielded values.

Measures the cost of one resume (next) and one yield.
Size: n values (default 1_000_000 -> 500000500000; 10_000 -> 50005000).
"""
import sys


def main(n):
    def numbers():
        i = 0
        while i < n:
            i += 1
            yield i

    generator = numbers()
    total = 0
    for _ in range(n):
        total += next(generator)
    return total


print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
