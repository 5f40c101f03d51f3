#!/usr/bin/env bash
# wire.install: `cmake --install` into a fresh prefix, then the INSTALLED binary
# runs from the installed tree alone: its default configuration is
# PREFIX/etc/moonswitch/moonswitch.lua, `moonswitch test` runs a flow on the
# installed demo dialplan that plays a rendered prompt (demo/welcome) and a
# phrase (time.now: "the time is", digits, a.m./p.m.), and the server starts
# with its database in PREFIX/var/lib/moonswitch and stops cleanly.
#
# The source and build trees are hidden while the installed binary runs (an
# empty tmpfs over each, in a private mount namespace: `unshare -m` as root,
# `unshare -rm` otherwise), so a path into them fails instead of passing
# unnoticed. Where neither is allowed, the test runs with the trees in place
# and says so.
WIRE_NEEDS=(cmake)
. "$(dirname "$0")/lib.sh"
wire_init "$@"

BUILD_DIR=$(cd "$(dirname "$MS_BIN")" && pwd)
unset MOONSWITCH_DB # the installed configuration's db must be its own
PREFIX="$WT/prefix"
MS="$PREFIX/bin/moonswitch"

log "cmake --install $BUILD_DIR --prefix $PREFIX"
timeout 60 cmake --install "$BUILD_DIR" --prefix "$PREFIX" >"$WT/install.log" 2>&1 ||
    { cat "$WT/install.log" >&2; fail "cmake --install failed"; }
for f in bin/moonswitch etc/moonswitch/moonswitch.lua share/moonswitch/scripts/dialplan.lua \
    share/moonswitch/prompts/en/init.lua share/moonswitch/sounds/en/8000/demo/welcome.wav \
    share/moonswitch/sounds/en/16000/digits/5.wav share/moonswitch/sounds/8000/music/moh.wav; do
    [ -e "$PREFIX/$f" ] || fail "not installed: $f"
done
[ -d "$PREFIX/var/lib/moonswitch" ] || fail "not installed: var/lib/moonswitch/"
find "$PREFIX" -name '*.tmp' | grep -q . && fail "a half-rendered sound was installed"

# The build binary keeps its source tree's configuration; the installed one, its own.
"$MS_BIN" -h | grep -qF "(default: $SRC_DIR/conf/moonswitch.lua)" ||
    fail "the build-tree binary does not default to the source tree's configuration"
"$MS" -h | grep -qF "(default: $PREFIX/etc/moonswitch/moonswitch.lua)" ||
    fail "the installed binary does not default to its installed configuration: $("$MS" -h | grep -- --config)"
# A copy with no installed tree beside it falls back to the trees it was built from.
mkdir -p "$WT/loose/bin" && cp "$MS" "$WT/loose/bin/"
"$WT/loose/bin/moonswitch" -h | grep -qF "(default: $SRC_DIR/conf/moonswitch.lua)" ||
    fail "a binary copied by hand does not fall back to the source tree's configuration"

# hidden CMD...: runs CMD with the source and build trees out of sight.
HIDE=""
for how in "-m" "-rm"; do
    # shellcheck disable=SC2016
    if unshare $how sh -c 'mount -t tmpfs ms-hidden "$1"' sh "$SRC_DIR" 2>/dev/null; then
        HIDE=$how
        break
    fi
done
# Called in a subshell, `(hidden CMD...)`: it execs, so $! of `(hidden ...) &` is CMD's pid.
hidden() {
    [ -n "$HIDE" ] || exec "$@"
    # The build tree first: it may be inside the source tree.
    # shellcheck disable=SC2016
    exec unshare $HIDE sh -c 'for d in "$1" "$2"; do mount -t tmpfs ms-hidden "$d" || exit 97; done
        shift 2; exec "$@"' sh "$BUILD_DIR" "$SRC_DIR" "$@"
}
if [ -n "$HIDE" ]; then
    log "the source and build trees are hidden from the installed binary (unshare $HIDE)"
else
    log "note: cannot hide the source tree here (no mount namespace); running with it in place"
fi

cat >"$WT/installed.lua" <<'EOF'
-- written by tests/wire/install.sh: the installed demo dialplan
test("1000 plays the welcome; 3 says the time from the installed sound set", function(t)
  local c = t:dial("1000")
  c:expect_answer()
  c:expect_prompt("demo/welcome")
  c:press("3")
  c:expect_prompt("the-time-is", { within = 1000 })
  c:expect_hangup { by = "server" }
  local names = {}
  for _, e in ipairs(c:heard()) do
    if e.kind == "prompt" then names[#names + 1] = e.name end
  end
  local said = table.concat(names, " ")
  t:expect(said:match("^demo/welcome the%-time%-is digits/.- digits/[ap]%-m demo/goodbye$"),
           "welcome, the time in words of the sound set (none synthesised), goodbye: " .. said)
end)
EOF
log "installed moonswitch test (default configuration)"
(hidden timeout 60 "$MS" test "$WT/installed.lua") >"$WT/test.out" 2>&1
rc=$?
cat "$WT/test.out"
[ "$rc" -ne 97 ] || fail "could not hide the trees"
[ "$rc" -eq 0 ] || fail "the installed moonswitch test failed (exit $rc)"
tail -n 1 "$WT/test.out" | grep -qx "1 passed, 0 failed" || fail "the run did not end with 1 passed, 0 failed"

# The installed server: default configuration and state directory, ports of our own.
SIP_PORT=$(free_ports 1) || fail "no free SIP port"
RTP_LO=$(free_ports 200) || fail "no free RTP ports"
MS_LOG="$WT/server.log"
(hidden "$MS" --listen "127.0.0.1:$SIP_PORT" --rtp-ports "$RTP_LO-$((RTP_LO + 199))" \
    --log-level debug) 2>"$MS_LOG" &
MS_PID=$!
poll 20 ms_ready || fail "the installed server did not bind 127.0.0.1:$SIP_PORT within 20 s"
log "installed server pid $MS_PID on 127.0.0.1:$SIP_PORT"
ms_stop
[ -f "$PREFIX/var/lib/moonswitch/moonswitch.db" ] ||
    fail "the installed server did not create its database in var/lib/moonswitch"
grep -q "$SRC_DIR\|$BUILD_DIR" "$MS_LOG" && fail "the installed server's log names the source or build tree"
pass
