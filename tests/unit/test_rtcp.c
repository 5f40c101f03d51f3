/* RTCP: SR/RR/SDES/BYE build and parse, malformed input, reception
 * statistics (A.1, A.3, A.8), LSR/DLSR and round-trip time. */
#include "moonswitch/error.h"
#include "rtp/rtcp.h"
#include "rtp/rtcp_source.h"
#include "rtp/rtp_packet.h"
#include "test.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

static const struct ms__rtcp_report_block block_ = {.ssrc = 0x11111111,
                                                    .fraction_lost = 64,
                                                    .cumulative_lost = -3,
                                                    .ext_max_seq = 0x0001fff0,
                                                    .jitter = 77,
                                                    .lsr = 0x12345678,
                                                    .dlsr = 0x00018000};

static void test_sr_round_trip(void)
{
    struct ms__rtcp_report r = {.ssrc = 0x22222222,
                                .sender = true,
                                .si = {.ntp = 0xe1234567abcdef01ull,
                                       .rtp_ts = 160000,
                                       .packet_count = 250,
                                       .octet_count = 40000},
                                .has_block = true,
                                .block = block_,
                                .cname = "ms-0123456789abcdef"};
    uint8_t buf[MS__RTCP_MAX_PACKET];
    int n = ms__rtcp_build(buf, sizeof buf, &r);
    /* SR 28 + block 24, SDES 8 + 2 + 19 + end, padded: 32 */
    CHECK_EQ_INT(n, 52 + 32);
    CHECK_EQ_INT(buf[0], 0x81);
    CHECK_EQ_INT(buf[1], MS__RTCP_SR);
    CHECK_EQ_INT(ms__rd16(buf + 2), 52 / 4 - 1);
    CHECK_EQ_INT(buf[52 + 1], MS__RTCP_SDES);
    struct ms__rtcp_info info;
    CHECK_EQ_INT(ms__rtcp_parse(buf, (size_t)n, 0x11111111, &info), 0);
    CHECK_EQ_INT(info.packets, 2);
    CHECK(info.has_report);
    CHECK(info.has_sr);
    CHECK_EQ_INT(info.sender_ssrc, 0x22222222);
    CHECK(info.si.ntp == 0xe1234567abcdef01ull);
    CHECK_EQ_INT(info.si.rtp_ts, 160000);
    CHECK_EQ_INT(info.si.packet_count, 250);
    CHECK_EQ_INT(info.si.octet_count, 40000);
    CHECK(info.has_block);
    CHECK_EQ_INT(info.block.ssrc, 0x11111111);
    CHECK_EQ_INT(info.block.fraction_lost, 64);
    CHECK_EQ_INT(info.block.cumulative_lost, -3);
    CHECK_EQ_INT(info.block.ext_max_seq, 0x0001fff0);
    CHECK_EQ_INT(info.block.jitter, 77);
    CHECK_EQ_INT(info.block.lsr, 0x12345678);
    CHECK_EQ_INT(info.block.dlsr, 0x00018000);
    CHECK(!info.bye);
    /* a block about someone else is not ours */
    CHECK_EQ_INT(ms__rtcp_parse(buf, (size_t)n, 0x99999999, &info), 0);
    CHECK(!info.has_block);
}

static void test_rr_bye_round_trip(void)
{
    struct ms__rtcp_report r = {.ssrc = 7, .has_block = true, .block = block_, .bye = true};
    r.block.cumulative_lost = 0x7fffffff; /* clamped to 24 bits */
    uint8_t buf[MS__RTCP_MAX_PACKET];
    int n = ms__rtcp_build(buf, sizeof buf, &r);
    CHECK_EQ_INT(n, 8 + 24 + 8);
    struct ms__rtcp_info info;
    CHECK_EQ_INT(ms__rtcp_parse(buf, (size_t)n, block_.ssrc, &info), 0);
    CHECK(!info.has_sr);
    CHECK(info.has_report);
    CHECK_EQ_INT(info.sender_ssrc, 7);
    CHECK(info.has_block);
    CHECK_EQ_INT(info.block.cumulative_lost, 0x7fffff);
    CHECK(info.bye);
    /* an RR without blocks, no CNAME */
    struct ms__rtcp_report empty = {.ssrc = 9};
    n = ms__rtcp_build(buf, sizeof buf, &empty);
    CHECK_EQ_INT(n, 8);
    CHECK_EQ_INT(ms__rtcp_parse(buf, (size_t)n, 1, &info), 0);
    CHECK(!info.has_block);
    CHECK_EQ_INT(ms__rtcp_build(buf, 100, &r), MS_EMSGSIZE);
}

static void test_long_cname_truncated(void)
{
    char cname[200];
    memset(cname, 'x', sizeof cname - 1);
    cname[sizeof cname - 1] = 0;
    struct ms__rtcp_report r = {
        .ssrc = 1, .sender = true, .has_block = true, .block = block_, .cname = cname, .bye = true};
    uint8_t buf[MS__RTCP_MAX_PACKET];
    int n = ms__rtcp_build(buf, sizeof buf, &r);
    CHECK(n > 0 && n <= MS__RTCP_MAX_PACKET);
    struct ms__rtcp_info info;
    CHECK_EQ_INT(ms__rtcp_parse(buf, (size_t)n, block_.ssrc, &info), 0);
    CHECK_EQ_INT(info.packets, 3);
    CHECK_EQ_INT(buf[52 + 9], MS__RTCP_MAX_CNAME);
}

static int parse_copy(const uint8_t *buf, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
    memcpy(copy, buf, len);
    struct ms__rtcp_info info;
    int r = ms__rtcp_parse(copy, len, 1, &info);
    free(copy);
    return r;
}

static void test_truncated_and_garbage(void)
{
    struct ms__rtcp_report r = {
        .ssrc = 2, .sender = true, .has_block = true, .block = block_, .cname = "abc", .bye = true};
    uint8_t buf[MS__RTCP_MAX_PACKET];
    int n = ms__rtcp_build(buf, sizeof buf, &r);
    /* SR 52, SDES 16, BYE 8: only prefixes ending on a sub-packet are valid */
    CHECK_EQ_INT(n, 76);
    for (int len = 0; len <= n; len++) {
        bool boundary = len == 52 || len == 68 || len == 76;
        CHECK_EQ_INT(parse_copy(buf, (size_t)len), boundary ? 0 : MS_EPROTO);
    }

    uint8_t bad[MS__RTCP_MAX_PACKET];
    memcpy(bad, buf, (size_t)n);
    bad[0] = (bad[0] & 0x3f) | 0x40; /* version 1 */
    CHECK_EQ_INT(parse_copy(bad, (size_t)n), MS_EPROTO);
    memcpy(bad, buf, (size_t)n);
    bad[1] = 100; /* not an RTCP type */
    CHECK_EQ_INT(parse_copy(bad, (size_t)n), MS_EPROTO);
    memcpy(bad, buf, (size_t)n);
    bad[0] |= 2; /* SR claims 3 blocks it has no room for */
    CHECK_EQ_INT(parse_copy(bad, (size_t)n), MS_EPROTO);
    memcpy(bad, buf, (size_t)n);
    bad[0] |= 0x20; /* padding on a packet that is not the last */
    CHECK_EQ_INT(parse_copy(bad, (size_t)n), MS_EPROTO);
    memcpy(bad, buf, (size_t)n);
    ms__wr16(bad + 2, 200); /* length past the end */
    CHECK_EQ_INT(parse_copy(bad, (size_t)n), MS_EPROTO);

    /* padding on the last packet: valid if consistent */
    uint8_t pad[12] = {0xa1, MS__RTCP_BYE, 0, 2, 0, 0, 0, 5, 0, 0, 0, 4};
    CHECK_EQ_INT(parse_copy(pad, sizeof pad), 0);
    pad[11] = 0;
    CHECK_EQ_INT(parse_copy(pad, sizeof pad), MS_EPROTO);
    pad[11] = 9;
    CHECK_EQ_INT(parse_copy(pad, sizeof pad), MS_EPROTO);

    /* pseudo-random garbage never crashes and is (almost always) rejected */
    uint32_t x = 12345;
    int accepted = 0;
    for (int i = 0; i < 2000; i++) {
        size_t len = (size_t)(i % 64);
        for (size_t k = 0; k < len; k++) {
            x = x * 1103515245u + 12345u;
            bad[k] = (uint8_t)(x >> 16);
        }
        accepted += parse_copy(bad, len) == 0;
    }
    CHECK(accepted < 20);
}

/* A.8 on synthetic arrivals: a packet every 160 units with a known delay
 * pattern; the integer estimate follows the floating-point formula. */
static void test_jitter_formula(void)
{
    struct ms__rtcp_source src;
    ms__rtcp_source_init(&src);
    const int delays[] = {0, 40, 0, 80, 10, 0, 120, 30, 0, 50};
    double j = 0;
    int prev_transit = 0;
    for (int i = 0; i < 200; i++) {
        uint32_t ts = 1000u + 160u * (uint32_t)i;
        uint32_t arrival = 5000000u + 160u * (uint32_t)i + (uint32_t)delays[i % 10];
        ms__rtcp_source_seq(&src, 42, (uint16_t)(65000 + i));
        ms__rtcp_source_arrival(&src, ts, arrival);
        int transit = (int)(arrival - ts);
        if (i > 0)
            j += (fabs((double)(transit - prev_transit)) - j) / 16.0;
        prev_transit = transit;
    }
    double got = ms__rtcp_source_jitter(&src);
    CHECK(fabs(got - j) <= 1.0);
    CHECK(j > 30 && j < 60);
    /* constant delay: the jitter decays towards 0 */
    for (int i = 200; i < 400; i++)
        ms__rtcp_source_arrival(&src, 1000u + 160u * (uint32_t)i, 5000000u + 160u * (uint32_t)i);
    CHECK(ms__rtcp_source_jitter(&src) <= 1);
}

static void test_loss_statistics(void)
{
    struct ms__rtcp_source src;
    ms__rtcp_source_init(&src);
    struct ms__rtcp_report_block b;
    CHECK(!ms__rtcp_source_block(&src, 0, &b));
    /* 100 packets across the wrap, every 10th lost */
    for (int i = 0; i < 100; i++) {
        if (i % 10 != 9)
            ms__rtcp_source_seq(&src, 5, (uint16_t)(65500 + i));
    }
    CHECK_EQ_INT(ms__rtcp_source_lost(&src), 9); /* the 100th was lost too but is unknown */
    CHECK(ms__rtcp_source_block(&src, 0, &b));
    CHECK_EQ_INT(b.ssrc, 5);
    CHECK_EQ_INT(b.cumulative_lost, 9);
    CHECK_EQ_INT(b.ext_max_seq, 65536u + (uint16_t)(65500 + 98));
    CHECK_EQ_INT(b.fraction_lost, 9 * 256 / 99);
    CHECK_EQ_INT(b.lsr, 0);
    CHECK_EQ_INT(b.dlsr, 0);
    /* next interval: no loss; a duplicate makes received > expected */
    ms__rtcp_source_seq(&src, 5, (uint16_t)(65500 + 100));
    ms__rtcp_source_seq(&src, 5, (uint16_t)(65500 + 100));
    CHECK(ms__rtcp_source_block(&src, 0, &b));
    CHECK_EQ_INT(b.fraction_lost, 0);
    CHECK_EQ_INT(b.cumulative_lost, 9); /* +1 now known lost (the 100th), -1 duplicate */
    /* a new SSRC starts over */
    ms__rtcp_source_seq(&src, 6, 10);
    CHECK_EQ_INT(ms__rtcp_source_lost(&src), 0);
    /* one far jump is ignored, a second in sequence is believed */
    ms__rtcp_source_seq(&src, 6, 11);
    ms__rtcp_source_seq(&src, 6, 20000);
    CHECK_EQ_INT(src.max_seq, 11);
    ms__rtcp_source_seq(&src, 6, 20001);
    CHECK_EQ_INT(src.max_seq, 20001);
    CHECK_EQ_INT(ms__rtcp_source_lost(&src), 0);
}

static void test_lsr_dlsr_rtt(void)
{
    struct ms__rtcp_source src;
    ms__rtcp_source_init(&src);
    uint64_t ntp = 0xe0000001aaaabbbbull;
    ms__rtcp_source_sr(&src, ntp, 1000000000ull);
    ms__rtcp_source_seq(&src, 1, 1);
    struct ms__rtcp_report_block b;
    CHECK(ms__rtcp_source_block(&src, 1500000000ull, &b)); /* 0.5 s later */
    CHECK_EQ_INT(b.lsr, 0x0001aaaa);
    CHECK_EQ_INT(b.dlsr, 0x8000);
    /* the remote answers: received 0.8 s after our SR, held 0.5 s: rtt 0.3 s */
    uint64_t sent = 0xe000001000000000ull;
    uint64_t now = sent + (uint64_t)(0.8 * 4294967296.0);
    double rtt = ms__rtcp_rtt_ms(now, ms__ntp_short(sent), 0x8000);
    CHECK(fabs(rtt - 300.0) < 0.1);
    CHECK_EQ_INT(ms__rtcp_rtt_ms(now, 0, 0), -1);
    CHECK_EQ_INT(ms__rtcp_rtt_ms(sent, ms__ntp_short(now), 0), -1);
    /* the wall clock is in the NTP era */
    CHECK((ms__ntp_now() >> 32) > 3900000000u);
}

int main(void)
{
    RUN(test_sr_round_trip);
    RUN(test_rr_bye_round_trip);
    RUN(test_long_cname_truncated);
    RUN(test_truncated_and_garbage);
    RUN(test_jitter_formula);
    RUN(test_loss_statistics);
    RUN(test_lsr_dlsr_rtt);
    return test_summary();
}
