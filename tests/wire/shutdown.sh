#!/usr/bin/env bash
# wire.shutdown: a caller is listening to the hold music on 9664 when the
# server gets SIGTERM. The caller must get a BYE (SIPp's wait_bye scenario
# answers it and succeeds), the server must exit 0 within 5 s, and the call's
# CDR row must be written, saying the server hung up.
WIRE_NEEDS=(sipp)
. "$(dirname "$0")/lib.sh"
wire_init "$@"

ms_start
sipp_bg hold 40 -sf "$WIRE_DIR/scenarios/wait_bye.xml" -s 9664
acked() { grep -q "^CSeq: 1 ACK" "$SIPP_MSG" 2>/dev/null; }
poll 15 acked || fail "the call to 9664 was not answered within 15 s"
# The call must still be up a moment later (music playing, nobody hung up).
sleep 1
grep -q "^BYE " "$SIPP_MSG" && fail "the server hung up the hold-music call by itself"
alive "$SIPP_PID" || fail "SIPp ended before the shutdown"

log "SIGTERM to the server"
ms_stop 5
sipp_wait
[ "$SIPP_RC" -eq 0 ] || fail "the caller did not get a BYE it could answer (SIPp exit $SIPP_RC)"
grep -q "^BYE " "$SIPP_MSG" || fail "no BYE in SIPp's log"
log "ok: the caller got BYE and the server exited 0"

call_id=$(sed -n 's/^Call-ID: *//p' "$SIPP_MSG" | head -n 1 | tr -d '\r')
w="json_extract(vars, '\$.sip_call_id') = '$call_id'"
cdr_wait "$w" 2
cdr_expect "$w" destination 9664
cdr_expect "$w" hangup_by server
cdr_expect "$w" "answer_ms IS NOT NULL" 1
log "hangup cause on shutdown: $(cdr_get "$w" hangup_cause)"
pass
