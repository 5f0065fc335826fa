#!/usr/bin/env bash
# Benchmarks Tern against Lua 5.4 and CPython 3: see bench/README.md.
#
#   bash bench/run.sh [--runs N] [--small] [--only-ref] [NAME ...]
#
# Builds the tern executable in release mode, checks that `tern run` works,
# then hands over to bench/run.py, which runs, checks and tabulates. If the
# build fails or the built `tern run` cannot run a one-line program, it says
# so and times only Lua and Python (the table then has no Tern columns), so
# the reference programs can be checked before the VM exists.
# Any other options (--timeout, --tern, --lua, --python) go to run.py; see
# `python3 bench/run.py --help`. Exits non-zero if any output is wrong.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root" || exit 2

if ! command -v python3 >/dev/null 2>&1; then
  echo "run.sh: python3 is needed (it runs bench/run.py)" >&2
  exit 2
fi

only_ref=0
for a in "$@"; do
  case "$a" in
    --only-ref) only_ref=1 ;;
    -h|--help) exec python3 "$here/run.py" --help ;;
  esac
done

extra=()
if [ "$only_ref" -eq 0 ]; then
  mkdir -p "$here/results"
  log="$here/results/build.log"
  why=""
  if ! command -v swift >/dev/null 2>&1; then
    why="no swift toolchain on PATH"
  else
    # The Swift libraries linked in statically, as a shipped `tern` binary would be: it
    # halves the process start-up (dynamic linking of the Swift runtime and Foundation).
    echo "run.sh: swift build -c release --static-swift-stdlib --product tern (log: bench/results/build.log)" >&2
    if ! swift build -c release --static-swift-stdlib --product tern >"$log" 2>&1; then
      why="'swift build -c release --static-swift-stdlib --product tern' failed (see bench/results/build.log)"
      tail -n 20 "$log" | sed 's/^/  | /' >&2
    fi
  fi
  if [ -z "$why" ]; then
    # Smoke test: the benchmarks are useless if `tern run` cannot run a
    # one-line program, so check that before spending minutes on them.
    tern="$root/.build/release/tern"
    probe="$here/results/probe.tern"
    printf 'print(1 + 2)\n' >"$probe"
    # (timeout: a VM that hangs must not hang the benchmark run.)
    if command -v timeout >/dev/null 2>&1; then
      got="$(timeout 60 "$tern" run "$probe" 2>&1 </dev/null)"
    else
      got="$("$tern" run "$probe" 2>&1 </dev/null)"
    fi
    if [ "$got" != "3" ]; then
      why="'.build/release/tern run' does not work yet (printed: $(printf '%s' "$got" | head -c 200))"
    fi
  fi
  if [ -n "$why" ]; then
    echo "run.sh: NOTICE: $why; timing only Lua and Python." >&2
    extra=(--tern-unavailable "$why")
  fi
fi

exec python3 "$here/run.py" "$@" ${extra[@]+"${extra[@]}"}
