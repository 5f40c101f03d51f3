#!/usr/bin/env bash
# moonswitch load benchmark, as /work/shared/bench-method.md describes (not
# part of `make test`; `make bench` runs it).
#
#   tests/bench/run.sh [--quick] [--levels "250 500 1000"] [--rates "50 100 ..."] [BUILD_DIR]
#
# Concurrency levels: for each N, a fresh server (tests/bench/scripts: answer,
# menu, digit, hold music) and SIPp's tests/bench/uac_menu.xml with at most N
# calls at once, 3N calls in all, N new calls per 20 s, each about 60 s long;
# the steady window (all N calls up, 30 s) is measured: server and SIPp CPU
# as share of one core, server RSS per call, the server's outgoing RTP on a
# sample of its ports (inter-packet gap p50/p99/max, loss, jitter), SIPp's
# failed calls and retransmissions, digits the server saw, kernel UDP drops.
# After the default levels, N keeps growing by half while a level passes
# (zero failures, p99 gap 18-22 ms, no gap over 40 ms, no loss); levels given
# with --levels are run as given.
# Then the set-up ramp: 1 s calls (tests/bench/uac_setup.xml) at rising rates,
# 10 s per rate, until the first failed call.
#
# --quick: one level of 50 calls of 20 s and a ramp of 20 and 50 calls/s for
# 3 s each: a smoke test that takes about a minute.
#
# Everything runs on 127.0.0.1. Results: a markdown table on stdout, and all
# logs, CSVs and captures under BUILD_DIR/bench-<date>/.
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$BENCH_DIR/../wire/lib.sh"
TEST_NAME=bench

QUICK=0
GROW_LEVELS=1
LEVELS="250 500 1000"
RATES="50 100 150 200 300 400 500 600 800 1000 1200 1500"
BUILD=""
while [ $# -gt 0 ]; do
    case $1 in
    --quick) QUICK=1 ;;
    --levels) LEVELS=$2; GROW_LEVELS=0; shift ;;
    --rates) RATES=$2; shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) BUILD=$1 ;;
    esac
    shift
done
BUILD=$(cd "${BUILD:-$SRC_DIR/build}" && pwd) || exit 1
MS_BIN="$BUILD/moonswitch"
[ -x "$MS_BIN" ] || { echo "no server binary at $MS_BIN: build first" >&2; exit 1; }

if [ "$QUICK" = 1 ]; then
    LEVELS=50 GROW=0 CALL_S=20 RAMP_S=5 WIN_AT=6 WIN_S=8 TOTAL_X=1
    RATES="20 50" STEP_S=3
else
    GROW=$GROW_LEVELS CALL_S=60 RAMP_S=20 WIN_AT=22 WIN_S=30 TOTAL_X=3
    STEP_S=10
fi
MAX_LEVEL=5000

WT="$BUILD/bench-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WT" || exit 1
CLK_TCK=$(getconf CLK_TCK)
RTP_LO=16384 RTP_HI=32767 # 8192 calls
SIPP_MP=40000             # SIPp's media ports start here

for tool in sipp sqlite3 sox; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run tools/deps.sh" >&2; exit 1; }
done
if ! command -v tshark >/dev/null || ! command -v dumpcap >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing tshark for the RTP capture" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tshark >&2 ||
            echo "cannot install tshark" >&2
    fi
fi
CAPTURE=1
command -v dumpcap >/dev/null && command -v tshark >/dev/null ||
    { CAPTURE=0; echo "no tshark/dumpcap: RTP timing not measured" >&2; }

ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# Caller audio for rtp_stream: speech (a rendered prompt) as raw mu-law.
sox "$BUILD/sounds/en/8000/demo/welcome.wav" -t ul "$WT/caller.ulaw" 2>/dev/null ||
    sox -n -r 8000 -c 1 -t ul "$WT/caller.ulaw" synth 5 pinknoise tremolo 3 80 vol 0.3 || exit 1
bench_cleanup() {
    local p
    report # what was measured so far, also when interrupted
    for p in $WIRE_PIDS; do kill "$p" 2>/dev/null; done
    if [ -n "$MS_PID" ] && alive "$MS_PID"; then
        kill -TERM "$MS_PID"
        poll 10 not_alive "$MS_PID" || kill -KILL "$MS_PID"
    fi
}

# ---- measurements ----

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
# Udp InErrors + RcvbufErrors from /proc/net/snmp.
udp_errors() {
    awk '/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1; next }
                   for (i = 2; i <= NF; i++) if (k[i] == "InErrors" || k[i] == "RcvbufErrors") s += $i }
         END { print s + 0 }' /proc/net/snmp
}
# Receive-buffer drops of the server's sockets (SIP port and RTP range) now
# open, from /proc/net/udp; sockets closed earlier take their count along.
server_sock_drops() {
    awk -v lo="$RTP_LO" -v hi="$RTP_HI" -v sip="$SIP_PORT" '
        function hex(s,   i, v) {
            v = 0
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
            return v
        }
        NR > 1 { split($2, a, ":"); p = hex(a[2]); if ((p >= lo && p <= hi) || p == sip) d += $NF }
        END { print d + 0 }' /proc/net/udp
}
# share of one core, in %, for a tick delta over a time span
core_pct() { awk -v t="$1" -v s="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz / s * 100 }'; }
# csv_last FILE COLUMN: the last row's value of a SIPp statistics column
csv_last() {
    awk -F';' -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
                         { v = $c } END { print v }' "$1"
}
# rt_p99 FILE: from the last row's ResponseTimeRepartition1 buckets, the bound
# under which 99% of INVITE->200 times fall ("<1" ms, ..., ">=500").
rt_p99() {
    awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^ResponseTimeRepartition1_/) {
                             c[++n] = i; b[n] = substr($i, 26) } next }
               { for (k = 1; k <= n; k++) v[k] = $c[k] }
               END { for (k = 1; k <= n; k++) t += v[k]
                     for (k = 1; k <= n; k++) { s += v[k]; if (t > 0 && s >= 0.99 * t) { print b[k]; exit } }
                     print "-" }' "$1"
}
# HH:MM:SS:micro -> ms
hms_ms() { awk -F: '{ printf "%.2f", ($1 * 3600 + $2 * 60 + $3) * 1000 + $4 / 1000 }' <<<"$1"; }

# rtp_report PCAP: "streams gap_p50 gap_p99 gap_max lost jitter_max" of the capture.
rtp_report() {
    local pcap=$1 gaps="$1.gaps" line n
    line=$(tshark -r "$pcap" -n --enable-heuristic rtp_udp -Y rtp -T fields -e frame.time_epoch \
        -e rtp.ssrc -e rtp.seq -e rtp.timestamp -e rtp.p_type 2>/dev/null |
        awk -v gaps="$gaps" -f "$BENCH_DIR/rtp_stats.awk")
    [ -s "$gaps" ] || { echo "0 - - - - -"; return; }
    sort -n "$gaps" -o "$gaps"
    n=$(wc -l <"$gaps")
    set -- $line
    printf '%s %.1f %.1f %.1f %s %s\n' "$1" \
        "$(sed -n "$(((n + 1) / 2))p" "$gaps")" \
        "$(sed -n "$(((n * 99 + 99) / 100))p" "$gaps")" \
        "$(tail -n 1 "$gaps")" "$3" "$4"
}

# ---- the server ----

bench_server() {
    local name=$1
    SIP_PORT=$(free_ports 1) || exit 1
    MS_LOG="$WT/$name.server.log"
    DB="$WT/$name.db"
    cat >"$WT/$name.lua" <<EOF
return {
  sip = { listen = "127.0.0.1:$SIP_PORT", transports = { "udp" } },
  rtp = { ip = "127.0.0.1", ports = "$RTP_LO-$RTP_HI" },
  codecs = { "PCMU", "PCMA" },
  scripts = { dir = "$BENCH_DIR/scripts", entry = "dialplan.lua" },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  db = "$DB",
  log_level = "warn",
  max_calls = 20000,
}
EOF
    "$MS_BIN" -c "$WT/$name.lua" 2>"$MS_LOG" &
    MS_PID=$!
    poll 20 ms_ready || fail "the server did not start"
    sleep 1 # let it settle before the idle RSS is read
}

bench_server_stop() {
    kill -TERM "$MS_PID"
    poll 60 not_alive "$MS_PID" || { echo "server did not stop within 60 s" >&2; kill -KILL "$MS_PID"; }
    wait "$MS_PID"
    echo "server exit status $?" >>"$MS_LOG"
    MS_PID=""
}

# sipp_start NAME SCENARIO SERVICE ARGS...: SIPp in the background, under
# `timeout WATCHDOG`; SIPP_PID is SIPp's own pid (for its CPU), SIPP_WAIT the
# pid to wait for.
sipp_start() {
    local name=$1 sf=$2 service=$3 port
    shift 3
    port=$(free_ports 1) || exit 1
    (cd "$WT" && exec timeout -k 5 "$WATCHDOG" sipp -sf "$sf" -s "$service" -i 127.0.0.1 \
        -mi 127.0.0.1 -p "$port" -mp "$SIPP_MP" -nostdin -trace_stat \
        -stf "$WT/$name.csv" -fd 1 -trace_err -error_file "$WT/$name.errors.log" \
        -recv_timeout 20000 "$@" "127.0.0.1:$SIP_PORT" >"$WT/$name.sipp.log" 2>&1) &
    SIPP_WAIT=$!
    WIRE_PIDS="$WIRE_PIDS $SIPP_WAIT"
    poll 5 sipp_child || fail "SIPp did not start; see $WT/$name.sipp.log"
}

sipp_child() {
    SIPP_PID=$(awk '{ print $1 }' "/proc/$SIPP_WAIT/task/$SIPP_WAIT/children" 2>/dev/null)
    [ -n "$SIPP_PID" ] && [ "$(cat "/proc/$SIPP_PID/comm" 2>/dev/null)" = sipp ]
}

# ---- concurrency levels ----

LEVEL_ROWS=""
level_passed=0

run_level() {
    local n=$1 total=$(($1 * TOTAL_X)) name="level$1"
    local rss0 udp0 t0 tw1 tw2 a1 a2 s1 s2 rss1 cap="" sample
    echo "== level $n: $total calls of ${CALL_S} s, $n at once, $n new per ${RAMP_S} s" >&2
    bench_server "$name"
    rss0=$(rss_kb "$MS_PID")
    udp0=$(udp_errors)
    WATCHDOG=$((RAMP_S * TOTAL_X + CALL_S * TOTAL_X + 120))
    sipp_start "$name" "$BENCH_DIR/uac_menu.xml" 1000 -l "$n" -m "$total" -r "$n" \
        -rp "${RAMP_S}s" -d $((CALL_S * 1000 - 8000))
    t0=$(now)
    while alive "$SIPP_PID" && awk -v t0="$t0" -v w="$WIN_AT" -v now="$(now)" 'BEGIN { exit !(now - t0 < w) }'; do
        sleep 0.2
    done
    alive "$SIPP_PID" || fail "SIPp ended before the steady window; see $WT/$name.sipp.log"
    sample=$((n < 100 ? n : 100))
    if [ "$CAPTURE" = 1 ]; then
        cap="$WT/$name.pcapng"
        dumpcap -q -i lo -B 128 -a "duration:$WIN_S" -w "$cap" \
            -f "udp and src host 127.0.0.1 and src portrange $RTP_LO-$((RTP_LO + 2 * sample - 1))" \
            >"$WT/$name.dumpcap.log" 2>&1 &
        WIRE_PIDS="$WIRE_PIDS $!"
    fi
    tw1=$(now); a1=$(cpu_ticks "$MS_PID"); s1=$(cpu_ticks "$SIPP_PID")
    sleep "$WIN_S"
    tw2=$(now); a2=$(cpu_ticks "$MS_PID"); s2=$(cpu_ticks "$SIPP_PID")
    rss1=$(rss_kb "$MS_PID")
    local up drops
    drops=$(server_sock_drops)
    up=$(csv_last "$WT/$name.csv" CurrentCall)
    echo "   steady window: $up calls up" >&2
    wait "$SIPP_WAIT"
    local udp1
    udp1=$(udp_errors)
    bench_server_stop

    local span ok failed retrans rt cdrs digits rtp srv cli perc
    span=$(awk -v a="$tw1" -v b="$tw2" 'BEGIN { print b - a }')
    srv=$(core_pct $((a2 - a1)) "$span")
    cli=$(core_pct $((s2 - s1)) "$span")
    perc=$(awk -v r0="$rss0" -v r1="$rss1" -v n="$n" 'BEGIN { printf "%.0f", (r1 - r0) / n }')
    ok=$(csv_last "$WT/$name.csv" 'SuccessfulCall(C)')
    failed=$(csv_last "$WT/$name.csv" 'FailedCall(C)')
    retrans=$(csv_last "$WT/$name.csv" 'Retransmissions(C)')
    rt="$(hms_ms "$(csv_last "$WT/$name.csv" 'ResponseTime1(C)')") ($(rt_p99 "$WT/$name.csv"))"
    cdrs=$(sql "SELECT count(*) FROM cdr")
    digits=$(sql "SELECT count(*) FROM cdr WHERE digits = '1'")
    rtp="- - - - - -"
    [ -n "$cap" ] && [ -s "$cap" ] && rtp=$(rtp_report "$cap")
    set -- $rtp
    LEVEL_ROWS="$LEVEL_ROWS| $n | $up | $srv% | $(awk -v p="$srv" -v n="$n" 'BEGIN { printf "%.3f", p / n }')% | $perc KB | $cli% | $ok/$total | $failed | $retrans | $rt | $digits/$cdrs | $1 | $2 | $3 | $4 | $5 | $6 | $drops | $((udp1 - udp0)) |
"
    level_passed=$(awk -v f="$failed" -v p99="$3" -v mx="$4" -v lost="$5" -v up="$up" -v n="$n" \
        'BEGIN { ok = (f == 0 && up >= n);
                 if (p99 != "-") ok = ok && p99 >= 18 && p99 <= 22 && mx <= 40 && lost == 0;
                 print ok ? 1 : 0 }')
    echo "   done: ok $ok/$total, failed $failed, server ${srv}% of a core, pass=$level_passed" >&2
}

# ---- set-up rate ramp ----

RAMP_ROWS=""
best_rate=0

run_ramp() {
    local r calls a1 a2 ok failed retrans rt cpu_ms
    echo "== set-up ramp: ${STEP_S} s per rate: $RATES calls/s" >&2
    bench_server ramp
    for r in $RATES; do
        calls=$((r * STEP_S))
        WATCHDOG=$((STEP_S + 60))
        a1=$(cpu_ticks "$MS_PID")
        sipp_start "ramp$r" "$BENCH_DIR/uac_setup.xml" 2000 -r "$r" -m "$calls" -l $((r * 4))
        wait "$SIPP_WAIT"
        a2=$(cpu_ticks "$MS_PID")
        ok=$(csv_last "$WT/ramp$r.csv" 'SuccessfulCall(C)')
        failed=$(csv_last "$WT/ramp$r.csv" 'FailedCall(C)')
        retrans=$(csv_last "$WT/ramp$r.csv" 'Retransmissions(C)')
        rt="$(hms_ms "$(csv_last "$WT/ramp$r.csv" 'ResponseTime1(C)')") ($(rt_p99 "$WT/ramp$r.csv"))"
        cpu_ms=$(awk -v t=$((a2 - a1)) -v hz="$CLK_TCK" -v n="$calls" 'BEGIN { printf "%.2f", t / hz * 1000 / n }')
        RAMP_ROWS="$RAMP_ROWS| $r | $ok/$calls | $failed | $retrans | $rt | $cpu_ms |
"
        echo "   $r/s: ok $ok/$calls failed $failed retrans $retrans" >&2
        [ "${failed:-1}" = 0 ] && [ "${ok:-0}" = "$calls" ] || break
        best_rate=$r
    done
    bench_server_stop
}

report() {
    [ -n "$LEVEL_ROWS$RAMP_ROWS" ] || return 0
    cat <<EOF

## moonswitch load benchmark $(date -u +%Y-%m-%dT%H:%MZ)

Machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);
commit $(git -C "$SRC_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$SRC_DIR" diff --quiet 2>/dev/null || echo ' (dirty)').
Calls of ${CALL_S} s (menu, digit 1 by SIP INFO, hold music, hold re-INVITE), caller audio
all along; steady window ${WIN_S} s; RTP measured on the server's first ports (up to 100 calls).
CPU as % of one core. SIPp reports INVITE->200 in whole ms ("0.00": under 1 ms).
Server socket drops: receive-buffer drops of the server's open sockets at the end of the
window; host UDP drops: Udp InErrors+RcvbufErrors over the level, everyone's. SIPp 3.6.1
gives every rtp_stream call the same -mp port and does not drain it, so nearly all of the
server's RTP to SIPp is dropped there: that count is SIPp's, not the server's. Logs: $WT

| calls | up in window | server CPU | per call | RSS/call | SIPp CPU | ok | failed | retrans | INVITE->200 ms avg (p99) | digits seen | RTP streams | gap p50 ms | gap p99 ms | gap max ms | lost | jitter max ms | server socket drops | host UDP drops |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
$LEVEL_ROWS
Set-up ramp (1 s calls, ${STEP_S} s per rate):

| calls/s | ok | failed | retrans | INVITE->200 ms avg (p99) | server CPU ms/call |
|---|---|---|---|---|---|
$RAMP_ROWS
Highest set-up rate with zero failures: $best_rate calls/s.
EOF
    LEVEL_ROWS="" RAMP_ROWS=""
}

# ---- run ----

trap bench_cleanup EXIT
trap 'exit 1' INT TERM

for n in $LEVELS; do
    run_level "$n"
    last=$n
done
while [ "$GROW" = 1 ] && [ "$level_passed" = 1 ] && [ $((last * 3 / 2)) -le "$MAX_LEVEL" ]; do
    last=$((last * 3 / 2))
    run_level "$last"
done
run_ramp

