#!/usr/bin/env python3
"""Runs the Tern, Lua and Python versions of each benchmark side by side.

Called by bench/run.sh, which builds Tern first; it can also be run on its own
(then pass --only-ref, or make sure .build/release/tern exists). Standard
library only, so it runs wherever python3 does.

For each benchmark it runs the three programs --runs times, interleaved
(tern, lua, python, tern, lua, python, ...) so that a slow phase of the
machine hits all three alike, takes the median wall-clock time of each,
checks every run's stdout against bench/expected/NAME.txt (or NAME.small.txt
with --small; an expected file holding "md5:<hex>" is compared by md5 of the
output bytes), and prints a Markdown table with the ratios Tern/Lua and
Tern/Python and their geometric means. The table is also written to
bench/results/ (git-ignored), with the output of any failing run beside it.

Exit status: 0 if every output was right, 1 if any was wrong (or a program
failed, timed out or could not be started), 2 on a usage error.
"""
import argparse
import hashlib
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
RESULTS_DIR = os.path.join(BENCH_DIR, "results")

# The line in each Tern program that holds its size. Tern has no argv API
# yet, so --small rewrites this line in a copy of the program.
TERN_SIZE_LINE = re.compile(r"^let size = .*$", re.MULTILINE)

IMPLS = ("tern", "lua", "python")


def log(msg):
    """Progress goes to stderr so that stdout is just the table."""
    print(msg, file=sys.stderr, flush=True)


def read_sizes():
    """bench/sizes.txt: name, full size, small size; in table order."""
    sizes = []
    with open(os.path.join(BENCH_DIR, "sizes.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, full, small = line.split()
            sizes.append((name, full, small))
    return sizes


def tern_program(name, small_arg):
    """Path of the Tern program to run: the original, or for --small a copy
    under bench/results/ whose `let size = ...` line holds the small size."""
    src = os.path.join(BENCH_DIR, "tern", name + ".tern")
    if small_arg is None:
        return src
    with open(src, encoding="utf-8") as f:
        text = f.read()
    text, count = TERN_SIZE_LINE.subn("let size = " + small_arg, text, count=1)
    if count != 1:
        raise ValueError(f"{src} has no 'let size = ...' line to rewrite")
    out_dir = os.path.join(RESULTS_DIR, "small-tern")
    os.makedirs(out_dir, exist_ok=True)
    dst = os.path.join(out_dir, name + ".tern")
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)
    return dst


def command(impl, name, small_arg, opts):
    """The argv that runs one implementation of one benchmark."""
    extra = [small_arg] if small_arg is not None else []
    if impl == "tern":
        return [opts.tern, "run", tern_program(name, small_arg)]
    if impl == "lua":
        return opts.lua.split() + [os.path.join(BENCH_DIR, "lua", name + ".lua")] + extra
    return opts.python.split() + [os.path.join(BENCH_DIR, "python", name + ".py")] + extra


def expected_output(name, small):
    path = os.path.join(BENCH_DIR, "expected", name + (".small.txt" if small else ".txt"))
    with open(path, "rb") as f:
        return f.read()


def output_matches(out, expected):
    """Exact bytes, or the md5 of the bytes when the expectation is md5:HEX."""
    if expected.startswith(b"md5:"):
        return hashlib.md5(out).hexdigest() == expected[4:].strip().decode("ascii")
    return out == expected


def run_once(argv, timeout):
    """Run one program; answer (seconds, stdout, stderr, problem or None)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b"", f"timed out after {timeout} s"
    except OSError as e:
        return None, b"", b"", f"could not start: {e}"
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        return elapsed, proc.stdout, proc.stderr, f"exit status {proc.returncode}"
    return elapsed, proc.stdout, proc.stderr, None


def save_failure(name, impl, small, argv, out, err, problem):
    """Keep a failing run's output for diagnosis; answer the file's path."""
    os.makedirs(RESULTS_DIR, exist_ok=True)
    base = os.path.join(RESULTS_DIR, f"fail-{name}-{impl}{'-small' if small else ''}")
    with open(base + ".stdout", "wb") as f:
        f.write(out)
    with open(base + ".stderr", "wb") as f:
        f.write(("$ " + " ".join(argv) + "\n# " + problem + "\n").encode())
        f.write(err)
    return base


def bench_one(name, small_arg, impls, opts):
    """Run one benchmark; answer {impl: (median seconds or None, ok?, note)}."""
    expected = expected_output(name, small_arg is not None)
    times = {impl: [] for impl in impls}
    ok = {impl: True for impl in impls}
    note = {impl: "" for impl in impls}
    argvs = {}
    for impl in impls:
        try:
            argvs[impl] = command(impl, name, small_arg, opts)
        except (OSError, ValueError) as e:
            ok[impl] = False
            note[impl] = str(e)
    for r in range(opts.runs):
        for impl in impls:
            # A failed implementation is not run again: its time means
            # nothing and a timeout would cost the full timeout each run.
            if not ok[impl]:
                continue
            argv = argvs[impl]
            elapsed, out, err, problem = run_once(argv, opts.timeout)
            if problem is None and not output_matches(out, expected):
                problem = "wrong output"
            if problem is not None:
                ok[impl] = False
                base = save_failure(name, impl, small_arg is not None, argv, out, err, problem)
                note[impl] = problem
                log(f"  {name}/{impl}: {problem} (output kept in {base}.stdout/.stderr)")
                tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
                for line in tail:
                    log(f"    | {line}")
                continue
            times[impl].append(elapsed)
            log(f"  {name}/{impl} run {r + 1}: {elapsed:.3f} s")
    result = {}
    for impl in impls:
        median = statistics.median(times[impl]) if ok[impl] and times[impl] else None
        result[impl] = (median, ok[impl], note[impl])
    return result


def fmt_time(t):
    return "–" if t is None else f"{t:.3f}"


def fmt_ratio(r):
    return "–" if r is None else f"{r:.2f}"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    parser = argparse.ArgumentParser(
        description="Time Tern against Lua 5.4 and CPython on bench/ programs.")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--runs", type=int, default=5, help="runs per implementation (default 5)")
    parser.add_argument("--small", action="store_true", help="use the small sizes from sizes.txt")
    parser.add_argument("--only-ref", action="store_true", help="skip Tern; time Lua and Python only")
    parser.add_argument("--tern-unavailable", metavar="WHY", default=None,
                        help="(set by run.sh) Tern could not be built or run; implies --only-ref")
    parser.add_argument("--tern", default=os.path.join(ROOT, ".build", "release", "tern"),
                        help="Tern executable (default .build/release/tern)")
    parser.add_argument("--lua", default="lua5.4", help="Lua command (default lua5.4)")
    parser.add_argument("--python", default="python3", help="Python command (default python3)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds before one run counts as failed (default 600)")
    opts = parser.parse_args()
    if opts.runs < 1:
        parser.error("--runs must be at least 1")

    sizes = read_sizes()
    known = [name for name, _, _ in sizes]
    unknown = [n for n in opts.names if n not in known]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    selected = [s for s in sizes if not opts.names or s[0] in opts.names]

    notices = []
    impls = list(IMPLS)
    if opts.only_ref or opts.tern_unavailable:
        impls.remove("tern")
        if opts.tern_unavailable:
            notices.append(f"Tern not timed: {opts.tern_unavailable}")
    if shutil.which(opts.lua.split()[0]) is None:
        impls.remove("lua")
        notices.append(f"Lua not timed: '{opts.lua}' not found (apt-get install lua5.4)")
    if shutil.which(opts.python.split()[0]) is None:
        impls.remove("python")
        notices.append(f"Python not timed: '{opts.python}' not found")
    for n in notices:
        log("NOTICE: " + n)

    results = {}
    for name, _full, small in selected:
        log(f"{name}:")
        results[name] = bench_one(name, small if opts.small else None, impls, opts)

    # The table.
    lines = []
    size_word = "small sizes" if opts.small else "full sizes"
    lines.append(f"Median wall-clock seconds of {opts.runs} run(s), {size_word}, "
                 f"{time.strftime('%Y-%m-%d %H:%M')}.")
    lines.extend(f"NOTICE: {n}" for n in notices)
    lines.append("")
    lines.append("| benchmark | Tern s | Lua s | Python s | Tern/Lua | Tern/Python | output ok |")
    lines.append("|---|---:|---:|---:|---:|---:|---|")
    all_ok = True
    tern_lua, tern_py, py_lua = [], [], []
    for name, _full, _small in selected:
        res = results[name]
        t = {impl: res[impl][0] if impl in res else None for impl in IMPLS}
        bad = [f"{impl} ({res[impl][2]})" for impl in impls if not res[impl][1]]
        all_ok = all_ok and not bad
        r_lua = ratio(t["tern"], t["lua"])
        r_py = ratio(t["tern"], t["python"])
        tern_lua.append(r_lua)
        tern_py.append(r_py)
        py_lua.append(ratio(t["python"], t["lua"]))
        ok_text = "yes" if not bad else "NO: " + ", ".join(bad)
        lines.append(f"| {name} | {fmt_time(t['tern'])} | {fmt_time(t['lua'])} | "
                     f"{fmt_time(t['python'])} | {fmt_ratio(r_lua)} | {fmt_ratio(r_py)} | {ok_text} |")
    lines.append(f"| geometric mean | | | | {fmt_ratio(geomean(tern_lua))} | "
                 f"{fmt_ratio(geomean(tern_py))} | |")
    lines.append("")
    gm_py_lua = geomean(py_lua)
    if gm_py_lua is not None:
        lines.append(f"(For calibration: geometric mean of Python/Lua = {gm_py_lua:.2f}.)")
    lines.append("All outputs correct." if all_ok else "SOME OUTPUTS WERE WRONG (see NO above).")
    table = "\n".join(lines)
    print(table)

    os.makedirs(RESULTS_DIR, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(RESULTS_DIR, f"{stamp}{'-small' if opts.small else ''}.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(table + "\n")
    log(f"(table saved to {os.path.relpath(path, ROOT)})")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
