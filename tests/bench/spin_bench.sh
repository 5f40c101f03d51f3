#!/bin/sh
# Builds and runs the budget micro-benchmark (tests/bench/spin_bench.c):
# allocator overhead, count-hook overhead, and how long a spinning script
# holds the loop before its budget stops it. Prints Markdown for
# docs/budgets.md. Not part of `make test`.
#   tests/bench/spin_bench.sh [RUNS] [SECTIONS]
# SECTIONS: any of a (allocator), h (hook), s (slices); default all.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${TMPDIR:-/tmp}/ms-spin-bench.$$
trap 'rm -f "$OUT"' EXIT
gcc -std=gnu11 -O2 -g -I"$ROOT/bindings" -I"$ROOT/core/include" \
    "$ROOT/tests/bench/spin_bench.c" "$ROOT/bindings/lua_alloc.c" "$ROOT/bindings/budget.c" \
    $(pkg-config --cflags --libs lua5.4) -lm -o "$OUT"
echo "Machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);" \
    "Lua $(pkg-config --modversion lua5.4)"
echo
"$OUT" "${1:-5}" "${2:-ahs}"
