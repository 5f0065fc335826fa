"""fib: naive doubly recursive Fibonacci.

Measures the cost of a function call plus integer add/compare; nothing else.
Size: n (default 35 -> 9227465; n = 20 -> 6765).
"""
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 35
    print(fib(n))


main()
