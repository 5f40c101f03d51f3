#!/usr/bin/env bash
# wire.bad_input: the server survives garbage. We send random bytes and
# truncated or invalid SIP to its SIP port, then, during an answered call,
# garbage, truncated and inconsistent RTP and RTCP to that call's media ports
# (taken from the 200 OK's SDP). The call in progress must go on to its normal
# end, a new call must work, and the server must still stop cleanly.
WIRE_NEEDS=(sipp sox)
. "$(dirname "$0")/lib.sh"
wire_init "$@"

# send PORT FORMAT [ARGS...]: one datagram built by printf (\xHH escapes allowed).
send() {
    local port=$1
    shift
    # shellcheck disable=SC2059
    printf "$@" | udp_send "$port"
}

# An INVITE with the given Content-Length header value and body. Its Via names
# a port nobody listens on, so the server's answers go nowhere.
invite() {
    local cl=$1 body=$2
    printf 'INVITE sip:2001@127.0.0.1:%s SIP/2.0\r\n' "$SIP_PORT"
    printf 'Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-bad-%s\r\n' "$RANDOM"
    printf 'From: <sip:bad@127.0.0.1>;tag=%s\r\nTo: <sip:2001@127.0.0.1>\r\n' "$RANDOM"
    printf 'Call-ID: bad-%s@127.0.0.1\r\nCSeq: 1 INVITE\r\n' "$RANDOM$RANDOM"
    printf 'Contact: <sip:bad@127.0.0.1:9>\r\nContent-Type: application/sdp\r\n'
    printf 'Content-Length: %s\r\n\r\n%s' "$cl" "$body"
}

sdp() {
    printf 'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n%s' "$1"
}

garbage_sip() {
    local p=$SIP_PORT body long i
    head -c 1 /dev/urandom | udp_send "$p"
    head -c 700 /dev/urandom | udp_send "$p"
    head -c 1400 /dev/urandom | udp_send "$p"
    send "$p" '\r\n\r\n'
    send "$p" 'INVITE\r\n\r\n'
    send "$p" 'INVITE sip:2001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;bra'
    send "$p" 'SIP/2.0 200 OK\r\nVia: garbage\r\nCSeq: x\r\n\r\n'
    send "$p" 'BYE sip:x@127.0.0.1 SIP/2.0\r\nCall-ID: nope\r\n\r\n'
    send "$p" 'OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9\r\nCSeq: 99999999999999999999 OPTIONS\r\n\r\n'
    send "$p" 'INV\x00ITE sip:2001@127.0.0.1 SIP/2.0\r\nVia: \x00\xff\xfe\r\n\r\n'
    invite 9999 "$(sdp 'm=audio 4000 RTP/AVP 0\r\n')" | udp_send "$p"
    invite -1 "" | udp_send "$p"
    invite 99999999999999999999 "" | udp_send "$p"
    body=$(sdp 'm=audio 4000 RTP/AVP 0\r\n')
    invite 5 "$body" | udp_send "$p" # body longer than declared
    for body in \
        "$(sdp '')" \
        "$(sdp 'm=audio 99999999 RTP/AVP 0\r\n')" \
        "$(sdp 'm=audio 4000 RTP/AVP\r\n')" \
        "$(sdp 'm=audio 4000 RTP/AVP abc -1 300\r\na=rtpmap:abc\r\n')" \
        "$(sdp 'm=audio 4000 RTP/AVP 96\r\na=rtpmap:96 PCMU\r\na=rtpmap:96 /8000\r\n')" \
        "$(sdp 'm=audio 4000 RTP/AVP 0\r\nc=IN IP4 \r\nc=IN IP6 zz\r\n')" \
        "$(sdp 'm=video 4000 RTP/AVP 31\r\n')" \
        'v=0\r\n\x00\x01\x02\r\nm=\r\n' \
        'garbage'; do
        invite "${#body}" "$body" | udp_send "$p"
    done
    long=$(head -c 6000 /dev/zero | tr '\0' 'a')
    body=$(sdp "m=audio 4000 RTP/AVP 0\r\na=fmtp:0 $long\r\n")
    invite "${#body}" "$body" | udp_send "$p"
    body=$(sdp "m=audio 4000 RTP/AVP $(seq -s ' ' 0 127)\r\n")
    invite "${#body}" "$body" | udp_send "$p"
}

# RTP header: V=2 and the given flags/CC byte, M/PT byte, seq, timestamp, SSRC.
rtp() { printf "\\x$1\\x$2\\x$3\\x$4\\x00\\x00\\x00\\x$5\\xde\\xad\\xbe\\xef"; }

garbage_rtp() {
    local p=$1 c=$(($1 + 1)) i
    head -c 1 /dev/urandom | udp_send "$p"
    head -c 11 /dev/urandom | udp_send "$p"
    head -c 172 /dev/urandom | udp_send "$p"
    head -c 1472 /dev/urandom | udp_send "$p"
    rtp 80 08 00 01 a0 | udp_send "$p"                             # header only, no payload
    { rtp 00 08 00 02 a0; head -c 160 /dev/zero; } | udp_send "$p" # version 0
    { rtp c0 08 00 03 a0; head -c 160 /dev/zero; } | udp_send "$p" # version 3
    rtp 8f 08 00 04 a0 | udp_send "$p"                             # 15 CSRCs, none there
    { rtp 90 08 00 05 a0; printf '\xbe\xde\xff\xff'; } | udp_send "$p" # huge extension
    { rtp a0 08 00 06 a0; head -c 10 /dev/zero; printf '\xff'; } | udp_send "$p" # padding 255
    { rtp a0 08 00 07 a0; head -c 10 /dev/zero; printf '\x00'; } | udp_send "$p" # padding 0
    { rtp 80 08 00 08 a0; head -c 1400 /dev/urandom; } | udp_send "$p" # oversized frame
    { rtp 80 7f 00 09 a0; head -c 160 /dev/urandom; } | udp_send "$p" # unknown PT 127
    { rtp 80 65 00 0a a0; printf '\x05'; } | udp_send "$p"          # truncated telephone-event
    { rtp 80 e5 00 0b a0; printf '\xc8\x8a\xff\xff'; } | udp_send "$p" # event 200, end, max dur
    { rtp 80 65 00 0c a0; printf '\x05\x0a\x00\x00'; } | udp_send "$p" # digit 5, duration 0
    for i in ff 00 80 7f; do # wild sequence numbers and timestamps
        { rtp 80 08 "$i" "$i" "$i"; head -c 160 /dev/urandom; } | udp_send "$p"
    done
    head -c 1 /dev/urandom | udp_send "$c"
    head -c 700 /dev/urandom | udp_send "$c"
    printf '\x80\xc8\x00\x06\xde\xad\xbe\xef' | udp_send "$c"          # SR cut short
    printf '\x80\xc9\xff\xff\xde\xad\xbe\xef' | udp_send "$c"          # RR, length too big
    printf '\x9f\xcb\x00\x01\xde\xad\xbe\xef' | udp_send "$c"          # BYE claiming 31 SSRCs
    printf '\x81\xca\x00\x02\xde\xad\xbe\xef\x01\xff' | udp_send "$c"  # SDES item overrun
    printf '\x80\xc8\x00\x00' | udp_send "$c"                          # length 0
    { printf '\x80\xcc\x00\x03\xde\xad\xbe\xefname'; head -c 100 /dev/urandom; } | udp_send "$c"
}

ms_start "$WIRE_DIR/scripts"

log "garbage to the SIP port"
garbage_sip
ms_alive
sipp_ok after_sip 20 -sf "$WIRE_DIR/scenarios/reject_404.xml" -s 5555
log "ok: the server still answers SIP after garbage"

sipp_setup active
sox -n -r 8000 -c 1 -t al "$SIPP_DIR/audio.alaw" synth 1 sine 440 vol 0.3 ||
    fail "sox cannot make the caller's audio"
sipp_bg active 40 -sf "$WIRE_DIR/scenarios/call_rtp.xml" -s 2001 -d 5000
answered() { grep -q "^m=audio" "$SIPP_MSG" 2>/dev/null && [ -n "$(sipp_server_rtp_port)" ]; }
poll 15 answered || fail "the call to 2001 was not answered within 15 s"
rtp_port=$(sipp_server_rtp_port)
log "garbage RTP and RTCP to the active call's ports $rtp_port/$((rtp_port + 1))"
garbage_rtp "$rtp_port"
ms_alive
sipp_wait
[ "$SIPP_RC" -eq 0 ] || fail "the call in progress did not end normally (SIPp exit $SIPP_RC)"
call_id=$(sed -n 's/^Call-ID: *//p' "$SIPP_MSG" | head -n 1 | tr -d '\r')
w="json_extract(vars, '\$.sip_call_id') = '$call_id'"
cdr_wait "$w"
cdr_expect "$w" hangup_by caller
cdr_expect "$w" hangup_cause NORMAL_CLEARING

sipp_setup normal
sox -n -r 8000 -c 1 -t al "$SIPP_DIR/audio.alaw" synth 1 sine 440 vol 0.3
sipp_ok normal 20 -sf "$WIRE_DIR/scenarios/call_rtp.xml" -s 2001 -d 1000
log "ok: a new call works"
ms_stop 10
pass
