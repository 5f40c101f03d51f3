/* RTP stream send path: audio and RFC 4733 packets once per tick, RTCP
 * reports. Sending never allocates: uv_udp_try_send from stack buffers. */
#define MS_LOG_MODULE "rtp"
#include "moonswitch/log.h"
#include "moonswitch/error.h"
#include "rtp/rtp_stream_int.h"

#include <string.h>

static const struct sockaddr_storage *rtp_dest(const struct ms__rtp_stream *s)
{
    if (s->latched)
        return &s->latched_addr;
    if (ms__rtp_addr_valid(&s->params.remote))
        return &s->params.remote;
    return NULL;
}

static void count_send(struct ms__rtp_stream *s, int r)
{
    if (r == UV_EAGAIN || r == UV_ENOBUFS) {
        s->stats.tx_dropped++;
    } else {
        s->stats.tx_errors++;
        ms_debug(ms__rtp_stream_log_id(s), "send on port %u: %s", s->port, uv_strerror(r));
    }
}

static void send_rtp(struct ms__rtp_stream *s, const struct sockaddr_storage *to, int pt,
                     bool marker, uint32_t ts, const uint8_t *payload, size_t len)
{
    uint8_t hdr[MS__RTP_HEADER_LEN];
    struct ms__rtp_header h = {
        .marker = marker, .pt = (uint8_t)pt, .seq = s->seq++, .ts = ts, .ssrc = s->ssrc};
    ms__rtp_write_header(hdr, sizeof hdr, &h);
    uv_buf_t bufs[2] = {uv_buf_init((char *)hdr, sizeof hdr),
                        uv_buf_init((char *)payload, (unsigned)len)};
    int r = uv_udp_try_send(&s->rtp, bufs, 2, (const struct sockaddr *)to);
    if (r < 0) {
        count_send(s, r);
        return;
    }
    s->stats.tx_packets++;
    s->stats.tx_bytes += sizeof hdr + len;
    s->sr_packets++;
    s->sr_octets += (uint32_t)len;
    s->sent_since_report = true;
}

unsigned ms__rtp_stream_rtcp_interval(struct ms__rtp_stream *s)
{
    uint32_t x = s->rand_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->rand_state = x;
    return MS__RTCP_TICKS_MIN + x % MS__RTCP_TICKS_SPREAD;
}

/* Where RTCP goes: where the remote sends its RTCP from, else the RTP
 * destination's port + 1 (or the RTP destination itself with rtcp-mux). */
static uv_udp_t *rtcp_dest(struct ms__rtp_stream *s, struct sockaddr_storage *to)
{
    const struct sockaddr_storage *rtp = rtp_dest(s);
    if (s->rtcp_mux && rtp) {
        *to = *rtp;
        return &s->rtp;
    }
    if (s->rtcp_latched) {
        *to = s->rtcp_addr;
        return &s->rtcp;
    }
    if (!rtp)
        return NULL;
    *to = *rtp;
    ms__rtp_addr_set_port(to, (uint16_t)(ms__rtp_addr_port(rtp) + 1));
    return &s->rtcp;
}

void ms__rtp_stream_send_rtcp(struct ms__rtp_stream *s, bool bye)
{
    struct sockaddr_storage to;
    uv_udp_t *sock = rtcp_dest(s, &to);
    if (!sock)
        return;
    struct ms__rtcp_report rep = {
        .ssrc = s->ssrc, .sender = s->sent_since_report, .cname = s->cname, .bye = bye};
    rep.si.ntp = ms__ntp_now();
    rep.si.rtp_ts = s->ts;
    rep.si.packet_count = s->sr_packets;
    rep.si.octet_count = s->sr_octets;
    rep.has_block = ms__rtcp_source_block(&s->src, uv_hrtime(), &rep.block);
    uint8_t pkt[MS__RTCP_MAX_PACKET];
    int n = ms__rtcp_build(pkt, sizeof pkt, &rep);
    if (n < 0)
        return;
    uv_buf_t buf = uv_buf_init((char *)pkt, (unsigned)n);
    int r = uv_udp_try_send(sock, &buf, 1, (const struct sockaddr *)&to);
    if (r < 0) {
        count_send(s, r);
        return;
    }
    s->stats.rtcp_tx++;
    s->sent_since_report = false;
}

int ms__rtp_stream_write(struct ms__rtp_stream *s, const uint8_t *payload, size_t len)
{
    if (s->closing || !s->have_params)
        return MS_ESTATE;
    if (len > 0 && !payload)
        return MS_EINVAL;
    if (len > MS__RTP_MAX_PAYLOAD)
        return MS_EMSGSIZE;
    const struct ms__rtp_params *p = &s->params;
    uint32_t ts = s->ts;
    s->ts += (uint32_t)p->samples_per_frame;
    struct ms__rfc4733_tx_packet ev;
    bool event =
        p->dtmf_pt >= 0 && ms__rfc4733_tx_tick(&s->dtmf_tx, ts, (uint32_t)p->samples_per_frame,
                                               (uint32_t)p->clock_rate, &ev);
    const struct sockaddr_storage *to = rtp_dest(s);
    if (p->send && to) {
        if (event) {
            send_rtp(s, to, p->dtmf_pt, ev.marker, ev.ts, ev.payload, sizeof ev.payload);
        } else if (len > 0) {
            send_rtp(s, to, p->audio_pt, s->marker_pending, ts, payload, len);
            s->marker_pending = false;
        }
    }
    if (--s->rtcp_countdown == 0) {
        ms__rtp_stream_send_rtcp(s, false);
        s->rtcp_countdown = ms__rtp_stream_rtcp_interval(s);
    }
    return 0;
}

int ms__rtp_stream_send_dtmf(struct ms__rtp_stream *s, char digit, int duration_ms)
{
    if (ms__rfc4733_event_code(digit) < 0)
        return MS_EINVAL;
    if (!s->have_params || s->params.dtmf_pt < 0)
        return MS_ENOSYS;
    return ms__rfc4733_tx_queue(&s->dtmf_tx, digit, duration_ms);
}
