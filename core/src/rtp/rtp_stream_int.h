/* Private to rtp_stream*.c: the stream's state, shared by the lifecycle
 * (rtp_stream.c), the receive path (rtp_stream_rx.c) and the send path
 * (rtp_stream_tx.c). See rtp_stream.h for ownership and close. */
#ifndef MS_RTP_STREAM_INT_H
#define MS_RTP_STREAM_INT_H

#include "rtp/jitter.h"
#include "rtp/rfc4733.h"
#include "rtp/rtcp.h"
#include "rtp/rtcp_source.h"
#include "rtp/rtp_packet.h"
#include "rtp/rtp_stream.h"

#define MS__RTP_RXBUF         2048
#define MS__RTP_RELATCH_MS    2000
#define MS__RTCP_TICKS_MIN    200 /* 4 s of 20 ms ticks */
#define MS__RTCP_TICKS_SPREAD 101 /* + 0..100 ticks */

struct ms__rtp_stream {
    uv_loop_t *loop;
    uv_udp_t rtp, rtcp;
    int open_handles; /* handles not yet closed; the struct is freed at 0 */
    bool closing;
    struct ms__rtp_stream_cb cb;
    void *ud;
    char log_id[64];
    int family; /* AF_INET or AF_INET6, of the local address */
    uint16_t port;

    bool have_params;
    struct ms__rtp_params params;

    /* symmetric RTP */
    bool latched;
    bool latched_by_event; /* weak latch: audio from the same IP takes over */
    struct sockaddr_storage latched_addr;
    uint64_t latched_seen_ms; /* uv_now of the last packet from it */
    uint32_t relatch_ms;
    bool rtcp_latched; /* RTCP came to our RTCP port from rtcp_addr */
    struct sockaddr_storage rtcp_addr;
    bool rtcp_mux; /* the remote sends RTCP on our RTP port */

    /* receive */
    uint8_t rxbuf[MS__RTP_RXBUF]; /* one datagram at a time, both sockets */
    struct ms__jitter jb;
    struct ms__rfc4733_rx dtmf_rx;
    struct ms__rtcp_source src;

    /* send */
    uint32_t ssrc;
    uint16_t seq;
    uint32_t ts;         /* timestamp of the next tick */
    bool marker_pending; /* next audio packet starts a talkspurt */
    struct ms__rfc4733_tx dtmf_tx;
    uint32_t sr_packets, sr_octets; /* for the SR sender info */
    bool sent_since_report;
    unsigned rtcp_countdown; /* ticks to the next report */
    uint32_t rand_state;     /* xorshift32, for RTCP intervals */
    char cname[32];

    struct ms__rtp_stats stats;
};

/* rtp_stream.c */
const char *ms__rtp_stream_log_id(const struct ms__rtp_stream *s);
bool ms__rtp_addr_valid(const struct sockaddr_storage *a);
bool ms__rtp_same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
bool ms__rtp_same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
uint16_t ms__rtp_addr_port(const struct sockaddr_storage *a);
void ms__rtp_addr_set_port(struct sockaddr_storage *a, uint16_t port);

/* rtp_stream_rx.c */
void ms__rtp_stream_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
void ms__rtp_stream_on_rtp(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                           const struct sockaddr *addr, unsigned flags);
void ms__rtp_stream_on_rtcp(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                            const struct sockaddr *addr, unsigned flags);
void ms__rtp_stream_unlatch(struct ms__rtp_stream *s);

/* rtp_stream_tx.c */
void ms__rtp_stream_send_rtcp(struct ms__rtp_stream *s, bool bye);
unsigned ms__rtp_stream_rtcp_interval(struct ms__rtp_stream *s);

#endif
