/* RTP fixed header (RFC 3550 section 5.1): parse, write, sequence arithmetic.
 *
 * Pure functions on caller-owned buffers; nothing is allocated or kept.
 * A parsed header (struct ms__rtp_header) points into the buffer it was
 * parsed from: it is valid as long as that buffer is.
 */
#ifndef MS_RTP_PACKET_H
#define MS_RTP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__RTP_VERSION     2
#define MS__RTP_HEADER_LEN  12   /* fixed header, no CSRC, no extension */
#define MS__RTP_MAX_PACKET  1500 /* largest datagram we read or write */
#define MS__RTP_MAX_PAYLOAD (MS__RTP_MAX_PACKET - MS__RTP_HEADER_LEN)

struct ms__rtp_header {
    bool marker;
    uint8_t pt;   /* payload type, 0..127 */
    uint16_t seq; /* sequence number */
    uint32_t ts;  /* RTP timestamp */
    uint32_t ssrc;
    uint8_t csrc_count;     /* parse only: CSRCs skipped */
    bool has_extension;     /* parse only: header extension skipped */
    uint8_t padding;        /* parse only: padding bytes stripped */
    const uint8_t *payload; /* parse only: points into the parsed buffer */
    size_t payload_len;     /* parse only */
};

/* Parses an RTP packet. Checks the version, skips CSRCs and the header
 * extension, strips padding. Returns 0, or MS_EPROTO for a wrong version,
 * a truncated packet or an inconsistent padding length. Never reads past
 * buf[len - 1]. */
int ms__rtp_parse(const uint8_t *buf, size_t len, struct ms__rtp_header *out);

/* Writes the 12-byte fixed header (version 2, no padding, CSRC or
 * extension) for marker, pt, seq, ts, ssrc of h. Returns
 * MS__RTP_HEADER_LEN, or MS_EMSGSIZE if cap is too small, MS_EINVAL if
 * pt > 127. */
int ms__rtp_write_header(uint8_t *buf, size_t cap, const struct ms__rtp_header *h);

/* True if the datagram is RTCP multiplexed on the RTP port (RFC 5761):
 * version 2 and a second byte in 192..223 (RTCP packet types SR 200 ..
 * APP 204 and feedback types; RTP payload types 64..95 are not used with
 * rtcp-mux for that reason). */
bool ms__rtp_is_rtcp(const uint8_t *buf, size_t len);

/* Signed distance a - b between two 16-bit sequence numbers, across the
 * wrap: ms__rtp_seq_diff(2, 65534) == 4, ms__rtp_seq_diff(65534, 2) == -4.
 * Result in -32768..32767. */
static inline int ms__rtp_seq_diff(uint16_t a, uint16_t b)
{
    return (int16_t)(uint16_t)(a - b);
}

/* Signed distance a - b between two 32-bit RTP timestamps, across the wrap. */
static inline int32_t ms__rtp_ts_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

/* Big-endian helpers shared by the RTP, RFC 4733 and RTCP code. */
static inline uint16_t ms__rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t ms__rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void ms__wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void ms__wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
