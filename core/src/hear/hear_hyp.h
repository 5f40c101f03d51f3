/* The listener of the prompt recogniser and its hypotheses (internal; see hear.h).
 *
 * A hypothesis says "sound S started at stream sample n0 * HOP + p * PSTEP". It is
 * made when an index key of a received hop points at one of S's first frames and
 * the last few hops agree; the history since S's start is then replayed, and it is
 * followed hop by hop: each informative hop (the sound audible, or the stream loud
 * where the sound is silent) is good or bad by the band distance under the
 * hypothesis's gain. A run of 8 bad hops ends it (cut short; for a reported one,
 * only if the audio went quieter, or after 30) unless moving it by up to 40 ms
 * explains them (a frame slip of the jitter buffer; also tried when the match
 * degrades); passing the sound's trailing silence (up to 100 ms after its last
 * audible frame) ends it, complete if nothing loud filled that silence. Where the
 * stream falls silent while the sound is audible (a stall: nothing was received),
 * it is held across the gap and realigned where the audio resumes (hear_gap.c).
 * hear_decide.c turns hypotheses into events; at most MAX_HYP live at once (when
 * full, young ones are evicted and their rivals "crowded").
 *
 * struct ms__hear_hyp: plain data inside struct ms__hear (hyp[]), no resources.
 * struct ms__hear: see hear.h.
 */
#ifndef MS_HEAR_HYP_H
#define MS_HEAR_HYP_H

#include "hear/hear_int.h"

#define MS__HEAR_HIST     128 /* received frames kept: 1.28 s, more than IDX_HOPS */
#define MS__HEAR_MAX_HYP  48
#define MS__HEAR_REPORTED 8
#define MS__HEAR_CROWD    4
#define MS__HEAR_CONF     60 /* good hops that identify a sound (see hear.h: shared beginnings) */

enum ms__hear_hyp_state { MS__HYP_FREE = 0, MS__HYP_LIVE, MS__HYP_DONE };

struct ms__hear_counts {
    uint32_t n_inf;  /* informative hops compared */
    uint32_t n_good; /* ... that matched */
    uint32_t n_bad;
    uint32_t sum_d; /* sum of (capped) distances */
};

struct ms__hear_hyp {
    uint8_t state;  /* enum ms__hear_hyp_state */
    bool confirmed; /* START reported */
    bool complete;  /* DONE: played to its audible end */
    bool crowded;   /* a competitor may have gone unfollowed (no room) */
    bool ambiguous; /* ended together with a competitor it cannot be told from */
    bool held;      /* waiting across a gap of silence (hear_gap.c) */
    uint8_t p;
    uint32_t sound;
    int64_t n0;
    int32_t shift;      /* total realignment, in PSTEP units */
    int64_t realign_at; /* last try after the match degraded */
    int32_t g;          /* gain: received = sound + g (feature units) */
    int32_t g_sum;
    uint32_t g_n;
    uint32_t bad_run;
    int64_t bad_from;   /* first hop of the bad run */
    uint32_t deficits;  /* hops of the bad run quieter than expected */
    uint32_t gap_hops;  /* ... silent where the sound is audible */
    uint32_t loud_bad;  /* ... where the stream is loud */
    uint32_t quiet_run; /* hops in a row where the stream is silent, up to the last */
    int64_t last_quiet; /* ... one; and the longest such run lately (QUIET_RECENT): */
    uint32_t quiet;     /* ... its length */
    int64_t quiet_end;  /* ... and its last hop */
    int64_t gap_from;   /* held: first hop of the gap */
    int64_t gap_to;     /* held: it gives up when the stream is still silent here */
    int64_t resume;     /* held: first loud hop after it; -1: none yet */
    int64_t missing_to; /* held: last hop of it where no audio came (MISSING) */
    uint32_t telling;   /* held: hops since then loud enough to tell */
    uint32_t hush;      /* held: silent hops in a row */
    int64_t gap_shift;  /* samples added to the start by gaps (realigned) */
    uint32_t unheard;   /* its audible frames lost in gaps (skipped, or its end missed) */
    uint32_t trial;     /* good hops still to match after a gap, or it goes back to: */
    struct {
        int64_t n0, last_good, gap_shift;
        uint32_t unheard;
        uint8_t p;
        struct ms__hear_counts at_good;
    } before_gap;
    uint16_t recent;                     /* bit i: the i-th last hop compared was bad */
    struct ms__hear_counts now, at_good; /* at_good: as of last_good */
    int64_t a, last_good;                /* first and last good hop; -1: none */
    int64_t reported_start;              /* stream sample given in the START */
};

struct ms__hear {
    const struct ms__hear_set *set;
    ms__hear_cb cb;
    void *ud;
    float win[MS__HEAR_WIN]; /* the last WIN samples; the current hop fills the tail */
    unsigned fill;           /* samples of the current hop received */
    unsigned filled;         /* ... of which missing (filled with silence) */
    bool started;
    uint64_t t0_ms;   /* stream time of sample 0 */
    uint64_t samples; /* samples since t0 */
    int64_t cur;      /* hop being processed (hops analysed - 1) */
    int64_t lo;       /* oldest hop still in hist */
    struct ms__hear_frame hist[MS__HEAR_HIST];
    struct ms__hear_hyp hyp[MS__HEAR_MAX_HYP];
    struct ms__hear_stats st;
    uint64_t kills; /* hypotheses dropped (hear_decide.c) */
    struct {
        uint32_t sound; /* UINT32_MAX: unused */
        int64_t start;
    } reported[MS__HEAR_REPORTED]; /* the last occurrences reported: not again */
    unsigned reported_next;
    int64_t explained_to;            /* last hop matched by a reported sound */
    int64_t crowd_a[MS__HEAR_CROWD]; /* starts (hops) of the last ones dropped for room */
    unsigned crowd_next;
};

/* Received frame of hop n (valid for lo <= n <= cur). */
static inline const struct ms__hear_frame *ms__hear_hist(const struct ms__hear *h, int64_t n)
{
    return &h->hist[(uint64_t)n & (MS__HEAR_HIST - 1)];
}

static inline const struct ms__hear_sound *ms__hear_hyp_sound(const struct ms__hear *h,
                                                              const struct ms__hear_hyp *y)
{
    return &h->set->sounds[y->sound];
}

/* The last hop it surely matched: before the gap while a realignment across one is
 * still on trial (hear_gap.c). */
static inline int64_t ms__hear_hyp_sure_to(const struct ms__hear_hyp *y)
{
    return y->trial > 0 ? y->before_gap.last_good : y->last_good;
}

/* Stream sample of the hypothesis's sound sample 0 (may be negative). */
static inline int64_t ms__hear_hyp_start(const struct ms__hear_hyp *y)
{
    return y->n0 * MS__HEAR_HOP + (int64_t)y->p * MS__HEAR_PSTEP;
}

/* Hops compared at an alignment: counts and capped distance sum. */
struct ms__hear_window {
    int inf, good;
    unsigned sum;
};

/* Tries "sound started at stream sample s0" (+-1 phase) against the recent hops;
 * on success makes a LIVE hypothesis, brought up to the current hop. */
void ms__hear_hyp_try(struct ms__hear *h, uint32_t sound, int64_t s0);
/* Compares the current hop with a LIVE hypothesis; may end it. */
void ms__hear_hyp_step(struct ms__hear *h, struct ms__hear_hyp *y);
/* Ends a LIVE hypothesis at the end of the stream. */
void ms__hear_hyp_stop(struct ms__hear *h, struct ms__hear_hyp *y);

/* For hear_gap.c. Compares hop n under the hypothesis, updating its counts. */
void ms__hear_hyp_account(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n);
/* Hops [from, to] at alignment (n0, p); stops early past max_bad bad hops. */
struct ms__hear_window ms__hear_hyp_score(const struct ms__hear *h, const struct ms__hear_hyp *y,
                                          int64_t from, int64_t to, int64_t n0, unsigned p,
                                          int max_bad);
/* Is hop n loud enough to tell, wherever the sound is aligned (else it is only
 * compared where the sound is audible)? */
bool ms__hear_hyp_telling(const struct ms__hear *h, const struct ms__hear_hyp *y, int64_t n);
/* Alignment of a start given in stream samples. */
void ms__hear_split_start(int64_t s, int64_t *n0, unsigned *p);
/* Hop (of the sound) after which the sound is over: its trailing silence checked. */
int64_t ms__hear_hyp_end_hop(const struct ms__hear *h, const struct ms__hear_hyp *y);
/* Did it match up to its last audible frame, with no bad run since? */
bool ms__hear_hyp_heard_to_end(const struct ms__hear *h, const struct ms__hear_hyp *y);

/* Gaps (hear_gap.c). After hop n was accounted (a bad one): should the hypothesis
 * be held across a gap that begins here, or (failing: it is about to be cut short)
 * that it went through where it was silent itself? (If so, it now is.) */
bool ms__hear_gap_begins(const struct ms__hear *h, struct ms__hear_hyp *y, int64_t n, bool failing);
/* Its bad run, before its first good hop, is a gap: its beginning was lost in a
 * stall (it is followed from where the audio resumed). If so, forgets the run. */
bool ms__hear_gap_before(struct ms__hear_hyp *y);
/* Hop n for a held hypothesis: waits, realigns where the audio resumed (no longer
 * held), or ends it (cut short; complete if the silence is its own ending). */
void ms__hear_gap_step(struct ms__hear *h, struct ms__hear_hyp *y, int64_t n);
/* Realigned across a gap so recently that it may not be reported yet. */
bool ms__hear_gap_untried(const struct ms__hear_hyp *y);
/* Held, and the audio may still resume soon (a typical stall is 100-300 ms). */
bool ms__hear_gap_may_resume(const struct ms__hear *h, const struct ms__hear_hyp *y);
/* The hypothesis stops matching (other audio): if that is soon after it was
 * realigned across a gap, that realignment was wrong: it stopped at the gap. */
void ms__hear_gap_undo(struct ms__hear_hyp *y);

/* The counts that matter: as of the last good hop once DONE. */
const struct ms__hear_counts *ms__hear_hyp_counts(const struct ms__hear_hyp *y);
bool ms__hear_hyp_plausible(const struct ms__hear_hyp *y);
/* Enough matched audio to report it (if nothing else competes). */
bool ms__hear_hyp_evidence(const struct ms__hear *h, const struct ms__hear_hyp *y);

/* Emits what can be decided (hear_decide.c); final: the stream has ended. */
void ms__hear_decide(struct ms__hear *h, bool final);

#endif
