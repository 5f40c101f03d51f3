#!/usr/bin/env bash
# wire.baresip_echo: baresip calls the echo test on 9196. It stays silent for
# 5 s (the server's "echo test" prompt plays first), then sends three 0.4 s
# bursts of a 1 kHz tone, then 1.5 s of silence, and hangs up when its file
# ends. What baresip heard must hold the prompt at the start and, later, the
# same three bursts (same on/off pattern, at one small delay, well above the
# quiet between them). The CDR shows a normal call ended by the caller.
WIRE_NEEDS=(baresip sox)
. "$(dirname "$0")/lib.sh"
. "$WIRE_DIR/baresip_lib.sh"
wire_init "$@"

src="$WT/source.wav"
sox -n -r 8000 -c 1 -b 16 "$WT/lead.wav" trim 0 5 &&
    sox -n -r 8000 -c 1 -b 16 "$WT/burst.wav" synth 0.4 sine 1000 vol 0.5 pad 0 0.4 repeat 2 &&
    sox -n -r 8000 -c 1 -b 16 "$WT/tail.wav" trim 0 1.5 &&
    sox "$WT/lead.wav" "$WT/burst.wav" "$WT/tail.wav" "$src" || fail "sox cannot make the source"

ms_start
bs_setup echo "$src"
bs_start 40
bs_cmd dial "sip:9196@127.0.0.1:$SIP_PORT"
bs_wait_event CALL_ESTABLISHED 10
bs_wait_event CALL_CLOSED 25
bs_stop

sent=$(bs_recording enc)
heard=$(bs_recording dec)
audio_env "$sent" 800 1200 >"$WT/sent.env"
audio_env "$heard" 800 1200 >"$WT/heard.env"
result=$(echo_check "$WT/sent.env" "$WT/heard.env") ||
    fail "the echo of the tone is not in what baresip heard: lag_ms matched false dB = $result"
log "ok: tone echoed (lag_ms matched/on false/off level_dB: $result)"

# The prompt: speech-band energy in the first 3 s of what baresip heard.
prompt=$(audio_env "$heard" 300 3400 | head -n 150 | awk '$1 > 0.01 { n++ } END { print n + 0 }')
[ "$prompt" -ge 30 ] || fail "baresip heard no prompt in the first 3 s ($prompt loud frames of 150)"
log "ok: prompt heard ($prompt of the first 150 frames carry speech)"

cdr_wait "destination = '9196'"
w="destination = '9196'"
cdr_expect "$w" hangup_by caller
cdr_expect "$w" hangup_cause NORMAL_CLEARING
cdr_expect "$w" "billsec_ms >= 8000" 1
ms_stop
pass
