# Shared helpers for the wire tests: each test is a bash script that sources
# this file, starts moonswitch on free loopback ports with its own config and
# database, drives real SIP peers (SIPp, baresip) at it, and asserts on what a
# caller would notice and on the CDR row.
#
#   . "$(dirname "$0")/lib.sh"
#   wire_init "$@"                 # $1: the moonswitch binary; makes $WT (temp dir)
#   ms_start [SCRIPTS_DIR]         # default: the demo scripts of the source tree
#   ... peers, assertions (fail "why") ...
#   ms_stop                        # SIGTERM; fails unless it exits 0 in time
#   pass
#
# Every wait is a bounded poll; every peer runs under `timeout`. On failure the
# server log and the peers' logs are printed. Set WIRE_KEEP=1 to keep $WT.
# Everything binds to 127.0.0.1 only.

set -u
export LC_ALL=C

WIRE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$WIRE_DIR/../.." && pwd)
TEST_NAME=$(basename "$0" .sh)
MS_PID=""
MS_LOG=""
WIRE_PIDS=""   # peers started in the background, killed at exit
WIRE_LOGS=""   # peers' logs printed on failure

log() { printf '[%s %s] %s\n' "$TEST_NAME" "$(date +%T.%3N)" "$*"; }

wire_init() {
    MS_BIN=${1:?usage: $0 PATH_TO_MOONSWITCH}
    [ -x "$MS_BIN" ] || { echo "not executable: $MS_BIN" >&2; exit 1; }
    for tool in timeout sqlite3 "${WIRE_NEEDS[@]:-}"; do
        [ -z "$tool" ] || command -v "$tool" >/dev/null ||
            { echo "$TEST_NAME: missing tool $tool (tools/deps.sh installs it)" >&2; exit 1; }
    done
    WT=$(mktemp -d "${TMPDIR:-/tmp}/wire-$TEST_NAME.XXXXXX")
    DB="$WT/cdr.db"
    trap wire_cleanup EXIT
    trap 'exit 1' INT TERM
}

wire_cleanup() {
    local rc=$?
    local p
    for p in $WIRE_PIDS; do
        kill "$p" 2>/dev/null
    done
    if [ -n "$MS_PID" ] && kill -0 "$MS_PID" 2>/dev/null; then
        kill -TERM "$MS_PID" 2>/dev/null
        poll 5 not_alive "$MS_PID" || kill -KILL "$MS_PID" 2>/dev/null
    fi
    if [ "$rc" -ne 0 ] || [ -n "${WIRE_KEEP:-}" ]; then
        echo "$TEST_NAME: files kept in $WT"
    else
        rm -rf "$WT"
    fi
}

# fail MESSAGE: prints it, the server log and the peers' logs, and exits 1.
fail() {
    echo "FAIL $TEST_NAME: $*" >&2
    local f
    for f in $WIRE_LOGS; do
        [ -s "$f" ] && { echo "----- $f (last 80 lines)"; tail -n 80 "$f"; } >&2
    done
    if [ -n "$MS_LOG" ] && [ -s "$MS_LOG" ]; then
        echo "----- server log $MS_LOG (last 200 lines)" >&2
        tail -n 200 "$MS_LOG" >&2
    fi
    exit 1
}

pass() {
    echo "PASS $TEST_NAME"
    exit 0
}

# poll SECONDS CMD...: runs CMD every 0.1 s until it succeeds (0) or time is up (1).
poll() {
    local secs=$1
    shift
    local tries=$((secs * 10))
    while [ "$tries" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    "$@"
}

alive() { kill -0 "$1" 2>/dev/null; }
not_alive() { ! kill -0 "$1" 2>/dev/null; }

# ---- ports ----

# Ports bound by anyone on this host (TCP or UDP, v4 or v6), one per line.
used_ports() {
    local h
    cat /proc/net/udp /proc/net/tcp /proc/net/udp6 /proc/net/tcp6 2>/dev/null |
        awk '$2 ~ /:/ { n = split($2, a, ":"); print a[n] }' | sort -u |
        while read -r h; do echo $((16#$h)); done
}

# free_ports COUNT: prints an even base port B such that B..B+COUNT-1 are unused.
# Chosen from 10000-31999: below Linux's ephemeral range, so no client socket
# of another program lands in it by chance.
free_ports() {
    local count=$1 used base tries
    used=$(used_ports)
    for tries in $(seq 1 100); do
        base=$(((10000 + (RANDOM * 32768 + RANDOM) % (22000 - count)) & ~1))
        if printf '%s\n' "$used" |
            awk -v b="$base" -v c="$count" '$1 >= b && $1 < b + c { hit = 1 } END { exit hit }'; then
            echo "$base"
            return 0
        fi
    done
    echo "no free block of $count ports" >&2
    return 1
}

# port_bound PORT: someone has a TCP or UDP socket on PORT.
port_bound() { used_ports | grep -qx "$1"; }

# ---- the server ----

# ms_config SCRIPTS_DIR: writes $WT/moonswitch.lua: conf/moonswitch.lua with
# our ports, scripts, database, debug logging and a small call limit.
ms_config() {
    cat >"$WT/moonswitch.lua" <<EOF
-- written by tests/wire/lib.sh for $TEST_NAME
return {
  sip = { listen = "127.0.0.1:$SIP_PORT", transports = { "udp", "tcp" } },
  rtp = { ip = "127.0.0.1", ports = "$RTP_LO-$RTP_HI" },
  codecs = { "PCMU", "PCMA" },
  dtmf = { inband = "auto" },
  scripts = { dir = "$1", entry = "dialplan.lua" },
  sounds = { build_dir .. "/sounds/en", build_dir .. "/sounds" },
  db = "$DB",
  control = "$WT/ctl.sock",
  log_level = "debug",
  max_calls = 100,
}
EOF
}

# ms_start [SCRIPTS_DIR]: starts the server on free ports and waits until its
# SIP port is bound. Sets SIP_PORT, RTP_LO, RTP_HI, MS_PID, MS_LOG, DB.
# Retries with other ports if a port was taken meanwhile.
ms_start() {
    local scripts=${1:-$SRC_DIR/scripts} attempt
    for attempt in 1 2 3; do
        SIP_PORT=$(free_ports 1) || fail "no free SIP port"
        RTP_LO=$(free_ports 200) || fail "no free RTP ports"
        RTP_HI=$((RTP_LO + 199))
        MS_LOG="$WT/server.$attempt.log"
        ms_config "$scripts"
        "$MS_BIN" -c "$WT/moonswitch.lua" 2>"$MS_LOG" &
        MS_PID=$!
        if poll 20 ms_ready; then
            log "server pid $MS_PID on 127.0.0.1:$SIP_PORT, RTP $RTP_LO-$RTP_HI"
            return 0
        fi
        if alive "$MS_PID"; then
            fail "server did not bind 127.0.0.1:$SIP_PORT within 20 s"
        fi
        wait "$MS_PID"
        local rc=$?
        grep -qi "in use" "$MS_LOG" || fail "server exited with $rc at start"
        log "port taken (attempt $attempt), retrying"
    done
    fail "server could not start"
}

ms_ready() { alive "$MS_PID" && port_bound "$SIP_PORT"; }

# ms_stop [SECONDS]: SIGTERM, then the server must exit 0 within SECONDS (default 10).
ms_stop() {
    local secs=${1:-10} rc
    alive "$MS_PID" || fail "server (pid $MS_PID) died before the end of the test"
    kill -TERM "$MS_PID"
    poll "$secs" not_alive "$MS_PID" || fail "server did not exit within $secs s of SIGTERM"
    wait "$MS_PID"
    rc=$?
    MS_PID=""
    [ "$rc" -eq 0 ] || fail "server exited with status $rc after SIGTERM"
    if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$MS_LOG" >/dev/null; then
        fail "sanitizer report in the server log"
    fi
}

ms_alive() { alive "$MS_PID" || fail "server (pid $MS_PID) is not running"; }

# ---- CDRs ----

# sql QUERY: runs QUERY on the CDR database, prints the rows (| separated).
sql() {
    [ -f "$DB" ] || return 1
    sqlite3 -batch -noheader -cmd ".timeout 5000" "$DB" "$1"
}

# cdr_wait WHERE [SECONDS]: waits until a CDR row matches WHERE (default 10 s).
cdr_wait() {
    poll "${2:-10}" cdr_exists "$1" || {
        echo "----- CDR rows:" >&2
        sql "SELECT * FROM cdr" >&2
        fail "no CDR row where $1"
    }
}
cdr_exists() { [ "$(sql "SELECT count(*) FROM cdr WHERE $1" 2>/dev/null)" -gt 0 ] 2>/dev/null; }

# cdr_get WHERE EXPR: the value of EXPR in the (latest) row matching WHERE.
cdr_get() { sql "SELECT $2 FROM cdr WHERE $1 ORDER BY start_ms DESC LIMIT 1"; }

# expect_eq WHAT GOT WANT
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
    log "ok: $1 = '$3'"
}

# cdr_expect WHERE EXPR WANT: asserts on one field of the matching CDR row.
cdr_expect() { expect_eq "CDR $2" "$(cdr_get "$1" "$2")" "$3"; }

# ---- SIPp ----

# sipp_setup NAME: prepares $WT/NAME/ and free SIP and media ports for one SIPp
# run; sets SIPP_DIR and SIPP_MSG (its message log).
sipp_setup() {
    SIPP_DIR="$WT/$1"
    mkdir -p "$SIPP_DIR"
    SIPP_PORT=$(free_ports 1) || fail "no free port for SIPp"
    SIPP_MPORT=$(free_ports 8) || fail "no free media ports for SIPp"
    SIPP_MSG="$SIPP_DIR/messages.log"
    WIRE_LOGS="$SIPP_MSG $SIPP_DIR/errors.log" # the peer of the step that fails
}

# sipp_exec SECONDS ARGS...: runs SIPp (one call) as set up by sipp_setup, from
# its directory, bounded by `timeout`; returns SIPp's exit status.
sipp_exec() {
    local secs=$1
    shift
    cd "$SIPP_DIR" && exec timeout -k 5 "$secs" sipp -i 127.0.0.1 -mi 127.0.0.1 \
        -p "$SIPP_PORT" -mp "$SIPP_MPORT" -m 1 -l 1 -nostdin -trace_msg -message_file "$SIPP_MSG" \
        -trace_err -error_file "$SIPP_DIR/errors.log" -trace_screen \
        -screen_file "$SIPP_DIR/screen.log" "$@" "127.0.0.1:$SIP_PORT" >"$SIPP_DIR/stdout.log" 2>&1
}

# sipp_run NAME SECONDS ARGS...: one SIPp client call against the server; sets
# SIPP_RC (0: the call succeeded, 1: it failed, 124: timeout). Does not fail.
sipp_run() {
    local name=$1
    shift
    sipp_setup "$name"
    log "sipp $name: $*"
    (sipp_exec "$@")
    SIPP_RC=$?
    log "sipp $name exited with $SIPP_RC"
}

# sipp_ok NAME SECONDS ARGS...: sipp_run, and the call must have succeeded.
sipp_ok() {
    sipp_run "$@"
    [ "$SIPP_RC" -eq 0 ] || fail "SIPp $1 failed (exit $SIPP_RC; 1 = call failed, 124 = timeout)"
}

# sipp_bg NAME SECONDS ARGS...: the same in the background; sets SIPP_PID.
sipp_bg() {
    local name=$1
    shift
    sipp_setup "$name"
    log "sipp $name (background): $*"
    (sipp_exec "$@") &
    SIPP_PID=$!
    WIRE_PIDS="$WIRE_PIDS $SIPP_PID"
}

# sipp_wait: waits for the background SIPp; sets SIPP_RC.
sipp_wait() {
    wait "$SIPP_PID"
    SIPP_RC=$?
    log "sipp exited with $SIPP_RC"
}

# The RTP port the server announced in the first 200 OK with SDP in SIPp's log.
sipp_server_rtp_port() {
    awk '/^SIP\/2.0 200/ { in200 = 1 } in200 && /^m=audio/ { print $2; exit }' "$SIPP_MSG"
}

# ---- raw UDP ----

# udp_send PORT: sends stdin as one datagram to 127.0.0.1:PORT.
udp_send() {
    local tmp
    tmp=$(mktemp "$WT/dgram.XXXXXX")
    cat >"$tmp"
    cat "$tmp" >"/dev/udp/127.0.0.1/$1" 2>/dev/null
    rm -f "$tmp"
}
