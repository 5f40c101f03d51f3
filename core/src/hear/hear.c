/* The listener of the prompt recogniser: stream time, analysis hops, key lookups
 * (see hear.h; hypotheses in hear_hyp.c, decisions in hear_decide.c). */
#include "hear/hear_hyp.h"
#include "moonswitch/error.h"

#include <stdlib.h>
#include <string.h>

#define LATE_MS        30   /* a frame this much later than expected: the gap was lost */
#define MAX_GAP_MS     2000 /* longer gaps end the stream */
#define MAX_BUCKET     256  /* keys this common are useless: skipped */
#define SAMPLES_PER_MS (MS__HEAR_RATE / 1000)

static void reset(struct ms__hear *h)
{
    memset(h->win, 0, sizeof(h->win));
    memset(h->hist, 0, sizeof(h->hist));
    memset(h->hyp, 0, sizeof(h->hyp));
    h->fill = h->filled = 0;
    h->started = false;
    h->samples = 0;
    h->cur = -1;
    h->lo = 0;
    h->explained_to = -1;
    for (int i = 0; i < MS__HEAR_CROWD; i++)
        h->crowd_a[i] = INT64_MIN / 2;
    for (int i = 0; i < MS__HEAR_REPORTED; i++)
        h->reported[i].sound = UINT32_MAX;
}

int ms__hear_new(struct ms__hear **out, const struct ms__hear_set *set, ms__hear_cb cb, void *ud)
{
    if (!out || !set || !cb)
        return MS_EINVAL;
    struct ms__hear *h = calloc(1, sizeof(*h));
    if (!h)
        return MS_ENOMEM;
    h->set = set;
    h->cb = cb;
    h->ud = ud;
    reset(h);
    *out = h;
    return 0;
}

void ms__hear_free(struct ms__hear *h)
{
    free(h);
}

void ms__hear_get_stats(const struct ms__hear *h, struct ms__hear_stats *out)
{
    *out = h->st;
}

/* Is the current hop already explained by a reported sound that matches it? */
static bool explained(const struct ms__hear *h)
{
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        const struct ms__hear_hyp *y = &h->hyp[i];
        if (y->state == MS__HYP_LIVE && y->confirmed && ms__hear_hyp_sure_to(y) == h->cur)
            return true;
    }
    return false;
}

static void lookup(struct ms__hear *h, uint32_t key)
{
    const struct ms__hear_bucket *b = &h->set->buckets[key];
    if (b->n > MAX_BUCKET)
        return;
    for (uint32_t i = 0; i < b->n; i++) {
        const struct ms__hear_entry *e = &b->e[i];
        h->st.key_hits++;
        int64_t s0 = (h->cur - e->k) * MS__HEAR_HOP + (int64_t)e->p * MS__HEAR_PSTEP;
        ms__hear_hyp_try(h, e->sound, s0);
    }
}

/* Proposes hypotheses from the index: the key of this hop, and the keys with the
 * least reliable bit flipped. */
static void propose(struct ms__hear *h)
{
    const struct ms__hear_frame *x = ms__hear_hist(h, h->cur);
    if (h->cur < 1 || !(x->flags & MS__HEAR_LOUD) || explained(h))
        return;
    uint8_t weak[2];
    uint32_t key = ms__hear_key(ms__hear_hist(h, h->cur - 1), x, weak);
    lookup(h, key);
    lookup(h, key ^ (1u << weak[0]));
    lookup(h, key ^ (1u << weak[1]));
}

static void hop(struct ms__hear *h)
{
    h->cur++;
    h->lo = h->cur - MS__HEAR_HIST + 1 > 0 ? h->cur - MS__HEAR_HIST + 1 : 0;
    h->st.hops++;
    struct ms__hear_frame *x = &h->hist[(uint64_t)h->cur & (MS__HEAR_HIST - 1)];
    ms__hear_analyse(&h->set->fft, h->win, x);
    if (h->filled == MS__HEAR_HOP)
        x->flags |= MS__HEAR_MISSING;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        if (h->hyp[i].state == MS__HYP_LIVE)
            ms__hear_hyp_step(h, &h->hyp[i]);
    }
    propose(h);
    uint64_t alive = 0;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++)
        alive += h->hyp[i].state != MS__HYP_FREE;
    if (alive > h->st.hyps_max)
        h->st.hyps_max = alive;
    ms__hear_decide(h, false);
}

/* Appends n samples (pcm NULL: silence; `missing` if no audio came for them). */
static void push(struct ms__hear *h, const int16_t *pcm, size_t n, bool missing)
{
    const unsigned keep = MS__HEAR_WIN - MS__HEAR_HOP;
    while (n > 0) {
        size_t take = MS__HEAR_HOP - h->fill;
        if (take > n)
            take = n;
        float *dst = &h->win[keep + h->fill];
        for (size_t i = 0; i < take; i++)
            dst[i] = pcm ? (float)pcm[i] : 0.0f;
        h->fill += (unsigned)take;
        h->filled += missing ? (unsigned)take : 0;
        h->samples += take;
        if (pcm)
            pcm += take;
        n -= take;
        if (h->fill == MS__HEAR_HOP) {
            hop(h);
            memmove(h->win, h->win + MS__HEAR_HOP, keep * sizeof(float));
            h->fill = h->filled = 0;
        }
    }
}

void ms__hear_feed(struct ms__hear *h, const int16_t *frame, size_t n, uint64_t at_ms)
{
    if (!h || !frame || n == 0)
        return;
    if (h->started) {
        uint64_t expect = h->t0_ms + h->samples / SAMPLES_PER_MS;
        if (at_ms > expect + LATE_MS) {
            if (at_ms - expect > MAX_GAP_MS)
                ms__hear_finish(h, expect);
            else
                push(h, NULL, (size_t)(at_ms - expect) * SAMPLES_PER_MS, true);
        }
    }
    if (!h->started) {
        h->started = true;
        h->t0_ms = at_ms;
    }
    push(h, frame, n, false);
}

void ms__hear_finish(struct ms__hear *h, uint64_t at_ms)
{
    (void)at_ms;
    if (!h || !h->started)
        return;
    /* complete the last hop and one more of silence, so the end is analysed */
    push(h, NULL, MS__HEAR_HOP - h->fill + MS__HEAR_HOP, false);
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        if (h->hyp[i].state == MS__HYP_LIVE)
            ms__hear_hyp_stop(h, &h->hyp[i]);
    }
    ms__hear_decide(h, true);
    reset(h);
}
