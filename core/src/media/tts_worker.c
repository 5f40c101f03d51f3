/* The synthesis thread of one struct ms__tts: takes jobs from a priority
 * queue, produces their audio (disk cache, else flite), and hands them back
 * to the loop through a done list and a uv_async. */
#define MS_LOG_MODULE "tts"
#include "media/tts_disk.h"
#include "media/tts_priv.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>

/* ---- worker thread ---- */

static void produce(const char *dir, struct ms__tts_job *job)
{
    if (dir && ms__tts_disk_read(dir, job->voice, job->rate, job->text, job->hash, &job->pcm,
                                 &job->samples) == 0) {
        job->disk_hit = true;
        job->status = 0;
        return;
    }
    uint64_t t0 = uv_hrtime();
    int rc = ms__flite_render_voice(job->voice, job->text, job->rate, &job->pcm, &job->samples);
    job->synth_ns = uv_hrtime() - t0;
    job->synthesised = true;
    if (rc == MS_EFORMAT) { /* nothing to say: an empty sentence, cached as such */
        job->pcm = NULL;
        job->samples = 0;
        rc = 0;
    }
    job->status = rc;
    if (rc < 0 || !dir)
        return;
    rc = ms__tts_disk_write(dir, job->voice, job->rate, job->text, job->hash, job->pcm,
                            job->samples);
    if (rc < 0)
        ms_warn(NULL, "tts cache %s: cannot write %s/%016llx.wav: %s", dir, job->voice->name,
                (unsigned long long)job->hash, ms_strerror(rc));
    job->disk_written = (rc == 0);
}

static void queue_unlink(struct ms__tts *t, struct ms__tts_job *job)
{
    if (job->qprev)
        job->qprev->qnext = job->qnext;
    else
        t->queue = job->qnext;
    if (job->qnext)
        job->qnext->qprev = job->qprev;
    job->qprev = job->qnext = NULL;
}

/* Under mu: the queued job to run next, or NULL. */
static struct ms__tts_job *pick(struct ms__tts *t)
{
    if (t->gate == 0)
        return NULL;
    struct ms__tts_job *best = NULL;
    for (struct ms__tts_job *j = t->queue; j; j = j->qnext)
        if (!best || j->prio < best->prio || (j->prio == best->prio && j->seq < best->seq))
            best = j;
    return best;
}

static void worker_main(void *arg)
{
    struct ms__tts *t = arg;
    uv_mutex_lock(&t->mu);
    while (!t->stop) {
        struct ms__tts_job *job = pick(t);
        if (!job) {
            uv_cond_wait(&t->cv, &t->mu);
            continue;
        }
        queue_unlink(t, job);
        job->state = JOB_RUNNING;
        if (t->gate > 0)
            t->gate--;
        uv_mutex_unlock(&t->mu);
        produce(t->cache_dir, job);
        uv_mutex_lock(&t->mu);
        job->state = JOB_DONE;
        if (t->done_tail)
            t->done_tail->qnext = job;
        else
            t->done_head = job;
        t->done_tail = job;
        uv_async_send(&t->async);
    }
    t->exited = true;
    uv_mutex_unlock(&t->mu);
    uv_async_send(&t->async); /* the loop joins us before it closes the handle */
}

/* ---- loop side ---- */

int ms__tts_worker_start(struct ms__tts *t)
{
    t->gate = -1;
    return uv_thread_create(&t->thread, worker_main, t);
}

void ms__tts_worker_submit(struct ms__tts *t, struct ms__tts_job *job)
{
    uv_mutex_lock(&t->mu);
    job->state = JOB_QUEUED;
    job->qprev = NULL;
    job->qnext = t->queue;
    if (t->queue)
        t->queue->qprev = job;
    t->queue = job;
    uv_cond_signal(&t->cv);
    uv_mutex_unlock(&t->mu);
}

bool ms__tts_worker_withdraw(struct ms__tts *t, struct ms__tts_job *job)
{
    uv_mutex_lock(&t->mu);
    bool queued = job->state == JOB_QUEUED;
    if (queued)
        queue_unlink(t, job);
    uv_mutex_unlock(&t->mu);
    return queued;
}

void ms__tts_worker_bump(struct ms__tts *t, struct ms__tts_job *job, size_t prio)
{
    uv_mutex_lock(&t->mu);
    if (job->state == JOB_QUEUED && prio < job->prio)
        job->prio = prio;
    uv_mutex_unlock(&t->mu);
}

void ms__tts_worker_stop(struct ms__tts *t)
{
    uv_mutex_lock(&t->mu);
    t->stop = true;
    uv_cond_signal(&t->cv);
    uv_mutex_unlock(&t->mu);
}

void ms__tts_worker_async_cb(uv_async_t *h)
{
    struct ms__tts *t = h->data;
    uv_mutex_lock(&t->mu);
    struct ms__tts_job *done = t->done_head;
    t->done_head = t->done_tail = NULL;
    bool exited = t->exited;
    uv_mutex_unlock(&t->mu);
    while (done) {
        struct ms__tts_job *next = done->qnext;
        done->qnext = NULL;
        ms__tts_job_done(t, done);
        done = next;
    }
    if (exited) {
        uv_thread_join(&t->thread); /* it is past its last uv_async_send */
        ms__tts_worker_gone(t);
    }
}

void ms__tts_set_gate(struct ms__tts *t, int n)
{
    uv_mutex_lock(&t->mu);
    t->gate = n < 0 ? -1 : n;
    uv_cond_signal(&t->cv);
    uv_mutex_unlock(&t->mu);
}
