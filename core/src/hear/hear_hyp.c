/* Hypotheses of the prompt recogniser: creation, hop-by-hop tracking (hear_hyp.h). */
#include "hear/hear_hyp.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#define TAU_HOP         96  /* a hop matches if its band distance is at most this (3 dB/band) */
#define DCAP            192 /* distances are capped at this in sums (2 TAU_HOP) */
#define TAU_MEAN        56  /* a plausible hypothesis averages at most this per hop */
#define FAIL_RUN        8   /* this many bad hops in a row end a hypothesis, */
#define FAIL_RUN_HEARD  30  /* ... one reported, unless half of them miss energy: */
#define DEFICIT         12  /* a hop 6 dB quieter than expected (else: an echo on top?) */
#define QUICK_HOPS      4   /* hops checked before making a hypothesis */
#define MAX_SHIFT       8   /* realignment limit, PSTEP units (+-40 ms) */
#define REALIGN_WIN     12  /* hops looked at when the match degrades */
#define DEGRADED        3   /* bad hops of the last 8 that make it look for a better alignment */
#define FOREIGN         40  /* 20 dB, see compare() */
#define TAIL_HOPS       10  /* trailing silence checked, hops */
#define TAIL_BAD        6   /* bad hops allowed there and at the end (a lost packet: 5) */
#define M_CONF          MS__HEAR_CONF
#define M_SHORT         12    /* good hops needed at least for a short sound heard to its end */
#define RECENT_MASK     0xffu /* to be reported while playing, of the last 8 hops compared */
#define RECENT_BAD      1     /* ... at most this many may be bad */
#define EXPLAINED_SLACK 3     /* hops: a new one may start this far inside reported audio */
#define QUIET_RECENT    40    /* hops: the longest silence of the stream this recent (gaps) */
#define CROWD_NEAR      6     /* hops: a dropped candidate this close in start crowds one */
#define REPORTED_NEAR   (MAX_SHIFT * MS__HEAR_PSTEP + 2 * MS__HEAR_HOP) /* samples */

/* Hop n against frame (n - n0, p) of the sound under gain g: -1 not comparable
 * (outside the sound, window over its start, both silent), 0 good, 1 bad. */
static int compare(const struct ms__hear *h, const struct ms__hear_sound *snd, int64_t n,
                   int64_t n0, unsigned p, int g, unsigned *d)
{
    int64_t k = n - n0;
    if (k < 0 || k >= snd->hops || n < h->lo)
        return -1;
    const struct ms__hear_frame *y = ms__hear_sound_frame(snd, (uint32_t)k, p);
    if (y->flags & MS__HEAR_EDGE)
        return -1;
    /* Where the sound is audible, every hop counts. Where it is silent, only audio
     * nearly as loud as the sound itself (within FOREIGN dB of its peak) is a
     * mismatch: an echo of the caller in a pause is no reason to drop it. */
    const struct ms__hear_frame *x = ms__hear_hist(h, n);
    bool y_on = (y->flags & MS__HEAR_LOUD) && y->tot + g > MS__HEAR_SILENCE;
    int floor = snd->peak + g - FOREIGN;
    if (!y_on && x->tot <= (floor > MS__HEAR_SILENCE ? floor : MS__HEAR_SILENCE))
        return -1;
    *d = ms__hear_dist(x, y, g);
    return *d <= TAU_HOP ? 0 : 1;
}

bool ms__hear_hyp_telling(const struct ms__hear *h, const struct ms__hear_hyp *y, int64_t n)
{
    int floor = ms__hear_hyp_sound(h, y)->peak + y->g - FOREIGN;
    return ms__hear_hist(h, n)->tot > (floor > MS__HEAR_SILENCE ? floor : MS__HEAR_SILENCE);
}

/* The stream's silences (for gaps, hear_gap.c), and before its first good hop,
 * its audible frames that fell where no audio came (its beginning not heard). */
static void note_silence(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n)
{
    const struct ms__hear_frame *x = ms__hear_hist(h, n);
    if (x->flags & MS__HEAR_LOUD)
        return;
    y->quiet_run = y->last_quiet == n - 1 ? y->quiet_run + 1 : 1;
    y->last_quiet = n;
    if (y->quiet_run >= y->quiet || n - y->quiet_end > QUIET_RECENT) {
        y->quiet = y->quiet_run;
        y->quiet_end = n;
    }
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    int64_t k = n - y->n0;
    if (y->a < 0 && (x->flags & MS__HEAR_MISSING) && k >= 0 && k < snd->hops &&
        (ms__hear_sound_frame(snd, (uint32_t)k, y->p)->flags & MS__HEAR_LOUD))
        y->unheard++;
}

void ms__hear_hyp_account(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    note_silence(h, y, n);
    unsigned d = 0;
    int r = compare(h, snd, n, y->n0, y->p, y->g, &d);
    if (r < 0)
        return;
    h->st.hyps_evals++;
    y->now.n_inf++;
    y->now.sum_d += d < DCAP ? d : DCAP;
    y->recent = (uint16_t)(y->recent << 1 | (unsigned)r);
    if (r > 0) {
        y->now.n_bad++;
        if (y->bad_run++ == 0) {
            y->bad_from = n;
            y->deficits = y->gap_hops = y->loud_bad = 0;
        }
        const struct ms__hear_frame *x = ms__hear_hist(h, n);
        const struct ms__hear_frame *s = ms__hear_sound_frame(snd, (uint32_t)(n - y->n0), y->p);
        y->deficits += (int)x->tot < (int)s->tot + y->g - DEFICIT;
        if (x->flags & MS__HEAR_LOUD)
            y->loud_bad++;
        else
            y->gap_hops++; /* silent where the sound is audible: a gap? (hear_gap.c) */
        return;
    }
    y->now.n_good++;
    y->bad_run = 0;
    y->trial -= y->trial > 0;
    if (y->a < 0)
        y->a = n;
    y->last_good = n;
    y->at_good = y->now;
    const struct ms__hear_frame *x = ms__hear_hist(h, n);
    const struct ms__hear_frame *s = ms__hear_sound_frame(snd, (uint32_t)(n - y->n0), y->p);
    if ((x->flags & MS__HEAR_LOUD) && (s->flags & MS__HEAR_LOUD)) {
        y->g_sum += (int)x->tot - (int)s->tot;
        y->g_n++;
        y->g = (int32_t)lround((double)y->g_sum / y->g_n);
    }
}

void ms__hear_split_start(int64_t s, int64_t *n0, unsigned *p)
{
    int64_t q = s >= 0 ? s / MS__HEAR_HOP : -((-s + MS__HEAR_HOP - 1) / MS__HEAR_HOP);
    *n0 = q;
    *p = (unsigned)((s - q * MS__HEAR_HOP) / MS__HEAR_PSTEP);
}

struct ms__hear_window ms__hear_hyp_score(const struct ms__hear *h, const struct ms__hear_hyp *y,
                                          int64_t from, int64_t to, int64_t n0, unsigned p,
                                          int max_bad)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    struct ms__hear_window w = {0, 0, 0};
    for (int64_t n = from; n <= to && w.inf - w.good <= max_bad; n++) {
        unsigned d;
        int r = compare(h, snd, n, n0, p, y->g, &d);
        if (r < 0)
            continue;
        w.inf++;
        w.good += r == 0;
        w.sum += d < DCAP ? d : DCAP;
    }
    return w;
}

/* When the match degrades or breaks: does moving the start by a few PSTEPs (a frame
 * slip of the jitter buffer) explain the recent hops clearly better? If so, moves
 * it; if it was failing, the hops since the last good one are followed again. */
static bool realign(struct ms__hear *h, struct ms__hear_hyp *y, int64_t now, bool failing)
{
    int64_t from = failing ? y->bad_from : now - REALIGN_WIN + 1;
    if (from < h->lo)
        from = h->lo;
    struct ms__hear_window cur = ms__hear_hyp_score(h, y, from, now, y->n0, y->p, INT_MAX);
    int best = 0;
    struct ms__hear_window bw = {0, -1, 0};
    for (int delta = -MAX_SHIFT; delta <= MAX_SHIFT; delta++) {
        if (delta == 0 || abs(y->shift + delta) > MAX_SHIFT)
            continue;
        int64_t n0;
        unsigned p;
        ms__hear_split_start(ms__hear_hyp_start(y) + delta * MS__HEAR_PSTEP, &n0, &p);
        struct ms__hear_window w = ms__hear_hyp_score(h, y, from, now, n0, p, INT_MAX);
        if (w.inf < 3 || w.good < w.inf - 1 || w.sum * 5 > cur.sum * 3)
            continue;
        if (w.good > bw.good || (w.good == bw.good && w.sum < bw.sum)) {
            best = delta;
            bw = w;
        }
    }
    if (bw.good < 0)
        return false;
    int64_t n0;
    unsigned p;
    ms__hear_split_start(ms__hear_hyp_start(y) + best * MS__HEAR_PSTEP, &n0, &p);
    y->n0 = n0;
    y->p = (uint8_t)p;
    y->shift += best;
    y->recent = 0;
    if (!failing)
        return true;
    y->now = y->at_good;
    y->bad_run = 0;
    for (int64_t n = y->last_good + 1 > h->lo ? y->last_good + 1 : h->lo; n <= now; n++)
        ms__hear_hyp_account(h, y, n);
    return true;
}

bool ms__hear_hyp_heard_to_end(const struct ms__hear *h, const struct ms__hear_hyp *y)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    return y->last_good >= y->n0 + (int64_t)snd->last_loud[y->p] - TAIL_BAD &&
           y->bad_run < TAIL_BAD;
}

int64_t ms__hear_hyp_end_hop(const struct ms__hear *h, const struct ms__hear_hyp *y)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    int64_t end = snd->last_loud[y->p] + TAIL_HOPS;
    return end < (int64_t)snd->hops - 1 ? end : (int64_t)snd->hops - 1;
}

/* Ends the hypothesis if the sound is over or the audio stopped matching, or
 * holds it across a gap. The sound is over after its trailing silence (up to
 * TAIL_HOPS of it): audio right after its last audible frame means something
 * else, e.g. "Goodbye" is not the start of "Goodbye for now", or a prompt cut at
 * its very end. */
static void check_end(struct ms__hear *h, struct ms__hear_hyp *y, int64_t now)
{
    if (now >= y->n0 + ms__hear_hyp_end_hop(h, y)) {
        y->state = MS__HYP_DONE;
        y->complete = ms__hear_hyp_heard_to_end(h, y);
        if (y->complete)
            y->trial = 0; /* a realignment across a gap that led to its end was right */
        return;
    }
    if (y->bad_run > 0 && ms__hear_gap_begins(h, y, now, false))
        return;
    if (y->bad_run >= FAIL_RUN &&
        (!y->confirmed || y->deficits >= FAIL_RUN / 2 || y->bad_run >= FAIL_RUN_HEARD)) {
        if (!ms__hear_gap_before(y) && !realign(h, y, now, true) &&
            !ms__hear_gap_begins(h, y, now, true)) {
            ms__hear_gap_undo(y);
            y->state = MS__HYP_DONE;
            y->complete = false;
        }
    } else if ((y->recent & 1) && __builtin_popcount(y->recent & RECENT_MASK) >= DEGRADED &&
               y->now.n_good >= M_CONF / 3 && now >= y->realign_at + DEGRADED) {
        y->realign_at = now;
        realign(h, y, now, false);
    }
}

static void step_at(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n)
{
    if (y->held) {
        ms__hear_gap_step(h, y, n);
        return;
    }
    ms__hear_hyp_account(h, y, n);
    check_end(h, y, n);
}

void ms__hear_hyp_step(struct ms__hear *h, struct ms__hear_hyp *y)
{
    step_at(h, y, h->cur);
}

void ms__hear_hyp_stop(struct ms__hear *h, struct ms__hear_hyp *y)
{
    y->state = MS__HYP_DONE;
    y->complete = ms__hear_hyp_heard_to_end(h, y);
    y->held = false;
}

const struct ms__hear_counts *ms__hear_hyp_counts(const struct ms__hear_hyp *y)
{
    return y->state == MS__HYP_DONE ? &y->at_good : &y->now;
}

bool ms__hear_hyp_plausible(const struct ms__hear_hyp *y)
{
    /* a bad run is judged when it ends (check_end: a slip, a gap or a cut) */
    const struct ms__hear_counts *c = y->bad_run > 0 ? &y->at_good : ms__hear_hyp_counts(y);
    return c->n_bad * 5 <= c->n_inf + 15 && c->sum_d <= (uint32_t)TAU_MEAN * c->n_inf;
}

bool ms__hear_hyp_evidence(const struct ms__hear *h, const struct ms__hear_hyp *y)
{
    const struct ms__hear_counts *c = ms__hear_hyp_counts(y);
    if (y->state == MS__HYP_LIVE && (y->held || ms__hear_gap_untried(y) ||
                                     __builtin_popcount(y->recent & RECENT_MASK) > RECENT_BAD))
        return false; /* it may be diverging right now, or cut short */
    if (c->n_good >= M_CONF && !y->crowded)
        return true;
    if (!(y->state == MS__HYP_DONE && y->complete))
        return false;
    uint32_t loud = ms__hear_hyp_sound(h, y)->n_loud[y->p];
    uint32_t need = (loud > y->unheard ? loud - y->unheard : 0) * 6 / 10;
    return c->n_good >= (need > M_SHORT ? need : M_SHORT);
}

/* Quick check of an alignment over the last QUICK_HOPS hops: the gain from the
 * loudness difference, then the distances. Returns the distance sum, or -1. */
static long quick(const struct ms__hear *h, const struct ms__hear_sound *snd, int64_t n0,
                  unsigned p, int *gain)
{
    int64_t n1 = h->cur, nq = h->cur - QUICK_HOPS + 1;
    if (nq < h->lo)
        nq = h->lo;
    int gsum = 0, gn = 0;
    for (int64_t n = nq; n <= n1; n++) {
        int64_t k = n - n0;
        if (k < 0 || k >= snd->hops)
            continue;
        const struct ms__hear_frame *y = ms__hear_sound_frame(snd, (uint32_t)k, p);
        const struct ms__hear_frame *x = ms__hear_hist(h, n);
        if ((x->flags & y->flags & MS__HEAR_LOUD) && !(y->flags & MS__HEAR_EDGE)) {
            gsum += (int)x->tot - (int)y->tot;
            gn++;
        }
    }
    if (gn < 2)
        return -1;
    int g = (int)lround((double)gsum / gn);
    long sum = 0;
    int inf = 0, bad = 0;
    for (int64_t n = nq; n <= n1; n++) {
        unsigned d;
        int r = compare(h, snd, n, n0, p, g, &d);
        if (r < 0)
            continue;
        inf++;
        bad += r;
        sum += d;
    }
    if (inf < 3 || bad > 1)
        return -1;
    *gain = g;
    return sum;
}

/* No room for a hypothesis that began at hop a (dropped, or evicted for a newer
 * one): the others that began with it may have a competitor nobody follows. They
 * are reported only if heard to their end (hundreds of prompts with one beginning:
 * "For billing, press 1..9"). */
static void crowd(struct ms__hear *h, int64_t a)
{
    h->st.hyps_full++;
    h->crowd_a[h->crowd_next++ % MS__HEAR_CROWD] = a;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        struct ms__hear_hyp *y = &h->hyp[i];
        if (y->state != MS__HYP_FREE && !y->confirmed && llabs(y->a - a) <= CROWD_NEAR)
            y->crowded = true;
    }
}

static struct ms__hear_hyp *slot(struct ms__hear *h)
{
    struct ms__hear_hyp *weak = NULL;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        struct ms__hear_hyp *y = &h->hyp[i];
        if (y->state == MS__HYP_FREE)
            return y;
        if (y->state == MS__HYP_LIVE && !y->confirmed &&
            (!weak || y->now.n_good < weak->now.n_good))
            weak = y;
    }
    if (!weak || weak->now.n_good >= M_CONF / 4)
        return NULL;
    weak->state = MS__HYP_FREE; /* evict a young one */
    crowd(h, weak->a);
    return weak;
}

/* Already followed, or already reported (an occurrence is reported once). */
static bool duplicate(const struct ms__hear *h, uint32_t sound, int64_t s0)
{
    for (int i = 0; i < MS__HEAR_REPORTED; i++) {
        if (h->reported[i].sound == sound && llabs(h->reported[i].start - s0) <= REPORTED_NEAR)
            return true;
    }
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        const struct ms__hear_hyp *y = &h->hyp[i];
        if (y->state != MS__HYP_FREE && y->sound == sound &&
            llabs(ms__hear_hyp_start(y) - s0) <= 2 * MS__HEAR_HOP)
            return true;
    }
    return false;
}

void ms__hear_hyp_try(struct ms__hear *h, uint32_t sound, int64_t s0)
{
    if (duplicate(h, sound, s0))
        return;
    const struct ms__hear_sound *snd = &h->set->sounds[sound];
    long best = -1;
    int best_g = 0;
    int64_t best_s = 0;
    for (int delta = -1; delta <= 1; delta++) {
        int64_t s = s0 + delta * MS__HEAR_PSTEP, n0;
        unsigned p;
        int g;
        ms__hear_split_start(s, &n0, &p);
        long sum = quick(h, snd, n0, p, &g);
        if (sum >= 0 && (best < 0 || sum < best)) {
            best = sum;
            best_g = g;
            best_s = s;
        }
    }
    if (best < 0)
        return;
    struct ms__hear_hyp *y = slot(h);
    if (!y) {
        int64_t n0;
        unsigned p;
        ms__hear_split_start(best_s, &n0, &p);
        crowd(h, n0 + snd->first_loud[p]);
        return;
    }
    *y = (struct ms__hear_hyp){.state = MS__HYP_LIVE,
                               .sound = sound,
                               .g = best_g,
                               .g_sum = best_g,
                               .g_n = 1,
                               .a = -1,
                               .last_good = -1,
                               .last_quiet = -2,
                               .resume = -1};
    int64_t n0;
    unsigned p;
    ms__hear_split_start(best_s, &n0, &p);
    y->n0 = n0;
    y->p = (uint8_t)p;
    /* replay the history as if it had been followed live */
    for (int64_t n = n0 > h->lo ? n0 : h->lo; n <= h->cur && y->state == MS__HYP_LIVE; n++)
        step_at(h, y, n);
    for (int i = 0; i < MS__HEAR_CROWD && y->a >= 0; i++)
        y->crowded |= llabs(y->a - h->crowd_a[i]) <= CROWD_NEAR;
    if (y->a < 0 || y->a < h->explained_to - EXPLAINED_SLACK || !ms__hear_hyp_plausible(y) ||
        (y->state == MS__HYP_DONE && !ms__hear_hyp_evidence(h, y))) {
        y->state = MS__HYP_FREE;
        return;
    }
    h->st.hyps_made++;
}
