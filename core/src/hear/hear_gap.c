/* Gaps in the received audio (hear_hyp.h; the contract is in hear.h, "Gaps").
 *
 * Under load the sender or the receiver stalls for 100-300 ms: the received stream
 * then has a gap of silence inside a prompt (marked MISSING where the receiver got
 * no frames, hear.c), after which the prompt goes on where it stopped (it was
 * delayed) or further on (audio was lost, e.g. a burst dropped by a jitter buffer).
 *
 * Holding. A hypothesis whose sound is audible where the stream went silent
 * (GAP_HOPS such hops in its bad run, at most GAP_EDGE loud ones), or that fails
 * (hear_hyp.c) on the hops after the longest recent silence of the stream, which it
 * went through silent itself (a gap in a pause of the sound, then the audio resumed
 * elsewhere), is held: its counts go back to its last good hop, nothing is compared,
 * and it waits, while the stream is silent, up to GAP_MAX (plus the pause the sound
 * itself would make there).
 * A young one whose bad run before its first good hop is such a silence (its
 * beginning fell in a gap) forgets that run instead (ms__hear_gap_before).
 *
 * Resuming. When audio comes back, the alignments that make the sound resume from
 * EARLIER_HOPS before where it stopped to LATER_HOPS further on than if it had
 * played on are scored on the resumed hops (from RESYNC_AT of them, every
 * RESYNC_EVERY; after a silence of REGAP hops, a second stall, only those after
 * it), and the best that fits is taken, on trial: if it stops matching
 * (other audio) before TRIAL good hops, or stops at all (another gap, silence)
 * before TRIAL_REPORT, it goes back to where it was before the gap, cut short
 * there; until TRIAL_REPORT good hops it is not reported, and it explains
 * (hear_decide.c) only the audio before the gap.
 *
 * Giving up. If nothing fits (by RESYNC_LAST hops, if RESYNC_TELL of them were loud
 * enough to tell; else by the time limit), it was cut short where the gap began
 * (barge-in: another sound, or silence), or is complete if it would be over by now
 * and the gap began within TAIL_BAD hops (hear_hyp.c) of its end (as a lost packet
 * there would), or its last audible hops fell where no audio came (MISSING).
 */
#include "hear/hear_hyp.h"

#define GAP_GOOD     2   /* good hops before it: a gap inside a sound already heard */
#define GAP_HOPS     2   /* silent hops where the sound is audible: a gap */
#define GAP_EDGE     4   /* loud bad hops allowed before them (windows over its edge) */
#define LATE_BAD     4   /* or failing on hops after a silence where it was silent too */
#define GAP_RECENT   10  /* ... a silence that ended at most this long before the bad run */
#define GAP_MAX      150 /* hops (1.5 s) of silence after which it was cut short */
#define GAP_LIKELY   50  /* hops of silence within which most stalls end */
#define BLIP         3   /* loud hops fewer than this, then silence again: still the gap */
#define REGAP        5   /* silent hops in a row after audio came back: a gap again */
#define EDGE_HOPS    2   /* first hops after the gap not scored (windows over its edge) */
#define RESYNC_AT    10  /* hops after the audio resumed: first try, */
#define RESYNC_EVERY 4   /* ... then every RESYNC_EVERY hops, */
#define RESYNC_LAST  24  /* ... up to this one if enough of them could tell: */
#define RESYNC_TELL  8   /* loud enough to tell a mismatch (else up to GAP_MAX) */
#define RESYNC_WIN   24  /* hops scored at most (the last ones) */
#define LATER_HOPS   8   /* resumed at most this much further on than if it had played on */
#define EARLIER_HOPS 4   /* ... or this much before where it stopped */
#define MIN_INF      6   /* informative hops that a realignment needs, */
#define MIN_INF_END  3   /* ... fewer if the sound ends among them, */
#define TAIL_SEEN    3   /* ... and this many hops of its trailing silence */
#define MEAN_D       40  /* mean band distance at most */
#define TRIAL        40  /* good hops after a realignment that confirm it, */
#define TRIAL_REPORT 20  /* ... that let it be reported (if not yet) */
#define MISSED_END   6   /* its last audible hops (but these) fell where no audio came */

/* How long the sound is silent from its frame k on, allowing a few audible frames
 * first (too short to count as the audio resuming, see BLIP): a pause that would
 * make the gap look longer if it resumes where it stopped. */
static int64_t pause_at(const struct ms__hear *h, const struct ms__hear_hyp *y, int64_t k)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    int64_t j = k < 0 ? 0 : k, audible = 0;
    while (j < (int64_t)snd->hops && j - k < GAP_MAX) {
        if (ms__hear_sound_frame(snd, (uint32_t)j, y->p)->flags & MS__HEAR_LOUD) {
            if (++audible > 2 * BLIP)
                break;
        }
        j++;
    }
    return j - k - audible;
}

bool ms__hear_gap_begins(const struct ms__hear *h, struct ms__hear_hyp *y, int64_t n, bool failing)
{
    if (y->now.n_good < GAP_GOOD)
        return false;
    bool now = y->gap_hops >= GAP_HOPS && y->loud_bad <= GAP_EDGE;
    bool past = failing && y->quiet >= GAP_HOPS && n - y->quiet_end >= LATE_BAD &&
                y->quiet_end > y->bad_from - GAP_RECENT;
    if (!now && !past)
        return false;
    y->held = true;
    y->now = y->at_good; /* the hops since the last good one are not counted */
    y->gap_from = now ? n - y->gap_hops + 1 : y->quiet_end - y->quiet + 1;
    /* if it resumes where it stopped, a pause of its own may follow the gap */
    y->gap_to = y->gap_from + GAP_MAX + pause_at(h, y, y->gap_from - y->n0);
    y->resume = now ? -1 : y->quiet_end + 1;
    y->missing_to = -1;
    for (int64_t k = y->gap_from > h->lo ? y->gap_from : h->lo; k <= n; k++)
        if (ms__hear_hist(h, k)->flags & MS__HEAR_MISSING)
            y->missing_to = k;
    y->telling = 0;
    return true;
}

/* (A young one: its beginning fell in a gap, see above.) */
bool ms__hear_gap_before(struct ms__hear_hyp *y)
{
    if (y->confirmed || y->a >= 0 || y->gap_hops < GAP_HOPS || y->loud_bad > GAP_EDGE)
        return false;
    y->now = (struct ms__hear_counts){0, 0, 0, 0};
    y->bad_run = 0;
    y->recent = 0;
    return true;
}

/* Does window w, scored at alignment (n0, p) up to hop to, explain the resumed audio? */
static bool fits(const struct ms__hear *h, const struct ms__hear_hyp *y,
                 const struct ms__hear_window *w, int64_t n0, unsigned p, int64_t to)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    bool ends = to >= n0 + (int64_t)snd->last_loud[p] + TAIL_SEEN;
    if (w->inf < (ends ? MIN_INF_END : MIN_INF))
        return false;
    return w->inf - w->good <= w->inf / 8 && w->sum <= (unsigned)MEAN_D * (unsigned)w->inf;
}

/* Is a better than b: more good hops net of bad ones, then a smaller mean distance? */
static bool better(const struct ms__hear_window *a, const struct ms__hear_window *b)
{
    int sa = 2 * a->good - a->inf, sb = 2 * b->good - b->inf;
    if (sa != sb)
        return sa > sb;
    return (uint64_t)a->sum * (uint64_t)b->inf < (uint64_t)b->sum * (uint64_t)a->inf;
}

/* Audible frames of the sound (its phase p) in [k0, k1). */
static uint32_t loud_between(const struct ms__hear *h, const struct ms__hear_hyp *y, int64_t k0,
                             int64_t k1)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    uint32_t n = 0;
    for (int64_t k = k0 < 0 ? 0 : k0; k < k1 && k < (int64_t)snd->hops; k++)
        n += (ms__hear_sound_frame(snd, (uint32_t)k, y->p)->flags & MS__HEAR_LOUD) != 0;
    return n;
}

/* Moves the sound by delta PSTEPs and follows the hops [from, to] again. */
static void realign(struct ms__hear *h, struct ms__hear_hyp *y, int delta, int64_t from, int64_t to)
{
    y->before_gap.n0 = y->n0;
    y->before_gap.p = y->p;
    y->before_gap.last_good = y->last_good;
    y->before_gap.gap_shift = y->gap_shift;
    y->before_gap.unheard = y->unheard;
    y->before_gap.at_good = y->at_good;
    y->trial = TRIAL;
    int64_t n0;
    unsigned p;
    ms__hear_split_start(ms__hear_hyp_start(y) + (int64_t)delta * MS__HEAR_PSTEP, &n0, &p);
    /* the frames between where it stopped and where it resumed were not heard */
    y->unheard += loud_between(h, y, y->last_good + 1 - y->n0, y->resume - n0);
    y->n0 = n0;
    y->p = (uint8_t)p;
    y->gap_shift += (int64_t)delta * MS__HEAR_PSTEP;
    y->shift = 0;
    y->held = false;
    y->now = y->at_good;
    y->bad_run = 0;
    y->recent = 0;
    y->realign_at = to;
    for (int64_t n = from; n <= to; n++)
        ms__hear_hyp_account(h, y, n);
}

/* Tries delays lo..hi (PSTEPs, relative to the alignment before the gap) on the
 * hops resumed up to hop to; realigns on the best that fits. */
static bool resync(struct ms__hear *h, struct ms__hear_hyp *y, int64_t to, int lo, int hi)
{
    int64_t from = y->resume + EDGE_HOPS, start = ms__hear_hyp_start(y);
    if (from < to - RESYNC_WIN + 1)
        from = to - RESYNC_WIN + 1;
    if (from < h->lo)
        from = h->lo;
    int max_bad = (int)(to - from + 1) / 8; /* see fits() */
    struct ms__hear_window best = {0, 0, 0};
    int best_d = 0;
    bool found = false;
    for (int d = lo; d <= hi; d++) {
        int64_t n0;
        unsigned p;
        ms__hear_split_start(start + (int64_t)d * MS__HEAR_PSTEP, &n0, &p);
        struct ms__hear_window w = ms__hear_hyp_score(h, y, from, to, n0, p, max_bad);
        if (!fits(h, y, &w, n0, p, to) || (found && !better(&w, &best)))
            continue;
        best = w;
        best_d = d;
        found = true;
    }
    if (found)
        realign(h, y, best_d, from, to);
    return found;
}

bool ms__hear_gap_untried(const struct ms__hear_hyp *y)
{
    return y->trial > TRIAL - TRIAL_REPORT;
}

bool ms__hear_gap_may_resume(const struct ms__hear *h, const struct ms__hear_hyp *y)
{
    return y->held && (y->resume >= 0 || h->cur - y->gap_from < GAP_LIKELY);
}

void ms__hear_gap_undo(struct ms__hear_hyp *y)
{
    if (y->trial == 0)
        return;
    y->trial = 0;
    y->n0 = y->before_gap.n0;
    y->p = y->before_gap.p;
    y->last_good = y->before_gap.last_good;
    y->gap_shift = y->before_gap.gap_shift;
    y->unheard = y->before_gap.unheard;
    y->at_good = y->now = y->before_gap.at_good;
}

/* Did its last audible frames fall where no audio came (the receiver stalled and
 * its jitter buffer dropped what came meanwhile: the end was played, not heard)? */
static bool end_missed(const struct ms__hear *h, const struct ms__hear_hyp *y)
{
    const struct ms__hear_sound *snd = ms__hear_hyp_sound(h, y);
    return y->missing_to >= 0 &&
           y->missing_to >= y->n0 + (int64_t)snd->last_loud[y->p] - MISSED_END;
}

/* It did not resume: cut short where the gap began, or complete if that was at
 * most TAIL_BAD hops before its last audible frame (as a lost packet there would
 * not count) and it would be over by now, or if its end was missed. */
static void give_up(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n)
{
    if (ms__hear_gap_untried(y)) /* a realignment that matched too little to count */
        ms__hear_gap_undo(y);
    y->held = false;
    y->state = MS__HYP_DONE;
    bool over = n >= y->n0 + ms__hear_hyp_end_hop(h, y);
    y->complete = over && ms__hear_hyp_heard_to_end(h, y);
    if (over && !y->complete && end_missed(h, y)) { /* its last audible frames not heard */
        y->complete = true;
        y->unheard += loud_between(h, y, y->last_good + 1 - y->n0, INT64_MAX);
    }
}

/* The stream is silent at hop n: is it still the gap? Gives up if the silence
 * lasts (not as long if the sound would be over and was heard to within TAIL_BAD
 * hops of its end: it is unlikely that a stall took just those). */
static bool in_gap(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n)
{
    if (y->resume >= 0 && n - y->resume >= BLIP && y->hush < REGAP)
        return false; /* a pause in the resumed audio */
    y->resume = -1;   /* (again: the resync looks at the audio after this silence) */
    y->telling = 0;
    bool over = n >= y->n0 + ms__hear_hyp_end_hop(h, y) && ms__hear_hyp_heard_to_end(h, y);
    if (over ? n - y->gap_from >= GAP_LIKELY : n >= y->gap_to)
        give_up(h, y, n);
    return true;
}

void ms__hear_gap_step(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n)
{
    const struct ms__hear_frame *x = ms__hear_hist(h, n);
    if (x->flags & MS__HEAR_MISSING)
        y->missing_to = n;
    y->hush = x->flags & MS__HEAR_LOUD ? 0 : y->hush + 1;
    if (!(x->flags & MS__HEAR_LOUD)) {
        if (n >= y->n0 + ms__hear_hyp_end_hop(h, y) && end_missed(h, y)) {
            give_up(h, y, n); /* complete: the receiver is back, to silence */
            return;
        }
        if (in_gap(h, y, n))
            return;
    }
    if (y->resume < 0)
        y->resume = n;
    y->telling += ms__hear_hyp_telling(h, y, n);
    int64_t after = n - y->resume + 1;
    if (after < RESYNC_AT || (after - RESYNC_AT) % RESYNC_EVERY != 0)
        return;
    /* resumed where it stopped: delayed by the time since its last good hop */
    int64_t stopped = y->resume - 1 - y->last_good;
    if (stopped < 0 || stopped > 2 * GAP_MAX)
        stopped = stopped < 0 ? 0 : 2 * GAP_MAX;
    int lo = -LATER_HOPS * MS__HEAR_PHASES;
    int hi = (int)(stopped + EARLIER_HOPS) * MS__HEAR_PHASES;
    if (resync(h, y, n, lo, hi))
        return;
    if ((after >= RESYNC_LAST && y->telling >= RESYNC_TELL) || n >= y->gap_to)
        give_up(h, y, n);
}
