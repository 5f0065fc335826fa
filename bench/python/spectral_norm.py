"""spectral_norm: the Computer Language Benchmarks Game spectral-norm.

Approximates the spectral norm (largest singular value) of the infinite
matrix A(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1), truncated to n x n, by 10
rounds of the power method on A^T A. Measures float loops, small function
calls and list indexing, so it is written with plain loops and a function per
matrix entry (no comprehensions over zip, no numpy), like the other versions.
Size: n (default 500 -> 1.274224116; 100 -> 1.274219991).
"""
import math
import sys


def a(i, j):
    ij = i + j
    return 1.0 / (ij * (ij + 1) // 2 + i + 1)


def mul_av(n, v, out):
    """out = A * v"""
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += a(i, j) * v[j]
        out[i] = s


def mul_atv(n, v, out):
    """out = A^T * v (A transposed: swap the indices)"""
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += a(j, i) * v[j]
        out[i] = s


def mul_atav(n, v, out, tmp):
    """out = A^T * A * v, using tmp as scratch"""
    mul_av(n, v, tmp)
    mul_atv(n, tmp, out)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    u = [1.0] * n
    v = [0.0] * n
    tmp = [0.0] * n
    for _ in range(10):
        mul_atav(n, u, v, tmp)
        mul_atav(n, v, u, tmp)
    vbv = 0.0
    vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    print(f"{math.sqrt(vbv / vv):.9f}")


main()
