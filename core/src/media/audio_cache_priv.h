/* Internals shared by audio_cache.c (the store: table, idle LRU, references)
 * and audio_load.c (requests: decodes on the thread pool, delivery). Private
 * to those two files. */
#ifndef MS_MEDIA_AUDIO_CACHE_PRIV_H
#define MS_MEDIA_AUDIO_CACHE_PRIV_H

#include "media/audio_cache.h"

#include <stdbool.h>

struct ac_job;

struct ms__audio_cache {
    uv_loop_t *loop;
    size_t max_bytes, bytes, count;
    struct ms__audio **buckets;                    /* hash table of cached entries */
    size_t nbuckets;                               /* power of two */
    struct ms__audio *idle_head, *idle_tail;       /* refs == 0; head = released last */
    struct ac_job *jobs;                           /* decodes whose after-work has not run */
    unsigned pending_work;                         /* uv_work requests outstanding */
    unsigned decodes;                              /* decodes started, for tests */
    struct ms__audio_req *ready_head, *ready_tail; /* callbacks due */
    uv_idle_t idle;                                /* runs the due callbacks */
    bool in_idle;                                  /* inside the idle callback */
    bool closing;                                  /* ms__audio_cache_free was called */
    bool close_started;                            /* uv_close(idle) was called */
};

/* audio_cache.c */
struct ms__audio *ms__ac_find(struct ms__audio_cache *c, const char *path, int rate);
/* Takes ownership of pcm (also on failure, where it is freed). refs 0. */
struct ms__audio *ms__ac_audio_new(const char *path, int rate, int16_t *pcm, size_t samples);
void ms__ac_audio_destroy(struct ms__audio *a);
void ms__ac_insert(struct ms__audio_cache *c, struct ms__audio *a);
void ms__ac_ref(struct ms__audio *a);
void ms__ac_evict(struct ms__audio_cache *c);

/* audio_load.c */
void ms__ac_jobs_invalidate(struct ms__audio_cache *c, const char *path);
/* Cancels every request and closes the idle handle when nothing is left. */
void ms__ac_close(struct ms__audio_cache *c);

#endif
