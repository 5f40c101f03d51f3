#include "rtp/rtcp_source.h"

#include <string.h>

#define MAX_DROPOUT   3000
#define MAX_MISORDER  100
#define SEQ_MOD       (1u << 16)
#define MAX_JITTER_Q4 (UINT32_MAX / 2)

void ms__rtcp_source_init(struct ms__rtcp_source *src)
{
    memset(src, 0, sizeof *src);
}

static void restart(struct ms__rtcp_source *src, uint16_t seq)
{
    src->base_seq = seq;
    src->max_seq = seq;
    src->bad_seq = SEQ_MOD + 1; /* never equal to a sequence number */
    src->cycles = 0;
    src->received = 0;
    src->expected_prior = 0;
    src->received_prior = 0;
}

void ms__rtcp_source_seq(struct ms__rtcp_source *src, uint32_t ssrc, uint16_t seq)
{
    if (!src->valid || ssrc != src->ssrc) {
        bool have_sr = src->have_sr;
        uint32_t lsr = src->lsr;
        uint64_t lsr_at = src->lsr_at_ns;
        ms__rtcp_source_init(src);
        src->valid = true;
        src->ssrc = ssrc;
        src->have_sr = have_sr; /* an SR may precede the first RTP packet */
        src->lsr = lsr;
        src->lsr_at_ns = lsr_at;
        restart(src, seq);
    }
    uint16_t udelta = (uint16_t)(seq - src->max_seq);
    if (udelta < MAX_DROPOUT) {
        if (seq < src->max_seq)
            src->cycles += SEQ_MOD;
        src->max_seq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
        /* A large jump: believe it when the next packet follows it. */
        if (seq != src->bad_seq) {
            src->bad_seq = (seq + 1u) & (SEQ_MOD - 1);
            return;
        }
        restart(src, seq);
    }
    src->received++;
}

void ms__rtcp_source_arrival(struct ms__rtcp_source *src, uint32_t rtp_ts, uint32_t arrival)
{
    int32_t transit = (int32_t)(arrival - rtp_ts);
    if (src->have_transit) {
        int64_t d = (int64_t)transit - src->transit;
        if (d < 0)
            d = -d;
        int64_t j = (int64_t)src->jitter_q4 + d - ((src->jitter_q4 + 8) >> 4);
        src->jitter_q4 = j > MAX_JITTER_Q4 ? MAX_JITTER_Q4 : (uint32_t)j;
    }
    src->transit = transit;
    src->have_transit = true;
}

void ms__rtcp_source_sr(struct ms__rtcp_source *src, uint64_t ntp, uint64_t now_ns)
{
    src->have_sr = true;
    src->lsr = ms__ntp_short(ntp);
    src->lsr_at_ns = now_ns;
}

static uint32_t expected(const struct ms__rtcp_source *src)
{
    return src->cycles + src->max_seq - src->base_seq + 1;
}

int32_t ms__rtcp_source_lost(const struct ms__rtcp_source *src)
{
    if (!src->valid)
        return 0;
    int64_t lost = (int64_t)expected(src) - src->received;
    if (lost > 0x7fffff)
        lost = 0x7fffff;
    if (lost < -0x800000)
        lost = -0x800000;
    return (int32_t)lost;
}

uint32_t ms__rtcp_source_jitter(const struct ms__rtcp_source *src)
{
    return src->jitter_q4 >> 4;
}

static uint8_t fraction_lost(struct ms__rtcp_source *src)
{
    uint32_t exp = expected(src);
    uint32_t exp_interval = exp - src->expected_prior;
    uint32_t rcv_interval = src->received - src->received_prior;
    src->expected_prior = exp;
    src->received_prior = src->received;
    if (exp_interval == 0 || rcv_interval >= exp_interval)
        return 0;
    uint64_t fraction = ((uint64_t)(exp_interval - rcv_interval) << 8) / exp_interval;
    return (uint8_t)(fraction > 255 ? 255 : fraction);
}

bool ms__rtcp_source_block(struct ms__rtcp_source *src, uint64_t now_ns,
                           struct ms__rtcp_report_block *out)
{
    if (!src->valid)
        return false;
    out->ssrc = src->ssrc;
    out->fraction_lost = fraction_lost(src);
    out->cumulative_lost = ms__rtcp_source_lost(src);
    out->ext_max_seq = src->cycles + src->max_seq;
    out->jitter = ms__rtcp_source_jitter(src);
    out->lsr = src->have_sr ? src->lsr : 0;
    out->dlsr = 0;
    if (src->have_sr && now_ns > src->lsr_at_ns)
        out->dlsr = (uint32_t)(((now_ns - src->lsr_at_ns) << 16) / 1000000000u);
    return true;
}
