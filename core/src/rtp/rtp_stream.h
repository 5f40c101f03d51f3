/* One audio RTP session (RFC 3550 + RFC 4733) on libuv UDP sockets.
 *
 * Ownership: a stream is owned by the call's media pipeline, which opens
 * it with ms__rtp_stream_open and closes it with ms__rtp_stream_close; no
 * one else holds a reference. Every function must be called from the
 * thread of the loop the stream was opened on. The stream creates no
 * timers: the owner drives it once per 20 ms tick with ms__rtp_stream_read
 * and ms__rtp_stream_write.
 *
 * Close: ms__rtp_stream_close sends an RTCP BYE (if a destination is
 * known), stops reading and closes both sockets; no callback runs after it
 * returns (it may be called from inside on_dtmf); the memory is freed in
 * the sockets' close callbacks, so the loop must run once more.
 *
 * Receiving (symmetric RTP): until set_params has been called every packet
 * is dropped as unexpected-source. Then the first valid packet (version 2,
 * the audio or telephone-event PT) from any address "latches": we send to
 * that address instead of the SDP one. Packets from another address are
 * dropped, except telephone-event packets from the latched IP (other port),
 * whose digits are reported without moving the latch. A latch made by a
 * telephone-event packet yields to the first audio packet from the same IP.
 * If the latched source has been silent for 2 s, the next valid packet
 * from a new source re-latches. A changed remote in set_params unlatches.
 */
#ifndef MS_RTP_STREAM_H
#define MS_RTP_STREAM_H

#include "rtp/rtp_ports.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

struct ms__rtp_stream;

struct ms__rtp_stream_cb {
    /* RFC 4733 digit received ('0'-'9', '*', '#', 'A'-'D'), once per event,
     * as soon as the event is first seen. May be NULL. */
    void (*on_dtmf)(void *ud, char digit);
    /* The same digit's end, with its duration. Optional (may be NULL). */
    void (*on_dtmf_end)(void *ud, char digit, int duration_ms);
};

struct ms__rtp_params {
    struct sockaddr_storage remote; /* from the SDP; AF_UNSPEC, port 0 or 0.0.0.0 = unknown/hold */
    int audio_pt;                   /* negotiated payload type, e.g. 0 PCMU, 8 PCMA */
    int clock_rate;                 /* RTP clock of the audio (8000 for G.711 and G.722) */
    int samples_per_frame;          /* per tick: 160 for 20 ms at 8 kHz */
    int dtmf_pt;                    /* telephone-event PT, or -1 if not negotiated */
    bool send;                      /* false while the remote put us on hold/inactive */
};

/* Counters for the benchmark, CDR and logs. "bytes" are whole RTP packets
 * (header included). Snapshot; see ms__rtp_stream_stats. */
struct ms__rtp_stats {
    uint64_t rx_packets, rx_bytes; /* accepted RTP (audio and telephone-event) */
    uint64_t tx_packets, tx_bytes; /* RTP sent */
    uint64_t tx_dropped;           /* uv_udp_try_send said EAGAIN/ENOBUFS */
    uint64_t tx_errors;            /* other send errors */
    uint64_t dropped_unexpected_source;
    uint64_t dropped_truncated; /* not parseable as RTP, or empty audio */
    uint64_t dropped_unknown_pt;
    uint64_t dropped_bad_event; /* telephone-event shorter than 4 bytes or code > 15 */
    /* jitter buffer */
    uint64_t lost; /* frames missing at playout */
    uint64_t late, duplicate, oversize, discarded, resyncs;
    double jitter_ms;  /* RFC 3550 interarrival jitter of the received audio */
    int32_t rtcp_lost; /* RFC 3550 cumulative lost of the remote source */
    /* RTCP */
    uint64_t rtcp_rx, rtcp_tx, rtcp_bad;
    bool remote_report;           /* the remote sent a report block about us */
    uint8_t remote_fraction_lost; /* its last view of our stream, / 256 */
    int32_t remote_cumulative_lost;
    double remote_jitter_ms;
    double rtt_ms; /* from LSR/DLSR; -1 if unknown */
    /* DTMF */
    uint64_t dtmf_rx, dtmf_tx; /* digits reported / events sent */
    /* addresses and identities */
    bool latched;
    struct sockaddr_storage latched_addr;
    uint32_t local_ssrc, remote_ssrc;
};

/* Opens a stream: binds an RTP/RTCP port pair on local_ip ("127.0.0.1",
 * "::1", ...) from ports and starts reading. cb is copied; ud is passed
 * back to it. Returns 0 and sets *out, or MS_EINVAL (bad argument or
 * address), MS_EBUSY (port range exhausted), MS_ENOMEM, or a libuv/errno
 * code (if libuv refused the sockets, their memory is released by the
 * loop's close callbacks: run the loop). */
int ms__rtp_stream_open(struct ms__rtp_stream **out, uv_loop_t *loop, const char *local_ip,
                        struct ms__rtp_ports *ports, const struct ms__rtp_stream_cb *cb, void *ud);
/* The local RTP port (RTCP is this + 1). */
uint16_t ms__rtp_stream_port(const struct ms__rtp_stream *s);
/* Call id (or any tag) for log lines; copied, truncated to 63 chars. */
void ms__rtp_stream_set_log_id(struct ms__rtp_stream *s, const char *id);
/* Sets or changes (re-INVITE) the session parameters. A changed remote
 * address unlatches; a changed audio PT, clock or frame restarts the
 * jitter buffer; dtmf_pt -1 drops digits queued for sending. Returns 0 or
 * MS_EINVAL (PT out of 0..127, equal PTs, clock or frame <= 0, frame >
 * clock, remote of another address family than local_ip). */
int ms__rtp_stream_set_params(struct ms__rtp_stream *s, const struct ms__rtp_params *p);
/* Once per tick: the next received audio frame (encoded, of audio_pt).
 * Returns 1 with the frame copied to buf and *len set; 0 if none this tick
 * (loss, silence, DTMF, not started); MS_EMSGSIZE if cap is too small (the
 * frame is dropped). */
int ms__rtp_stream_read(struct ms__rtp_stream *s, uint8_t *buf, size_t cap, size_t *len);
/* Once per tick: sends one frame (len 0 sends no audio this tick). The
 * RTP timestamp advances by samples_per_frame on every call, whether
 * audio, a telephone-event packet (which replaces the audio while a digit
 * is being sent) or nothing is sent (on hold, no destination; a digit due
 * then is consumed unsent). The first audio packet, and the first after
 * a hold, carry the marker bit. Also sends the RTCP report when due (every
 * 4-6 s of ticks). Returns 0; MS_ESTATE before set_params or after close;
 * MS_EINVAL for len > 0 with no payload; MS_EMSGSIZE if len >
 * MS__RTP_MAX_PAYLOAD. A send failure is counted, not returned. */
int ms__rtp_stream_write(struct ms__rtp_stream *s, const uint8_t *payload, size_t len);
/* Queues an RFC 4733 digit (duration_ms <= 0: 100 ms; clamped to 40..5000)
 * to be sent by the next writes. Returns 0, MS_EINVAL for a bad digit,
 * MS_ENOSYS if no telephone-event was negotiated, MS_ENOSPC if 32 digits
 * are already queued. */
int ms__rtp_stream_send_dtmf(struct ms__rtp_stream *s, char digit, int duration_ms);
/* A snapshot of the counters. */
void ms__rtp_stream_stats(const struct ms__rtp_stream *s, struct ms__rtp_stats *out);
/* How long (ms) the latched source must be silent before another source
 * may take over; 2000 by default. For tests and tuning. */
void ms__rtp_stream_set_relatch_ms(struct ms__rtp_stream *s, uint32_t ms);
/* See the header comment. NULL is ignored. */
void ms__rtp_stream_close(struct ms__rtp_stream *s);

#endif
