# baresip as a wire-test caller (sourced after lib.sh): a real softphone with
# no terminal, driven over its ctrl_tcp socket (netstring-framed JSON). Its
# audio source is a WAV file (aufile: the call hangs up when the file ends);
# the sndfile module records what it sends (dump-*-enc.wav) and what it hears
# (dump-*-dec.wav) in $BS_DIR.
#
#   bs_setup NAME SOURCE.wav; bs_start SECONDS
#   bs_cmd dial "sip:9196@127.0.0.1:$SIP_PORT"; bs_wait_event CALL_ESTABLISHED 10
#   bs_cmd sndcode 2; bs_wait_event CALL_CLOSED 20; bs_stop
#
# And two measurements on recordings, in 20 ms frames:
#   audio_env FILE LO HI     RMS (0..1) per frame in the band LO-HI Hz
#   echo_check SENT HEARD    finds the lag at which HEARD repeats SENT's tone

# bs_setup NAME SOURCE_WAV: a config directory $BS_DIR on free ports.
bs_setup() {
    BS_DIR="$WT/$1"
    mkdir -p "$BS_DIR"
    local sip ctrl rtp
    sip=$(free_ports 1) || fail "no free port for baresip"
    ctrl=$(free_ports 1) || fail "no free port for baresip"
    rtp=$(free_ports 20) || fail "no free RTP ports for baresip"
    BS_CTRL=$ctrl
    cat >"$BS_DIR/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$sip
net_interface		127.0.0.1
audio_source		aufile,$2
audio_player		aufile,$BS_DIR/unused.wav
audio_alert		aufile,$BS_DIR/unused.wav
rtp_ports		$rtp-$((rtp + 19))
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			sndfile.so
module			menu.so
module			ctrl_tcp.so
module_app		account.so
ctrl_tcp_listen		127.0.0.1:$ctrl
snd_path		$BS_DIR
EOF
    echo "<sip:wire@127.0.0.1>;regint=0" >"$BS_DIR/accounts"
    : >"$BS_DIR/events.log"
    WIRE_LOGS="$BS_DIR/baresip.log $BS_DIR/events.log"
}

# bs_start SECONDS: starts baresip (killed after SECONDS at most) and connects
# to its control socket; a reader appends every message to $BS_DIR/events.log.
bs_start() {
    timeout -k 5 "$1" baresip -f "$BS_DIR" >"$BS_DIR/baresip.log" 2>&1 &
    BS_PID=$!
    WIRE_PIDS="$WIRE_PIDS $BS_PID"
    poll 10 bs_listening || fail "baresip's control socket did not open within 10 s"
    exec {BS_FD}<>"/dev/tcp/127.0.0.1/$BS_CTRL" || fail "cannot connect to baresip's control socket"
    bs_reader <&"$BS_FD" >>"$BS_DIR/events.log" &
    WIRE_PIDS="$WIRE_PIDS $!"
    log "baresip pid $BS_PID, control 127.0.0.1:$BS_CTRL"
}

bs_listening() { alive "$BS_PID" && port_bound "$BS_CTRL"; }

# Reads netstrings ("LEN:DATA,") from stdin, prints one DATA per line.
bs_reader() {
    local len msg
    while IFS= read -r -d ':' len; do
        [[ $len =~ ^[0-9]+$ ]] || return 1
        IFS= read -r -N "$len" msg || return 1
        IFS= read -r -N 1 _ # the closing comma
        printf '%s\n' "$msg"
    done
}

# bs_cmd COMMAND [PARAMS]: sends one long command (e.g. dial, sndcode, hangup, quit).
bs_cmd() {
    local json
    json=$(printf '{"command":"%s","params":"%s","token":"%s"}' "$1" "${2:-}" "$RANDOM")
    log "baresip: $1 ${2:-}"
    printf '%d:%s,' "${#json}" "$json" >&"$BS_FD"
}

# bs_wait_event TYPE SECONDS: waits for an event such as CALL_ESTABLISHED.
bs_wait_event() {
    poll "$2" grep -q "\"type\":\"$1\"" "$BS_DIR/events.log" ||
        fail "baresip: no $1 event within $2 s"
    log "baresip: $1"
}

# bs_stop: asks baresip to quit, then makes sure it is gone.
bs_stop() {
    alive "$BS_PID" && bs_cmd quit 2>/dev/null
    poll 5 not_alive "$BS_PID" || kill "$BS_PID" 2>/dev/null
    wait "$BS_PID" 2>/dev/null
    exec {BS_FD}>&-
}

# bs_recording dec|enc: the path of the recording of the (single) call.
bs_recording() {
    local f
    for f in "$BS_DIR"/dump-*-"$1".wav; do
        [ -s "$f" ] && { echo "$f"; return 0; }
    done
    fail "baresip made no $1 recording in $BS_DIR"
}

# audio_env FILE LO HI: RMS (full scale 1.0) of each 20 ms frame of FILE after
# a band-pass LO-HI Hz, one value per line. FILE must be 8 kHz mono.
audio_env() {
    sox "$1" -t dat - sinc "$2-$3" 2>/dev/null | awk '
        /^;/ { next }
        { n = int(i / 160); i++; s[n] += $2 * $2; if (n > m) m = n }
        END { for (k = 0; k <= m; k++) printf "%.5f\n", sqrt(s[k] / 160) }'
}

# echo_check SENT_ENV HEARD_ENV: frames where SENT carries the tone (> 0.1)
# must come back in HEARD at one lag (searched from -10 to +40 frames) with
# at least 90% of them loud (> 0.05) and at most 10% of the quiet frames
# between the tone bursts loud. Prints "lag_ms matched/on false/off level_db"
# (level_db: echoed tone frames against the quiet frames) and returns 1 if
# the pattern is not there.
echo_check() {
    awk -v thr_on=0.1 -v thr_heard=0.05 '
        NR == FNR { sent[FNR - 1] = $1; ns = FNR; next }
        { heard[FNR - 1] = $1; nh = FNR }
        END {
            first = -1
            for (i = 0; i < ns; i++)
                if (sent[i] > thr_on) { if (first < 0) first = i; last = i; on++ }
            if (on == 0) { print "no tone in the sent audio"; exit 1 }
            best = -1
            for (lag = -10; lag <= 40; lag++) {
                hit = 0; fa = 0; off = 0
                for (i = first; i <= last; i++) {
                    h = (i + lag >= 0 && i + lag < nh) ? heard[i + lag] : 0
                    if (sent[i] > thr_on) hit += (h > thr_heard)
                    else if (sent[i] < 0.01) { off++; fa += (h > thr_heard) }
                }
                score = hit - fa
                if (score > best) { best = score; bl = lag; bh = hit; bf = fa; bo = off }
            }
            son = 0; soff = 0; non = 0; noff = 0
            for (i = first; i <= last; i++) {
                h = (i + bl >= 0 && i + bl < nh) ? heard[i + bl] : 0
                if (sent[i] > thr_on) { son += h * h; non++ }
                else if (sent[i] < 0.01) { soff += h * h; noff++ }
            }
            db = (soff > 0 && noff > 0) ? 10 * log((son / non) / (soff / noff)) / log(10) : 99
            printf "%d %d/%d %d/%d %.1f\n", bl * 20, bh, on, bf, bo, db
            exit !(bh >= 0.9 * on && bf <= 0.1 * bo && db >= 20)
        }' "$1" "$2"
}

# env_find NEEDLE_ENV HAYSTACK_ENV: slides NEEDLE (e.g. a prompt's envelope)
# along HAYSTACK (what was heard) and prints "best_correlation frame" for the
# lag where their envelopes correlate best (Pearson, over NEEDLE's length).
# NEEDLE may run up to a quarter of its length past HAYSTACK's end (counted as
# silence): a phone drops the audio still in its jitter buffer at hangup.
env_find() {
    awk '
        NR == FNR { a[FNR - 1] = $1; na = FNR; next }
        { b[FNR - 1] = $1; nb = FNR }
        END {
            for (i = nb; i < nb + na; i++) b[i] = 0
            ma = 0; for (i = 0; i < na; i++) ma += a[i]; ma /= na
            va = 0; for (i = 0; i < na; i++) va += (a[i] - ma) ^ 2
            best = -2; at = -1
            for (lag = 0; lag + int(na * 3 / 4) <= nb; lag++) {
                mb = 0; for (i = 0; i < na; i++) mb += b[lag + i]; mb /= na
                cov = 0; vb = 0
                for (i = 0; i < na; i++) {
                    d = b[lag + i] - mb; cov += (a[i] - ma) * d; vb += d * d
                }
                r = (va > 0 && vb > 0) ? cov / sqrt(va * vb) : 0
                if (r > best) { best = r; at = lag }
            }
            printf "%.3f %d\n", best, at
        }' "$1" "$2"
}
