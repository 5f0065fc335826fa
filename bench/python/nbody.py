"""nbody: the Computer Language Benchmarks Game n-body simulation.

Sun and the four gas giants, integrated with a fixed-step symplectic Euler
scheme (dt = 0.01). Prints the system's energy before and after, 9 decimals.
Measures float arithmetic and field access on a handful of objects, so the
bodies are small objects with attributes (as in the Lua and Tern versions),
not the flat lists a tuned Python entry would use.
Size: steps (default 500_000 -> -0.169075164 / -0.169096567;
       1000 -> -0.169075164 / -0.169087605).
"""
import math
import sys

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24


class Body:
    # __slots__ keeps attribute access a fixed-offset read, the closest
    # Python analogue of Tern's fixed field slots.
    __slots__ = ("x", "y", "z", "vx", "vy", "vz", "mass")

    def __init__(self, x, y, z, vx, vy, vz, mass):
        # Reference velocities are AU/day; the simulation works in years.
        self.x = x
        self.y = y
        self.z = z
        self.vx = vx * DAYS_PER_YEAR
        self.vy = vy * DAYS_PER_YEAR
        self.vz = vz * DAYS_PER_YEAR
        self.mass = mass * SOLAR_MASS


def make_bodies():
    return [
        Body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),  # sun
        Body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
             1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
             9.54791938424326609e-04),  # jupiter
        Body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
             -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
             2.85885980666130812e-04),  # saturn
        Body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
             2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
             4.36624404335156298e-05),  # uranus
        Body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
             2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
             5.15138902046611451e-05),  # neptune
    ]


def offset_momentum(bodies):
    # Give the sun the momentum that makes the total zero, so the centre of
    # mass stays put.
    px = py = pz = 0.0
    for b in bodies:
        px += b.vx * b.mass
        py += b.vy * b.mass
        pz += b.vz * b.mass
    sun = bodies[0]
    sun.vx = -px / SOLAR_MASS
    sun.vy = -py / SOLAR_MASS
    sun.vz = -pz / SOLAR_MASS


def energy(bodies):
    e = 0.0
    n = len(bodies)
    for i in range(n):
        b = bodies[i]
        e += 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
        for j in range(i + 1, n):
            b2 = bodies[j]
            dx = b.x - b2.x
            dy = b.y - b2.y
            dz = b.z - b2.z
            e -= (b.mass * b2.mass) / math.sqrt(dx * dx + dy * dy + dz * dz)
    return e


def advance(bodies, dt):
    # Velocities first (pairwise gravity), then positions; the order of the
    # float operations matches the reference so the 9 decimals agree.
    sqrt = math.sqrt
    n = len(bodies)
    for i in range(n):
        b = bodies[i]
        bx, by, bz, bmass = b.x, b.y, b.z, b.mass
        for j in range(i + 1, n):
            b2 = bodies[j]
            dx = bx - b2.x
            dy = by - b2.y
            dz = bz - b2.z
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * sqrt(d2))
            bm = bmass * mag
            b2m = b2.mass * mag
            b.vx -= dx * b2m
            b.vy -= dy * b2m
            b.vz -= dz * b2m
            b2.vx += dx * bm
            b2.vy += dy * bm
            b2.vz += dz * bm
    for b in bodies:
        b.x += dt * b.vx
        b.y += dt * b.vy
        b.z += dt * b.vz


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    bodies = make_bodies()
    offset_momentum(bodies)
    print(f"{energy(bodies):.9f}")
    for _ in range(steps):
        advance(bodies, 0.01)
    print(f"{energy(bodies):.9f}")


main()
