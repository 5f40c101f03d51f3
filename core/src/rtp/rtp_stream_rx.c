/* RTP stream receive path: symmetric-RTP latching, RTP into the jitter
 * buffer and the RFC 4733 receiver, RTCP into the statistics. */
#define MS_LOG_MODULE "rtp"
#include "moonswitch/log.h"
#include "moonswitch/error.h"
#include "rtp/rtp_stream_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

enum route {
    ROUTE_REJECT,     /* not from our remote */
    ROUTE_MAIN,       /* from the latched source */
    ROUTE_LATCH,      /* becomes the latched source */
    ROUTE_EVENT_ONLY, /* telephone-event from the latched IP, another port */
};

void ms__rtp_stream_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct ms__rtp_stream *s = h->data;
    (void)suggested;
    buf->base = (char *)s->rxbuf;
    buf->len = sizeof s->rxbuf;
}

static const char *addr_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
    const void *ip = a->ss_family == AF_INET6
                         ? (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr
                         : (const void *)&((const struct sockaddr_in *)a)->sin_addr;
    if (!inet_ntop(a->ss_family, ip, buf, (socklen_t)len))
        snprintf(buf, len, "?");
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, ":%u", ms__rtp_addr_port(a));
    return buf;
}

void ms__rtp_stream_unlatch(struct ms__rtp_stream *s)
{
    s->latched = false;
    s->latched_by_event = false;
    s->rtcp_latched = false;
    s->rtcp_mux = false;
}

static void latch(struct ms__rtp_stream *s, const struct sockaddr_storage *from, bool by_event)
{
    char a[64];
    if (s->latched)
        ms_info(ms__rtp_stream_log_id(s), "re-latched to %s%s", addr_str(from, a, sizeof a),
                by_event ? " (telephone-event)" : "");
    else
        ms_debug(ms__rtp_stream_log_id(s), "latched to %s%s", addr_str(from, a, sizeof a),
                 by_event ? " (telephone-event)" : "");
    if (s->latched && !ms__rtp_same_ip(&s->latched_addr, from)) {
        s->rtcp_latched = false;
        s->rtcp_mux = false;
    }
    s->latched = true;
    s->latched_by_event = by_event;
    s->latched_addr = *from;
}

/* Who may deliver this packet. No side effects. */
static enum route route_of(const struct ms__rtp_stream *s, const struct sockaddr_storage *from,
                           bool audio)
{
    if (!s->latched)
        return ROUTE_LATCH;
    if (ms__rtp_same_addr(from, &s->latched_addr))
        return ROUTE_MAIN;
    bool same_ip = ms__rtp_same_ip(from, &s->latched_addr);
    if (audio && same_ip && s->latched_by_event)
        return ROUTE_LATCH;
    if (!audio && same_ip)
        return ROUTE_EVENT_ONLY;
    if (uv_now(s->loop) - s->latched_seen_ms >= s->relatch_ms)
        return ROUTE_LATCH;
    return ROUTE_REJECT;
}

/* Arrival time in RTP clock units (only differences matter). */
static uint32_t arrival_units(const struct ms__rtp_stream *s)
{
    return (uint32_t)(uv_hrtime() / 1000 * (uint64_t)s->params.clock_rate / 1000000);
}

static void on_audio(struct ms__rtp_stream *s, const struct ms__rtp_header *h)
{
    ms__rtcp_source_seq(&s->src, h->ssrc, h->seq);
    ms__rtcp_source_arrival(&s->src, h->ts, arrival_units(s));
    ms__jitter_put(&s->jb, h->ssrc, h->seq, h->payload, h->payload_len);
}

/* Reports the digits of a telephone-event packet; stops if a callback
 * closed the stream. */
static void on_event(struct ms__rtp_stream *s, const struct ms__rtp_header *h, bool main)
{
    if (main && (!s->src.valid || s->src.ssrc == h->ssrc)) {
        ms__rtcp_source_seq(&s->src, h->ssrc, h->seq);
        if (s->jb.have_ref && s->jb.ssrc == h->ssrc)
            ms__jitter_put(&s->jb, h->ssrc, h->seq, NULL, 0); /* not a loss */
    }
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    int n = ms__rfc4733_rx_put(&s->dtmf_rx, h->ssrc, h->ts, h->payload, h->payload_len, notes);
    for (int i = 0; i < n && !s->closing; i++) {
        if ((notes[i].flags & MS__RFC4733_BEGIN) && s->cb.on_dtmf) {
            ms_debug(ms__rtp_stream_log_id(s), "RFC 4733 digit %c", notes[i].digit);
            s->cb.on_dtmf(s->ud, notes[i].digit);
        }
        if ((notes[i].flags & MS__RFC4733_END) && s->cb.on_dtmf_end && !s->closing) {
            int ms = (int)((uint64_t)notes[i].duration * 1000 / (uint32_t)s->params.clock_rate);
            s->cb.on_dtmf_end(s->ud, notes[i].digit, ms);
        }
    }
}

static void handle_rtp(struct ms__rtp_stream *s, const uint8_t *p, size_t n,
                       const struct sockaddr_storage *from)
{
    struct ms__rtp_header h;
    if (ms__rtp_parse(p, n, &h) < 0) {
        s->stats.dropped_truncated++;
        return;
    }
    bool audio = h.pt == s->params.audio_pt;
    if (!audio && h.pt != s->params.dtmf_pt) {
        s->stats.dropped_unknown_pt++;
        return;
    }
    if (audio && h.payload_len == 0) {
        s->stats.dropped_truncated++;
        return;
    }
    enum route r = route_of(s, from, audio);
    if (r == ROUTE_REJECT) {
        s->stats.dropped_unexpected_source++;
        return;
    }
    if (!audio && !ms__rfc4733_valid(h.payload, h.payload_len)) {
        s->stats.dropped_bad_event++;
        return;
    }
    if (r == ROUTE_LATCH)
        latch(s, from, !audio);
    if (r != ROUTE_EVENT_ONLY)
        s->latched_seen_ms = uv_now(s->loop);
    s->stats.rx_packets++;
    s->stats.rx_bytes += n;
    if (audio)
        on_audio(s, &h);
    else
        on_event(s, &h, r != ROUTE_EVENT_ONLY);
}

/* RTCP is taken from the remote's IP (latched, else SDP), or from anyone
 * while neither is known. */
static bool rtcp_source_ok(const struct ms__rtp_stream *s, const struct sockaddr_storage *from)
{
    if (s->latched)
        return ms__rtp_same_ip(from, &s->latched_addr);
    if (ms__rtp_addr_valid(&s->params.remote))
        return ms__rtp_same_ip(from, &s->params.remote);
    return true;
}

static void take_report(struct ms__rtp_stream *s, const struct ms__rtcp_report_block *b)
{
    double per_ms = s->params.clock_rate / 1000.0;
    s->stats.remote_report = true;
    s->stats.remote_fraction_lost = b->fraction_lost;
    s->stats.remote_cumulative_lost = b->cumulative_lost;
    s->stats.remote_jitter_ms = b->jitter / per_ms;
    double rtt = ms__rtcp_rtt_ms(ms__ntp_now(), b->lsr, b->dlsr);
    if (rtt >= 0)
        s->stats.rtt_ms = rtt;
}

static void handle_rtcp(struct ms__rtp_stream *s, const uint8_t *p, size_t n,
                        const struct sockaddr_storage *from, bool muxed)
{
    if (!rtcp_source_ok(s, from)) {
        s->stats.dropped_unexpected_source++;
        return;
    }
    struct ms__rtcp_info info;
    if (ms__rtcp_parse(p, n, s->ssrc, &info) < 0) {
        s->stats.rtcp_bad++;
        return;
    }
    s->stats.rtcp_rx++;
    if (info.has_sr)
        ms__rtcp_source_sr(&s->src, info.si.ntp, uv_hrtime());
    if (info.has_block)
        take_report(s, &info.block);
    if (info.bye)
        ms_debug(ms__rtp_stream_log_id(s), "RTCP BYE from %08x", info.sender_ssrc);
    if (muxed) {
        s->rtcp_mux = s->latched && ms__rtp_same_addr(from, &s->latched_addr);
    } else {
        s->rtcp_latched = true;
        s->rtcp_addr = *from;
    }
}

/* Common checks of both sockets' callbacks; returns the datagram length,
 * or 0 if there is nothing to process. */
static size_t datagram(struct ms__rtp_stream *s, ssize_t nread, const struct sockaddr *addr,
                       unsigned flags, struct sockaddr_storage *from)
{
    if (nread < 0) {
        ms_debug(ms__rtp_stream_log_id(s), "recv on port %u: %s", s->port, uv_strerror((int)nread));
        return 0;
    }
    if (nread == 0 || !addr || s->closing)
        return 0;
    if (!s->have_params) {
        s->stats.dropped_unexpected_source++;
        return 0;
    }
    if (flags & UV_UDP_PARTIAL) {
        s->stats.dropped_truncated++;
        return 0;
    }
    size_t alen =
        addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    memset(from, 0, sizeof *from);
    memcpy(from, addr, alen);
    return (size_t)nread;
}

void ms__rtp_stream_on_rtp(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                           const struct sockaddr *addr, unsigned flags)
{
    struct ms__rtp_stream *s = h->data;
    struct sockaddr_storage from;
    size_t n = datagram(s, nread, addr, flags, &from);
    if (n == 0)
        return;
    const uint8_t *p = (const uint8_t *)buf->base;
    if (ms__rtp_is_rtcp(p, n))
        handle_rtcp(s, p, n, &from, true);
    else
        handle_rtp(s, p, n, &from);
}

void ms__rtp_stream_on_rtcp(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                            const struct sockaddr *addr, unsigned flags)
{
    struct ms__rtp_stream *s = h->data;
    struct sockaddr_storage from;
    size_t n = datagram(s, nread, addr, flags, &from);
    if (n > 0)
        handle_rtcp(s, (const uint8_t *)buf->base, n, &from, false);
}

int ms__rtp_stream_read(struct ms__rtp_stream *s, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (s->closing)
        return 0;
    return ms__jitter_get(&s->jb, buf, cap, len);
}
