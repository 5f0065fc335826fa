"""fannkuch_redux: the Computer Language Benchmarks Game fannkuch-redux.

For every permutation of 0..n-1 (in the order produced by the classic
"rotate the first r elements" counter scheme), repeatedly reverse the first
k+1 elements where k is the first element, until 0 is first; count those
flips. Prints a checksum (flips added for even-numbered permutations,
subtracted for odd ones) and the maximum flip count.
Measures list mutation and integer loops, so the reversal is an explicit swap
loop (not a slice assignment), as in the Lua and Tern versions.
Size: n (default 10 -> 73196 / Pfannkuchen(10) = 38;
       7 -> 228 / Pfannkuchen(7) = 16).
"""
import sys


def fannkuch(n):
    perm1 = list(range(n))
    count = [0] * n
    max_flips = 0
    checksum = 0
    perm_count = 0
    r = n
    while True:
        # Reset the counters below r: count[i] says how many rotations of the
        # first i+1 elements remain before the next larger rotation.
        while r != 1:
            count[r - 1] = r
            r -= 1

        perm = perm1[:]
        flips = 0
        k = perm[0]
        while k != 0:
            # reverse perm[0 .. k]
            i = 0
            j = k
            while i < j:
                perm[i], perm[j] = perm[j], perm[i]
                i += 1
                j -= 1
            flips += 1
            k = perm[0]
        if flips > max_flips:
            max_flips = flips
        if perm_count % 2 == 0:
            checksum += flips
        else:
            checksum -= flips

        # Next permutation: rotate the first r+1 elements left by one,
        # carrying into larger rotations when a counter runs out.
        while True:
            if r == n:
                return checksum, max_flips
            perm0 = perm1[0]
            for i in range(r):
                perm1[i] = perm1[i + 1]
            perm1[r] = perm0
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        perm_count += 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    checksum, max_flips = fannkuch(n)
    print(checksum)
    print(f"Pfannkuchen({n}) = {max_flips}")


main()
