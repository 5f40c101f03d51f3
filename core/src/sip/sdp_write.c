/* SDP writer: answers and offers for one audio stream, CRLF line ends. */
#include "sip/sdp.h"
#include "moonswitch/error.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *buf;
    size_t cap, len;
    bool full;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    if (o->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len) {
        o->full = true;
        return;
    }
    o->len += (size_t)n;
}

static int finish(struct out *o)
{
    if (o->full) {
        if (o->cap > 0)
            o->buf[0] = '\0';
        return MS_EMSGSIZE;
    }
    return (int)o->len;
}

/* A non-empty run of printable non-space characters shorter than max. */
static bool is_token(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] <= ' ' || s[n] > '~' || n + 1 >= max)
            return false;
    return n > 0;
}

static bool args_ok(const char *buf, size_t cap, const char *local_ip, int local_port)
{
    return buf && cap > 0 && local_ip && is_token(local_ip, 64) && local_port >= 0 &&
           local_port <= 65535;
}

static void put_session(struct out *o, const char *ip, uint64_t id, uint64_t ver)
{
    const char *fam = strchr(ip, ':') ? "IP6" : "IP4";
    put(o, "v=0\r\no=moonswitch %" PRIu64 " %" PRIu64 " IN %s %s\r\n", id, ver, fam, ip);
    put(o, "s=moonswitch\r\nc=IN %s %s\r\nt=0 0\r\n", fam, ip);
}

static void put_dtmf(struct out *o, int pt, int rate)
{
    put(o, "a=rtpmap:%d telephone-event/%d\r\na=fmtp:%d 0-16\r\n", pt, rate, pt);
}

static void put_tail(struct out *o, enum ms__sdp_dir dir)
{
    put(o, "a=ptime:20\r\na=%s\r\n", ms__sdp_dir_name(dir));
}

static void put_audio_answer(struct out *o, const struct ms__sdp_answer *a, int port)
{
    put(o, "m=audio %d RTP/AVP %d", port, a->audio_pt);
    if (a->dtmf_pt >= 0)
        put(o, " %d", a->dtmf_pt);
    put(o, "\r\na=rtpmap:%d %s/%d\r\n", a->audio_pt, a->codec, a->clock_rate);
    if (a->dtmf_pt >= 0)
        put_dtmf(o, a->dtmf_pt, a->clock_rate);
    put_tail(o, a->dir);
}

static void put_rejected(struct out *o, const struct ms__sdp_mline *m)
{
    const char *type = is_token(m->type, sizeof m->type) ? m->type : "application";
    const char *proto = is_token(m->proto, sizeof m->proto) ? m->proto : "RTP/AVP";
    const char *fmt = is_token(m->fmt, sizeof m->fmt) ? m->fmt : "0";
    put(o, "m=%s 0 %s %s\r\n", type, proto, fmt);
}

static bool answer_ok(const struct ms__sdp_answer *a)
{
    return a && a->audio_pt >= 0 && a->audio_pt <= 127 && a->dtmf_pt >= -1 && a->dtmf_pt <= 127 &&
           a->dtmf_pt != a->audio_pt && is_token(a->codec, sizeof a->codec) && a->clock_rate > 0 &&
           (unsigned)a->dir <= MS_SDP_INACTIVE && a->nmlines >= 0 &&
           a->nmlines <= MS_SDP_MAX_MLINES;
}

int ms__sdp_write_answer(char *buf, size_t cap, const struct ms__sdp_answer *a,
                         const char *local_ip, int local_port, uint64_t sess_id,
                         uint64_t sess_version)
{
    if (!args_ok(buf, cap, local_ip, local_port) || !answer_ok(a))
        return MS_EINVAL;
    struct out o = {buf, cap, 0, false};
    buf[0] = '\0';
    put_session(&o, local_ip, sess_id, sess_version);
    bool mirror = a->nmlines > 0 && a->audio_index >= 0 && a->audio_index < a->nmlines;
    if (!mirror) {
        put_audio_answer(&o, a, local_port);
        return finish(&o);
    }
    for (int i = 0; i < a->nmlines; i++) {
        if (i == a->audio_index)
            put_audio_answer(&o, a, local_port);
        else
            put_rejected(&o, &a->mlines[i]);
    }
    return finish(&o);
}

struct offer_fmt {
    int pt;
    char name[16];
    int rate;
};

static int next_dynamic(const struct offer_fmt *f, int n, int dtmf_pt, int from)
{
    for (int pt = from; pt <= 127; pt++) {
        bool used = pt == dtmf_pt;
        for (int i = 0; i < n && !used; i++)
            used = f[i].pt == pt;
        if (!used)
            return pt;
    }
    return -1;
}

static int plan_offer(const char *const *codecs, int ncodecs, int dtmf_pt, struct offer_fmt *f)
{
    for (int i = 0; i < ncodecs; i++) {
        if (!codecs[i] || !ms__sdp_split_codec(codecs[i], f[i].name, &f[i].rate))
            return MS_EINVAL;
        f[i].pt = ms__sdp_static_pt(f[i].name, f[i].rate);
        for (int j = 0; j < i && f[i].pt >= 0; j++)
            if (f[j].pt == f[i].pt)
                return MS_EINVAL; /* the same codec twice */
        if (f[i].pt >= 0) {
            struct ms__sdp_fmt sf;
            ms__sdp_static_fmt(f[i].pt, &sf);
            f[i].rate = sf.rate;
            continue;
        }
        f[i].pt = next_dynamic(f, i, dtmf_pt, 96);
        if (f[i].rate == 0)
            f[i].rate = 8000;
    }
    return 0;
}

int ms__sdp_write_offer(char *buf, size_t cap, const char *const *codecs, int ncodecs, int dtmf_pt,
                        const char *local_ip, int local_port, uint64_t sess_id,
                        uint64_t sess_version, enum ms__sdp_dir dir)
{
    struct offer_fmt f[MS_SDP_MAX_FMTS];
    if (!args_ok(buf, cap, local_ip, local_port) || !codecs || ncodecs <= 0 ||
        ncodecs >= MS_SDP_MAX_FMTS || (dtmf_pt != -1 && (dtmf_pt < 96 || dtmf_pt > 127)) ||
        (unsigned)dir > MS_SDP_INACTIVE)
        return MS_EINVAL;
    if (plan_offer(codecs, ncodecs, dtmf_pt, f) < 0)
        return MS_EINVAL;
    struct out o = {buf, cap, 0, false};
    buf[0] = '\0';
    put_session(&o, local_ip, sess_id, sess_version);
    put(&o, "m=audio %d RTP/AVP", local_port);
    for (int i = 0; i < ncodecs; i++)
        put(&o, " %d", f[i].pt);
    if (dtmf_pt >= 0)
        put(&o, " %d", dtmf_pt);
    put(&o, "\r\n");
    for (int i = 0; i < ncodecs; i++)
        put(&o, "a=rtpmap:%d %s/%d\r\n", f[i].pt, f[i].name, f[i].rate);
    if (dtmf_pt >= 0)
        put_dtmf(&o, dtmf_pt, 8000);
    put_tail(&o, dir);
    return finish(&o);
}
