/* Prompt audio, decoded once per (path, rate) and shared by all calls of a loop.
 *
 * struct ms__audio: immutable decoded audio (L16 mono at `rate`),
 *   reference-counted. Every 0 return of lookup and every status-0 callback
 *   hands the caller one reference, which it must give back with
 *   ms__audio_release. While referenced, pcm stays valid whatever happens
 *   to the cache (eviction, invalidation, even ms__audio_cache_free): the
 *   entry is then detached and freed by its last release. References are
 *   taken and released on the cache's loop thread only (not atomic); hand
 *   pcm to another thread only while you hold a reference on the loop.
 *
 * struct ms__audio_cache: one per libuv loop, owned by that loop's media
 *   context, used from that loop's thread only. Holds unreferenced entries
 *   for reuse, bounded by max_bytes with least-recently-released eviction;
 *   referenced entries are never evicted (the total may then exceed the
 *   bound until they are released). Paths are keys as given: no
 *   normalisation, no disk access on lookup. Failed loads are not cached.
 *   Closing works like a libuv handle: ms__audio_cache_free cancels every
 *   pending request (callbacks run with MS_ECANCELED, from the loop), and the
 *   memory is released in a close callback once in-flight decodes have
 *   returned: keep running the loop until uv_run returns.
 *
 * struct ms__audio_req: one pending load, owned by the cache. Valid from
 *   ms__audio_cache_load until its callback has run (exactly once, never
 *   from inside ms__audio_cache_load); then freed by the cache. Do not
 *   touch it after the callback.
 */
#ifndef MS_MEDIA_AUDIO_CACHE_H
#define MS_MEDIA_AUDIO_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ms__audio_cache;

struct ms__audio {
    /* public, read-only */
    const int16_t *pcm; /* NULL when samples == 0 */
    size_t samples;
    int rate;
    /* private */
    unsigned refs;                         /* references held by callers */
    struct ms__audio_cache *cache;         /* NULL once detached from the cache */
    size_t bytes;                          /* accounted size */
    struct ms__audio *hnext;               /* hash chain */
    struct ms__audio *lru_prev, *lru_next; /* idle list (refs == 0) */
    char path[];                           /* key, with rate */
};

/* max_bytes bounds the memory of cached entries (pcm plus bookkeeping).
 * 0, MS_EINVAL or MS_ENOMEM. */
int ms__audio_cache_new(struct ms__audio_cache **out, uv_loop_t *loop, size_t max_bytes);
/* Starts closing (see above). NULL is a no-op. */
void ms__audio_cache_free(struct ms__audio_cache *c);

/* Fast path, no disk access: 0 and a new reference in *out if (path, rate)
 * is decoded and cached; MS_ENOENT if not (yet); MS_EINVAL. */
int ms__audio_cache_lookup(struct ms__audio_cache *c, const char *path, int rate,
                           struct ms__audio **out);

/* status 0: audio is a new reference the callee owns. Otherwise audio is
 * NULL and status is MS_ENOENT (no file), MS_EFORMAT (not audio or
 * unsupported), MS_EACCES, MS_ERANGE (longer than MS__AUDIO_MAX_SECONDS),
 * MS_EIO, MS_ENOMEM or MS_ECANCELED (request cancelled or cache closed). */
typedef void (*ms__audio_cb)(void *ud, int status, struct ms__audio *audio);

struct ms__audio_req;

/* Gets (path, rate), decoding it on libuv's thread pool if it is not cached;
 * concurrent loads of one key share one decode, whose result is cached.
 * rate 8000..48000. *req_out (may be NULL) receives the request for
 * ms__audio_req_cancel. Returns 0 (cb will be called exactly once, never
 * synchronously) or MS_EINVAL / MS_ENOMEM (cb never called). */
int ms__audio_cache_load(struct ms__audio_cache *c, const char *path, int rate, ms__audio_cb cb,
                         void *ud, struct ms__audio_req **req_out);

/* The callback then runs with MS_ECANCELED (asynchronously, from the loop),
 * even if the audio was ready. Cancelling again is a no-op. */
void ms__audio_req_cancel(struct ms__audio_req *req);

void ms__audio_release(struct ms__audio *a); /* NULL is a no-op */

/* Drops every cached entry of `path` (all rates) and keeps decodes of it
 * that are in flight from being cached, so the next load reads the file
 * again (hot reload). Holders of references keep their audio. Returns the
 * number of entries dropped. */
int ms__audio_cache_invalidate(struct ms__audio_cache *c, const char *path);

/* Introspection (tests, ctl status). */
unsigned ms__audio_cache_decodes(const struct ms__audio_cache *c); /* decodes started */
size_t ms__audio_cache_bytes(const struct ms__audio_cache *c);     /* cached entries' size */
size_t ms__audio_cache_count(const struct ms__audio_cache *c);     /* cached entries */

#endif
