/* SIP endpoint: agent events -> calls; call verbs -> SIP; RTP + codec as the
 * call's media port. */
#define MS_LOG_MODULE "sip"
#include "sip_endpoint.h"
#include "base/u64map.h"
#include "cause.h"
#include "media/codec.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "rtp/rtp_stream.h"
#include "sip/sdp.h"
#include "sip/sip_agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SDP_MAX 2048

struct ms__sip_endpoint {
    struct ms__sip_endpoint_config cfg;
    struct ms__sip_agent *agent;
    struct ms__rtp_ports ports;
    struct ms__u64map legs;
    uint64_t sess_id;
    void (*stop_done)(void *ud);
    void *stop_ud;
};

/* One SIP call. Freed by the call's release op, after the dialog ended. */
struct leg {
    struct ms__sip_endpoint *ep;
    uint64_t sip_call; /* 0 once the dialog has ended */
    struct ms_call *call;
    struct ms__rtp_stream *rtp;
    struct ms__codec *enc, *dec;
    struct ms__sdp_answer neg;
    uint64_t sess_version;
    char sdp[SDP_MAX];
};

/* ---- media port ---- */

static int port_read(void *port, int16_t *pcm, size_t n)
{
    struct leg *leg = port;
    uint8_t buf[512];
    size_t len;
    if (!leg->rtp || ms__rtp_stream_read(leg->rtp, buf, sizeof buf, &len) != 1)
        return 0;
    int got = ms__codec_decode(leg->dec, buf, len, pcm, n);
    if (got <= 0)
        return 0;
    if ((size_t)got < n)
        memset(pcm + got, 0, (n - (size_t)got) * sizeof *pcm);
    return 1;
}

static void port_write(void *port, const int16_t *pcm, size_t n)
{
    struct leg *leg = port;
    uint8_t buf[512];
    int len = ms__codec_encode(leg->enc, pcm, n, buf, sizeof buf);
    if (leg->rtp) /* every tick, even with nothing encoded: it keeps the RTP clock and RTCP */
        ms__rtp_stream_write(leg->rtp, buf, len > 0 ? (size_t)len : 0);
}

static const struct ms_media_port_ops port_ops = {port_read, port_write};

static void on_rtp_dtmf(void *ud, char digit)
{
    struct leg *leg = ud;
    ms__call_dtmf(leg->call, digit, MS_DTMF_RFC4733);
}

/* ---- call verbs ---- */

static int ep_ring(void *ud, struct ms_call *call)
{
    (void)call;
    struct leg *leg = ud;
    if (!leg->sip_call)
        return MS_EHANGUP;
    ms__sip_respond(leg->ep->agent, leg->sip_call, 180, "Ringing", NULL);
    return 0;
}

static int ep_answer(void *ud, struct ms_call *call)
{
    (void)call;
    struct leg *leg = ud;
    if (!leg->sip_call)
        return MS_EHANGUP;
    ms__sip_respond(leg->ep->agent, leg->sip_call, 200, "OK", leg->sdp);
    return 0;
}

static void ep_hangup(void *ud, struct ms_call *call, const char *cause, int sip_status)
{
    (void)call;
    (void)cause;
    struct leg *leg = ud;
    if (leg->sip_call)
        ms__sip_hangup(leg->ep->agent, leg->sip_call, sip_status);
}

static void ep_release(void *ud, struct ms_call *call)
{
    (void)call;
    free(ud);
}

static const struct ms_endpoint_ops sip_ops = {.kind = "sip",
                                               .ring = ep_ring,
                                               .answer = ep_answer,
                                               .hangup = ep_hangup,
                                               .release = ep_release};

/* ---- media negotiation ---- */

static int params_from_neg(const struct ms__sdp_answer *neg, struct ms__rtp_params *p)
{
    memset(p, 0, sizeof *p);
    int rc =
        strchr(neg->remote_addr, ':')
            ? uv_ip6_addr(neg->remote_addr, neg->remote_port, (struct sockaddr_in6 *)&p->remote)
            : uv_ip4_addr(neg->remote_addr, neg->remote_port, (struct sockaddr_in *)&p->remote);
    if (rc < 0)
        return MS_EFORMAT;
    p->audio_pt = neg->audio_pt;
    p->clock_rate = neg->clock_rate;
    p->samples_per_frame = neg->clock_rate / 50;
    p->dtmf_pt = neg->dtmf_pt;
    p->send = neg->dir == MS_SDP_SENDRECV || neg->dir == MS_SDP_SENDONLY;
    return 0;
}

/* Negotiates an offer into leg->neg and writes our answer into leg->sdp.
 * Returns 0 or the SIP status to reject with. */
static int negotiate(struct leg *leg, const char *sdp)
{
    struct ms__sip_endpoint *ep = leg->ep;
    struct ms__sdp offer;
    struct ms__sdp_answer neg;
    if (!sdp || ms__sdp_parse(sdp, strlen(sdp), &offer) < 0)
        return 488;
    if (ms__sdp_negotiate(&offer, ep->cfg.codecs, ep->cfg.ncodecs, &neg) < 0)
        return 488;
    if (leg->enc && strcmp(neg.codec, leg->neg.codec) != 0) {
        ms__codec_free(leg->enc);
        ms__codec_free(leg->dec);
        leg->enc = leg->dec = NULL;
    }
    const struct ms__codec_info *ci = ms__codec_find(neg.codec);
    if (!ci)
        return 488;
    if (!leg->enc && (ms__codec_new(&leg->enc, ci->id) < 0 || ms__codec_new(&leg->dec, ci->id) < 0))
        return 500;
    struct ms__rtp_params p;
    if (params_from_neg(&neg, &p) < 0 || ms__rtp_stream_set_params(leg->rtp, &p) < 0)
        return 488;
    leg->neg = neg;
    int n = ms__sdp_write_answer(leg->sdp, sizeof leg->sdp, &neg, ep->cfg.rtp_ip,
                                 ms__rtp_stream_port(leg->rtp), ep->sess_id, leg->sess_version++);
    return n < 0 ? 500 : 0;
}

/* ---- events ---- */

static void set_sip_vars(struct ms_call *call, const struct ms__sip_event *ev)
{
    if (ev->call_id)
        ms_call_var_set(call, "sip_call_id", ev->call_id);
    if (ev->from_uri)
        ms_call_var_set(call, "sip_from_uri", ev->from_uri);
    if (ev->contact)
        ms_call_var_set(call, "sip_contact", ev->contact);
    if (ev->to_user)
        ms_call_var_set(call, "sip_to_user", ev->to_user);
    for (const char *const *h = ev->headers; h && h[0] && h[1]; h += 2) {
        char name[128];
        snprintf(name, sizeof name, "sip_h_%s", h[0]);
        ms_call_var_set(call, name, h[1]);
    }
}

static void set_var_u64(struct ms_call *call, const char *name, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    ms_call_var_set(call, name, buf);
}

/* The stream's counters become channel variables, so the CDR shows media quality. */
static void record_rtp_stats(struct leg *leg)
{
    struct ms__rtp_stats st;
    ms__rtp_stream_stats(leg->rtp, &st);
    struct ms_call *c = leg->call;
    set_var_u64(c, "rtp_rx_packets", st.rx_packets);
    set_var_u64(c, "rtp_tx_packets", st.tx_packets);
    set_var_u64(c, "rtp_lost", st.lost);
    set_var_u64(c, "rtp_dropped",
                st.dropped_unexpected_source + st.dropped_truncated + st.dropped_unknown_pt +
                    st.dropped_bad_event);
    char jitter[32];
    snprintf(jitter, sizeof jitter, "%.1f", st.jitter_ms);
    ms_call_var_set(c, "rtp_jitter_ms", jitter);
    ms_debug(ms_call_id(c), "rtp rx %llu tx %llu lost %llu late %llu jitter %.1f ms",
             (unsigned long long)st.rx_packets, (unsigned long long)st.tx_packets,
             (unsigned long long)st.lost, (unsigned long long)st.late, st.jitter_ms);
}

static void leg_free_media(struct leg *leg)
{
    ms__rtp_stream_close(leg->rtp);
    leg->rtp = NULL;
    ms__codec_free(leg->enc);
    ms__codec_free(leg->dec);
    leg->enc = leg->dec = NULL;
}

static struct leg *leg_new(struct ms__sip_endpoint *ep, uint64_t sip_call)
{
    struct leg *leg = calloc(1, sizeof *leg);
    if (!leg)
        return NULL;
    leg->ep = ep;
    leg->sip_call = sip_call;
    leg->sess_version = 1;
    struct ms__rtp_stream_cb cb = {.on_dtmf = on_rtp_dtmf};
    int rc = ms__rtp_stream_open(&leg->rtp, ms_loop_uv(ep->cfg.env->loop), ep->cfg.rtp_ip,
                                 &ep->ports, &cb, leg);
    if (rc < 0) {
        ms_warn(NULL, "cannot open RTP: %s", ms_strerror(rc));
        free(leg);
        return NULL;
    }
    return leg;
}

static int leg_make_call(struct leg *leg, const struct ms__sip_event *ev)
{
    struct ms_call_params p = {
        .caller = ev->from_user,
        .caller_name = ev->from_display,
        .destination = ev->request_user ? ev->request_user : ev->to_user,
        .env = leg->ep->cfg.env,
        .ops = &sip_ops,
        .ep = leg,
    };
    int rc = ms__call_new(&leg->call, &p);
    if (rc < 0)
        return rc;
    ms__rtp_stream_set_log_id(leg->rtp, ms_call_id(leg->call));
    set_sip_vars(leg->call, ev);
    ms__call_set_media(leg->call, ms__codec_info(leg->enc)->sample_rate, leg->neg.dtmf_pt >= 0,
                       &port_ops, leg);
    return 0;
}

static void on_invite(struct ms__sip_endpoint *ep, const struct ms__sip_event *ev)
{
    if (ep->stop_done || (int)ep->legs.count >= ep->cfg.max_calls) {
        ms__sip_respond(ep->agent, ev->call, 503, "Service Unavailable", NULL);
        return;
    }
    struct leg *leg = leg_new(ep, ev->call);
    if (!leg) {
        ms__sip_respond(ep->agent, ev->call, 503, "Service Unavailable", NULL);
        return;
    }
    int status = negotiate(leg, ev->sdp);
    if (status) {
        ms_info(NULL, "INVITE %s from %s refused: %d (%s)",
                ev->request_user ? ev->request_user : "", ev->from_user ? ev->from_user : "",
                status, ev->sdp ? "no common codec" : "no SDP");
        ms__sip_respond(ep->agent, ev->call, status,
                        status == 488 ? "Not Acceptable Here" : "Server Internal Error", NULL);
        leg_free_media(leg);
        free(leg);
        return;
    }
    if (leg_make_call(leg, ev) < 0 || ms__u64map_put(&ep->legs, ev->call, leg) < 0) {
        ms__sip_respond(ep->agent, ev->call, 503, "Service Unavailable", NULL);
        leg_free_media(leg);
        if (leg->call)
            ms_call_unref(leg->call); /* frees leg through release */
        else
            free(leg);
        return;
    }
    ms_info(ms_call_id(leg->call), "INVITE %s -> %s (%s/%d, telephone-event %s)",
            ms_call_caller(leg->call), ms_call_destination(leg->call), leg->neg.codec,
            leg->neg.clock_rate, leg->neg.dtmf_pt >= 0 ? "yes" : "no");
    int rc = ep->cfg.on_new_call(ep->cfg.ud, leg->call);
    if (rc < 0) { /* the dialplan cannot run: a clean error response; ENDED follows */
        bool script = rc == MS_EFORMAT;
        ms__call_ended(leg->call, "NORMAL_TEMPORARY_FAILURE", false);
        ms__sip_respond(ep->agent, ev->call, script ? 500 : 503,
                        script ? "Script Error" : "Service Unavailable", NULL);
    }
}

static void on_reinvite(struct leg *leg, const struct ms__sip_event *ev)
{
    if (ev->sdp) {
        int status = negotiate(leg, ev->sdp);
        if (status) {
            ms__sip_respond(leg->ep->agent, leg->sip_call, status, "Not Acceptable Here", NULL);
            return;
        }
        ms__call_set_media(leg->call, ms__codec_info(leg->enc)->sample_rate, leg->neg.dtmf_pt >= 0,
                           &port_ops, leg);
        ms_info(ms_call_id(leg->call), "re-INVITE: %s, %s", leg->neg.codec,
                ms__sdp_dir_name(leg->neg.dir));
    }
    ms__sip_respond(leg->ep->agent, leg->sip_call, 200, "OK", leg->sdp);
}

static const char *end_cause(const struct ms__sip_event *ev)
{
    if (ev->end_reason && strcmp(ev->end_reason, "CANCEL") == 0)
        return "ORIGINATOR_CANCEL";
    if (ev->end_reason && strcmp(ev->end_reason, "BYE") == 0)
        return "NORMAL_CLEARING";
    if (ev->end_reason && strcmp(ev->end_reason, "timeout") == 0)
        return "RECOVERY_ON_TIMER_EXPIRE";
    const struct ms__cause *c = ms__cause_from_sip(ev->status);
    return c ? c->name : "NORMAL_CLEARING";
}

static void on_ended(struct ms__sip_endpoint *ep, struct leg *leg, const struct ms__sip_event *ev)
{
    ms__u64map_del(&ep->legs, leg->sip_call);
    leg->sip_call = 0;
    record_rtp_stats(leg);
    ms__call_clear_media(leg->call);
    leg_free_media(leg);
    ms__call_ended(leg->call, end_cause(ev), ev->end_by == MS_SIP_END_REMOTE);
    ms_call_unref(leg->call); /* may free leg */
}

static void on_event(void *ud, const struct ms__sip_event *ev)
{
    struct ms__sip_endpoint *ep = ud;
    if (ev->type == MS_SIP_EV_INVITE) {
        on_invite(ep, ev);
        return;
    }
    struct leg *leg = ms__u64map_get(&ep->legs, ev->call);
    if (!leg)
        return;
    switch (ev->type) {
    case MS_SIP_EV_REINVITE:
        on_reinvite(leg, ev);
        break;
    case MS_SIP_EV_INFO:
        ms__call_dtmf(leg->call, ev->dtmf_digit, MS_DTMF_INFO);
        break;
    case MS_SIP_EV_ENDED:
        on_ended(ep, leg, ev);
        break;
    default:
        break;
    }
}

/* ---- life cycle ---- */

int ms__sip_endpoint_start(struct ms__sip_endpoint **out, const struct ms__sip_endpoint_config *c)
{
    struct ms__sip_endpoint *ep = calloc(1, sizeof *ep);
    if (!ep)
        return MS_ENOMEM;
    ep->cfg = *c;
    ep->ports.lo = (uint16_t)c->rtp_lo;
    ep->ports.hi = (uint16_t)c->rtp_hi;
    ep->ports.next = (uint16_t)c->rtp_lo;
    ep->sess_id = uv_hrtime() / 1000u;
    ms__u64map_init(&ep->legs);
    struct ms__sip_config sc = {.ip = c->sip_ip,
                                .port = c->sip_port,
                                .udp = c->udp,
                                .tcp = c->tcp,
                                .user_agent = c->user_agent};
    int rc = ms__sip_agent_start(&ep->agent, ms_loop_uv(c->env->loop), &sc, on_event, ep);
    if (rc < 0) {
        free(ep);
        return rc;
    }
    *out = ep;
    return 0;
}

int ms__sip_endpoint_port(const struct ms__sip_endpoint *e)
{
    return ms__sip_agent_port(e->agent);
}

size_t ms__sip_endpoint_calls(const struct ms__sip_endpoint *e)
{
    return e->legs.count;
}

static void agent_stopped(void *ud)
{
    struct ms__sip_endpoint *ep = ud;
    void (*done)(void *) = ep->stop_done;
    void *done_ud = ep->stop_ud;
    ms__u64map_free(&ep->legs);
    free(ep);
    done(done_ud);
}

void ms__sip_endpoint_stop(struct ms__sip_endpoint *e, void (*done)(void *ud), void *ud)
{
    e->stop_done = done;
    e->stop_ud = ud;
    for (size_t i = 0; i < e->legs.cap; i++) {
        uint64_t k = e->legs.keys[i];
        if (k && k != UINT64_MAX)
            ms_call_hangup(((struct leg *)e->legs.vals[i])->call, "SYSTEM_SHUTDOWN");
    }
    ms__sip_agent_stop(e->agent, agent_stopped, e);
}
