#define MS_LOG_MODULE "audio"
#include "media/audio_cache_priv.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>
#include <string.h>

#define AC_MIN_BUCKETS 64

static size_t ac_hash(const char *path, int rate)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h ^= (uint64_t)rate * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29));
}

static struct ms__audio **ac_bucket(struct ms__audio_cache *c, const char *path, int rate)
{
    return &c->buckets[ac_hash(path, rate) & (c->nbuckets - 1)];
}

struct ms__audio *ms__ac_find(struct ms__audio_cache *c, const char *path, int rate)
{
    if (!c->buckets)
        return NULL;
    for (struct ms__audio *a = *ac_bucket(c, path, rate); a; a = a->hnext) {
        if (a->rate == rate && strcmp(a->path, path) == 0)
            return a;
    }
    return NULL;
}

struct ms__audio *ms__ac_audio_new(const char *path, int rate, int16_t *pcm, size_t samples)
{
    size_t len = strlen(path) + 1;
    struct ms__audio *a = calloc(1, sizeof(*a) + len);
    if (!a) {
        free(pcm);
        return NULL;
    }
    memcpy(a->path, path, len);
    a->pcm = pcm;
    a->samples = samples;
    a->rate = rate;
    a->bytes = sizeof(*a) + len + samples * sizeof(*pcm);
    return a;
}

void ms__ac_audio_destroy(struct ms__audio *a)
{
    free((void *)a->pcm);
    free(a);
}

static void ac_idle_push(struct ms__audio_cache *c, struct ms__audio *a)
{
    a->lru_prev = NULL;
    a->lru_next = c->idle_head;
    if (c->idle_head)
        c->idle_head->lru_prev = a;
    else
        c->idle_tail = a;
    c->idle_head = a;
}

static void ac_idle_remove(struct ms__audio_cache *c, struct ms__audio *a)
{
    if (a->lru_prev)
        a->lru_prev->lru_next = a->lru_next;
    else
        c->idle_head = a->lru_next;
    if (a->lru_next)
        a->lru_next->lru_prev = a->lru_prev;
    else
        c->idle_tail = a->lru_prev;
    a->lru_prev = a->lru_next = NULL;
}

/* Doubles the table; on allocation failure the chains just get longer. */
static void ac_grow(struct ms__audio_cache *c)
{
    size_t n = c->nbuckets * 2;
    struct ms__audio **b = calloc(n, sizeof(*b));
    if (!b)
        return;
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct ms__audio *a = c->buckets[i], *next; a; a = next) {
            next = a->hnext;
            size_t k = ac_hash(a->path, a->rate) & (n - 1);
            a->hnext = b[k];
            b[k] = a;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

void ms__ac_insert(struct ms__audio_cache *c, struct ms__audio *a)
{
    if (c->count >= c->nbuckets)
        ac_grow(c);
    struct ms__audio **slot = ac_bucket(c, a->path, a->rate);
    a->hnext = *slot;
    *slot = a;
    a->cache = c;
    c->bytes += a->bytes;
    c->count++;
    if (a->refs == 0)
        ac_idle_push(c, a);
}

/* Takes a out of the cache; frees it unless a caller still holds it. */
static void ac_drop(struct ms__audio_cache *c, struct ms__audio *a)
{
    struct ms__audio **p = ac_bucket(c, a->path, a->rate);
    while (*p != a)
        p = &(*p)->hnext;
    *p = a->hnext;
    a->hnext = NULL;
    if (a->refs == 0)
        ac_idle_remove(c, a);
    c->bytes -= a->bytes;
    c->count--;
    a->cache = NULL;
    if (a->refs == 0)
        ms__ac_audio_destroy(a);
}

void ms__ac_evict(struct ms__audio_cache *c)
{
    while (c->bytes > c->max_bytes && c->idle_tail) {
        ms_debug(NULL, "evict %s@%d", c->idle_tail->path, c->idle_tail->rate);
        ac_drop(c, c->idle_tail);
    }
}

void ms__ac_ref(struct ms__audio *a)
{
    if (a->refs++ == 0 && a->cache)
        ac_idle_remove(a->cache, a);
}

void ms__audio_release(struct ms__audio *a)
{
    if (!a)
        return;
    if (a->refs == 0) {
        ms_err(NULL, "audio %s@%d released more often than referenced", a->path, a->rate);
        return;
    }
    if (--a->refs > 0)
        return;
    struct ms__audio_cache *c = a->cache;
    if (!c) {
        ms__ac_audio_destroy(a);
        return;
    }
    ac_idle_push(c, a);
    ms__ac_evict(c);
}

int ms__audio_cache_lookup(struct ms__audio_cache *c, const char *path, int rate,
                           struct ms__audio **out)
{
    if (!c || !path || !out)
        return MS_EINVAL;
    struct ms__audio *a = ms__ac_find(c, path, rate);
    if (!a)
        return MS_ENOENT;
    ms__ac_ref(a);
    *out = a;
    return 0;
}

int ms__audio_cache_invalidate(struct ms__audio_cache *c, const char *path)
{
    if (!c || !path)
        return MS_EINVAL;
    int dropped = 0;
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct ms__audio *a = c->buckets[i], *next; a; a = next) {
            next = a->hnext;
            if (strcmp(a->path, path) == 0) {
                ac_drop(c, a);
                dropped++;
            }
        }
    }
    ms__ac_jobs_invalidate(c, path);
    return dropped;
}

int ms__audio_cache_new(struct ms__audio_cache **out, uv_loop_t *loop, size_t max_bytes)
{
    if (!out || !loop)
        return MS_EINVAL;
    struct ms__audio_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return MS_ENOMEM;
    c->buckets = calloc(AC_MIN_BUCKETS, sizeof(*c->buckets));
    if (!c->buckets)
        goto fail_buckets;
    c->nbuckets = AC_MIN_BUCKETS;
    c->loop = loop;
    c->max_bytes = max_bytes;
    int rc = uv_idle_init(loop, &c->idle);
    if (rc < 0)
        goto fail_idle;
    c->idle.data = c;
    *out = c;
    return 0;

fail_idle:
    free(c->buckets);
fail_buckets:
    free(c);
    return MS_ENOMEM;
}

void ms__audio_cache_free(struct ms__audio_cache *c)
{
    if (!c || c->closing)
        return;
    c->closing = true;
    for (size_t i = 0; i < c->nbuckets; i++) {
        while (c->buckets[i])
            ac_drop(c, c->buckets[i]);
    }
    free(c->buckets);
    c->buckets = NULL;
    c->nbuckets = 0;
    ms__ac_close(c);
}

unsigned ms__audio_cache_decodes(const struct ms__audio_cache *c)
{
    return c->decodes;
}

size_t ms__audio_cache_bytes(const struct ms__audio_cache *c)
{
    return c->bytes;
}

size_t ms__audio_cache_count(const struct ms__audio_cache *c)
{
    return c->count;
}
