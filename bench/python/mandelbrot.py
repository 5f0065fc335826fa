"""mandelbrot: the Computer Language Benchmarks Game mandelbrot.

Plots the Mandelbrot set on [-1.5, 0.5] x [-1, 1] as an n x n bitmap: a point
is in the set when |z| stays <= 2 for 50 iterations. Writes a binary PBM
("P4" header, then rows of bits packed 8 to a byte, MSB first, each row padded
to a whole byte) to stdout.
Measures float loops, bit packing and byte output; written with scalar float
arithmetic (no complex type, no multiprocessing), as the other versions.
Size: n (default 1000 -> md5 9beadc69396d01081a98cf5dc057ce89;
       200 -> md5 cc65e64bd553ed18896de1dfe7fae3e5).
"""
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    w = h = n
    iterations = 50
    limit2 = 4.0
    out = bytearray(f"P4\n{w} {h}\n".encode("ascii"))
    for y in range(h):
        ci = 2.0 * y / h - 1.0
        byte_acc = 0
        bit_num = 0
        for x in range(w):
            cr = 2.0 * x / w - 1.5
            zr = zi = tr = ti = 0.0
            i = 0
            while i < iterations and tr + ti <= limit2:
                zi = 2.0 * zr * zi + ci
                zr = tr - ti + cr
                tr = zr * zr
                ti = zi * zi
                i += 1
            byte_acc <<= 1
            if tr + ti <= limit2:
                byte_acc |= 1
            bit_num += 1
            if bit_num == 8:
                out.append(byte_acc)
                byte_acc = 0
                bit_num = 0
            elif x == w - 1:
                # Last, partial byte of the row: shift the bits to the top.
                byte_acc <<= 8 - w % 8
                out.append(byte_acc)
                byte_acc = 0
                bit_num = 0
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


main()
