/* The memory cache of synthesised sentences, keyed by (voice, rate, text).
 *
 * struct ms__tts_audio: immutable L16 mono audio of one sentence at `rate`,
 *   reference-counted. ms__tts_cache_get/put hand the caller one reference,
 *   given back with ms__tts_audio_release. While referenced, pcm stays valid
 *   whatever happens to the cache (eviction, ms__tts_cache_free: the entry is
 *   then detached and freed by its last release). References are taken and
 *   released on the owning loop's thread only (not atomic); the worker thread
 *   never sees these objects.
 *
 * struct ms__tts_cache: owned by one struct ms__tts, used from its loop
 *   thread only. Keeps unreferenced entries for reuse, bounded by max_bytes
 *   (audio plus bookkeeping) with least-recently-released eviction;
 *   referenced entries are never evicted, so the total may exceed the bound
 *   while they are in use.
 */
#ifndef MS_MEDIA_TTS_CACHE_H
#define MS_MEDIA_TTS_CACHE_H

#include "media/flite_voice.h"

#include <stddef.h>
#include <stdint.h>

struct ms__tts_cache;

struct ms__tts_audio {
    /* public, read-only */
    const int16_t *pcm; /* NULL when samples == 0 */
    size_t samples;
    /* private */
    unsigned refs;
    struct ms__tts_cache *cache; /* NULL once detached */
    size_t bytes;
    uint64_t hash;
    const struct ms__flite_voice *voice;
    int rate;
    struct ms__tts_audio *hnext;               /* same-hash chain */
    struct ms__tts_audio *lru_prev, *lru_next; /* idle list (refs == 0) */
    char text[];
};

/* The key's 64-bit hash (FNV-1a over a format version, flite's version, the
 * voice, the rate and the text): the memory table's key and the disk cache's
 * file name. */
uint64_t ms__tts_key_hash(const struct ms__flite_voice *voice, int rate, const char *text);

/* 0, MS_ENOMEM. */
int ms__tts_cache_new(struct ms__tts_cache **out, size_t max_bytes);
/* Frees idle entries and detaches referenced ones. NULL is a no-op. */
void ms__tts_cache_free(struct ms__tts_cache *c);

/* A new reference to the cached entry, or NULL on a miss. */
struct ms__tts_audio *ms__tts_cache_get(struct ms__tts_cache *c,
                                        const struct ms__flite_voice *voice, int rate,
                                        const char *text, uint64_t hash);
/* Inserts audio (takes ownership of the malloc'd pcm, also on failure) and
 * returns a new reference in *out; if the key is already cached, frees pcm
 * and returns the existing entry. 0 or MS_ENOMEM. */
int ms__tts_cache_put(struct ms__tts_cache *c, const struct ms__flite_voice *voice, int rate,
                      const char *text, uint64_t hash, int16_t *pcm, size_t samples,
                      struct ms__tts_audio **out);

void ms__tts_audio_ref(struct ms__tts_audio *a);
void ms__tts_audio_release(struct ms__tts_audio *a); /* NULL is a no-op */

size_t ms__tts_cache_bytes(const struct ms__tts_cache *c);
size_t ms__tts_cache_count(const struct ms__tts_cache *c);

#endif
