#!/usr/bin/env bash
# wire.sipp_errors: what a SIP caller sees when a call does not go the plain
# way, each with a SIPp scenario from tests/wire/scenarios/ against the test
# dialplan tests/wire/scripts/dialplan.lua:
#   - an unknown number gets 404;
#   - an offer with only G.729 gets 488;
#   - a ringing call (2000) cancelled by the caller gets 487, and its CDR says
#     ORIGINATOR_CANCEL by the caller, never answered;
#   - hold (re-INVITE a=sendonly) is answered a=recvonly, resume is answered
#     without hold, and the call goes on until the caller's BYE;
#   - a digit sent as SIP INFO (dtmf-relay) reaches the script, and the CDR
#     tags it with source "info".
WIRE_NEEDS=(sipp)
. "$(dirname "$0")/lib.sh"
wire_init "$@"
SC="$WIRE_DIR/scenarios"

# Call-ID of the call SIPp just made, and the SQL that selects its CDR row.
last_call() {
    local id
    id=$(sed -n 's/^Call-ID: *//p' "$SIPP_MSG" | head -n 1 | tr -d '\r')
    [ -n "$id" ] || fail "no Call-ID in $SIPP_MSG"
    echo "json_extract(vars, '\$.sip_call_id') = '$id'"
}

ms_start "$WIRE_DIR/scripts"

sipp_ok unknown 20 -sf "$SC/reject_404.xml" -s 5555
log "ok: 404 for an unknown number"

sipp_ok g729 20 -sf "$SC/reject_488.xml" -s 2003
log "ok: 488 for a G.729-only offer"

sipp_ok cancel 20 -sf "$SC/cancel.xml" -s 2000
w=$(last_call)
cdr_wait "$w"
cdr_expect "$w" destination 2000
cdr_expect "$w" hangup_cause ORIGINATOR_CANCEL
cdr_expect "$w" hangup_by caller
cdr_expect "$w" "answer_ms IS NULL" 1
cdr_expect "$w" billsec_ms 0

sipp_ok hold 20 -sf "$SC/hold.xml" -s 2001
log "ok: hold answered a=recvonly, resume answered without hold"
w=$(last_call)
cdr_wait "$w"
cdr_expect "$w" hangup_cause NORMAL_CLEARING
cdr_expect "$w" hangup_by caller
cdr_expect "$w" "answer_ms IS NOT NULL" 1

sipp_ok info 25 -sf "$SC/info_dtmf.xml" -s 2002
w=$(last_call)
cdr_wait "$w"
cdr_expect "$w" digits 5
cdr_expect "$w" "json_extract(digit_log, '\$[0].source')" info
cdr_expect "$w" "json_extract(vars, '\$.gathered')" 5
cdr_expect "$w" "json_extract(vars, '\$.gather_reason')" max
cdr_expect "$w" hangup_by server

ms_stop
pass
