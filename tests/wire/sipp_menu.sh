#!/usr/bin/env bash
# wire.sipp_menu: SIPp's stock uac_pcap calls the demo menu on 1000. It plays
# 8 s of A-law speech, then an RFC 4733 "1" (from its pcap), then hangs up
# 1 s later. The menu answers, pauses 0.5 s and plays its 5.4 s welcome, so
# the digit arrives in the first gather's 5 s timeout window; had it come
# earlier, gather would still take it (digits are queued). Expect: SIPp's
# call succeeds; the CDR shows 1000, digit 1 from rfc4733, menu_choice 1.
WIRE_NEEDS=(sipp)
. "$(dirname "$0")/lib.sh"
wire_init "$@"

ms_start
mkdir -p "$WT/menu/pcap"
cp /usr/share/sip-tester/g711a.pcap /usr/share/sip-tester/dtmf_2833_1.pcap "$WT/menu/pcap/" ||
    fail "SIPp's pcap files are missing from /usr/share/sip-tester"
sipp_ok menu 40 -sn uac_pcap -s 1000

call_id=$(sed -n 's/^Call-ID: *//p' "$SIPP_MSG" | head -n 1 | tr -d '\r')
[ -n "$call_id" ] || fail "no Call-ID in SIPp's message log"
where="json_extract(vars, '\$.sip_call_id') = '$call_id'"
cdr_wait "$where"
cdr_expect "$where" destination 1000
cdr_expect "$where" digits 1
cdr_expect "$where" "json_extract(digit_log, '\$[0].digit')" 1
cdr_expect "$where" "json_extract(digit_log, '\$[0].source')" rfc4733
cdr_expect "$where" "json_array_length(digit_log)" 1
cdr_expect "$where" "json_extract(vars, '\$.menu_choice')" 1
cdr_expect "$where" "answer_ms IS NOT NULL" 1
cdr_expect "$where" hangup_by caller
cdr_expect "$where" hangup_cause NORMAL_CLEARING
ms_stop
pass
