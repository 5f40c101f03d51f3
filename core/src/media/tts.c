/* struct ms__tts: life cycle, job results coming back to the loop, stats. */
#define MS_LOG_MODULE "tts"
#include "media/tts_priv.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>
#include <string.h>

uint64_t ms__tts_map_key(uint64_t hash)
{
    return (hash == 0 || hash == UINT64_MAX) ? 1 : hash; /* values the u64map reserves */
}

unsigned ms__tts_default_threads(void)
{
    unsigned n = uv_available_parallelism();
    return n < 1 ? 1 : n > MS__TTS_THREADS_AUTO ? MS__TTS_THREADS_AUTO : n;
}

static void tts_destroy(uv_handle_t *h)
{
    struct ms__tts *t = h->data;
    ms__tts_cache_free(t->cache);
    ms__u64map_free(&t->jobs);
    uv_cond_destroy(&t->cv);
    uv_mutex_destroy(&t->mu);
    free(t->threads);
    free(t->cache_dir);
    free(t);
}

int ms__tts_new(struct ms__tts **out, struct ms_loop *loop, const struct ms__tts_config *c)
{
    if (!out || !loop || !c || c->threads > MS__TTS_THREADS_MAX)
        return MS_EINVAL;
    struct ms__tts *t = calloc(1, sizeof *t);
    if (!t)
        return MS_ENOMEM;
    t->loop = loop;
    t->uv = ms_loop_uv(loop);
    t->nthreads = c->threads ? c->threads : ms__tts_default_threads();
    ms__u64map_init(&t->jobs);
    int rc = MS_ENOMEM;
    if (c->cache_dir && !(t->cache_dir = strdup(c->cache_dir)))
        goto fail_dir;
    rc = ms__tts_cache_new(&t->cache, c->memory_bytes ? c->memory_bytes : MS__TTS_MEMORY_DEFAULT);
    if (rc < 0)
        goto fail_cache;
    if ((rc = uv_mutex_init(&t->mu)) < 0)
        goto fail_mutex;
    if ((rc = uv_cond_init(&t->cv)) < 0)
        goto fail_cond;
    if ((rc = uv_async_init(t->uv, &t->async, ms__tts_worker_async_cb)) < 0)
        goto fail_async;
    t->async.data = t;
    ms__flite_voices_load(); /* before the threads: they only read the voices */
    if ((rc = ms__tts_worker_start(t)) < 0)
        goto fail_thread;
    *out = t;
    return 0;
fail_thread:
    uv_close((uv_handle_t *)&t->async, tts_destroy); /* frees everything below */
    return rc;
fail_async:
    uv_cond_destroy(&t->cv);
fail_cond:
    uv_mutex_destroy(&t->mu);
fail_mutex:
    ms__tts_cache_free(t->cache);
fail_cache:
    free(t->cache_dir);
fail_dir:
    free(t);
    return rc;
}

/* ---- jobs ---- */

static void job_table_remove(struct ms__tts *t, struct ms__tts_job *job)
{
    uint64_t k = ms__tts_map_key(job->hash);
    struct ms__tts_job *head = ms__u64map_get(&t->jobs, k);
    if (head == job) {
        if (job->hnext)
            ms__u64map_put(&t->jobs, k, job->hnext); /* replaces: cannot fail */
        else
            ms__u64map_del(&t->jobs, k);
    } else {
        while (head && head->hnext != job)
            head = head->hnext;
        if (head)
            head->hnext = job->hnext;
    }
    job->hnext = NULL;
}

/* A sentence's job is over: ask for the next ones, unless it failed (the
 * stream stops there). */
static void stream_seg_ready(struct ms__tts_stream *s, const struct ms__tts_seg *seg)
{
    s->ready++;
    s->pending--;
    if (seg->status < 0)
        s->asked = s->nseg;
    ms__tts_stream_advance(s); /* a failure is the stream's, read at that sentence */
}

static void count_result(struct ms__tts *t, const struct ms__tts_job *job, bool abandoned)
{
    t->stats.disk_hits += job->disk_hit;
    t->stats.disk_writes += job->disk_written;
    if (job->synthesised) {
        t->stats.syntheses++;
        t->stats.synth_ns += job->synth_ns;
        t->stats.synth_samples += job->samples;
    }
    if (abandoned) {
        t->stats.abandoned++;
    } else if (job->status < 0) {
        t->stats.failures++;
        ms_warn(NULL, "tts %s: cannot synthesise \"%.40s\": %s", job->voice->name, job->text,
                ms_strerror(job->status));
    }
}

void ms__tts_job_done(struct ms__tts *t, struct ms__tts_job *job)
{
    job_table_remove(t, job);
    bool abandoned = atomic_load_explicit(&job->abandoned, memory_order_relaxed);
    count_result(t, job, abandoned);
    int status = job->status;
    struct ms__tts_audio *audio = NULL;
    /* An abandoned job may have been stopped half way, and a new job for its
     * key may be running: never cache it. */
    if (status == 0 && !abandoned && !t->closing)
        status = ms__tts_cache_put(t->cache, job->voice, job->rate, job->text, job->hash, job->pcm,
                                   job->samples, &audio); /* takes pcm */
    else
        free(job->pcm);
    while (job->waiters) {
        struct ms__tts_seg *seg = job->waiters;
        job->waiters = seg->wnext;
        seg->wprev = seg->wnext = NULL;
        seg->job = NULL;
        if (audio) {
            ms__tts_audio_ref(audio);
            seg->audio = audio;
        } else {
            seg->status = status < 0 ? status : MS_ECANCELED;
        }
        stream_seg_ready(seg->stream, seg);
    }
    ms__tts_audio_release(audio);
    free(job);
}

void ms__tts_seg_unwait(struct ms__tts *t, struct ms__tts_seg *seg)
{
    struct ms__tts_job *job = seg->job;
    if (!job)
        return;
    if (seg->wprev)
        seg->wprev->wnext = seg->wnext;
    else
        job->waiters = seg->wnext;
    if (seg->wnext)
        seg->wnext->wprev = seg->wprev;
    seg->wprev = seg->wnext = NULL;
    seg->job = NULL;
    if (job->waiters)
        return;                             /* still wanted */
    if (!ms__tts_worker_withdraw(t, job)) { /* running: stop it */
        atomic_store_explicit(&job->abandoned, true, memory_order_relaxed);
        return;
    }
    job_table_remove(t, job);
    t->stats.withdrawn++;
    free(job);
}

/* ---- closing ---- */

void ms__tts_worker_gone(struct ms__tts *t)
{
    /* Jobs never started (none should be left: closing withdrew them). */
    for (size_t i = 0; i < t->jobs.cap; i++) {
        uint64_t k = t->jobs.keys[i];
        if (k == 0 || k == UINT64_MAX)
            continue;
        for (struct ms__tts_job *j = t->jobs.vals[i], *next; j; j = next) {
            next = j->hnext;
            free(j->pcm);
            free(j);
        }
    }
    ms__u64map_free(&t->jobs);
    uv_close((uv_handle_t *)&t->async, tts_destroy);
}

/* ms__tts_free's part for one stream: cancelled, detached, still owned. */
static void stream_detach(struct ms__tts *t, struct ms__tts_stream *s)
{
    for (size_t i = 0; i < s->nseg; i++) {
        ms__tts_seg_unwait(t, &s->seg[i]);
        ms__tts_audio_release(s->seg[i].audio);
        s->seg[i].audio = NULL;
    }
    s->pending = 0;
    if (s->held)
        ms_loop_release(t->loop);
    s->held = false;
    s->status = MS_ECANCELED;
    t->streams = s->next;
    if (s->next)
        s->next->prev = NULL;
    s->prev = s->next = NULL;
    s->tts = NULL;
    t->stats.streams_open--;
}

void ms__tts_free(struct ms__tts *t)
{
    if (!t || t->closing)
        return;
    t->closing = true;
    if (t->streams)
        ms_debug(NULL, "tts closing with %zu streams open", t->stats.streams_open);
    while (t->streams)
        stream_detach(t, t->streams);
    ms__tts_worker_stop(t);
}

void ms__tts_get_stats(const struct ms__tts *t, struct ms__tts_stats *out)
{
    *out = t->stats;
    out->cache_bytes = ms__tts_cache_bytes(t->cache);
    out->cache_entries = ms__tts_cache_count(t->cache);
    out->threads = t->nthreads;
}
