"""loop: a tight integer `while` loop inside a function.

Measures raw dispatch of compare / add / jump with locals, the floor every
other benchmark stands on. The loop is in a function so Python uses fast
locals rather than module globals (the same reason Lua uses `local`).
Size: n (default 50_000_000 -> 1249999975000000).
"""
import sys


def sum_below(n):
    s = 0
    i = 0
    while i < n:
        s += i
        i += 1
    return s


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000_000
    print(sum_below(n))


main()
