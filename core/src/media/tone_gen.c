#include "media/tone_gen.h"
#include "moonswitch/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TG_PI       3.14159265358979323846
#define TG_RAMP_MS  5
#define TG_PEAK     32000.0 /* the sum of all frequencies never exceeds this */
#define TG_RAMP_MAX (TG_RAMP_MS * 48)

/* A unit phasor turned by (wc, ws) every sample: the output is s. */
struct osc {
    double c, s, wc, ws;
};

struct ms__tone_gen {
    struct ms__tone_spec *spec;
    int rate;
    int loops_left;    /* plays left including this one, or MS__TONE_FOREVER */
    uint64_t cap_left; /* samples left before the duration cut, or UINT64_MAX */
    size_t seg;        /* current segment */
    uint32_t pos;      /* sample within it */
    uint32_t on_n, off_n;
    bool ramp_in, ramp_out, prev_hot, done;
    double amp; /* per frequency, of the current segment */
    uint32_t ramp_n;
    float ramp[TG_RAMP_MAX]; /* raised cosine 0 -> 1 over ramp_n samples */
    struct osc osc[MS__TONE_MAX_FREQS];
};

static uint32_t ms_to_samples(uint32_t ms, int rate)
{
    return (uint32_t)(((uint64_t)ms * (uint64_t)rate + 500) / 1000);
}

static double seg_amp(const struct ms__tone_segment *seg)
{
    if (seg->nfreqs == 0)
        return 0;
    double a = 32767.0 * pow(10.0, seg->level_db / 20.0);
    if (a * seg->nfreqs > TG_PEAK)
        a = TG_PEAK / seg->nfreqs;
    return a;
}

static const struct ms__tone_segment *next_segment(const struct ms__tone_gen *g)
{
    bool last = g->seg + 1 == g->spec->nsegs;
    if (last && g->loops_left == 1)
        return NULL;
    return &g->spec->segs[last ? 0 : g->seg + 1];
}

/* Whether the current segment's tone runs straight into the next one. */
static bool runs_on(const struct ms__tone_gen *g, const struct ms__tone_segment *cur)
{
    const struct ms__tone_segment *next = next_segment(g);
    return cur->off_ms == 0 && cur->nfreqs > 0 && next && next->on_ms > 0 &&
           next->nfreqs == cur->nfreqs && next->level_db == cur->level_db;
}

static void enter_segment(struct ms__tone_gen *g)
{
    const struct ms__tone_segment *seg = &g->spec->segs[g->seg];
    g->pos = 0;
    g->on_n = ms_to_samples(seg->on_ms, g->rate);
    g->off_n = ms_to_samples(seg->off_ms, g->rate);
    g->amp = seg_amp(seg);
    g->ramp_in = !g->prev_hot;
    g->ramp_out = !runs_on(g, seg);
    for (int i = 0; i < seg->nfreqs; i++) {
        struct osc *o = &g->osc[i];
        double w = 2 * TG_PI * seg->freqs[i] / g->rate;
        o->wc = cos(w);
        o->ws = sin(w);
        if (g->ramp_in) {
            o->c = 1;
            o->s = 0;
        }
    }
    g->prev_hot = !g->ramp_out;
}

/* Moves to the next segment (or loop); sets done at the end of the script. */
static void advance_segment(struct ms__tone_gen *g)
{
    if (++g->seg == g->spec->nsegs) {
        g->seg = 0;
        if (g->loops_left != MS__TONE_FOREVER && --g->loops_left == 0) {
            g->done = true;
            return;
        }
    }
    enter_segment(g);
}

static double ramp_at(const struct ms__tone_gen *g, uint64_t k)
{
    return k < g->ramp_n ? g->ramp[k] : 1.0;
}

static double gain_at(const struct ms__tone_gen *g, uint32_t pos)
{
    double gain = 1.0;
    uint32_t ramp = g->on_n / 2 < g->ramp_n ? g->on_n / 2 : g->ramp_n;
    if (g->ramp_in && pos < ramp)
        gain = ramp_at(g, (uint64_t)pos * g->ramp_n / (ramp ? ramp : 1));
    if (g->ramp_out && g->on_n - pos <= ramp) {
        double out = ramp_at(g, (uint64_t)(g->on_n - 1 - pos) * g->ramp_n / (ramp ? ramp : 1));
        gain = out < gain ? out : gain;
    }
    if (g->cap_left <= g->ramp_n) {
        double cut = ramp_at(g, g->cap_left - 1);
        gain = cut < gain ? cut : gain;
    }
    return gain;
}

static int16_t tone_sample(struct ms__tone_gen *g, int nfreqs)
{
    double v = 0;
    for (int i = 0; i < nfreqs; i++) {
        struct osc *o = &g->osc[i];
        v += o->s;
        double c = o->c * o->wc - o->s * o->ws;
        o->s = o->s * o->wc + o->c * o->ws;
        o->c = c;
    }
    v *= g->amp * gain_at(g, g->pos);
    return (int16_t)lrint(v);
}

static void renormalise(struct ms__tone_gen *g)
{
    for (int i = 0; i < MS__TONE_MAX_FREQS; i++) {
        struct osc *o = &g->osc[i];
        double r = sqrt(o->c * o->c + o->s * o->s);
        if (r > 0) {
            o->c /= r;
            o->s /= r;
        }
    }
}

size_t ms__tone_gen_read(struct ms__tone_gen *g, int16_t *pcm, size_t n)
{
    size_t i = 0;
    while (i < n && !g->done && g->cap_left > 0) {
        int nfreqs = g->spec->segs[g->seg].nfreqs;
        if (g->pos < g->on_n && nfreqs > 0) {
            pcm[i++] = tone_sample(g, nfreqs);
            g->pos++;
            g->cap_left--;
        } else if (g->pos < g->on_n + g->off_n) {
            uint64_t span = g->on_n + g->off_n - g->pos;
            span = span < n - i ? span : n - i;
            span = span < g->cap_left ? span : g->cap_left;
            memset(pcm + i, 0, (size_t)span * sizeof(*pcm));
            i += (size_t)span;
            g->pos += (uint32_t)span;
            g->cap_left -= span;
        } else {
            advance_segment(g);
        }
    }
    if (g->cap_left == 0)
        g->done = true;
    if (i < n)
        memset(pcm + i, 0, (n - i) * sizeof(*pcm));
    renormalise(g);
    return i;
}

bool ms__tone_gen_done(const struct ms__tone_gen *g)
{
    return g->done;
}

int ms__tone_gen_rate(const struct ms__tone_gen *g)
{
    return g->rate;
}

static int check_nyquist(const struct ms__tone_spec *s, int rate, char *err, size_t err_len)
{
    for (size_t i = 0; i < s->nsegs; i++)
        for (int k = 0; k < s->segs[i].nfreqs; k++)
            if (s->segs[i].freqs[k] * 2 >= (float)rate) {
                if (err && err_len)
                    snprintf(err, err_len, "tone spec: %g Hz cannot be played at %d Hz",
                             (double)s->segs[i].freqs[k], rate);
                return MS_EINVAL;
            }
    return 0;
}

static int check_args(int rate, const struct ms__tone_gen_opts *opts, char *err, size_t err_len)
{
    const char *msg = NULL;
    if (rate < 8000 || rate > 48000)
        msg = "tone: rate must be 8000 to 48000";
    else if (opts && opts->repeat < MS__TONE_FOREVER)
        msg = "tone: repeat must be -1 (forever), 0 (the spec's) or a count";
    if (msg && err && err_len)
        snprintf(err, err_len, "%s", msg);
    return msg ? MS_EINVAL : 0;
}

static void init_state(struct ms__tone_gen *g, const struct ms__tone_gen_opts *opts)
{
    g->ramp_n = ms_to_samples(TG_RAMP_MS, g->rate);
    for (uint32_t k = 0; k < g->ramp_n; k++)
        g->ramp[k] = (float)(0.5 - 0.5 * cos(TG_PI * (k + 0.5) / g->ramp_n));
    int repeat = opts ? opts->repeat : 0;
    g->loops_left = repeat ? repeat : g->spec->loops;
    uint32_t dur = opts ? opts->duration_ms : 0;
    g->cap_left = dur ? (uint64_t)dur * (uint64_t)g->rate / 1000 : UINT64_MAX;
    enter_segment(g);
}

int ms__tone_gen_new(struct ms__tone_gen **out, const char *spec, int rate,
                     const struct ms__tone_gen_opts *opts, char *err, size_t err_len)
{
    if (!out || !spec)
        return MS_EINVAL;
    int rc = check_args(rate, opts, err, err_len);
    if (rc < 0)
        return rc;
    struct ms__tone_gen *g = calloc(1, sizeof(*g));
    if (!g)
        return MS_ENOMEM;
    rc = ms__tone_spec_parse(&g->spec, spec, err, err_len);
    if (rc < 0)
        goto fail_parse;
    rc = check_nyquist(g->spec, rate, err, err_len);
    if (rc < 0)
        goto fail_check;
    g->rate = rate;
    init_state(g, opts);
    *out = g;
    return 0;

fail_check:
    ms__tone_spec_free(g->spec);
fail_parse:
    free(g);
    return rc;
}

void ms__tone_gen_free(struct ms__tone_gen *g)
{
    if (!g)
        return;
    ms__tone_spec_free(g->spec);
    free(g);
}
