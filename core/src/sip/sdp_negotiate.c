/* SDP offer/answer: choosing the codec, telephone-event and direction. */
#include "sip/sdp.h"
#include "moonswitch/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One entry of our codec list: "PCMU" or "L16/16000". */
struct want {
    char name[16];
    int rate; /* 0 = any */
};

bool ms__sdp_split_codec(const char *spec, char name[16], int *rate)
{
    const char *slash = strchr(spec, '/');
    size_t n = slash ? (size_t)(slash - spec) : strlen(spec);
    if (n == 0 || n >= 16)
        return false;
    for (size_t i = 0; i < n; i++)
        if (spec[i] <= ' ' || spec[i] > '~')
            return false;
    memcpy(name, spec, n);
    name[n] = '\0';
    *rate = 0;
    if (slash) {
        char *end;
        long r = strtol(slash + 1, &end, 10);
        if (*end != '\0' || r <= 0 || r > 10000000 || slash[1] < '0' || slash[1] > '9')
            return false;
        *rate = (int)r;
    }
    return true;
}

static bool parse_want(const char *spec, struct want *w)
{
    return ms__sdp_split_codec(spec, w->name, &w->rate);
}

static bool fmt_matches(const struct ms__sdp_fmt *f, const struct want *w)
{
    return f->name[0] && f->channels == 1 && strcasecmp(f->name, w->name) == 0 &&
           (w->rate == 0 || w->rate == f->rate) && f->rate > 0;
}

static bool want_at(const char *const *codecs, int i, struct want *w)
{
    return codecs[i] && parse_want(codecs[i], w);
}

static void choose(struct ms__sdp_answer *out, const struct ms__sdp_fmt *f, const struct want *w)
{
    out->audio_pt = f->pt;
    strcpy(out->codec, w->name);
    out->clock_rate = f->rate;
}

/* Our preference order first. */
static bool choose_ours_first(const struct ms__sdp_media *m, const char *const *codecs, int ncodecs,
                              struct ms__sdp_answer *out)
{
    struct want w;
    for (int i = 0; i < ncodecs; i++) {
        if (!want_at(codecs, i, &w))
            continue;
        for (int j = 0; j < m->nfmts; j++) {
            if (fmt_matches(&m->fmts[j], &w)) {
                choose(out, &m->fmts[j], &w);
                return true;
            }
        }
    }
    return false;
}

/* The remote side's order first (reading an answer to our offer). */
static bool choose_theirs_first(const struct ms__sdp_media *m, const char *const *codecs,
                                int ncodecs, struct ms__sdp_answer *out)
{
    struct want w;
    for (int j = 0; j < m->nfmts; j++) {
        for (int i = 0; i < ncodecs; i++) {
            if (want_at(codecs, i, &w) && fmt_matches(&m->fmts[j], &w)) {
                choose(out, &m->fmts[j], &w);
                return true;
            }
        }
    }
    return false;
}

static int find_dtmf(const struct ms__sdp_media *m, int rate)
{
    for (int j = 0; j < m->nfmts; j++) {
        const struct ms__sdp_fmt *f = &m->fmts[j];
        if (strcasecmp(f->name, "telephone-event") == 0 && f->rate == rate && f->pt >= 0)
            return f->pt;
    }
    return -1;
}

static bool is_hold_addr(const char *addr)
{
    return strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0;
}

/* Our direction given theirs; c=0.0.0.0 means "do not send to me". */
static enum ms__sdp_dir our_dir(const struct ms__sdp_media *m)
{
    enum ms__sdp_dir theirs = m->dir;
    if (is_hold_addr(m->addr)) {
        if (theirs == MS_SDP_SENDRECV)
            theirs = MS_SDP_SENDONLY;
        else if (theirs == MS_SDP_RECVONLY)
            theirs = MS_SDP_INACTIVE;
    }
    switch (theirs) {
    case MS_SDP_SENDONLY:
        return MS_SDP_RECVONLY;
    case MS_SDP_RECVONLY:
        return MS_SDP_SENDONLY;
    case MS_SDP_INACTIVE:
        return MS_SDP_INACTIVE;
    default:
        return MS_SDP_SENDRECV;
    }
}

static int agree(const struct ms__sdp *sdp, const char *const *codecs, int ncodecs,
                 struct ms__sdp_answer *out, bool ours_first)
{
    if (!sdp || !out || ncodecs < 0 || (ncodecs > 0 && !codecs))
        return MS_EINVAL;
    if (!sdp->has_audio)
        return MS_EFORMAT;
    const struct ms__sdp_media *m = &sdp->audio;
    struct ms__sdp_answer a;
    memset(&a, 0, sizeof a);
    bool ok = ours_first ? choose_ours_first(m, codecs, ncodecs, &a)
                         : choose_theirs_first(m, codecs, ncodecs, &a);
    if (!ok)
        return MS_ENOCODEC;
    a.dtmf_pt = find_dtmf(m, a.clock_rate);
    a.dir = our_dir(m);
    strcpy(a.remote_addr, m->addr);
    a.remote_port = m->port;
    a.ptime = m->ptime;
    a.audio_index = -1;
    *out = a;
    return 0;
}

int ms__sdp_negotiate(const struct ms__sdp *offer, const char *const *codecs, int ncodecs,
                      struct ms__sdp_answer *out)
{
    int rc = agree(offer, codecs, ncodecs, out, true);
    if (rc < 0)
        return rc;
    out->audio_index = offer->audio_index;
    out->nmlines = offer->nmlines;
    memcpy(out->mlines, offer->mlines, sizeof out->mlines);
    return 0;
}

int ms__sdp_accept_answer(const struct ms__sdp *answer, const char *const *codecs, int ncodecs,
                          struct ms__sdp_answer *out)
{
    return agree(answer, codecs, ncodecs, out, false);
}
