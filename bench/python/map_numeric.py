"""map_numeric: a map with integer keys 1..n: insert, look up, remove.

After Wren's map_numeric (n = 2_000_000): insert every key with itself as
value, sum the values by looking every key up, then remove every key.
Prints the sum and the number of entries left (0; checks removal works).
Size: n (default 2_000_000 -> 2000001000000 / 0; 100_000 -> 5000050000 / 0).
"""
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    table = {}
    for i in range(1, n + 1):
        table[i] = i

    total = 0
    for i in range(1, n + 1):
        total += table[i]
    print(total)

    for i in range(1, n + 1):
        del table[i]
    print(len(table))


main()
