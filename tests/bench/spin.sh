#!/usr/bin/env bash
# Budget benchmark (docs/budgets.md): do runaway scripts hurt the other calls?
#
#   tests/bench/spin.sh [--calls N] [--window S] [--every S] [--ext EXT] [BUILD_DIR]
#
# Two runs on a fresh server each, with tests/bench/scripts/spin_dialplan.lua
# as the entry: N normal calls of the load benchmark (SIPp uac_menu.xml to
# 1000: menu, digit, hold music, caller audio all along), and during a steady
# window of S seconds (default 20) the server's outgoing RTP of those calls is
# captured (dumpcap, as /work/shared/bench-method.md says) and its
# inter-packet gaps measured (p50/p99/max, loss). In the second run a second
# SIPp (spin_uac.xml) calls EXT (default 3000: `while true do end` after
# answering) once every --every seconds (default 2) during the window; each
# of those scripts must be stopped by its budget ("instructions"), counted
# from the server log and the CDRs, and the server must hang those calls up.
# Extensions: 3000 spin, 3001 spin inside pcall, 3002 memory hog, 3009
# control (no runaway).
#
# Pass: every runaway stopped and hung up, no normal call failed, and the
# normal calls' gaps stay within the load benchmark's pass line (p99 within
# 20 +/- 2 ms, max under 40 ms... plus what one stopped slice costs: max gap
# under 20 ms + the slice, see the "slice" column of docs/budgets.md).
#
# SPIN_SCRIPTS_EXTRA='budget = { instructions = 5e6 },' adds fields to the
# config's scripts table. Results: a Markdown table on stdout; logs, CSVs and
# captures under BUILD_DIR/spin-<date>/.
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$BENCH_DIR/../wire/lib.sh"
# shellcheck disable=SC2034 # lib.sh's messages use it
TEST_NAME=spin

CALLS=100 WIN_S=20 EVERY=2 EXT=3000 BUILD=""
while [ $# -gt 0 ]; do
    case $1 in
    --calls) CALLS=$2; shift ;;
    --window) WIN_S=$2; shift ;;
    --every) EVERY=$2; shift ;;
    --ext) EXT=$2; shift ;;
    -h | --help) sed -n '2,31p' "$0"; exit 0 ;;
    *) BUILD=$1 ;;
    esac
    shift
done
BUILD=$(cd "${BUILD:-$SRC_DIR/build}" && pwd) || exit 1
MS_BIN="$BUILD/moonswitch"
[ -x "$MS_BIN" ] || { echo "no server binary at $MS_BIN: build first" >&2; exit 1; }
for tool in sipp sqlite3 sox dumpcap tshark; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run tools/deps.sh" >&2; exit 1; }
done

RAMP_S=5 SETTLE_S=5
SPINS=$((WIN_S / EVERY))
WT="$BUILD/spin-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WT" || exit 1
RTP_LO=16384 RTP_HI=32767
SIPP_MP=40000
SAMPLE=$((CALLS < 100 ? CALLS : 100))
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
sox "$BUILD/sounds/en/8000/demo/welcome.wav" -t ul "$WT/caller.ulaw" 2>/dev/null ||
    sox -n -r 8000 -c 1 -t ul "$WT/caller.ulaw" synth 5 pinknoise tremolo 3 80 vol 0.3 || exit 1

spin_cleanup() {
    local p
    for p in $WIRE_PIDS; do kill "$p" 2>/dev/null; done
    if [ -n "$MS_PID" ] && alive "$MS_PID"; then
        kill -TERM "$MS_PID"
        poll 10 not_alive "$MS_PID" || kill -KILL "$MS_PID"
    fi
}
trap spin_cleanup EXIT
trap 'exit 1' INT TERM

# rtp_report PCAP: "streams gap_p50 gap_p99 gap_max lost late" (as tests/bench/run.sh;
# late: gaps over 25 ms, and their share of all gaps).
rtp_report() {
    local pcap=$1 gaps="$1.gaps" line n
    line=$(tshark -r "$pcap" -n --enable-heuristic rtp_udp -Y rtp -T fields -e frame.time_epoch \
        -e rtp.ssrc -e rtp.seq -e rtp.timestamp -e rtp.p_type 2>/dev/null |
        awk -v gaps="$gaps" -f "$BENCH_DIR/rtp_stats.awk")
    [ -s "$gaps" ] || { echo "0 - - - - -"; return; }
    sort -n "$gaps" -o "$gaps"
    n=$(wc -l <"$gaps")
    set -- $line
    printf '%s %.1f %.1f %.1f %s %s\n' "$1" "$(sed -n "$(((n + 1) / 2))p" "$gaps")" \
        "$(sed -n "$(((n * 99 + 99) / 100))p" "$gaps")" "$(tail -n 1 "$gaps")" "$3" \
        "$(awk -v n="$n" '$1 > 25 { c++ } END { printf "%d(%.2f%%)", c, 100 * c / n }' "$gaps")"
}

csv_last() {
    awk -F';' -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
                         { v = $c } END { print v }' "$1" 2>/dev/null
}

server_start() {
    local name=$1
    SIP_PORT=$(free_ports 1) || exit 1
    MS_LOG="$WT/$name.server.log"
    DB="$WT/$name.db"
    cat >"$WT/$name.lua" <<EOF
return {
  sip = { listen = "127.0.0.1:$SIP_PORT", transports = { "udp" } },
  rtp = { ip = "127.0.0.1", ports = "$RTP_LO-$RTP_HI" },
  codecs = { "PCMU", "PCMA" },
  scripts = { dir = "$BENCH_DIR/scripts", entry = "spin_dialplan.lua", ${SPIN_SCRIPTS_EXTRA:-} },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  db = "$DB",
  log_level = "warn",
  max_calls = 20000,
}
EOF
    "$MS_BIN" -c "$WT/$name.lua" 2>"$MS_LOG" &
    MS_PID=$!
    poll 20 ms_ready || fail "the server did not start; see $MS_LOG"
}

server_stop() {
    kill -TERM "$MS_PID"
    poll 60 not_alive "$MS_PID" || { echo "server did not stop within 60 s" >&2; kill -KILL "$MS_PID"; }
    wait "$MS_PID"
    echo "server exit status $?" >>"$MS_LOG"
    MS_PID=""
}

# sipp_bg NAME SCENARIO SERVICE ARGS...: SIPp in the background; sets SIPP_BG.
sipp_bg() {
    local name=$1 sf=$2 service=$3 port
    shift 3
    port=$(free_ports 1) || exit 1
    (cd "$WT" && exec timeout -k 5 $((RAMP_S + SETTLE_S + WIN_S + 90)) sipp -sf "$sf" \
        -s "$service" -i 127.0.0.1 -mi 127.0.0.1 -p "$port" -nostdin -trace_stat \
        -stf "$WT/$name.csv" -fd 1 -trace_err -error_file "$WT/$name.errors.log" \
        -recv_timeout 40000 "$@" "127.0.0.1:$SIP_PORT" >"$WT/$name.sipp.log" 2>&1) &
    SIPP_BG=$!
    WIRE_PIDS="$WIRE_PIDS $SIPP_BG"
}

ROWS=""
PASS=1

run() {
    local name=$1 spin=$2 normal spinner="" cap rtp ok failed sok sfailed stops cdr_spin
    echo "== $name: $CALLS calls to 1000$([ "$spin" = 1 ] && echo ", a call to $EXT every $EVERY s")" >&2
    server_start "$name"
    sipp_bg "$name.normal" "$BENCH_DIR/uac_menu.xml" 1000 -mp "$SIPP_MP" -l "$CALLS" -m "$CALLS" \
        -r "$CALLS" -rp "${RAMP_S}s" -d $(((RAMP_S + SETTLE_S + WIN_S + 5) * 1000))
    normal=$SIPP_BG
    sleep $((RAMP_S + SETTLE_S))
    alive "$normal" || fail "SIPp ended before the window; see $WT/$name.normal.sipp.log"
    cap="$WT/$name.pcapng"
    dumpcap -q -i lo -B 128 -a "duration:$WIN_S" -w "$cap" \
        -f "udp and src host 127.0.0.1 and src portrange $RTP_LO-$((RTP_LO + 2 * SAMPLE - 1))" \
        >"$WT/$name.dumpcap.log" 2>&1 &
    WIRE_PIDS="$WIRE_PIDS $!"
    if [ "$spin" = 1 ]; then
        sipp_bg "$name.spin" "$BENCH_DIR/spin_uac.xml" "$EXT" -mp $((SIPP_MP + 2000)) -m "$SPINS" \
            -l "$SPINS" -r 1 -rp "${EVERY}s"
        spinner=$SIPP_BG
    fi
    sleep "$WIN_S"
    [ -n "$spinner" ] && wait "$spinner"
    wait "$normal"
    server_stop

    rtp=$(rtp_report "$cap")
    ok=$(csv_last "$WT/$name.normal.csv" 'SuccessfulCall(C)')
    failed=$(csv_last "$WT/$name.normal.csv" 'FailedCall(C)')
    sok=- sfailed=- stops=- cdr_spin=-
    if [ "$spin" = 1 ]; then
        sok=$(csv_last "$WT/$name.spin.csv" 'SuccessfulCall(C)')
        sfailed=$(csv_last "$WT/$name.spin.csv" 'FailedCall(C)')
        # calls (ids: the 4th field of a log line) with a line naming a budget reason
        stops=$(grep -i "budget" "$MS_LOG" | grep -i "instructions\|wall time\|memory" |
            awk '{ print $4 }' | sort -u | wc -l)
        cdr_spin=$(sql "SELECT count(*) FROM cdr WHERE destination = '$EXT'")
        [ "${sok:-0}" = "$SPINS" ] && [ "${sfailed:-1}" = 0 ] && [ "${stops:-0}" -ge "$SPINS" ] ||
            PASS=0
    fi
    [ "${failed:-1}" = 0 ] || PASS=0
    set -- $rtp
    ROWS="$ROWS| $name | ${ok:-?}/$CALLS | ${failed:-?} | $sok/$([ "$spin" = 1 ] && echo "$SPINS" || echo -) | $stops | $cdr_spin | $1 | $2 | $3 | $4 | $5 | $6 |
"
    echo "   normal ok ${ok:-?} failed ${failed:-?}; runaways hung up ${sok}, stopped in log ${stops}; gaps $rtp" >&2
}

run baseline 0
run "spin-$EXT" 1

cat <<EOF

## Runaway scripts against $CALLS calls $(date -u +%Y-%m-%dT%H:%MZ)

Machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);
commit $(git -C "$SRC_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$SRC_DIR" diff --quiet 2>/dev/null || echo ' (dirty)').
$CALLS calls to 1000 (hold music), RTP of the first $SAMPLE measured over ${WIN_S} s; in the
second run a call to $EXT (a runaway script) every $EVERY s during the window. Runaways: calls
SIPp saw hung up by the server; "stopped": calls with a server log line naming a budget reason.
Logs: $WT

| run | normal ok | normal failed | runaways hung up | stopped | runaway CDRs | RTP streams | gap p50 ms | gap p99 ms | gap max ms | lost | gaps > 25 ms |
|---|---|---|---|---|---|---|---|---|---|---|---|
$ROWS
EOF
[ "$PASS" = 1 ] && echo "PASS" || { echo "FAIL (see $WT)"; exit 1; }
