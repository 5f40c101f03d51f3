/* Deciding which hypotheses are heard sounds, and reporting them (hear_hyp.h).
 *
 * Every hop, in order of start: a hypothesis is reported (START) once it has enough
 * evidence (hear_hyp.c) and nothing that started no later than it (within SLACK)
 * still competes: a plausible LIVE one that has not visibly diverged (or that
 * stopped at a gap having matched more, gapped_over()), or an ended one it has not
 * outlasted (ended_blocks()). Two guesses at one occurrence of a sound keep the
 * better. A reported one explains its audio (up to where it surely matched: not
 * past a gap while a realignment after it is on trial): hypotheses that started
 * inside it are dropped, and no new ones are made there. Its END follows when it
 * ends. At the end of the stream, what is still undecided is ambiguous.
 */
#include "hear/hear_hyp.h"

#define SLACK       3  /* hops: starts this close count as "the same time" */
#define M_EXTRA_CUT 10 /* hops a longer match must go on past one that stopped matching */
#define M_CONF_HOPS MS__HEAR_CONF /* ... past one heard to its end */
#define END_BACK    96            /* samples: a cut is detected this long after it happened */
#define DIVERGED    4             /* bad hops of the last 8 (see diverged()) */

static uint64_t stream_ms(const struct ms__hear *h, int64_t sample)
{
    if (sample < 0)
        sample = 0;
    return h->t0_ms + (uint64_t)sample / (MS__HEAR_RATE / 1000);
}

/* The START gives the start before any gap (hear_gap.c) moved the alignment; the
 * END repeats the START's start_ms, even if a frame slip or a gap moved the
 * alignment since (its end_ms follows the new one). */
static void emit(struct ms__hear *h, struct ms__hear_hyp *y, enum ms__hear_kind kind)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    const struct ms__hear_counts *c = ms__hear_hyp_counts(y);
    int64_t start = ms__hear_hyp_start(y);
    if (kind == MS__HEAR_START)
        y->reported_start = start - y->gap_shift;
    struct ms__hear_event ev = {
        .kind = kind,
        .name = snd->name,
        .start_ms = stream_ms(h, y->reported_start),
        .score = c->n_inf ? (float)c->n_good / (float)c->n_inf : 0.0f,
    };
    if (kind == MS__HEAR_START) {
        h->reported[h->reported_next].sound = y->sound;
        h->reported[h->reported_next].start = start;
        h->reported_next = (h->reported_next + 1) % MS__HEAR_REPORTED;
        ev.end_ms = stream_ms(h, (y->last_good + 1) * MS__HEAR_HOP);
    } else if (y->complete) {
        ev.complete = true;
        ev.end_ms = stream_ms(h, start + snd->samples);
    } else {
        ev.end_ms = stream_ms(h, (y->last_good + 1) * MS__HEAR_HOP - END_BACK);
    }
    if (ev.end_ms < ev.start_ms)
        ev.end_ms = ev.start_ms;
    h->cb(h->ud, &ev);
}

static void kill(struct ms__hear *h, struct ms__hear_hyp *y)
{
    y->state = MS__HYP_FREE;
    h->kills++;
}

/* Drops the unconfirmed hypotheses that started inside y's matched audio (and
 * hear_hyp.c makes no new ones there). */
static void explain(struct ms__hear *h, const struct ms__hear_hyp *y)
{
    int64_t to = ms__hear_hyp_sure_to(y);
    if (to > h->explained_to)
        h->explained_to = to;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        struct ms__hear_hyp *o = &h->hyp[i];
        if (o != y && o->state != MS__HYP_FREE && !o->confirmed && o->a < to - SLACK)
            kill(h, o);
    }
}

static unsigned mean_d(const struct ms__hear_hyp *y)
{
    const struct ms__hear_counts *c = ms__hear_hyp_counts(y);
    return c->n_inf ? c->sum_d * 16 / c->n_inf : 0;
}

/* Two alignments of one sound that overlap by more than half of it are two guesses
 * at one occurrence (music, with its regular beat, fits several). */
static bool same_occurrence(const struct ms__hear *h, const struct ms__hear_hyp *y,
                            const struct ms__hear_hyp *o)
{
    int64_t d = ms__hear_hyp_start(y) - ms__hear_hyp_start(o);
    int64_t near = ms__hear_hyp_sound(h, y)->samples / 2;
    return y->sound == o->sound && d > -near && d < near;
}

/* The better of two guesses: more good hops net of bad ones, then closer. */
static bool better(const struct ms__hear_hyp *y, const struct ms__hear_hyp *o)
{
    const struct ms__hear_counts *a = ms__hear_hyp_counts(y), *b = ms__hear_hyp_counts(o);
    long sa = (long)a->n_good - 2 * (long)a->n_bad, sb = (long)b->n_good - 2 * (long)b->n_bad;
    if (sa != sb)
        return sa > sb;
    return mean_d(y) <= mean_d(o);
}

/* o has ended, unreported, with evidence; y started at about the same time.
 * - y still playing: it outlasts o if it matched M_EXTRA_CUT more hops than a cut o,
 *   or M_CONF more hops than an o heard to its end ("welcome" then a little of
 *   "back" is "welcome"; then enough of "back" on its own, "welcome back").
 * - both ended: of two heard to their end, the longer (then a much closer match:
 *   two renderings of one text); one heard to its end beats one cut short unless
 *   that one matched M_CONF hops more; of two cut short, the longer by
 *   M_EXTRA_CUT. Else they are the same audio, or were cut in their common part:
 *   ambiguous: o is dropped and y marked, so that it is dropped too unless a third
 *   one beats it first (ten prompts "For billing, press 1..9" cut in "press").
 * Returns whether y must wait; may drop o. */
static bool ended_blocks(struct ms__hear *h, struct ms__hear_hyp *y, struct ms__hear_hyp *o)
{
    int64_t dl = y->last_good - o->last_good;
    int64_t extra = o->complete ? M_CONF_HOPS : M_EXTRA_CUT;
    if (y->state == MS__HYP_LIVE) {
        if (dl < extra)
            return true;
        kill(h, o);
        return false;
    }
    int win; /* 1: y wins, -1: o wins, 0: ambiguous */
    if (y->complete && o->complete) {
        win = dl > SLACK ? 1 : dl < -SLACK ? -1 : 0;
        if (win == 0 && mean_d(y) * 2 < mean_d(o))
            win = 1;
        else if (win == 0 && mean_d(o) * 2 < mean_d(y))
            win = -1;
    } else if (y->complete != o->complete) {
        int64_t cut_ahead = y->complete ? -dl : dl;
        int cut_wins = cut_ahead >= M_CONF_HOPS;
        win = (y->complete ? !cut_wins : cut_wins) ? 1 : -1;
    } else {
        win = dl >= M_EXTRA_CUT ? 1 : dl <= -M_EXTRA_CUT ? -1 : 0;
    }
    if (win > 0) {
        kill(h, o);
        return false;
    }
    if (win == 0) {
        kill(h, o);
        y->ambiguous = true;
        return false;
    }
    return true;
}

/* o, still playing, has stopped matching where y goes on: most of o's last 8 hops
 * were bad, none of y's, and y matched since o last did. */
static bool diverged(const struct ms__hear_hyp *y, const struct ms__hear_hyp *o)
{
    return __builtin_popcount(o->recent & 0xffu) >= DIVERGED && (y->recent & 0xffu) == 0 &&
           y->last_good > o->last_good;
}

/* o stopped at a gap (or was realigned across one, on trial) and may go on: y, which
 * matched less, may be a part of it ("for" inside "Press 1 for sales"). */
static bool gapped_over(const struct ms__hear_hyp *y, const struct ms__hear_hyp *o)
{
    return (o->held || ms__hear_gap_untried(o)) &&
           ms__hear_hyp_counts(o)->n_good >= ms__hear_hyp_counts(y)->n_good;
}

/* Does o keep y from being reported now? May drop o (or both: *drop_y). */
static bool blocks(struct ms__hear *h, struct ms__hear_hyp *y, struct ms__hear_hyp *o, bool *drop_y)
{
    if (same_occurrence(h, y, o)) {
        if (o->confirmed || better(o, y))
            return *drop_y = true;
        kill(h, o);
        return false;
    }
    if (o->a > y->a + SLACK)
        return false;
    if (o->held && !o->confirmed && y->state == MS__HYP_DONE && y->complete) {
        /* y ended where o stopped at a gap: o may go on (a stall) or not (y alone) */
        if (ms__hear_gap_may_resume(h, o))
            return true;
        return ended_blocks(h, y, o); /* as if o had been cut where the gap began */
    }
    if (o->state == MS__HYP_LIVE)
        return o->confirmed ||
               (ms__hear_hyp_plausible(o) && (!diverged(y, o) || gapped_over(y, o)));
    if (o->confirmed)
        return true; /* its END comes first and may drop y */
    if (!ms__hear_hyp_evidence(h, o))
        return false; /* dropped in its own turn */
    return ended_blocks(h, y, o);
}

static bool blocked(struct ms__hear *h, struct ms__hear_hyp *y)
{
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        struct ms__hear_hyp *o = &h->hyp[i];
        bool drop_y = false;
        if (o == y || o->state == MS__HYP_FREE || !blocks(h, y, o, &drop_y))
            continue;
        if (drop_y)
            kill(h, y);
        return true;
    }
    return false;
}

static void finish_one(struct ms__hear *h, struct ms__hear_hyp *y)
{
    emit(h, y, MS__HEAR_END);
    explain(h, y);
    kill(h, y);
}

/* One pass in order of start; true if anything changed. */
static bool pass(struct ms__hear *h)
{
    uint64_t kills = h->kills;
    int order[MS__HEAR_MAX_HYP], n = 0;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++) {
        if (h->hyp[i].state == MS__HYP_FREE)
            continue;
        int j = n++;
        while (j > 0 && h->hyp[order[j - 1]].a > h->hyp[i].a) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (int i = 0; i < n; i++) {
        struct ms__hear_hyp *y = &h->hyp[order[i]];
        if (y->state == MS__HYP_FREE)
            continue;
        if (y->confirmed) {
            if (y->state == MS__HYP_DONE) {
                finish_one(h, y);
                return true;
            }
            if (ms__hear_hyp_sure_to(y) > h->explained_to)
                h->explained_to = ms__hear_hyp_sure_to(y);
            continue;
        }
        bool evidence = ms__hear_hyp_evidence(h, y);
        if (!ms__hear_hyp_plausible(y) || (y->state == MS__HYP_DONE && !evidence)) {
            kill(h, y);
            return true;
        }
        if (!evidence)
            continue;
        if (blocked(h, y))
            continue;
        if (y->ambiguous) {
            kill(h, y);
            return true;
        }
        y->confirmed = true;
        emit(h, y, MS__HEAR_START);
        explain(h, y);
        if (y->state == MS__HYP_DONE)
            finish_one(h, y);
        return true;
    }
    return h->kills != kills;
}

void ms__hear_decide(struct ms__hear *h, bool final)
{
    while (pass(h))
        ;
    if (!final)
        return;
    for (int i = 0; i < MS__HEAR_MAX_HYP; i++)
        kill(h, &h->hyp[i]); /* what is left is ambiguous */
}
