#!/usr/bin/env bash
# Over-the-wire flow-test capacity: MS_CALLERS (default 100) simulated callers
# at once from one `moonswitch test --wire` process against a local server;
# reports the test process's CPU and whether every caller heard what it should.
#   tests/bench/wire_callers.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
tmp=$(mktemp -d)
cleanup() { [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$build/moonswitch" --listen 127.0.0.1:5098 --rtp-ports 20000-21999 --db "$tmp/cdr.db" \
    --log-level warn 2> "$tmp/server.log" &
srv=$!
sleep 1
/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$build/moonswitch" test --wire 127.0.0.1:5098 \
    --rtp-ports 22000-23999 "$here/wire_callers.lua" | tail -n 3
read -r wall user sys < "$tmp/time"
echo "callers: ${MS_CALLERS:-100}; test process: wall ${wall} s, CPU $(echo "$user + $sys" | bc) s" \
     "($(echo "scale=1; 100 * ($user + $sys) / $wall" | bc)% of one core)"
