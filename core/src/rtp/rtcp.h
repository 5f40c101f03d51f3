/* RTCP wire format (RFC 3550 section 6): build and parse compound packets.
 *
 * Pure functions on caller-owned buffers; nothing is allocated or kept.
 * We send SR or RR with at most one report block, an SDES CNAME chunk and
 * optionally a BYE. We parse any compound packet: every sub-packet must be
 * version 2, of an RTCP packet type (192..223), with lengths that add up
 * exactly to the datagram and padding only on the last one; SR and RR
 * blocks must fit. Anything else is rejected as a whole with MS_EPROTO.
 */
#ifndef MS_RTP_RTCP_H
#define MS_RTP_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__RTCP_SR   200
#define MS__RTCP_RR   201
#define MS__RTCP_SDES 202
#define MS__RTCP_BYE  203
#define MS__RTCP_APP  204

#define MS__RTCP_MAX_PACKET 256 /* what ms__rtcp_build needs at most */
#define MS__RTCP_MAX_CNAME  64

/* A report block; lsr/dlsr in NTP short format (1/65536 s). */
struct ms__rtcp_report_block {
    uint32_t ssrc;           /* the source this block is about */
    uint8_t fraction_lost;   /* lost since the previous report, / 256 */
    int32_t cumulative_lost; /* 24-bit signed on the wire */
    uint32_t ext_max_seq;    /* cycles << 16 | highest sequence number */
    uint32_t jitter;         /* interarrival jitter, RTP clock units */
    uint32_t lsr;            /* middle 32 bits of the last SR's NTP time, 0 if none */
    uint32_t dlsr;           /* delay since that SR was received */
};

struct ms__rtcp_sender_info {
    uint64_t ntp;          /* NTP timestamp (32.32) of the report */
    uint32_t rtp_ts;       /* RTP timestamp of the same instant */
    uint32_t packet_count; /* RTP packets sent */
    uint32_t octet_count;  /* RTP payload octets sent */
};

/* What to build. */
struct ms__rtcp_report {
    uint32_t ssrc;
    bool sender; /* SR with si, else RR */
    struct ms__rtcp_sender_info si;
    bool has_block; /* one report block */
    struct ms__rtcp_report_block block;
    const char *cname; /* SDES CNAME; NULL or "" for none; truncated to 64 */
    bool bye;          /* append a BYE */
};

/* What a received compound packet said. */
struct ms__rtcp_info {
    unsigned packets;               /* sub-packets */
    bool has_report;                /* an SR or RR was present */
    uint32_t sender_ssrc;           /* SSRC of the first SR or RR */
    bool has_sr;                    /* an SR was present: si is valid */
    struct ms__rtcp_sender_info si; /* from the SR */
    bool has_block;                 /* a report block about our SSRC */
    struct ms__rtcp_report_block block;
    bool bye;
};

/* Builds a compound packet. Returns its length, or MS_EMSGSIZE if cap is
 * too small (MS__RTCP_MAX_PACKET is always enough). */
int ms__rtcp_build(uint8_t *buf, size_t cap, const struct ms__rtcp_report *r);

/* Parses a compound packet; takes the report block whose SSRC is our_ssrc.
 * Returns 0 or MS_EPROTO. Never reads past buf[len - 1]. */
int ms__rtcp_parse(const uint8_t *buf, size_t len, uint32_t our_ssrc, struct ms__rtcp_info *out);

/* Current wall-clock time as a 64-bit NTP timestamp. */
uint64_t ms__ntp_now(void);

/* NTP short format (middle 32 bits) of an NTP timestamp. */
static inline uint32_t ms__ntp_short(uint64_t ntp)
{
    return (uint32_t)(ntp >> 16);
}

/* Round-trip time in ms from a report block received at NTP time `now`
 * (RFC 3550 6.4.1: now - LSR - DLSR); -1 if the block carries no LSR or the
 * result is negative (clock step). */
double ms__rtcp_rtt_ms(uint64_t now, uint32_t lsr, uint32_t dlsr);

#endif
