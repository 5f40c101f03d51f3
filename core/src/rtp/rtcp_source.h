/* Reception statistics of one remote RTP source (RFC 3550 A.1, A.3, A.8)
 * and what we need to fill our report block about it.
 *
 * A plain struct embedded by its owner (an RTP stream); no allocation, no
 * references, no close. A packet from a new SSRC restarts it.
 */
#ifndef MS_RTP_RTCP_SOURCE_H
#define MS_RTP_RTCP_SOURCE_H

#include "rtp/rtcp.h"

#include <stdbool.h>
#include <stdint.h>

struct ms__rtcp_source {
    bool valid; /* a packet has been seen */
    uint32_t ssrc;
    uint16_t max_seq;  /* highest sequence number seen */
    uint32_t cycles;   /* wraps of max_seq, << 16 */
    uint32_t base_seq; /* first sequence number */
    uint32_t bad_seq;  /* candidate restart after a large jump */
    uint32_t received;
    uint32_t expected_prior, received_prior;
    bool have_transit;
    int32_t transit;    /* arrival - RTP timestamp of the last packet */
    uint32_t jitter_q4; /* interarrival jitter * 16, RTP units */
    bool have_sr;
    uint32_t lsr;       /* NTP short time of the remote's last SR */
    uint64_t lsr_at_ns; /* our monotonic time (ns) when it arrived */
};

void ms__rtcp_source_init(struct ms__rtcp_source *src);
/* Counts a packet (A.1). A new SSRC restarts the statistics. */
void ms__rtcp_source_seq(struct ms__rtcp_source *src, uint32_t ssrc, uint16_t seq);
/* Updates the jitter (A.8) with a packet's RTP timestamp and its arrival
 * time in RTP clock units (any origin; only differences matter). Call
 * after ms__rtcp_source_seq, for audio packets only. */
void ms__rtcp_source_arrival(struct ms__rtcp_source *src, uint32_t rtp_ts, uint32_t arrival);
/* Records a received SR (for LSR/DLSR). */
void ms__rtcp_source_sr(struct ms__rtcp_source *src, uint64_t ntp, uint64_t now_ns);
/* Fills a report block (A.3) and starts a new reporting interval. Returns
 * false (and fills nothing) if no packet has been seen. */
bool ms__rtcp_source_block(struct ms__rtcp_source *src, uint64_t now_ns,
                           struct ms__rtcp_report_block *out);
/* Cumulative packets lost (expected - received), without side effects. */
int32_t ms__rtcp_source_lost(const struct ms__rtcp_source *src);
/* Interarrival jitter in RTP clock units. */
uint32_t ms__rtcp_source_jitter(const struct ms__rtcp_source *src);

#endif
