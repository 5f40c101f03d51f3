/* The common part of simulated callers: transcript and audio queues. */
#include "sim/caller.h"
#include "moonswitch/error.h"
#include "moonswitch/loop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SILENCE_LEVEL 64 /* |sample| above this is sound */

static const char keys[] = "123A456B789C*0#D";

void ms__caller_init(struct ms__caller *c, const struct ms__caller_ops *ops, struct ms_loop *loop,
                     ms__caller_notify_cb notify, void *ud)
{
    memset(c, 0, sizeof *c);
    c->ops = ops;
    c->loop = loop;
    c->notify = notify;
    c->notify_ud = ud;
}

void ms__caller_fini(struct ms__caller *c)
{
    for (size_t i = 0; i < c->nheard; i++)
        free(c->heard[i].name);
    free(c->heard);
    free(c->moves);
    free(c->tx);
    c->heard = NULL;
    c->moves = NULL;
    c->tx = NULL;
    c->nheard = c->nmoves = 0;
}

void ms__caller_note(struct ms__caller *c, enum ms__heard_kind kind, const char *name,
                     const char *detail, bool complete, int status)
{
    ms__caller_note_at(c, ms_loop_now(c->loop), kind, name, detail, complete, status);
}

/* Room for one more entry (and one more move); false if out of memory. */
static bool reserve(struct ms__caller *c, bool move)
{
    if (c->nheard == c->capheard) {
        size_t cap = c->capheard ? c->capheard * 2 : 16;
        struct ms__heard *h = realloc(c->heard, cap * sizeof *h);
        if (!h)
            return false;
        c->heard = h;
        c->capheard = cap;
    }
    if (move && c->nmoves == c->capmoves) {
        size_t cap = c->capmoves ? c->capmoves * 2 : 8;
        size_t *m = realloc(c->moves, cap * sizeof *m);
        if (!m)
            return false;
        c->moves = m;
        c->capmoves = cap;
    }
    return true;
}

static bool fill(struct ms__heard *h, uint64_t at_ms, enum ms__heard_kind kind, const char *name,
                 const char *detail, bool complete, int status)
{
    *h = (struct ms__heard){.at_ms = at_ms, .kind = kind, .complete = complete, .status = status};
    h->name = strdup(name ? name : "");
    snprintf(h->detail, sizeof h->detail, "%s", detail ? detail : "");
    return h->name != NULL;
}

void ms__caller_note_at(struct ms__caller *c, uint64_t at_ms, enum ms__heard_kind kind,
                        const char *name, const char *detail, bool complete, int status)
{
    /* out of memory: the transcript loses a line; the test will say what it missed */
    if (reserve(c, false) &&
        fill(&c->heard[c->nheard], at_ms, kind, name, detail, complete, status))
        c->nheard++;
    if (kind == MS_HEARD_HANGUP)
        c->ended = true;
    if (c->notify)
        c->notify(c->notify_ud, c);
}

#define INSERT_SLACK_MS 100

/* Must entry e stay before a late `kind` entry at t? */
static bool precedes(const struct ms__heard *e, enum ms__heard_kind kind, uint64_t t)
{
    if (e->kind == MS_HEARD_HANGUP)
        return false;
    if (kind == MS_HEARD_PROMPT && e->kind == MS_HEARD_PROMPT_END)
        return e->at_ms <= t + INSERT_SLACK_MS;
    if (kind == MS_HEARD_PROMPT_END && e->kind == MS_HEARD_PROMPT)
        return e->at_ms + INSERT_SLACK_MS < t;
    return e->at_ms <= t;
}

int ms__caller_insert_at(struct ms__caller *c, uint64_t at_ms, enum ms__heard_kind kind,
                         const char *name, const char *detail, bool complete, size_t min_index)
{
    if (!reserve(c, true))
        return MS_ENOMEM;
    size_t i = c->nheard;
    while (i > min_index && !precedes(&c->heard[i - 1], kind, at_ms))
        i--;
    struct ms__heard h;
    if (!fill(&h, at_ms, kind, name, detail, complete, 0)) {
        free(h.name);
        return MS_ENOMEM;
    }
    memmove(&c->heard[i + 1], &c->heard[i], (c->nheard - i) * sizeof h);
    c->heard[i] = h;
    c->nheard++;
    c->moves[c->nmoves++] = i;
    if (c->notify)
        c->notify(c->notify_ud, c);
    return (int)i;
}

long ms__caller_find(const struct ms__caller *c, enum ms__heard_kind kind, const char *name,
                     uint64_t at_ms)
{
    for (size_t i = c->nheard; i-- > 0;) {
        const struct ms__heard *h = &c->heard[i];
        if (h->kind == kind && h->at_ms == at_ms && strcmp(h->name, name) == 0)
            return (long)i;
    }
    return -1;
}

void ms__caller_set_done(struct ms__caller *c)
{
    c->done = true;
    if (c->notify)
        c->notify(c->notify_ud, c);
}

int ms__caller_queue(struct ms__caller *c, const int16_t *pcm, size_t n)
{
    if (c->txlen + n > c->txcap) {
        size_t cap = c->txcap ? c->txcap : 8000;
        while (cap < c->txlen + n)
            cap *= 2;
        int16_t *t = realloc(c->tx, cap * sizeof *t);
        if (!t)
            return MS_ENOMEM;
        c->tx = t;
        c->txcap = cap;
    }
    if (pcm)
        memcpy(c->tx + c->txlen, pcm, n * sizeof *pcm);
    else
        memset(c->tx + c->txlen, 0, n * sizeof *pcm);
    c->txlen += n;
    return 0;
}

bool ms__caller_valid_digit(char d)
{
    return d && strchr(keys, d);
}

/* DTMF: rows 697 770 852 941 Hz, columns 1209 1336 1477 1633 Hz; -7 dBFS each. */
int ms__caller_queue_tone(struct ms__caller *c, char digit, int ms)
{
    if (!ms__caller_valid_digit(digit))
        return MS_EINVAL;
    static const double rows[] = {697, 770, 852, 941}, cols[] = {1209, 1336, 1477, 1633};
    size_t k = (size_t)(strchr(keys, digit) - keys);
    double lo = rows[k / 4], hi = cols[k % 4];
    size_t n = (size_t)ms * 8, at = c->txlen;
    int rc = ms__caller_queue(c, NULL, n + 400); /* the tone, then 50 ms of silence */
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / 8000.0;
        c->tx[at + i] = (int16_t)(7000.0 * (sin(2 * M_PI * lo * t) + sin(2 * M_PI * hi * t)));
    }
    return 0;
}

bool ms__caller_take(struct ms__caller *c, int16_t *pcm, size_t n)
{
    if (c->txpos >= c->txlen)
        return false; /* the caller is silent */
    size_t take = c->txlen - c->txpos < n ? c->txlen - c->txpos : n;
    memcpy(pcm, c->tx + c->txpos, take * sizeof *pcm);
    memset(pcm + take, 0, (n - take) * sizeof *pcm);
    c->txpos += take;
    if (c->txpos == c->txlen)
        c->txpos = c->txlen = 0;
    return true;
}

uint64_t ms__caller_pending_ms(const struct ms__caller *c)
{
    return (c->txlen - c->txpos) / 8;
}

void ms__caller_hear(struct ms__caller *c, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (pcm[i] > SILENCE_LEVEL || pcm[i] < -SILENCE_LEVEL) {
            c->last_sound_ms = ms_loop_now(c->loop);
            return;
        }
    }
}

int ms__caller_send(struct ms__caller *c, const int16_t *pcm, size_t n, const char *label)
{
    if (c->ended)
        return MS_EHANGUP;
    ms__caller_note(c, MS_HEARD_SENT, label, NULL, false, 0);
    return ms__caller_queue(c, pcm, n);
}

const char *ms__press_method_name(enum ms__press_method m)
{
    static const char *const names[] = {"rfc4733", "info", "inband"};
    return (unsigned)m <= MS_PRESS_INBAND ? names[m] : "?";
}
