/* RTP stream lifecycle: open, parameters, statistics, close. */
#define MS_LOG_MODULE "rtp"
#include "moonswitch/log.h"
#include "moonswitch/error.h"
#include "rtp/rtp_stream_int.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- Addresses ---- */

bool ms__rtp_addr_valid(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a;
        return in->sin_port != 0 && in->sin_addr.s_addr != htonl(INADDR_ANY);
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
        return in6->sin6_port != 0 && !IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
    }
    return false;
}

bool ms__rtp_same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->ss_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
    return false;
}

uint16_t ms__rtp_addr_port(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)a)->sin_port);
    if (a->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
    return 0;
}

void ms__rtp_addr_set_port(struct sockaddr_storage *a, uint16_t port)
{
    if (a->ss_family == AF_INET)
        ((struct sockaddr_in *)a)->sin_port = htons(port);
    else if (a->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

bool ms__rtp_same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family != AF_INET && a->ss_family != AF_INET6)
        return true; /* both unknown */
    return ms__rtp_same_ip(a, b) && ms__rtp_addr_port(a) == ms__rtp_addr_port(b);
}

static int parse_ip(const char *ip, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    if (strchr(ip, ':'))
        return uv_ip6_addr(ip, 0, (struct sockaddr_in6 *)out) == 0 ? 0 : MS_EINVAL;
    return uv_ip4_addr(ip, 0, (struct sockaddr_in *)out) == 0 ? 0 : MS_EINVAL;
}

/* ---- Open / close ---- */

static void fill_random(void *buf, size_t len)
{
    if (uv_random(NULL, NULL, buf, len, 0, NULL) == 0)
        return;
    /* Not expected on Linux; hrtime is unpredictable enough for SSRCs. */
    uint64_t x = uv_hrtime() ^ (uintptr_t)buf;
    for (size_t i = 0; i < len; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        ((uint8_t *)buf)[i] = (uint8_t)(x >> 56);
    }
}

static void init_send_state(struct ms__rtp_stream *s)
{
    struct {
        uint32_t ssrc, ts, rnd;
        uint16_t seq;
        uint8_t cname[8];
    } r;
    fill_random(&r, sizeof r);
    s->ssrc = r.ssrc;
    s->ts = r.ts;
    s->seq = r.seq;
    s->rand_state = r.rnd | 1;
    s->marker_pending = true;
    int n = snprintf(s->cname, sizeof s->cname, "ms-");
    for (size_t i = 0; i < sizeof r.cname; i++)
        n += snprintf(s->cname + n, sizeof s->cname - (size_t)n, "%02x", r.cname[i]);
    s->stats.local_ssrc = s->ssrc;
    s->stats.rtt_ms = -1;
    s->rtcp_countdown = ms__rtp_stream_rtcp_interval(s) / 2;
}

static struct ms__rtp_stream *stream_new(uv_loop_t *loop, const struct ms__rtp_stream_cb *cb,
                                         void *ud)
{
    struct ms__rtp_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->loop = loop;
    if (cb)
        s->cb = *cb;
    s->ud = ud;
    s->relatch_ms = MS__RTP_RELATCH_MS;
    ms__jitter_init(&s->jb, MS__JB_DEFAULT_DEPTH);
    ms__rfc4733_rx_init(&s->dtmf_rx);
    ms__rfc4733_tx_init(&s->dtmf_tx);
    ms__rtcp_source_init(&s->src);
    init_send_state(s);
    return s;
}

static void on_close(uv_handle_t *h)
{
    struct ms__rtp_stream *s = h->data;
    if (--s->open_handles == 0)
        free(s);
}

static void close_handles(struct ms__rtp_stream *s)
{
    s->closing = true;
    uv_close((uv_handle_t *)&s->rtp, on_close);
    uv_close((uv_handle_t *)&s->rtcp, on_close);
}

/* Wraps the two bound descriptors into the stream's handles and starts
 * reading. On failure the handles are closed (freeing s later) and the
 * descriptors not yet owned by a handle are closed. */
static int start_handles(struct ms__rtp_stream *s, int rtp_fd, int rtcp_fd)
{
    uv_udp_init(s->loop, &s->rtp);
    uv_udp_init(s->loop, &s->rtcp);
    s->rtp.data = s->rtcp.data = s;
    s->open_handles = 2;
    int r = uv_udp_open(&s->rtp, rtp_fd);
    if (r < 0)
        goto fail_rtp;
    r = uv_udp_open(&s->rtcp, rtcp_fd);
    if (r < 0)
        goto fail_rtcp;
    r = uv_udp_recv_start(&s->rtp, ms__rtp_stream_alloc_cb, ms__rtp_stream_on_rtp);
    if (r < 0)
        goto fail_recv;
    r = uv_udp_recv_start(&s->rtcp, ms__rtp_stream_alloc_cb, ms__rtp_stream_on_rtcp);
    if (r < 0)
        goto fail_recv;
    return 0;

fail_rtp:
    close(rtp_fd);
fail_rtcp:
    close(rtcp_fd);
fail_recv:
    close_handles(s);
    return r;
}

int ms__rtp_stream_open(struct ms__rtp_stream **out, uv_loop_t *loop, const char *local_ip,
                        struct ms__rtp_ports *ports, const struct ms__rtp_stream_cb *cb, void *ud)
{
    struct sockaddr_storage local;
    if (!out || !loop || !local_ip || !ports || parse_ip(local_ip, &local) < 0)
        return MS_EINVAL;
    struct ms__rtp_stream *s = stream_new(loop, cb, ud);
    if (!s)
        return MS_ENOMEM;
    int rtp_fd, rtcp_fd;
    int r = ms__rtp_ports_bind(ports, (struct sockaddr *)&local, &rtp_fd, &rtcp_fd, &s->port);
    if (r < 0)
        goto fail_bind;
    s->family = local.ss_family;
    r = start_handles(s, rtp_fd, rtcp_fd);
    if (r < 0)
        goto fail_handles;
    ms_debug(NULL, "stream on %s:%u ssrc %08x", local_ip, s->port, s->ssrc);
    *out = s;
    return 0;

fail_handles:
    ms_warn(NULL, "cannot start RTP sockets on %s:%u: %s", local_ip, s->port, ms_strerror(r));
    return r; /* s is freed by the close callbacks */
fail_bind:
    ms_warn(NULL, "no RTP port on %s in %u-%u: %s", local_ip, ports->lo, ports->hi, ms_strerror(r));
    free(s);
    return r;
}

void ms__rtp_stream_close(struct ms__rtp_stream *s)
{
    if (!s || s->closing)
        return;
    if (s->have_params)
        ms__rtp_stream_send_rtcp(s, true);
    ms_debug(ms__rtp_stream_log_id(s), "close port %u: rx %llu tx %llu lost %llu", s->port,
             (unsigned long long)s->stats.rx_packets, (unsigned long long)s->stats.tx_packets,
             (unsigned long long)s->jb.stats.lost);
    close_handles(s);
}

/* ---- Accessors ---- */

uint16_t ms__rtp_stream_port(const struct ms__rtp_stream *s)
{
    return s->port;
}

void ms__rtp_stream_set_log_id(struct ms__rtp_stream *s, const char *id)
{
    snprintf(s->log_id, sizeof s->log_id, "%s", id ? id : "");
}

const char *ms__rtp_stream_log_id(const struct ms__rtp_stream *s)
{
    return s->log_id[0] ? s->log_id : NULL;
}

void ms__rtp_stream_set_relatch_ms(struct ms__rtp_stream *s, uint32_t ms)
{
    s->relatch_ms = ms;
}

/* ---- Parameters ---- */

static bool params_ok(const struct ms__rtp_stream *s, const struct ms__rtp_params *p)
{
    int fam = p->remote.ss_family;
    if (p->audio_pt < 0 || p->audio_pt > 127 || p->dtmf_pt < -1 || p->dtmf_pt > 127 ||
        p->dtmf_pt == p->audio_pt)
        return false;
    if (p->clock_rate <= 0 || p->samples_per_frame <= 0 || p->samples_per_frame > p->clock_rate)
        return false;
    return fam == AF_UNSPEC || fam == s->family;
}

int ms__rtp_stream_set_params(struct ms__rtp_stream *s, const struct ms__rtp_params *p)
{
    if (!p || !params_ok(s, p))
        return MS_EINVAL;
    const struct ms__rtp_params *old = &s->params;
    bool first = !s->have_params;
    if (first || !ms__rtp_same_addr(&old->remote, &p->remote))
        ms__rtp_stream_unlatch(s);
    if (first || old->audio_pt != p->audio_pt || old->clock_rate != p->clock_rate ||
        old->samples_per_frame != p->samples_per_frame)
        ms__jitter_reset(&s->jb);
    if (p->dtmf_pt < 0)
        ms__rfc4733_tx_clear(&s->dtmf_tx);
    if (p->send && (first || !old->send))
        s->marker_pending = true;
    s->params = *p;
    s->have_params = true;
    return 0;
}

/* ---- Statistics ---- */

void ms__rtp_stream_stats(const struct ms__rtp_stream *s, struct ms__rtp_stats *out)
{
    *out = s->stats;
    const struct ms__jitter_stats *j = &s->jb.stats;
    out->lost = j->lost;
    out->late = j->late;
    out->duplicate = j->duplicate;
    out->oversize = j->oversize;
    out->discarded = j->discarded;
    out->resyncs = j->resyncs;
    double per_ms = s->have_params ? s->params.clock_rate / 1000.0 : 8.0;
    out->jitter_ms = ms__rtcp_source_jitter(&s->src) / per_ms;
    out->rtcp_lost = ms__rtcp_source_lost(&s->src);
    out->remote_ssrc = s->src.valid ? s->src.ssrc : 0;
    out->dtmf_rx = s->dtmf_rx.digits;
    out->dtmf_tx = s->dtmf_tx.sent;
    out->latched = s->latched;
    out->latched_addr = s->latched_addr;
}
