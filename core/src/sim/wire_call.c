/* Simulated callers over the wire (see wire_call.h). */
#define MS_LOG_MODULE "wire"
#include "sim/wire_call.h"
#include "base/u64map.h"
#include "cause.h"
#include "hear/hear.h"
#include "media/codec.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "rtp/rtp_stream.h"
#include "sim/sound_set.h"
#include "sim/speech_set.h"
#include "sim/wire_ear.h"
#include "sip/sdp.h"
#include "sip/sip_agent.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DTMF_PT 101

struct ms__wire {
    struct ms__wire_config cfg;
    char server[128], local_ip[64], record_path[512];
    struct ms__sip_agent *agent;
    struct ms__rtp_ports ports;
    struct ms__hear_set *sounds;
    struct ms__speech_set *speech; /* TTS texts added to sounds as tests expect them */
    struct ms__u64map calls;
    bool recorded; /* the record file was given to a call */
    void (*done)(void *ud);
    void *done_ud;
};

struct wire_call {
    struct ms__caller base; /* first */
    struct ms__wire *w;
    int refs; /* the test's and the dialog's */
    uint64_t sip;
    char sip_call_id[128];
    struct ms__rtp_stream *rtp;
    struct ms__codec *enc, *dec;
    struct ms__wire_ear *ear;
    struct ms_tick_handler tick;
    bool answered, ended_by_us;
    SNDFILE *record;
};

static const char *const codecs[] = {"PCMU", "PCMA"};

/* ---- per call ---- */

static void wc_unref(struct wire_call *wc)
{
    if (--wc->refs > 0)
        return;
    ms__wire_ear_free(wc->ear);
    ms__caller_fini(&wc->base);
    free(wc);
}

static void on_tick(void *ud, uint64_t now)
{
    struct wire_call *wc = ud;
    int16_t pcm[160];
    uint8_t buf[256];
    size_t len;
    if (ms__rtp_stream_read(wc->rtp, buf, sizeof buf, &len) == 1 &&
        ms__codec_decode(wc->dec, buf, len, pcm, 160) == 160) {
        ms__caller_hear(&wc->base, pcm, 160);
    } else {
        memset(pcm, 0, sizeof pcm); /* nothing this tick: silence for the listener */
    }
    ms__wire_ear_feed(wc->ear, pcm, now);
    if (wc->record)
        sf_write_short(wc->record, pcm, 160);
    if (!ms__caller_take(&wc->base, pcm, 160))
        memset(pcm, 0, sizeof pcm);
    int n = ms__codec_encode(wc->enc, pcm, 160, buf, sizeof buf);
    ms__rtp_stream_write(wc->rtp, buf, n > 0 ? (size_t)n : 0);
}

static void close_media(struct wire_call *wc)
{
    ms_tick_remove(wc->w->cfg.loop, &wc->tick);
    if (wc->ear)
        ms__wire_ear_finish(wc->ear);
    ms__rtp_stream_close(wc->rtp);
    wc->rtp = NULL;
    ms__codec_free(wc->enc);
    ms__codec_free(wc->dec);
    wc->enc = wc->dec = NULL;
    if (wc->record)
        sf_close(wc->record);
    wc->record = NULL;
}

static void open_record(struct wire_call *wc)
{
    struct ms__wire *w = wc->w;
    if (!w->record_path[0] || w->recorded)
        return;
    w->recorded = true;
    SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    wc->record = sf_open(w->record_path, SFM_WRITE, &info);
    if (!wc->record)
        ms_warn(NULL, "cannot record to %s: %s", w->record_path, sf_strerror(NULL));
}

static void on_answered(struct wire_call *wc, const struct ms__sip_event *ev)
{
    struct ms__sdp answer;
    struct ms__sdp_answer neg;
    const struct ms__codec_info *ci = NULL;
    if (!ev->sdp || ms__sdp_parse(ev->sdp, strlen(ev->sdp), &answer) < 0 ||
        ms__sdp_accept_answer(&answer, codecs, 2, &neg) < 0 || !(ci = ms__codec_find(neg.codec))) {
        ms_warn(NULL, "%s: unusable SDP answer: hanging up", wc->sip_call_id);
        ms__sip_hangup(wc->w->agent, wc->sip, 488);
        return;
    }
    struct ms__rtp_params p = {.audio_pt = neg.audio_pt,
                               .clock_rate = 8000,
                               .samples_per_frame = 160,
                               .dtmf_pt = neg.dtmf_pt,
                               .send = true};
    uv_ip4_addr(neg.remote_addr, neg.remote_port, (struct sockaddr_in *)&p.remote);
    if (ms__codec_new(&wc->enc, ci->id) < 0 || ms__codec_new(&wc->dec, ci->id) < 0 ||
        ms__rtp_stream_set_params(wc->rtp, &p) < 0) {
        ms__sip_hangup(wc->w->agent, wc->sip, 500);
        return;
    }
    wc->answered = true;
    open_record(wc);
    ms__caller_note(&wc->base, MS_HEARD_ANSWERED, NULL, NULL, false, ev->status);
    ms_tick_add(wc->w->cfg.loop, &wc->tick, on_tick, wc);
}

static void on_ended(struct wire_call *wc, const struct ms__sip_event *ev)
{
    close_media(wc);
    ms__u64map_del(&wc->w->calls, wc->sip);
    wc->sip = 0;
    if (!wc->base.ended) {
        const struct ms__cause *c = ms__cause_from_sip(ev->status);
        const char *cause = wc->answered ? "NORMAL_CLEARING" : c ? c->name : "INTERWORKING";
        const char *by = ev->end_by == MS_SIP_END_REMOTE ? "server" : "caller";
        bool unreachable =
            ev->end_by == MS_SIP_END_LOCAL && ev->end_reason &&
            (!strcmp(ev->end_reason, "transport error") || !strcmp(ev->end_reason, "timeout"));
        if (unreachable) { /* nobody answered at all: say so, not "refused" */
            cause = !strcmp(ev->end_reason, "timeout") ? "RECOVERY_ON_TIMER_EXPIRE"
                                                       : "NETWORK_OUT_OF_ORDER";
            by = "network";
            ms_warn(NULL, "no SIP answer from %s (%s)", wc->w->server, ev->end_reason);
        }
        ms__caller_note(&wc->base, MS_HEARD_HANGUP, cause, by, false,
                        wc->answered ? 0 : ev->status);
    }
    ms__caller_set_done(&wc->base); /* the CDR is the server's: t:cdr polls for it */
    wc_unref(wc);
}

static void on_event(void *ud, const struct ms__sip_event *ev)
{
    struct ms__wire *w = ud;
    struct wire_call *wc = ms__u64map_get(&w->calls, ev->call);
    if (!wc)
        return;
    if (ev->call_id && !wc->sip_call_id[0])
        snprintf(wc->sip_call_id, sizeof wc->sip_call_id, "%s", ev->call_id);
    switch (ev->type) {
    case MS_SIP_EV_PROGRESS:
        if (ev->status == 180 || ev->status == 183)
            ms__caller_note(&wc->base, MS_HEARD_RINGING, NULL, NULL, false, ev->status);
        break;
    case MS_SIP_EV_ANSWERED:
        on_answered(wc, ev);
        break;
    case MS_SIP_EV_ENDED:
        on_ended(wc, ev);
        break;
    default:
        break;
    }
}

/* ---- the caller's side ---- */

static int c_press(struct ms__caller *c, char digit, enum ms__press_method m, int duration_ms)
{
    struct wire_call *wc = (struct wire_call *)c;
    if (!ms__caller_valid_digit(digit))
        return MS_EINVAL;
    if (c->ended || !wc->sip)
        return MS_EHANGUP;
    char d[2] = {digit, 0};
    ms__caller_note(c, MS_HEARD_PRESSED, d, ms__press_method_name(m), false, 0);
    switch (m) {
    case MS_PRESS_INBAND:
        return ms__caller_queue_tone(c, digit, duration_ms);
    case MS_PRESS_INFO:
        ms__sip_info_dtmf(wc->w->agent, wc->sip, digit, duration_ms);
        return 0;
    default:
        return wc->rtp ? ms__rtp_stream_send_dtmf(wc->rtp, digit, duration_ms) : MS_ESTATE;
    }
}

static void c_hangup(struct ms__caller *c)
{
    struct wire_call *wc = (struct wire_call *)c;
    if (c->ended || !wc->sip)
        return;
    ms__caller_note(c, MS_HEARD_HANGUP, "NORMAL_CLEARING", "caller", false, 0);
    ms__sip_hangup(wc->w->agent, wc->sip, 487); /* BYE, or CANCEL before the answer */
}

static const char *c_sip_call_id(struct ms__caller *c)
{
    return ((struct wire_call *)c)->sip_call_id;
}

static void c_unref(struct ms__caller *c)
{
    wc_unref((struct wire_call *)c);
}

/* Renders the text if needed; once it is known, looks for it in what was heard. */
static int c_want_speech(struct ms__caller *c, const char *text, const char *voice,
                         const char **alias)
{
    struct wire_call *wc = (struct wire_call *)c;
    int rc = ms__speech_want(wc->w->speech, text, voice, alias);
    if (rc == 0)
        ms__wire_ear_catch_up(wc->ear, ms__speech_added(wc->w->speech));
    return rc;
}

static const struct ms__caller_ops wire_ops = {
    .mode = "wire",
    .grace_ms = 2000, /* a prompt is identified within about a second of its start */
    .press = c_press,
    .hangup = c_hangup,
    .id = c_sip_call_id, /* the server's own id is not known from outside */
    .sip_call_id = c_sip_call_id,
    .var = NULL,
    .unref = c_unref,
    .want_speech = c_want_speech,
};

static void on_rtp_dtmf(void *ud, char digit)
{
    (void)ud;
    (void)digit; /* the server does not send digits to callers */
}

static int make_offer(struct wire_call *wc, bool rfc4733, char *sdp, size_t cap)
{
    struct ms__wire *w = wc->w;
    struct ms__rtp_stream_cb cb = {.on_dtmf = on_rtp_dtmf};
    int rc =
        ms__rtp_stream_open(&wc->rtp, ms_loop_uv(w->cfg.loop), w->local_ip, &w->ports, &cb, wc);
    if (rc < 0)
        return rc;
    rc = ms__sdp_write_offer(sdp, cap, codecs, 2, rfc4733 ? DTMF_PT : -1, w->local_ip,
                             ms__rtp_stream_port(wc->rtp), uv_hrtime() / 1000, 1, MS_SDP_SENDRECV);
    return rc < 0 ? rc : 0;
}

int ms__wire_dial(struct ms__wire *w, const struct ms__sim_dial_opts *o,
                  ms__caller_notify_cb notify, void *ud, struct ms__caller **out)
{
    struct wire_call *wc = calloc(1, sizeof *wc);
    if (!wc)
        return MS_ENOMEM;
    ms__caller_init(&wc->base, &wire_ops, w->cfg.loop, notify, ud);
    wc->w = w;
    wc->refs = 1;
    char sdp[1024], to[256], from[256];
    int rc = ms__wire_ear_new(&wc->ear, w->sounds, &wc->base);
    if (rc == 0)
        rc = make_offer(wc, o->rfc4733, sdp, sizeof sdp);
    if (rc < 0)
        goto fail;
    snprintf(to, sizeof to, "sip:%s@%s", o->destination, w->server);
    if (o->caller_name && *o->caller_name)
        snprintf(from, sizeof from, "\"%s\" <sip:%s@%s>", o->caller_name,
                 o->caller ? o->caller : "anonymous", w->local_ip);
    else
        snprintf(from, sizeof from, "sip:%s@%s", o->caller ? o->caller : "anonymous", w->local_ip);
    rc = ms__sip_invite(w->agent, to, from, sdp, o->headers, &wc->sip);
    if (rc < 0 || (rc = ms__u64map_put(&w->calls, wc->sip, wc)) < 0)
        goto fail;
    wc->refs++; /* the dialog's, dropped at ENDED */
    *out = &wc->base;
    return 0;
fail:
    ms__rtp_stream_close(wc->rtp);
    wc->rtp = NULL;
    wc_unref(wc);
    return rc;
}

/* ---- the shared part ---- */

size_t ms__wire_sounds(const struct ms__wire *w)
{
    return ms__hear_set_count(w->sounds);
}

int ms__wire_open(struct ms__wire **out, const struct ms__wire_config *cfg)
{
    struct ms__wire *w = calloc(1, sizeof *w);
    if (!w)
        return MS_ENOMEM;
    w->cfg = *cfg;
    snprintf(w->server, sizeof w->server, "%s", cfg->server);
    snprintf(w->local_ip, sizeof w->local_ip, "%s", cfg->local_ip);
    snprintf(w->record_path, sizeof w->record_path, "%s", cfg->record_path ? cfg->record_path : "");
    w->ports =
        (struct ms__rtp_ports){(uint16_t)cfg->rtp_lo, (uint16_t)cfg->rtp_hi, (uint16_t)cfg->rtp_lo};
    ms__u64map_init(&w->calls);
    int rc = ms__sound_set_load(&w->sounds, cfg->sound_dirs, cfg->nsound_dirs);
    if (rc < 0)
        goto fail_sounds;
    rc = ms__speech_set_new(&w->speech, ms_loop_uv(cfg->loop), w->sounds, cfg->changed,
                            cfg->changed_ud);
    if (rc < 0)
        goto fail_speech;
    struct ms__sip_config sc = {
        .ip = w->local_ip, .port = 0, .udp = true, .tcp = false, .user_agent = "moonswitch-test"};
    if ((rc = ms__sip_agent_start(&w->agent, ms_loop_uv(cfg->loop), &sc, on_event, w)) < 0)
        goto fail_agent;
    *out = w;
    return 0;
fail_agent:
    ms__speech_set_close(w->speech, NULL, NULL); /* nothing rendering: freed at once */
fail_speech:
    ms__hear_set_free(w->sounds);
fail_sounds:
    free(w);
    return rc;
}

static void agent_stopped(void *ud)
{
    struct ms__wire *w = ud;
    void (*done)(void *) = w->done;
    void *done_ud = w->done_ud;
    ms__u64map_free(&w->calls);
    ms__hear_set_free(w->sounds);
    free(w);
    if (done)
        done(done_ud);
}

static void speech_closed(void *ud)
{
    struct ms__wire *w = ud;
    ms__sip_agent_stop(w->agent, agent_stopped, w);
}

void ms__wire_close(struct ms__wire *w, void (*done)(void *ud), void *ud)
{
    w->done = done;
    w->done_ud = ud;
    ms__speech_set_close(w->speech, speech_closed, w); /* renders still running end first */
}
