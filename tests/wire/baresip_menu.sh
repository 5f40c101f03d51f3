#!/usr/bin/env bash
# wire.baresip_menu: baresip calls the demo menu on 1000 and, while the
# welcome prompt plays, presses 2 (RFC 4733, baresip's sndcode command). The
# menu must stop the prompt (barge-in), play the support prompt and hang up.
# Checked: what baresip heard holds the support prompt (its envelope matches
# the rendered sound better than the sales prompt does); the CDR has digit 2
# from rfc4733, menu_choice 2, hung up by the server, well before the welcome
# prompt plus the support prompt would have taken without barge-in.
WIRE_NEEDS=(baresip sox)
. "$(dirname "$0")/lib.sh"
. "$WIRE_DIR/baresip_lib.sh"
wire_init "$@"

sounds="$(dirname "$MS_BIN")/sounds/en/8000/demo"
[ -f "$sounds/support.wav" ] || fail "no rendered prompts in $sounds"
src="$WT/silence.wav"
sox -n -r 8000 -c 1 -b 16 "$src" trim 0 20 || fail "sox cannot make the source"

ms_start
bs_setup menu "$src"
bs_start 40
bs_cmd dial "sip:1000@127.0.0.1:$SIP_PORT"
bs_wait_event CALL_ESTABLISHED 10
# The welcome prompt starts 0.5 s after the answer and lasts 5.4 s: press 2
# about a second into it (a deliberate point in the prompt, not a wait).
sleep 1.5
bs_cmd sndcode 2
bs_wait_event CALL_CLOSED 20
bs_stop

w="destination = '1000'"
cdr_wait "$w"
cdr_expect "$w" digits 2
cdr_expect "$w" "json_extract(digit_log, '\$[0].source')" rfc4733
cdr_expect "$w" "json_array_length(digit_log)" 1
cdr_expect "$w" "json_extract(vars, '\$.menu_choice')" 2
cdr_expect "$w" hangup_by server
cdr_expect "$w" hangup_cause NORMAL_CLEARING
cdr_expect "$w" "billsec_ms < 8000" 1

heard=$(bs_recording dec)
audio_env "$heard" 300 3400 >"$WT/heard.env"
loud=$(awk '$1 > 0.01 { n++ } END { print n + 0 }' "$WT/heard.env")
[ "$loud" -ge 100 ] || fail "baresip heard (almost) nothing: $loud frames with speech"
audio_env "$sounds/support.wav" 300 3400 >"$WT/support.env"
audio_env "$sounds/sales.wav" 300 3400 >"$WT/sales.env"
support=$(env_find "$WT/support.env" "$WT/heard.env")
sales=$(env_find "$WT/sales.env" "$WT/heard.env")
log "envelope match (correlation, frame): support $support, sales $sales"
awk -v s="${support% *}" -v o="${sales% *}" 'BEGIN { exit !(s >= 0.8 && s > o) }' ||
    fail "the support prompt is not in what baresip heard (support $support, sales $sales)"
log "ok: baresip heard the support prompt"
# It started about when 2 was pressed, not after the whole welcome (0.5 + 5.4 s).
[ "${support#* }" -lt 200 ] || fail "the support prompt started only at frame ${support#* }: no barge-in"
log "ok: the digit cut the welcome prompt (support prompt from $((${support#* } * 20)) ms)"
ms_stop
pass
