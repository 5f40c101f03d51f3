#!/usr/bin/env bash
# wire.tts: the TTS flow tests (tests/flows/tts/), which also run in-process, once
# more over the wire against a server on their dialplan: the simulated phones
# recognise call:speak from the audio, rendering each expected text as the server
# does (docs/testing.md, "Speech over the wire").
. "$(dirname "$0")/lib.sh"
wire_init "$@"

ms_start "$SRC_DIR/tests/flows/tts/scripts"
CALLER_LO=$(free_ports 200) || fail "no free RTP ports for the callers"
log "TTS flow tests over the wire to 127.0.0.1:$SIP_PORT"
timeout 400 "$MS_BIN" test --wire "127.0.0.1:$SIP_PORT" -c "$WT/moonswitch.lua" \
    --rtp-ports "$CALLER_LO-$((CALLER_LO + 199))" --junit "$WT/tts.xml" \
    "$SRC_DIR/tests/flows/tts/tests" | tee "$WT/tts.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "TTS flow tests over the wire failed (exit $rc)"
tail -n 1 "$WT/tts.out" | grep -q " 0 failed" || fail "the run did not end with 0 failed"
ms_alive
ms_stop
pass
