#!/usr/bin/env bash
# In-process flow-test speed: demo-menu flows per second, and the wall time of
# a suite of 200 flows, each the median of 5 runs (make bench-flows).
#   tests/bench/flows.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bin=$build/moonswitch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lua5.4 "$here/gen_flows.lua" 200 "$tmp/suite200.lua"
lua5.4 "$here/gen_flows.lua" 2000 "$tmp/suite2000.lua"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run() { # file -> wall seconds (user+sys in $tmp/cpu)
    /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$bin" test "$1" > "$tmp/out" 2>&1 \
        || { cat "$tmp/out"; exit 1; }
    tail -1 "$tmp/out" | grep -q "failed" || exit 1
    read -r wall user sys < "$tmp/t"
    echo "$wall $(echo "$user + $sys" | bc -l)"
}

for i in 1 2 3 4 5; do run "$tmp/suite200.lua"; done > "$tmp/s200"
for i in 1 2 3 4 5; do run "$tmp/suite2000.lua"; done > "$tmp/s2000"
w200=$(cut -d' ' -f1 "$tmp/s200" | median)
w2000=$(cut -d' ' -f1 "$tmp/s2000" | median)
c2000=$(cut -d' ' -f2 "$tmp/s2000" | median)
echo "| suite | wall (median of 5) | CPU | flows/s (wall) | flows/s per core (CPU) |"
echo "|---|---|---|---|---|"
echo "| 200 demo-menu flows | ${w200} s | | $(echo "200 / $w200" | bc) | |"
echo "| 2000 demo-menu flows | ${w2000} s | ${c2000} s | $(echo "2000 / $w2000" | bc) | $(echo "2000 / $c2000" | bc) |"
