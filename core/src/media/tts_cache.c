#include "media/tts_cache.h"
#include "base/u64map.h"
#include "moonswitch/error.h"

#include <flite/flite_version.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bump when the cached audio for a key would change (format, resampler). */
#define TTS_KEY_VERSION "ms-tts-1/flite-" FLITE_PROJECT_VERSION

struct ms__tts_cache {
    struct ms__u64map table; /* map key -> chain of entries with that hash */
    size_t max_bytes, bytes, count;
    struct ms__tts_audio *idle_head, *idle_tail; /* head = released last */
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t ms__tts_key_hash(const struct ms__flite_voice *voice, int rate, const char *text)
{
    char rate_s[16];
    int rn = snprintf(rate_s, sizeof rate_s, "%d", rate);
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv1a(h, TTS_KEY_VERSION, sizeof TTS_KEY_VERSION); /* with the NUL: a separator */
    h = fnv1a(h, voice->name, strlen(voice->name) + 1);
    h = fnv1a(h, rate_s, (size_t)rn + 1);
    return fnv1a(h, text, strlen(text));
}

/* The u64map reserves 0 and UINT64_MAX; the chains sort out the collision. */
static uint64_t map_key(uint64_t hash)
{
    return (hash == 0 || hash == UINT64_MAX) ? 1 : hash;
}

int ms__tts_cache_new(struct ms__tts_cache **out, size_t max_bytes)
{
    struct ms__tts_cache *c = calloc(1, sizeof *c);
    if (!c)
        return MS_ENOMEM;
    ms__u64map_init(&c->table);
    c->max_bytes = max_bytes;
    *out = c;
    return 0;
}

static void idle_unlink(struct ms__tts_cache *c, struct ms__tts_audio *a)
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

static void idle_push(struct ms__tts_cache *c, struct ms__tts_audio *a)
{
    a->lru_prev = NULL;
    a->lru_next = c->idle_head;
    if (c->idle_head)
        c->idle_head->lru_prev = a;
    else
        c->idle_tail = a;
    c->idle_head = a;
}

static void table_remove(struct ms__tts_cache *c, struct ms__tts_audio *a)
{
    uint64_t k = map_key(a->hash);
    struct ms__tts_audio *head = ms__u64map_get(&c->table, k);
    if (head == a) {
        if (a->hnext)
            ms__u64map_put(&c->table, k, a->hnext); /* replaces: cannot fail */
        else
            ms__u64map_del(&c->table, k);
    } else {
        struct ms__tts_audio *p = head;
        while (p && p->hnext != a)
            p = p->hnext;
        if (p)
            p->hnext = a->hnext;
    }
    a->hnext = NULL;
    c->bytes -= a->bytes;
    c->count--;
}

static void audio_destroy(struct ms__tts_audio *a)
{
    free((void *)a->pcm);
    free(a);
}

/* Evicts idle entries, oldest first, while over the bound. */
static void evict(struct ms__tts_cache *c)
{
    while (c->bytes > c->max_bytes && c->idle_tail) {
        struct ms__tts_audio *a = c->idle_tail;
        idle_unlink(c, a);
        table_remove(c, a);
        audio_destroy(a);
    }
}

void ms__tts_cache_free(struct ms__tts_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->table.cap; i++) {
        uint64_t k = c->table.keys[i];
        if (k == 0 || k == UINT64_MAX)
            continue;
        for (struct ms__tts_audio *a = c->table.vals[i], *next; a; a = next) {
            next = a->hnext;
            a->cache = NULL;
            a->hnext = a->lru_prev = a->lru_next = NULL;
            if (a->refs == 0)
                audio_destroy(a);
        }
    }
    ms__u64map_free(&c->table);
    free(c);
}

static bool same_key(const struct ms__tts_audio *a, const struct ms__flite_voice *voice, int rate,
                     const char *text, uint64_t hash)
{
    return a->hash == hash && a->voice == voice && a->rate == rate && strcmp(a->text, text) == 0;
}

struct ms__tts_audio *ms__tts_cache_get(struct ms__tts_cache *c,
                                        const struct ms__flite_voice *voice, int rate,
                                        const char *text, uint64_t hash)
{
    struct ms__tts_audio *a = ms__u64map_get(&c->table, map_key(hash));
    while (a && !same_key(a, voice, rate, text, hash))
        a = a->hnext;
    if (a)
        ms__tts_audio_ref(a);
    return a;
}

int ms__tts_cache_put(struct ms__tts_cache *c, const struct ms__flite_voice *voice, int rate,
                      const char *text, uint64_t hash, int16_t *pcm, size_t samples,
                      struct ms__tts_audio **out)
{
    struct ms__tts_audio *old = ms__tts_cache_get(c, voice, rate, text, hash);
    if (old) {
        free(pcm);
        *out = old;
        return 0;
    }
    size_t tlen = strlen(text);
    struct ms__tts_audio *a = calloc(1, sizeof *a + tlen + 1);
    if (!a) {
        free(pcm);
        return MS_ENOMEM;
    }
    a->pcm = samples ? pcm : NULL;
    if (!samples)
        free(pcm);
    a->samples = samples;
    a->refs = 1;
    a->cache = c;
    a->bytes = samples * sizeof(int16_t) + sizeof *a + tlen + 1;
    a->hash = hash;
    a->voice = voice;
    a->rate = rate;
    memcpy(a->text, text, tlen + 1);
    uint64_t k = map_key(hash);
    a->hnext = ms__u64map_get(&c->table, k);
    if (ms__u64map_put(&c->table, k, a) < 0) {
        audio_destroy(a);
        return MS_ENOMEM;
    }
    c->bytes += a->bytes;
    c->count++;
    evict(c);
    *out = a;
    return 0;
}

void ms__tts_audio_ref(struct ms__tts_audio *a)
{
    if (a->refs++ == 0 && a->cache)
        idle_unlink(a->cache, a);
}

void ms__tts_audio_release(struct ms__tts_audio *a)
{
    if (!a || --a->refs > 0)
        return;
    if (!a->cache) {
        audio_destroy(a);
        return;
    }
    idle_push(a->cache, a);
    evict(a->cache);
}

size_t ms__tts_cache_bytes(const struct ms__tts_cache *c)
{
    return c->bytes;
}

size_t ms__tts_cache_count(const struct ms__tts_cache *c)
{
    return c->count;
}
