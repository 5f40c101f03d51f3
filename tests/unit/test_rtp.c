/* RTP fixed header: parse, write, sequence arithmetic, rtcp-mux detection. */
#include "moonswitch/error.h"
#include "rtp/rtp_packet.h"
#include "test.h"

#include <stdlib.h>

/* A packet: header fields of h, then csrc CSRCs, an extension of ext_words
 * words if ext_words >= 0, the payload, then pad bytes of padding. */
static size_t build(uint8_t *buf, const struct ms__rtp_header *h, int csrc, int ext_words,
                    const uint8_t *payload, size_t plen, int pad)
{
    size_t n = (size_t)ms__rtp_write_header(buf, 64, h);
    buf[0] |= (uint8_t)csrc;
    for (int i = 0; i < csrc; i++, n += 4)
        ms__wr32(buf + n, 0xc0c0c000u + (uint32_t)i);
    if (ext_words >= 0) {
        buf[0] |= 0x10;
        ms__wr16(buf + n, 0xbede);
        ms__wr16(buf + n + 2, (uint16_t)ext_words);
        n += 4;
        memset(buf + n, 0xee, 4u * (size_t)ext_words);
        n += 4u * (size_t)ext_words;
    }
    memcpy(buf + n, payload, plen);
    n += plen;
    if (pad > 0) {
        buf[0] |= 0x20;
        memset(buf + n, 0, (size_t)pad);
        n += (size_t)pad;
        buf[n - 1] = (uint8_t)pad;
    }
    return n;
}

static const uint8_t payload_[5] = {1, 2, 3, 4, 5};
static const struct ms__rtp_header hdr_ = {
    .marker = true, .pt = 8, .seq = 65535, .ts = 0xdeadbeef, .ssrc = 0x01020304};

static void test_round_trip(void)
{
    uint8_t buf[64];
    size_t n = build(buf, &hdr_, 0, -1, payload_, sizeof payload_, 0);
    CHECK_EQ_INT(n, 17);
    CHECK_EQ_INT(buf[0], 0x80);
    CHECK_EQ_INT(buf[1], 0x88);
    struct ms__rtp_header h;
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK(h.marker);
    CHECK_EQ_INT(h.pt, 8);
    CHECK_EQ_INT(h.seq, 65535);
    CHECK_EQ_INT(h.ts, 0xdeadbeef);
    CHECK_EQ_INT(h.ssrc, 0x01020304);
    CHECK_EQ_INT(h.csrc_count, 0);
    CHECK(!h.has_extension);
    CHECK_EQ_INT(h.payload_len, 5);
    CHECK(h.payload == buf + 12);
    CHECK(memcmp(h.payload, payload_, 5) == 0);
}

static void test_write_errors(void)
{
    uint8_t buf[12];
    struct ms__rtp_header h = hdr_;
    CHECK_EQ_INT(ms__rtp_write_header(buf, 11, &h), MS_EMSGSIZE);
    h.pt = 128;
    CHECK_EQ_INT(ms__rtp_write_header(buf, 12, &h), MS_EINVAL);
    h.pt = 0;
    h.marker = false;
    CHECK_EQ_INT(ms__rtp_write_header(buf, 12, &h), 12);
    CHECK_EQ_INT(buf[1], 0);
}

static void test_padding(void)
{
    uint8_t buf[64];
    struct ms__rtp_header h;
    size_t n = build(buf, &hdr_, 0, -1, payload_, sizeof payload_, 3);
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK_EQ_INT(h.payload_len, 5);
    CHECK_EQ_INT(h.padding, 3);
    /* padding eating the whole payload is legal */
    n = build(buf, &hdr_, 0, -1, payload_, 0, 4);
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK_EQ_INT(h.payload_len, 0);
    /* pad count 0, or longer than what follows the header: rejected */
    n = build(buf, &hdr_, 0, -1, payload_, sizeof payload_, 2);
    buf[n - 1] = 0;
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), MS_EPROTO);
    buf[n - 1] = 8;
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), MS_EPROTO);
    buf[n - 1] = 7;
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK_EQ_INT(h.payload_len, 0);
    /* the pad count may not reach into the CSRC list */
    n = build(buf, &hdr_, 2, -1, payload_, 0, 1);
    buf[n - 1] = 2;
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), MS_EPROTO);
}

static void test_csrc_and_extension(void)
{
    uint8_t buf[128];
    struct ms__rtp_header h;
    size_t n = build(buf, &hdr_, 3, -1, payload_, sizeof payload_, 0);
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK_EQ_INT(h.csrc_count, 3);
    CHECK(h.payload == buf + 24);
    CHECK_EQ_INT(h.payload_len, 5);

    n = build(buf, &hdr_, 0, 2, payload_, sizeof payload_, 0);
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK(h.has_extension);
    CHECK(h.payload == buf + 12 + 4 + 8);
    CHECK(memcmp(h.payload, payload_, 5) == 0);

    n = build(buf, &hdr_, 15, 0, payload_, sizeof payload_, 4);
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), 0);
    CHECK_EQ_INT(h.csrc_count, 15);
    CHECK(h.payload == buf + 12 + 60 + 4);
    CHECK_EQ_INT(h.payload_len, 5);

    /* extension length pointing past the end */
    n = build(buf, &hdr_, 1, 1, payload_, 0, 0);
    ms__wr16(buf + 16 + 2, 2);
    CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), MS_EPROTO);
}

/* Every prefix of a valid packet shorter than its header is rejected,
 * without reading past the prefix (each prefix is its own heap block, so
 * ASan catches an overread). */
static void test_truncated_every_length(void)
{
    uint8_t buf[128];
    size_t n = build(buf, &hdr_, 2, 1, payload_, sizeof payload_, 3);
    size_t header = 12 + 8 + 4 + 4;
    for (size_t len = 0; len <= n; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        struct ms__rtp_header h;
        int r = ms__rtp_parse(copy, len, &h);
        free(copy);
        if (len < n) {
            /* shorter than header + padding: the pad byte read is garbage */
            if (len < header + 1)
                CHECK_EQ_INT(r, MS_EPROTO);
        } else {
            CHECK_EQ_INT(r, 0);
            CHECK_EQ_INT(h.payload_len, 5);
        }
    }
    /* plain 12-byte header: 0..11 fail, 12 is an empty payload */
    n = build(buf, &hdr_, 0, -1, payload_, 0, 0);
    for (size_t len = 0; len < 12; len++) {
        struct ms__rtp_header h;
        CHECK_EQ_INT(ms__rtp_parse(buf, len, &h), MS_EPROTO);
    }
    struct ms__rtp_header h;
    CHECK_EQ_INT(ms__rtp_parse(buf, 12, &h), 0);
    CHECK_EQ_INT(h.payload_len, 0);
}

static void test_version(void)
{
    uint8_t buf[64];
    size_t n = build(buf, &hdr_, 0, -1, payload_, sizeof payload_, 0);
    struct ms__rtp_header h;
    for (int v = 0; v < 4; v++) {
        buf[0] = (uint8_t)((buf[0] & 0x3f) | (v << 6));
        CHECK_EQ_INT(ms__rtp_parse(buf, n, &h), v == 2 ? 0 : MS_EPROTO);
    }
}

static void test_seq_diff(void)
{
    CHECK_EQ_INT(ms__rtp_seq_diff(2, 65534), 4);
    CHECK_EQ_INT(ms__rtp_seq_diff(65534, 2), -4);
    CHECK_EQ_INT(ms__rtp_seq_diff(0, 65535), 1);
    CHECK_EQ_INT(ms__rtp_seq_diff(100, 100), 0);
    CHECK_EQ_INT(ms__rtp_seq_diff(32767, 0), 32767);
    CHECK_EQ_INT(ms__rtp_seq_diff(32768, 0), -32768);
    CHECK_EQ_INT(ms__rtp_ts_diff(10, 0xfffffff0u), 26);
    CHECK_EQ_INT(ms__rtp_ts_diff(0xfffffff0u, 10), -26);
}

static void test_rtcp_mux_detection(void)
{
    uint8_t rr[8] = {0x80, 201, 0, 1, 0, 0, 0, 1};
    CHECK(ms__rtp_is_rtcp(rr, sizeof rr));
    for (int t = 200; t <= 204; t++) {
        rr[1] = (uint8_t)t;
        CHECK(ms__rtp_is_rtcp(rr, sizeof rr));
    }
    uint8_t rtp[12];
    struct ms__rtp_header h = hdr_;
    h.pt = 0;
    ms__rtp_write_header(rtp, sizeof rtp, &h); /* marker + PT 0 = 0x80 */
    CHECK(!ms__rtp_is_rtcp(rtp, sizeof rtp));
    h.pt = 101;
    ms__rtp_write_header(rtp, sizeof rtp, &h);
    CHECK(!ms__rtp_is_rtcp(rtp, sizeof rtp));
    CHECK(!ms__rtp_is_rtcp(rr, 1));
    rr[0] = 0x40; /* version 1 */
    CHECK(!ms__rtp_is_rtcp(rr, sizeof rr));
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_write_errors);
    RUN(test_padding);
    RUN(test_csrc_and_extension);
    RUN(test_truncated_every_length);
    RUN(test_version);
    RUN(test_seq_diff);
    RUN(test_rtcp_mux_detection);
    return test_summary();
}
