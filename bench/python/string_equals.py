"""string_equals: string equality tests, equal and unequal, in a loop.

After Wren's string_equals (1_000_000 iterations of 10 comparisons): per
iteration, 3 comparisons of equal strings (short, medium, long), then 7 of
unequal ones: empty vs non-empty, a prefix, same length with one character
changed, a string against a number, a longer string differing only at its
end, and a long string against a short one. Counts the true results, so the
count is 3 per iteration. The strings are our own.
Python folds neither the comparisons nor the literals away: each `==` is a
real string comparison at run time (equal constants in one function are
shared, so the equal cases compare one object with itself, as they would in
any VM that interns constants).
Size: iterations (default 1_000_000 -> 3000000; 100_000 -> 300000).
"""
import sys


def run(n):
    count = 0
    for _ in range(n):
        if "xyz" == "xyz":
            count += 1
        if "a string of middling length" == "a string of middling length":
            count += 1
        if ("a considerably longer string, though not by any means a huge one" ==
                "a considerably longer string, though not by any means a huge one"):
            count += 1

        if "" == "xyz":
            count += 1
        if "xyz" == "xyzw":
            count += 1
        if "one character differs" == "one character diffars":
            count += 1
        if "456" == 456:
            count += 1
        if "a string of middling length" == "a string of middling length.":
            count += 1
        if "a string of middling length" == "a string of middling lengtj":
            count += 1
        if ("a considerably longer string, though not by any means a huge one" ==
                "short"):
            count += 1
    return count


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(run(n))


main()
