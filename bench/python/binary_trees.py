"""binary_trees: the Computer Language Benchmarks Game binary-trees.

Allocates many perfect binary trees bottom-up, walks each to count its nodes,
and drops it; one long-lived tree stays alive throughout, so the collector has
an old generation to cope with. Measures allocation, GC and recursion.
Size: max depth n (default 14; min depth 4). The expected output lists, per
depth d = 4, 6, ..., n, 2^(n-d+4) trees of 2^(d+1)-1 nodes each.
"""
import sys


def bottom_up_tree(depth):
    # A node is a (left, right) tuple and a leaf is (None, None): the
    # idiomatic small record in Python (the Lua version uses a two-slot
    # table, the Tern version a class instance).
    if depth > 0:
        depth -= 1
        return (bottom_up_tree(depth), bottom_up_tree(depth))
    return (None, None)


def item_check(tree):
    """Number of nodes in the tree."""
    left, right = tree
    if left is not None:
        return 1 + item_check(left) + item_check(right)
    return 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 14
    min_depth = 4
    max_depth = max(min_depth + 2, n)

    stretch_depth = max_depth + 1
    print(f"stretch tree of depth {stretch_depth}\t check: "
          f"{item_check(bottom_up_tree(stretch_depth))}")

    long_lived_tree = bottom_up_tree(max_depth)

    for depth in range(min_depth, max_depth + 1, 2):
        iterations = 1 << (max_depth - depth + min_depth)
        check = 0
        for _ in range(iterations):
            check += item_check(bottom_up_tree(depth))
        print(f"{iterations}\t trees of depth {depth}\t check: {check}")

    print(f"long lived tree of depth {max_depth}\t check: {item_check(long_lived_tree)}")


main()
