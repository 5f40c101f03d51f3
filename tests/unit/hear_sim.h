/* Simulated received call audio for the prompt recogniser (core/src/hear/): used by
 * tests/unit/test_hear.c and tools/hear-eval.c. Header-only, test support.
 *
 * Speech comes from flite (voice kal, 8 kHz); a "caller" voice is kal sped up and
 * pitched up by resampling. A stream is built sample by sample (silences, sounds at
 * a gain, echo mixed in, jitter-buffer slips, stalls: a gap of silence with or
 * without audio lost after it), then passed through the channel: G.711 encode/decode
 * per 20 ms frame, lost frames concealed by silence or by repeating the previous frame.
 * Events from the listener are collected with the stream time at which they came.
 *
 * struct sim_buf: owns its malloc'd pcm (sim_buf_free). Not thread-safe.
 */
#ifndef MS_TEST_HEAR_SIM_H
#define MS_TEST_HEAR_SIM_H

#include "hear/hear.h"
#include "media/codec.h"
#include "media/resample.h"

#include <flite/flite.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

cst_voice *register_cmu_us_kal(const char *voxdir); /* no header declares them */
void unregister_cmu_us_kal(cst_voice *v);

#define SIM_RATE  8000
#define SIM_FRAME 160

struct sim_buf {
    int16_t *pcm;
    size_t n, cap;
};

static inline void sim_buf_free(struct sim_buf *b)
{
    free(b->pcm);
    memset(b, 0, sizeof(*b));
}

static inline int sim_reserve(struct sim_buf *b, size_t n)
{
    if (n <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 8000;
    while (cap < n)
        cap *= 2;
    int16_t *p = realloc(b->pcm, cap * sizeof(*p));
    if (!p)
        return -1;
    b->pcm = p;
    b->cap = cap;
    return 0;
}

static inline int16_t sim_clip(double v)
{
    return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrint(v));
}

/* Appends n samples of pcm times gain (pcm NULL: silence). */
static inline int sim_append(struct sim_buf *b, const int16_t *pcm, size_t n, double gain)
{
    if (sim_reserve(b, b->n + n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        b->pcm[b->n + i] = pcm ? sim_clip(pcm[i] * gain) : 0;
    b->n += n;
    return 0;
}

/* Adds pcm times gain at sample `at`, growing the buffer with silence if needed. */
static inline int sim_mix(struct sim_buf *b, size_t at, const int16_t *pcm, size_t n, double gain)
{
    if (at + n > b->n && sim_append(b, NULL, at + n - b->n, 1.0) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        b->pcm[at + i] = sim_clip(b->pcm[at + i] + pcm[i] * gain);
    return 0;
}

/* A slip of the jitter buffer at sample `at`: one 20 ms frame repeated (inserted)
 * or dropped. 0 or -1. */
static inline int sim_slip(struct sim_buf *b, size_t at, bool insert)
{
    if (at + SIM_FRAME > b->n || at < SIM_FRAME)
        return -1;
    if (!insert) {
        memmove(&b->pcm[at], &b->pcm[at + SIM_FRAME], (b->n - at - SIM_FRAME) * sizeof(int16_t));
        b->n -= SIM_FRAME;
        return 0;
    }
    if (sim_reserve(b, b->n + SIM_FRAME) < 0)
        return -1;
    memmove(&b->pcm[at + SIM_FRAME], &b->pcm[at], (b->n - at) * sizeof(int16_t));
    memcpy(&b->pcm[at], &b->pcm[at - SIM_FRAME], SIM_FRAME * sizeof(int16_t));
    b->n += SIM_FRAME;
    return 0;
}

/* A stall at sample `at` (the sender or the receiver stopped for a while): `gap`
 * samples of silence inserted there (nothing was received), and the `lost` samples
 * of audio that followed dropped (the jitter buffer discarded a burst), so the audio
 * resumes where it stopped (lost 0) or further on. lost is limited to what remains.
 * 0 or -1. */
static inline int sim_stall(struct sim_buf *b, size_t at, size_t gap, size_t lost)
{
    if (at > b->n)
        return -1;
    if (lost > b->n - at)
        lost = b->n - at;
    if (sim_reserve(b, b->n + gap) < 0)
        return -1;
    memmove(&b->pcm[at + gap], &b->pcm[at + lost], (b->n - at - lost) * sizeof(int16_t));
    memset(&b->pcm[at], 0, gap * sizeof(int16_t));
    b->n = b->n + gap - lost;
    return 0;
}

static inline double sim_db(double db)
{
    return pow(10.0, db / 20.0);
}

/* xorshift64*: deterministic, seeded. */
struct sim_rng {
    uint64_t s;
};

static inline uint32_t sim_rand(struct sim_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 2685821657736338717ull) >> 32);
}

static inline double sim_uniform(struct sim_rng *r) /* [0, 1) */
{
    return sim_rand(r) / 4294967296.0;
}

static inline size_t sim_range(struct sim_rng *r, size_t lo, size_t hi) /* [lo, hi] */
{
    return lo + (size_t)(sim_uniform(r) * (double)(hi - lo + 1));
}

/* Renders text with voice kal into *out (a new buffer). speed > 1: a different,
 * faster and higher "caller" voice. 0 or -1. */
static inline int sim_tts(cst_voice *voice, const char *text, double speed, struct sim_buf *out)
{
    memset(out, 0, sizeof(*out));
    cst_wave *w = flite_text_to_wave(text, voice);
    if (!w || w->num_samples <= 0 || w->sample_rate != SIM_RATE) {
        if (w)
            delete_wave(w);
        return -1;
    }
    int rc = 0;
    if (speed == 1.0) {
        rc = sim_append(out, w->samples, (size_t)w->num_samples, 1.0);
    } else {
        int16_t *pcm = NULL;
        size_t n = 0;
        rc = ms__resample_buffer(w->samples, (size_t)w->num_samples, SIM_RATE,
                                 (int)lrint(SIM_RATE / speed), MS__RESAMPLE_Q_ONESHOT, &pcm, &n);
        if (rc == 0)
            rc = sim_append(out, pcm, n, 1.0);
        free(pcm);
    }
    delete_wave(w);
    return rc < 0 ? -1 : 0;
}

/* The channel, in place: G.711 per frame, then each frame lost with probability
 * `loss` (concealed: silence or the previous frame, at random). 0 or -1. */
static inline int sim_channel(struct sim_buf *b, enum ms__codec_id codec, double loss,
                              struct sim_rng *r)
{
    struct ms__codec *c;
    if (ms__codec_new(&c, codec) < 0)
        return -1;
    if (b->n % SIM_FRAME && sim_append(b, NULL, SIM_FRAME - b->n % SIM_FRAME, 1.0) < 0) {
        ms__codec_free(c);
        return -1;
    }
    int16_t prev[SIM_FRAME] = {0};
    for (size_t at = 0; at < b->n; at += SIM_FRAME) {
        uint8_t enc[SIM_FRAME];
        int16_t *f = &b->pcm[at];
        ms__codec_encode(c, f, SIM_FRAME, enc, sizeof(enc));
        ms__codec_decode(c, enc, SIM_FRAME, f, SIM_FRAME);
        if (loss > 0 && sim_uniform(r) < loss) {
            if (sim_rand(r) & 1)
                memset(f, 0, sizeof(prev));
            else
                memcpy(f, prev, sizeof(prev));
        }
        memcpy(prev, f, sizeof(prev));
    }
    ms__codec_free(c);
    return 0;
}

#define SIM_MAX_EVENTS 512

struct sim_events {
    size_t n;
    struct {
        struct ms__hear_event ev;
        uint64_t at_ms; /* stream time when it was reported (end of the frame fed) */
    } e[SIM_MAX_EVENTS];
    uint64_t now_ms;
};

static inline void sim_on_event(void *ud, const struct ms__hear_event *ev)
{
    struct sim_events *s = ud;
    if (s->n < SIM_MAX_EVENTS) {
        s->e[s->n].ev = *ev;
        s->e[s->n].at_ms = s->now_ms;
        s->n++;
    }
}

/* Feeds the whole buffer as 20 ms frames from time t0_ms, then finishes. From
 * sample jump_at on, frames come jump_ms later (the receiver stalled: no audio for
 * jump_ms, see sim_receiver_stall); jump_ms 0: none. */
static inline void sim_feed_jump(struct ms__hear *h, struct sim_events *ev, const struct sim_buf *b,
                                 uint64_t t0_ms, size_t jump_at, uint64_t jump_ms)
{
    for (size_t at = 0; at + SIM_FRAME <= b->n; at += SIM_FRAME) {
        uint64_t t = t0_ms + at / 8 + (at >= jump_at ? jump_ms : 0);
        ev->now_ms = t + 20;
        ms__hear_feed(h, &b->pcm[at], SIM_FRAME, t);
    }
    ev->now_ms = t0_ms + b->n / 8 + jump_ms;
    ms__hear_finish(h, ev->now_ms);
}

static inline void sim_feed(struct ms__hear *h, struct sim_events *ev, const struct sim_buf *b,
                            uint64_t t0_ms)
{
    sim_feed_jump(h, ev, b, t0_ms, 0, 0);
}

#endif
