#!/usr/bin/env bash
# wire.flows: the demo flow tests (tests/flows/demo.lua), which also run
# in-process, once more over the wire: `moonswitch test --wire` places each
# simulated call as a real SIP phone with real RTP against a server started
# here, and recognises the prompts from the audio it receives.
. "$(dirname "$0")/lib.sh"
wire_init "$@"

ms_start
CALLER_LO=$(free_ports 200) || fail "no free RTP ports for the callers"
log "flow tests over the wire to 127.0.0.1:$SIP_PORT (caller RTP $CALLER_LO-$((CALLER_LO + 199)))"
timeout 400 "$MS_BIN" test --wire "127.0.0.1:$SIP_PORT" --db "$DB" -c "$WT/moonswitch.lua" \
    --rtp-ports "$CALLER_LO-$((CALLER_LO + 199))" --junit "$WT/flows.xml" \
    "$SRC_DIR/tests/flows/demo.lua" | tee "$WT/flows.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "flow tests over the wire failed (exit $rc)"
tail -n 1 "$WT/flows.out" | grep -q " 0 failed" || fail "the run did not end with 0 failed"
ms_alive
ms_stop
pass
