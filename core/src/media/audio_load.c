#define MS_LOG_MODULE "audio"
#include "media/audio_cache_priv.h"
#include "media/audio_decode.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>
#include <string.h>

/* One decode of (path, rate) on the thread pool, shared by its waiters. */
struct ac_job {
    uv_work_t work;
    struct ms__audio_cache *cache;
    struct ac_job *prev, *next;    /* cache->jobs */
    struct ms__audio_req *waiters; /* doubly linked through req->prev/next */
    bool stale;                    /* invalidated, cancelled or closing: no reuse */
    int rate;
    int status; /* result, written by the worker thread */
    int16_t *pcm;
    size_t samples;
    char path[];
};

struct ms__audio_req {
    struct ms__audio_cache *cache;
    struct ac_job *job;                /* set while waiting for a decode */
    struct ms__audio_req *prev, *next; /* in job->waiters, or the ready queue */
    ms__audio_cb cb;
    void *ud;
    bool cancelled;
    int status;
    struct ms__audio *audio;
};

static void ac_maybe_finish(struct ms__audio_cache *c);

static void ac_on_closed(uv_handle_t *h)
{
    free(h->data);
}

static void ac_maybe_finish(struct ms__audio_cache *c)
{
    if (!c->closing || c->close_started || c->in_idle || c->pending_work || c->ready_head)
        return;
    c->close_started = true;
    uv_close((uv_handle_t *)&c->idle, ac_on_closed);
}

static void ac_deliver_due(uv_idle_t *h)
{
    struct ms__audio_cache *c = h->data;
    struct ms__audio_req *last = c->ready_tail;
    uv_idle_stop(h);
    c->in_idle = true;
    while (c->ready_head) { /* only those due now: callbacks may queue more */
        struct ms__audio_req *req = c->ready_head;
        c->ready_head = req->next;
        if (!c->ready_head)
            c->ready_tail = NULL;
        bool was_last = req == last;
        req->cancelled = true; /* from now on cancel is a no-op */
        req->cb(req->ud, req->status, req->audio);
        free(req);
        if (was_last)
            break;
    }
    c->in_idle = false;
    if (c->ready_head)
        uv_idle_start(h, ac_deliver_due);
    ac_maybe_finish(c);
}

static void ac_ready_push(struct ms__audio_cache *c, struct ms__audio_req *req)
{
    req->prev = req->next = NULL;
    if (c->ready_tail)
        c->ready_tail->next = req;
    else
        c->ready_head = req;
    c->ready_tail = req;
    if (!c->in_idle && !uv_is_active((uv_handle_t *)&c->idle))
        uv_idle_start(&c->idle, ac_deliver_due);
}

static void ac_waiter_add(struct ac_job *job, struct ms__audio_req *req)
{
    req->job = job;
    req->prev = NULL;
    req->next = job->waiters;
    if (job->waiters)
        job->waiters->prev = req;
    job->waiters = req;
}

static void ac_waiter_remove(struct ac_job *job, struct ms__audio_req *req)
{
    if (req->prev)
        req->prev->next = req->next;
    else
        job->waiters = req->next;
    if (req->next)
        req->next->prev = req->prev;
    req->job = NULL;
}

static void ac_work(uv_work_t *w)
{
    struct ac_job *job = w->data;
    job->status = ms__audio_decode_file(job->path, job->rate, &job->pcm, &job->samples);
}

static void ac_job_unlink(struct ms__audio_cache *c, struct ac_job *job)
{
    if (job->prev)
        job->prev->next = job->next;
    else
        c->jobs = job->next;
    if (job->next)
        job->next->prev = job->prev;
}

static void ac_log_result(const struct ac_job *job)
{
    if (job->status == 0)
        ms_debug(NULL, "decoded %s@%d: %zu samples", job->path, job->rate, job->samples);
    else if (job->status == MS_ENOENT || job->status == MS_ECANCELED)
        ms_debug(NULL, "%s: %s", job->path, ms_strerror(job->status));
    else
        ms_warn(NULL, "cannot load %s: %s", job->path, ms_strerror(job->status));
}

/* Wraps a successful result; caches it unless the job went stale. */
static struct ms__audio *ac_job_audio(struct ms__audio_cache *c, struct ac_job *job)
{
    struct ms__audio *a = ms__ac_audio_new(job->path, job->rate, job->pcm, job->samples);
    job->pcm = NULL;
    if (!a) {
        job->status = MS_ENOMEM;
        return NULL;
    }
    for (struct ms__audio_req *r = job->waiters; r; r = r->next)
        a->refs++;
    if (!job->stale && !c->closing)
        ms__ac_insert(c, a);
    return a;
}

static void ac_after_work(uv_work_t *w, int status)
{
    struct ac_job *job = w->data;
    struct ms__audio_cache *c = job->cache;
    c->pending_work--;
    ac_job_unlink(c, job);
    if (status == UV_ECANCELED)
        job->status = MS_ECANCELED;
    ac_log_result(job);
    struct ms__audio *a = job->status == 0 ? ac_job_audio(c, job) : NULL;
    while (job->waiters) {
        struct ms__audio_req *req = job->waiters;
        ac_waiter_remove(job, req);
        req->status = job->status;
        req->audio = a;
        ac_ready_push(c, req);
    }
    if (a && !a->cache && a->refs == 0)
        ms__ac_audio_destroy(a);
    else if (a && a->cache)
        ms__ac_evict(c);
    free(job->pcm);
    free(job);
    ac_maybe_finish(c);
}

static struct ac_job *ac_job_find(struct ms__audio_cache *c, const char *path, int rate)
{
    for (struct ac_job *job = c->jobs; job; job = job->next) {
        if (!job->stale && job->rate == rate && strcmp(job->path, path) == 0)
            return job;
    }
    return NULL;
}

static int ac_job_start(struct ms__audio_cache *c, const char *path, int rate, struct ac_job **out)
{
    size_t len = strlen(path) + 1;
    struct ac_job *job = calloc(1, sizeof(*job) + len);
    if (!job)
        return MS_ENOMEM;
    memcpy(job->path, path, len);
    job->rate = rate;
    job->cache = c;
    job->work.data = job;
    int rc = uv_queue_work(c->loop, &job->work, ac_work, ac_after_work);
    if (rc < 0) {
        free(job);
        return rc;
    }
    job->next = c->jobs;
    if (c->jobs)
        c->jobs->prev = job;
    c->jobs = job;
    c->pending_work++;
    c->decodes++;
    *out = job;
    return 0;
}

int ms__audio_cache_load(struct ms__audio_cache *c, const char *path, int rate, ms__audio_cb cb,
                         void *ud, struct ms__audio_req **req_out)
{
    if (!c || c->closing || !path || !*path || !cb || rate < 8000 || rate > 48000)
        return MS_EINVAL;
    struct ms__audio_req *req = calloc(1, sizeof(*req));
    if (!req)
        return MS_ENOMEM;
    req->cache = c;
    req->cb = cb;
    req->ud = ud;
    struct ms__audio *a = ms__ac_find(c, path, rate);
    if (a) {
        ms__ac_ref(a);
        req->audio = a;
        ac_ready_push(c, req);
    } else {
        struct ac_job *job = ac_job_find(c, path, rate);
        int rc = job ? 0 : ac_job_start(c, path, rate, &job);
        if (rc < 0) {
            free(req);
            return rc;
        }
        ac_waiter_add(job, req);
    }
    if (req_out)
        *req_out = req;
    return 0;
}

void ms__audio_req_cancel(struct ms__audio_req *req)
{
    if (!req || req->cancelled)
        return;
    req->cancelled = true;
    req->status = MS_ECANCELED;
    struct ac_job *job = req->job;
    if (!job) { /* already due: drop the result */
        ms__audio_release(req->audio);
        req->audio = NULL;
        return;
    }
    ac_waiter_remove(job, req);
    ac_ready_push(req->cache, req);
    /* nobody waits any more: skip the decode if it has not started */
    if (!job->waiters && !job->stale && uv_cancel((uv_req_t *)&job->work) == 0)
        job->stale = true;
}

void ms__ac_jobs_invalidate(struct ms__audio_cache *c, const char *path)
{
    for (struct ac_job *job = c->jobs; job; job = job->next) {
        if (strcmp(job->path, path) == 0)
            job->stale = true;
    }
}

void ms__ac_close(struct ms__audio_cache *c)
{
    for (struct ac_job *job = c->jobs; job; job = job->next) {
        while (job->waiters)
            ms__audio_req_cancel(job->waiters);
        if (!job->stale && uv_cancel((uv_req_t *)&job->work) == 0)
            job->stale = true;
    }
    for (struct ms__audio_req *req = c->ready_head; req; req = req->next)
        ms__audio_req_cancel(req);
    ac_maybe_finish(c);
}
