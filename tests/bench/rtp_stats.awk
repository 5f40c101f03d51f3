# Per-stream RTP timing from a capture, as printed by
#   tshark -T fields -e frame.time_epoch -e rtp.ssrc -e rtp.seq -e rtp.timestamp -e rtp.p_type
# Audio packets only (PT 0 and 8, 8 kHz clock). Writes every inter-packet gap
# (ms) to the file given with -v gaps=FILE and prints one line:
#   streams packets lost jitter_max_ms
# lost: sequence numbers missing between a stream's first and last packet;
# jitter: RFC 3550 interarrival jitter of the send times, the worst stream's.
$5 != 0 && $5 != 8 { next }
{
    s = $2
    if (base == "") base = int($1)
    t = ($1 - base) * 1000
    seq = $3 + 0
    ts = $4 + 0
    if (s in n) {
        g = t - last_t[s]
        print g > gaps
        d = seq - last_seq[s]
        if (d < -32768) d += 65536
        else if (d > 32768) d -= 65536
        if (d > 0) span[s] += d
        dts = ts - last_ts[s]
        if (dts < -2147483648) dts += 4294967296
        D = g - dts / 8
        if (D < 0) D = -D
        J[s] += (D - J[s]) / 16
    } else {
        n[s] = 0
        span[s] = 0
        J[s] = 0
        streams++
    }
    n[s]++
    packets++
    last_t[s] = t
    last_seq[s] = seq
    last_ts[s] = ts
}
END {
    for (s in n) {
        miss = span[s] + 1 - n[s]
        if (miss > 0) lost += miss
        if (J[s] > jmax) jmax = J[s]
    }
    printf "%d %d %d %.2f\n", streams, packets, lost, jmax
}
