#include "rtp/rtcp.h"

#include "moonswitch/error.h"
#include "rtp/rtp_packet.h"

#include <string.h>
#include <time.h>

#define HDR_LEN         4
#define BLOCK_LEN       24
#define SI_LEN          20
#define NTP_UNIX_OFFSET 2208988800u /* seconds from 1900 to 1970 */

/* ---- Build ---- */

static void put_header(uint8_t *p, unsigned count, unsigned type, size_t len)
{
    p[0] = (uint8_t)((2 << 6) | (count & 0x1f));
    p[1] = (uint8_t)type;
    ms__wr16(p + 2, (uint16_t)(len / 4 - 1));
}

static void put_block(uint8_t *p, const struct ms__rtcp_report_block *b)
{
    int32_t lost = b->cumulative_lost;
    if (lost > 0x7fffff)
        lost = 0x7fffff;
    if (lost < -0x800000)
        lost = -0x800000;
    ms__wr32(p, b->ssrc);
    ms__wr32(p + 4, ((uint32_t)b->fraction_lost << 24) | ((uint32_t)lost & 0xffffff));
    ms__wr32(p + 8, b->ext_max_seq);
    ms__wr32(p + 12, b->jitter);
    ms__wr32(p + 16, b->lsr);
    ms__wr32(p + 20, b->dlsr);
}

static size_t put_report(uint8_t *p, const struct ms__rtcp_report *r)
{
    size_t len = HDR_LEN + 4 + (r->sender ? SI_LEN : 0) + (r->has_block ? BLOCK_LEN : 0);
    put_header(p, r->has_block, r->sender ? MS__RTCP_SR : MS__RTCP_RR, len);
    ms__wr32(p + 4, r->ssrc);
    uint8_t *q = p + 8;
    if (r->sender) {
        ms__wr32(q, (uint32_t)(r->si.ntp >> 32));
        ms__wr32(q + 4, (uint32_t)r->si.ntp);
        ms__wr32(q + 8, r->si.rtp_ts);
        ms__wr32(q + 12, r->si.packet_count);
        ms__wr32(q + 16, r->si.octet_count);
        q += SI_LEN;
    }
    if (r->has_block)
        put_block(q, &r->block);
    return len;
}

/* SDES with one chunk: SSRC, CNAME item, end item, zero padding to 32 bits. */
static size_t put_sdes(uint8_t *p, uint32_t ssrc, const char *cname)
{
    size_t n = strnlen(cname, MS__RTCP_MAX_CNAME);
    size_t len = (HDR_LEN + 4 + 2 + n + 1 + 3) & ~(size_t)3;
    memset(p, 0, len);
    put_header(p, 1, MS__RTCP_SDES, len);
    ms__wr32(p + 4, ssrc);
    p[8] = 1; /* CNAME */
    p[9] = (uint8_t)n;
    memcpy(p + 10, cname, n);
    return len;
}

static size_t put_bye(uint8_t *p, uint32_t ssrc)
{
    put_header(p, 1, MS__RTCP_BYE, 8);
    ms__wr32(p + 4, ssrc);
    return 8;
}

int ms__rtcp_build(uint8_t *buf, size_t cap, const struct ms__rtcp_report *r)
{
    if (cap < MS__RTCP_MAX_PACKET)
        return MS_EMSGSIZE;
    size_t len = put_report(buf, r);
    if (r->cname && r->cname[0])
        len += put_sdes(buf + len, r->ssrc, r->cname);
    if (r->bye)
        len += put_bye(buf + len, r->ssrc);
    return (int)len;
}

/* ---- Parse ---- */

static void get_block(const uint8_t *p, struct ms__rtcp_report_block *b)
{
    uint32_t w = ms__rd32(p + 4);
    uint32_t lost = w & 0xffffff;
    b->ssrc = ms__rd32(p);
    b->fraction_lost = (uint8_t)(w >> 24);
    b->cumulative_lost = (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
    b->ext_max_seq = ms__rd32(p + 8);
    b->jitter = ms__rd32(p + 12);
    b->lsr = ms__rd32(p + 16);
    b->dlsr = ms__rd32(p + 20);
}

/* An SR or RR of len bytes (padding removed). */
static int parse_report(const uint8_t *p, size_t len, uint32_t our_ssrc, struct ms__rtcp_info *out)
{
    bool sr = p[1] == MS__RTCP_SR;
    unsigned rc = p[0] & 0x1f;
    size_t need = HDR_LEN + 4 + (sr ? SI_LEN : 0);
    if (len < need + (size_t)rc * BLOCK_LEN)
        return MS_EPROTO;
    if (!out->has_report) {
        out->has_report = true;
        out->sender_ssrc = ms__rd32(p + 4);
    }
    if (sr && !out->has_sr) {
        out->has_sr = true;
        out->si.ntp = ((uint64_t)ms__rd32(p + 8) << 32) | ms__rd32(p + 12);
        out->si.rtp_ts = ms__rd32(p + 16);
        out->si.packet_count = ms__rd32(p + 20);
        out->si.octet_count = ms__rd32(p + 24);
    }
    for (unsigned i = 0; i < rc; i++) {
        const uint8_t *b = p + need + (size_t)i * BLOCK_LEN;
        if (ms__rd32(b) == our_ssrc) {
            get_block(b, &out->block);
            out->has_block = true;
        }
    }
    return 0;
}

/* One sub-packet at p with at most `left` bytes; returns its length or MS_EPROTO. */
static int parse_one(const uint8_t *p, size_t left, uint32_t our_ssrc, struct ms__rtcp_info *out)
{
    if (left < HDR_LEN || (p[0] >> 6) != 2 || p[1] < 192 || p[1] > 223)
        return MS_EPROTO;
    size_t len = ((size_t)ms__rd16(p + 2) + 1) * 4;
    if (len > left)
        return MS_EPROTO;
    size_t body = len;
    if (p[0] & 0x20) {
        uint8_t pad = p[len - 1];
        if (len != left || pad == 0 || pad > len - HDR_LEN)
            return MS_EPROTO; /* padding only on the last packet */
        body -= pad;
    }
    out->packets++;
    if (p[1] == MS__RTCP_SR || p[1] == MS__RTCP_RR) {
        if (parse_report(p, body, our_ssrc, out) < 0)
            return MS_EPROTO;
    } else if (p[1] == MS__RTCP_BYE) {
        out->bye = true;
        if ((p[0] & 0x1f) >= 1 && body >= 8 && !out->sender_ssrc)
            out->sender_ssrc = ms__rd32(p + 4); /* the first SSRC leaving */
    }
    return (int)len;
}

int ms__rtcp_parse(const uint8_t *buf, size_t len, uint32_t our_ssrc, struct ms__rtcp_info *out)
{
    memset(out, 0, sizeof *out);
    if (len < HDR_LEN || len % 4 != 0)
        return MS_EPROTO;
    size_t off = 0;
    while (off < len) {
        int n = parse_one(buf + off, len - off, our_ssrc, out);
        if (n < 0)
            return n;
        off += (size_t)n;
    }
    return 0;
}

/* ---- Time ---- */

uint64_t ms__ntp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t sec = (uint64_t)ts.tv_sec + NTP_UNIX_OFFSET;
    uint64_t frac = ((uint64_t)ts.tv_nsec << 32) / 1000000000u;
    return (sec << 32) | frac;
}

double ms__rtcp_rtt_ms(uint64_t now, uint32_t lsr, uint32_t dlsr)
{
    if (lsr == 0)
        return -1;
    int32_t rtt = (int32_t)(ms__ntp_short(now) - lsr - dlsr);
    if (rtt < 0)
        return -1;
    return rtt * 1000.0 / 65536.0;
}
