/* What a wire caller hears (see wire_ear.h). */
#include "sim/wire_ear.h"
#include "hear/hear.h"
#include "moonswitch/error.h"
#include "sim/caller.h"
#include "sim/rx_history.h"
#include "sim/speech_set.h"

#include <stdbool.h>
#include <stdlib.h>

#define SAME_MS   100  /* two reports of one occurrence start this close */
#define KEEP_MS   5000 /* the catch-up listener follows the live audio at least this long */
#define FORGET_MS (MS__RX_HISTORY_MS + 10000) /* ended occurrences older than this go */

enum owner { LIVE, CATCHUP };

/* One occurrence of a known sound, as noted in the transcript. */
struct occ {
    const char *sound; /* its name in the set */
    uint64_t start, end;
    enum owner owner; /* the listener that reported it first: its END counts */
    bool ended, superseded;
};

struct ms__wire_ear {
    const struct ms__hear_set *set;
    struct ms__caller *c;
    struct ms__hear *live, *catchup;
    struct ms__rx_history *hist;
    struct occ *occ;
    size_t nocc, capocc;
    size_t scanned;      /* rendered texts the history was searched for */
    bool replaying;      /* the catch-up listener is going over the history */
    bool finished;       /* the stream has ended */
    uint64_t last_at;    /* time of the last frame */
    uint64_t keep_until; /* the catch-up listener is kept at least until then */
};

/* ---- occurrences ---- */

static struct occ *occ_find(struct ms__wire_ear *e, const char *sound, uint64_t start)
{
    for (size_t i = e->nocc; i-- > 0;) {
        struct occ *o = &e->occ[i];
        if (o->sound == sound && o->start + SAME_MS >= start && start + SAME_MS >= o->start)
            return o;
    }
    return NULL;
}

/* Drops ended occurrences too old to be reported again. */
static void occ_forget(struct ms__wire_ear *e)
{
    size_t k = 0;
    for (size_t i = 0; i < e->nocc; i++) {
        if (!(e->occ[i].ended && e->occ[i].end + FORGET_MS < e->last_at))
            e->occ[k++] = e->occ[i];
    }
    e->nocc = k;
}

static struct occ *occ_add(struct ms__wire_ear *e, const char *sound, uint64_t start, enum owner w)
{
    if (e->nocc == e->capocc)
        occ_forget(e);
    if (e->nocc == e->capocc) {
        size_t cap = e->capocc ? e->capocc * 2 : 16;
        struct occ *o = realloc(e->occ, cap * sizeof *o);
        if (!o)
            return NULL;
        e->occ = o;
        e->capocc = cap;
    }
    struct occ *o = &e->occ[e->nocc++];
    *o = (struct occ){.sound = sound, .start = start, .owner = w};
    return o;
}

/* ---- the transcript ---- */

/* A sound's name and detail in the transcript: a rendered text is "speech". */
static const char *shown(const char *sound, const char **detail)
{
    const char *text;
    if (ms__speech_text(sound, &text)) {
        *detail = "speech";
        return text;
    }
    *detail = NULL;
    return sound;
}

static void mark(struct ms__wire_ear *e, enum ms__heard_kind kind, const char *sound, uint64_t at)
{
    const char *detail, *name = shown(sound, &detail);
    long i = ms__caller_find(e->c, kind, name, at);
    if (i >= 0)
        e->c->heard[i].superseded = true;
}

/* Live occurrences of other sounds that began in [lo, hi) were in fact text x. */
static void supersede(struct ms__wire_ear *e, const struct occ *x, uint64_t lo, uint64_t hi)
{
    bool any = false;
    for (size_t i = 0; i < e->nocc; i++) {
        struct occ *y = &e->occ[i];
        if (y->owner != LIVE || y->sound == x->sound || y->superseded || y->start < lo ||
            y->start >= hi)
            continue;
        y->superseded = any = true;
        mark(e, MS_HEARD_PROMPT, y->sound, y->start);
        if (y->ended)
            mark(e, MS_HEARD_PROMPT_END, y->sound, y->end);
    }
    if (any && e->c->notify)
        e->c->notify(e->c->notify_ud, e->c);
}

static uint64_t before(uint64_t t)
{
    return t > SAME_MS ? t - SAME_MS : 0;
}

/* Is a live occurrence starting at `start` inside a text the catch-up found? */
static bool inside_text(const struct ms__wire_ear *e, const char *sound, uint64_t start)
{
    for (size_t i = 0; i < e->nocc; i++) {
        const struct occ *x = &e->occ[i];
        if (x->owner == CATCHUP && x->sound != sound && start >= before(x->start) &&
            (!x->ended || start + SAME_MS < x->end))
            return true;
    }
    return false;
}

/* Appends a live report, marked if superseded. */
static void note(struct ms__wire_ear *e, uint64_t at, enum ms__heard_kind kind, const struct occ *o,
                 bool complete)
{
    const char *detail, *name = shown(o->sound, &detail);
    size_t n = e->c->nheard;
    ms__caller_note_at(e->c, at, kind, name, detail, complete, 0);
    if (o->superseded && e->c->nheard > n)
        e->c->heard[e->c->nheard - 1].superseded = true;
}

static void on_live(void *ud, const struct ms__hear_event *ev)
{
    struct ms__wire_ear *e = ud;
    struct occ *o = occ_find(e, ev->name, ev->start_ms);
    if (ev->kind == MS__HEAR_START) {
        if (o)
            return; /* the catch-up listener noted it first */
        bool inside = inside_text(e, ev->name, ev->start_ms);
        o = occ_add(e, ev->name, ev->start_ms, LIVE);
        struct occ tmp = {.sound = ev->name, .start = ev->start_ms};
        if (!o)
            o = &tmp; /* out of memory: noted, not remembered */
        o->superseded = inside;
        note(e, ev->start_ms, MS_HEARD_PROMPT, o, false);
        return;
    }
    if (!o || o->owner != LIVE || o->ended)
        return;
    o->ended = true;
    o->end = ev->end_ms;
    note(e, ev->end_ms, MS_HEARD_PROMPT_END, o, ev->complete);
}

static void on_catchup(void *ud, const struct ms__hear_event *ev)
{
    struct ms__wire_ear *e = ud;
    const char *text;
    if (!ms__speech_text(ev->name, &text))
        return; /* the live listener reports the sound files */
    struct occ *o = occ_find(e, ev->name, ev->start_ms);
    if (ev->kind == MS__HEAR_START) {
        if (o || !(o = occ_add(e, ev->name, ev->start_ms, CATCHUP)))
            return;
        ms__caller_insert_at(e->c, o->start, MS_HEARD_PROMPT, text, "speech", false, 0);
        if (!e->replaying)
            supersede(e, o, before(o->start), UINT64_MAX);
        return;
    }
    if (!o || o->owner != CATCHUP || o->ended)
        return;
    o->ended = true;
    o->end = ev->end_ms;
    long at = ms__caller_find(e->c, MS_HEARD_PROMPT, text, o->start);
    ms__caller_insert_at(e->c, o->end, MS_HEARD_PROMPT_END, text, "speech", ev->complete,
                         at >= 0 ? (size_t)at + 1 : 0);
    supersede(e, o, before(o->start), before(o->end));
}

/* ---- the listeners ---- */

int ms__wire_ear_new(struct ms__wire_ear **out, const struct ms__hear_set *set,
                     struct ms__caller *c)
{
    if (!out || !set || !c)
        return MS_EINVAL;
    struct ms__wire_ear *e = calloc(1, sizeof *e);
    if (!e)
        return MS_ENOMEM;
    e->set = set;
    e->c = c;
    int rc = ms__hear_new(&e->live, set, on_live, e);
    if (rc == 0)
        rc = ms__rx_history_new(&e->hist);
    if (rc < 0) {
        ms__wire_ear_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void ms__wire_ear_free(struct ms__wire_ear *e)
{
    if (!e)
        return;
    ms__hear_free(e->live);
    ms__hear_free(e->catchup);
    ms__rx_history_free(e->hist);
    free(e->occ);
    free(e);
}

static bool catchup_busy(const struct ms__wire_ear *e)
{
    if (e->last_at < e->keep_until)
        return true;
    for (size_t i = 0; i < e->nocc; i++) {
        if (e->occ[i].owner == CATCHUP && !e->occ[i].ended)
            return true;
    }
    return false;
}

void ms__wire_ear_feed(struct ms__wire_ear *e, const int16_t *pcm, uint64_t at_ms)
{
    e->last_at = at_ms;
    e->finished = false;
    ms__rx_history_push(e->hist, pcm, at_ms);
    ms__hear_feed(e->live, pcm, MS__RX_FRAME, at_ms);
    if (e->catchup) {
        ms__hear_feed(e->catchup, pcm, MS__RX_FRAME, at_ms);
        if (!catchup_busy(e)) {
            ms__hear_free(e->catchup);
            e->catchup = NULL;
        }
    }
}

void ms__wire_ear_finish(struct ms__wire_ear *e)
{
    ms__hear_finish(e->live, e->last_at);
    if (e->catchup) {
        ms__hear_finish(e->catchup, e->last_at);
        ms__hear_free(e->catchup);
        e->catchup = NULL;
    }
    e->finished = true;
}

void ms__wire_ear_catch_up(struct ms__wire_ear *e, size_t added)
{
    if (added <= e->scanned)
        return;
    e->scanned = added;
    ms__hear_free(e->catchup); /* a new one looks for every text, from the oldest audio */
    e->catchup = NULL;
    size_t n = ms__rx_history_count(e->hist);
    if (n == 0 || ms__hear_new(&e->catchup, e->set, on_catchup, e) < 0)
        return;
    e->replaying = true;
    int16_t pcm[MS__RX_FRAME];
    for (size_t i = 0; i < n; i++) {
        uint64_t at = ms__rx_history_get(e->hist, i, pcm);
        ms__hear_feed(e->catchup, pcm, MS__RX_FRAME, at);
    }
    e->replaying = false;
    if (e->finished) {
        ms__hear_finish(e->catchup, e->last_at);
        ms__hear_free(e->catchup);
        e->catchup = NULL;
        return;
    }
    for (size_t i = 0; i < e->nocc; i++) { /* texts still playing: all since is theirs */
        if (e->occ[i].owner == CATCHUP && !e->occ[i].ended)
            supersede(e, &e->occ[i], before(e->occ[i].start), UINT64_MAX);
    }
    e->keep_until = e->last_at + KEEP_MS;
}
