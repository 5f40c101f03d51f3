/* The known sounds of the prompt recogniser: analysis and key index (see hear.h). */
#include "hear/hear_int.h"
#include "moonswitch/error.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES ((size_t)3600 * MS__HEAR_RATE)
#define TWIN_DIST   32 /* frames this close are alike (about 1 dB per band) */

int ms__hear_set_new(struct ms__hear_set **out)
{
    if (!out)
        return MS_EINVAL;
    struct ms__hear_set *s = calloc(1, sizeof(*s));
    if (!s)
        goto fail_set;
    s->buckets = calloc((size_t)1 << MS__HEAR_KEY_BITS, sizeof(*s->buckets));
    if (!s->buckets)
        goto fail_buckets;
    ms__hear_fft_init(&s->fft);
    *out = s;
    return 0;
fail_buckets:
    free(s);
fail_set:
    return MS_ENOMEM;
}

static void sound_clear(struct ms__hear_sound *snd)
{
    free(snd->name);
    free(snd->frame);
}

void ms__hear_set_free(struct ms__hear_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        sound_clear(&s->sounds[i]);
    free(s->sounds);
    for (size_t i = 0; i < ((size_t)1 << MS__HEAR_KEY_BITS); i++)
        free(s->buckets[i].e);
    free(s->buckets);
    free(s);
}

size_t ms__hear_set_count(const struct ms__hear_set *s)
{
    return s ? s->n : 0;
}

/* Frame (k, p): the window ending at sample `end`, zeros before sample 0. */
static void analyse_at(const struct ms__hear_fft *fft, const int16_t *pcm, long end,
                       struct ms__hear_frame *f)
{
    float win[MS__HEAR_WIN];
    long start = end - MS__HEAR_WIN;
    for (long i = 0; i < MS__HEAR_WIN; i++)
        win[i] = start + i >= 0 ? (float)pcm[start + i] : 0.0f;
    ms__hear_analyse(fft, win, f);
    if (start < 0)
        f->flags |= MS__HEAR_EDGE;
}

/* Audible frames: above the silence floor and within 35 dB of the loudest one (a
 * faint tail or breath is not worth comparing through G.711 at a lower level). */
static void sound_summarise(struct ms__hear_sound *snd)
{
    int peak = 0;
    for (size_t i = 0; i < (size_t)snd->hops * MS__HEAR_PHASES; i++)
        peak = snd->frame[i].tot > peak ? snd->frame[i].tot : peak;
    snd->peak = peak;
    snd->thr = peak - 70 > MS__HEAR_SILENCE ? peak - 70 : MS__HEAR_SILENCE;
    for (size_t i = 0; i < (size_t)snd->hops * MS__HEAR_PHASES; i++) {
        if (snd->frame[i].tot <= snd->thr)
            snd->frame[i].flags &= (uint8_t)~MS__HEAR_LOUD;
    }
    for (unsigned p = 0; p < MS__HEAR_PHASES; p++) {
        snd->first_loud[p] = UINT32_MAX;
        for (uint32_t k = 0; k < snd->hops; k++) {
            const struct ms__hear_frame *f = ms__hear_sound_frame(snd, k, p);
            if ((f->flags & (MS__HEAR_LOUD | MS__HEAR_EDGE)) != MS__HEAR_LOUD)
                continue;
            if (snd->first_loud[p] == UINT32_MAX)
                snd->first_loud[p] = k;
            snd->last_loud[p] = k;
            snd->n_loud[p]++;
        }
    }
}

/* 0, MS_EINVAL (nothing audible) or MS_ENOMEM. */
static int sound_analyse(const struct ms__hear_fft *fft, struct ms__hear_sound *snd,
                         const int16_t *pcm, size_t samples)
{
    snd->samples = (uint32_t)samples;
    snd->hops = (uint32_t)(samples / MS__HEAR_HOP);
    if (snd->hops == 0)
        return MS_EINVAL;
    snd->frame = malloc((size_t)snd->hops * MS__HEAR_PHASES * sizeof(*snd->frame));
    if (!snd->frame)
        return MS_ENOMEM;
    for (uint32_t k = 0; k < snd->hops; k++) {
        for (unsigned p = 0; p < MS__HEAR_PHASES; p++) {
            long end = (long)(k + 1) * MS__HEAR_HOP - (long)p * MS__HEAR_PSTEP;
            analyse_at(fft, pcm, end, &snd->frame[(size_t)k * MS__HEAR_PHASES + p]);
        }
    }
    sound_summarise(snd);
    for (unsigned p = 0; p < MS__HEAR_PHASES; p++) {
        if (snd->n_loud[p] == 0)
            return MS_EINVAL;
    }
    return 0;
}

static int bucket_push(struct ms__hear_bucket *b, struct ms__hear_entry e)
{
    if (b->n == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 4;
        struct ms__hear_entry *ne = realloc(b->e, cap * sizeof(*ne));
        if (!ne)
            return MS_ENOMEM;
        b->e = ne;
        b->cap = cap;
    }
    b->e[b->n++] = e;
    return 0;
}

/* Indexes the first second of sound `idx` at every phase. On failure the entries
 * already added are removed again (they are the last ones of their buckets). */
static int sound_index(struct ms__hear_set *s, uint32_t idx)
{
    const struct ms__hear_sound *snd = &s->sounds[idx];
    for (unsigned p = 0; p < MS__HEAR_PHASES; p++) {
        uint32_t k0 = snd->first_loud[p] > 0 ? snd->first_loud[p] : 1;
        uint32_t k1 = k0 + MS__HEAR_IDX_HOPS < snd->hops ? k0 + MS__HEAR_IDX_HOPS : snd->hops;
        uint32_t last[2] = {UINT32_MAX, UINT32_MAX};
        for (uint32_t k = k0; k < k1 && k <= UINT16_MAX; k++) {
            const struct ms__hear_frame *prev = ms__hear_sound_frame(snd, k - 1, p);
            const struct ms__hear_frame *cur = ms__hear_sound_frame(snd, k, p);
            if (!(cur->flags & MS__HEAR_LOUD) || ((prev->flags | cur->flags) & MS__HEAR_EDGE))
                continue;
            uint8_t weak[2];
            uint32_t key = ms__hear_key(prev, cur, weak);
            if (key == last[0] || key == last[1])
                continue; /* a steady stretch: one entry is enough */
            last[1] = last[0];
            last[0] = key;
            struct ms__hear_entry e = {.sound = idx, .k = (uint16_t)k, .p = (uint8_t)p};
            if (bucket_push(&s->buckets[key], e) < 0)
                goto fail;
            s->entries++;
        }
    }
    return 0;
fail:
    for (size_t i = 0; i < ((size_t)1 << MS__HEAR_KEY_BITS); i++) {
        struct ms__hear_bucket *b = &s->buckets[i];
        while (b->n > 0 && b->e[b->n - 1].sound == idx) {
            b->n--;
            s->entries--;
        }
    }
    return MS_ENOMEM;
}

static bool name_taken(const struct ms__hear_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->sounds[i].name, name) == 0)
            return true;
    }
    return false;
}

/* Is b the same audio as a, at any level (same length within a hop, nearly every
 * audible frame alike)? Such twins could never be told apart. */
static bool same_audio(const struct ms__hear_sound *a, const struct ms__hear_sound *b)
{
    if (a->hops > b->hops + 1 || b->hops > a->hops + 1)
        return false;
    uint32_t hops = a->hops < b->hops ? a->hops : b->hops, inf = 0, alike = 0;
    for (uint32_t k = 0; k < hops; k++) {
        const struct ms__hear_frame *fa = ms__hear_sound_frame(a, k, 0);
        const struct ms__hear_frame *fb = ms__hear_sound_frame(b, k, 0);
        if (!((fa->flags | fb->flags) & MS__HEAR_LOUD) || (fa->flags & MS__HEAR_EDGE))
            continue;
        inf++;
        alike += ms__hear_dist(fb, fa, b->peak - a->peak) <= TWIN_DIST;
    }
    return inf > 0 && alike * 20 >= inf * 19;
}

static bool twin_taken(const struct ms__hear_set *s, const struct ms__hear_sound *snd)
{
    for (size_t i = 0; i < s->n; i++) {
        if (same_audio(&s->sounds[i], snd))
            return true;
    }
    return false;
}

static int sounds_reserve(struct ms__hear_set *s)
{
    if (s->n < s->cap)
        return 0;
    size_t cap = s->cap ? s->cap * 2 : 16;
    struct ms__hear_sound *ns = realloc(s->sounds, cap * sizeof(*ns));
    if (!ns)
        return MS_ENOMEM;
    s->sounds = ns;
    s->cap = cap;
    return 0;
}

int ms__hear_set_add(struct ms__hear_set *s, const char *name, const int16_t *pcm, size_t samples)
{
    if (!s || !name || !*name || (!pcm && samples > 0) || samples > MAX_SAMPLES)
        return MS_EINVAL;
    if (name_taken(s, name))
        return MS_EEXIST;
    if (s->n >= UINT32_MAX - 1 || sounds_reserve(s) < 0)
        return MS_ENOMEM;
    struct ms__hear_sound snd = {0};
    int rc = MS_ENOMEM;
    snd.name = strdup(name);
    if (!snd.name)
        goto fail;
    rc = sound_analyse(&s->fft, &snd, pcm, samples);
    if (rc < 0)
        goto fail;
    rc = MS_EEXIST;
    if (twin_taken(s, &snd))
        goto fail;
    s->sounds[s->n] = snd;
    rc = sound_index(s, (uint32_t)s->n);
    if (rc < 0)
        goto fail;
    s->n++;
    return 0;
fail:
    sound_clear(&snd);
    return rc;
}

#define LIKE_EXTRA 25 /* hops of quiet audio one may have before the other's first audible one */
#define LIKE_QUIET 40 /* ... quiet: 20 dB below its peak (a pause's noise, not a word) */

/* x's audible frames against y's at frame offset off (x's k is y's k + off): are
 * 90% alike? Stops at the first mismatch too many. */
static bool like_at(const struct ms__hear_sound *x, const struct ms__hear_sound *y, unsigned py,
                    int64_t off)
{
    uint32_t inf = 0, bad = 0, max_bad = x->n_loud[0] / 10;
    for (int64_t k = x->first_loud[0]; k <= (int64_t)x->last_loud[0] && bad <= max_bad; k++) {
        const struct ms__hear_frame *fx = ms__hear_sound_frame(x, (uint32_t)k, 0);
        int64_t ky = k + off;
        if (ky < 0 || ky >= (int64_t)y->hops) {
            bad += (fx->flags & MS__HEAR_LOUD) != 0;
            continue;
        }
        const struct ms__hear_frame *fy = ms__hear_sound_frame(y, (uint32_t)ky, py);
        if (!((fx->flags | fy->flags) & MS__HEAR_LOUD) || ((fx->flags | fy->flags) & MS__HEAR_EDGE))
            continue;
        inf++;
        bad += ms__hear_dist(fy, fx, y->peak - x->peak) > TWIN_DIST;
    }
    return inf > 0 && bad <= max_bad;
}

/* Is y, outside frames [from, to], no louder than a pause? */
static bool quiet_outside(const struct ms__hear_sound *y, unsigned py, int64_t from, int64_t to)
{
    for (int64_t k = 0; k < (int64_t)y->hops; k++) {
        if (k >= from && k <= to)
            continue;
        const struct ms__hear_frame *f = ms__hear_sound_frame(y, (uint32_t)k, py);
        if ((f->flags & MS__HEAR_LOUD) && f->tot > y->peak - LIKE_QUIET)
            return false;
    }
    return true;
}

/* Is x's audible part in y, with nothing but quiet around it in y: the same words
 * with more or less silence or pause noise around them (cut and faded by a build
 * step, or as flite made them)? The recogniser could not tell them apart. */
static bool found_in(const struct ms__hear_sound *x, const struct ms__hear_sound *y)
{
    int64_t span_x = (int64_t)x->last_loud[0] - x->first_loud[0];
    for (unsigned p = 0; p < MS__HEAR_PHASES; p++) {
        int64_t span_y = (int64_t)y->last_loud[p] - y->first_loud[p];
        if (span_y + 2 < span_x || span_y > span_x + 2 * LIKE_EXTRA)
            continue; /* x cannot fill y's loud part, or does not reach its end */
        int64_t at = (int64_t)y->first_loud[p] - x->first_loud[0];
        for (int64_t off = at - 1; off <= at + LIKE_EXTRA; off++) {
            if (like_at(x, y, p, off) &&
                quiet_outside(y, p, x->first_loud[0] + off, x->last_loud[0] + off))
                return true;
        }
    }
    return false;
}

int ms__hear_set_twin(const struct ms__hear_set *s, const int16_t *pcm, size_t samples,
                      const char **name)
{
    if (!s || !name || (!pcm && samples > 0) || samples > MAX_SAMPLES)
        return MS_EINVAL;
    struct ms__hear_sound snd = {0};
    int rc = sound_analyse(&s->fft, &snd, pcm, samples);
    for (size_t pass = 0; pass < 2 && rc == 0; pass++) { /* the same audio first */
        for (size_t i = 0; i < s->n; i++) {
            if (pass == 0 ? same_audio(&s->sounds[i], &snd)
                          : found_in(&s->sounds[i], &snd) || found_in(&snd, &s->sounds[i])) {
                *name = s->sounds[i].name;
                sound_clear(&snd);
                return 0;
            }
        }
    }
    sound_clear(&snd);
    return rc < 0 ? rc : MS_ENOENT;
}
