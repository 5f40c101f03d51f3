#!/usr/bin/env bash
# wire.reload: hot reload on a running server. The server watches its scripts
# folder. A call in progress keeps the script it started with across a reload;
# a call after the reload hears the new one; a broken save changes nothing for
# callers (the log names file:line); the next good save is picked up; SIGHUP
# and `moonswitch ctl reload` force a reload; `moonswitch ctl status` shows the
# refused file:line. Callers are `moonswitch call` (SIP + RTP, prompts
# recognised from the audio).
. "$(dirname "$0")/lib.sh"
wire_init "$@"

S="$WT/scripts"
mkdir -p "$S/lib"
# version V of the dialplan: 1000 plays the sound named in lib/choice.lua;
# 1001 waits 4 s first (a call that is in progress during a reload)
write_version() {
    cat >"$S/lib/choice.lua" <<LUA
return { sound = "$1" }
LUA
}
cat >"$S/dialplan.lua" <<'LUA'
local choice = require "choice"
return function(call)
  call:answer()
  if call.destination == "1001" then call:sleep(4000) end
  call:play(choice.sound)
  call:hangup()
end
LUA
write_version demo/sales
ms_start "$S"

# call EXT [SECONDS]: prints what the caller heard
call() {
    timeout 30 "$MS_BIN" call "$1" --server "127.0.0.1:$SIP_PORT" -c "$WT/moonswitch.lua" \
        --for "${2:-8}" 2>>"$WT/call.log"
}
heard() { # heard OUTPUT SOUND
    printf '%s\n' "$1" | grep -Eq "heard +$2\$"
}
generation() { grep -q "generation $1 active" "$MS_LOG"; }

out=$(call 1000) || fail "call 1 failed: $out"
heard "$out" demo/sales || fail "generation 1: expected demo/sales, heard: $out"

# a call in progress across a reload keeps generation 1
call 1001 12 >"$WT/inprogress.out" &
INPROGRESS=$!
poll 10 grep -q "answered" "$WT/inprogress.out" || fail "the long call was not answered"
write_version demo/support
poll 10 generation 2 || fail "the change was not picked up within 10 s"
out=$(call 1000) || fail "call 2 failed"
heard "$out" demo/support || fail "generation 2: expected demo/support, heard: $out"
wait "$INPROGRESS"
heard "$(cat "$WT/inprogress.out")" demo/sales ||
    fail "the call in progress did not keep its generation: $(cat "$WT/inprogress.out")"

# a broken save is refused; callers still get generation 2
printf 'return { sound = "demo/goodbye" \n' >"$S/lib/choice.lua"
poll 10 grep -q "scripts refused" "$MS_LOG" || fail "the broken file was not reported"
grep -q "choice.lua:2:" "$MS_LOG" || fail "the log does not name file:line"
out=$(call 1000) || fail "call 3 failed"
heard "$out" demo/support || fail "after a broken save: expected demo/support, heard: $out"
ctl() { timeout 10 "$MS_BIN" ctl -c "$WT/moonswitch.lua" "$@"; }
status=$(ctl status) || fail "ctl status failed: $status"
printf '%s\n' "$status" | grep -q '"generation":2,' || fail "ctl status: not generation 2: $status"
printf '%s\n' "$status" | grep -q 'choice.lua:2:' || fail "ctl status does not name file:line: $status"
out=$(ctl reload) && fail "ctl reload of the broken file said ok: $out"
printf '%s\n' "$out" | grep -q '"ok":false' || fail "ctl reload: $out"

# the next good save is picked up
write_version demo/goodbye
poll 10 generation 3 || fail "the good save after a broken one was not picked up"
out=$(call 1000) || fail "call 4 failed"
heard "$out" demo/goodbye || fail "generation 3: expected demo/goodbye, heard: $out"

# SIGHUP forces a reload (nothing changed: a new generation all the same); so does ctl
kill -HUP "$MS_PID"
poll 10 generation 4 || fail "SIGHUP did not reload"
out=$(ctl reload) || fail "ctl reload failed: $out"
printf '%s\n' "$out" | grep -q '"ok":true,"generation":5' || fail "ctl reload: $out"
ctl status | grep -q '"error":null' || fail "ctl status still shows an error after good reloads"
[ -S "$WT/ctl.sock" ] || fail "no control socket"
[ "$(stat -c %a "$WT/ctl.sock")" = 600 ] || fail "the control socket is not mode 600"
ms_stop
pass
