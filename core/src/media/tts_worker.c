/* The synthesis threads of one struct ms__tts: take jobs from a priority
 * queue, produce their audio (tts_produce.c), and hand them back to the loop
 * through a done list and a uv_async. */
#define _GNU_SOURCE   /* gettid */
#define MS_LOG_MODULE "tts"
#include "media/tts_priv.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

/* Synthesis yields the CPU to the media loops: on Linux a thread's nice value
 * is its own, so this lowers only the worker. */
#define WORKER_NICE 5

/* ---- worker thread ---- */

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

static void lower_priority(void)
{
    pid_t tid = gettid();
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, (id_t)tid);
    if (errno == 0 && setpriority(PRIO_PROCESS, (id_t)tid, nice + WORKER_NICE) != 0)
        ms_debug(NULL, "tts worker: cannot lower its priority");
}

static void worker_main(void *arg)
{
    struct ms__tts *t = arg;
    lower_priority();
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
        ms__tts_produce(t->cache_dir, job);
        uv_mutex_lock(&t->mu);
        job->state = JOB_DONE;
        if (t->done_tail)
            t->done_tail->qnext = job;
        else
            t->done_head = job;
        t->done_tail = job;
        uv_async_send(&t->async);
    }
    t->exited++;
    uv_mutex_unlock(&t->mu);
    uv_async_send(&t->async); /* the loop joins us before it closes the handle */
}

/* ---- loop side ---- */

static void join_all(struct ms__tts *t)
{
    for (unsigned i = 0; i < t->started; i++)
        uv_thread_join(&t->threads[i]);
    t->started = 0;
}

int ms__tts_worker_start(struct ms__tts *t)
{
    t->gate = -1;
    t->threads = calloc(t->nthreads, sizeof *t->threads);
    if (!t->threads)
        return MS_ENOMEM;
    for (; t->started < t->nthreads; t->started++) {
        int rc = uv_thread_create(&t->threads[t->started], worker_main, t);
        if (rc < 0) {
            ms__tts_worker_stop(t);
            join_all(t);
            return rc;
        }
    }
    return 0;
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
    uv_cond_broadcast(&t->cv);
    uv_mutex_unlock(&t->mu);
}

void ms__tts_worker_async_cb(uv_async_t *h)
{
    struct ms__tts *t = h->data;
    uv_mutex_lock(&t->mu);
    struct ms__tts_job *done = t->done_head;
    t->done_head = t->done_tail = NULL;
    bool exited = t->exited == t->started;
    uv_mutex_unlock(&t->mu);
    while (done) {
        struct ms__tts_job *next = done->qnext;
        done->qnext = NULL;
        ms__tts_job_done(t, done);
        done = next;
    }
    if (exited && t->started) {
        join_all(t); /* they are past their last uv_async_send */
        ms__tts_worker_gone(t);
    }
}

void ms__tts_set_gate(struct ms__tts *t, int n)
{
    uv_mutex_lock(&t->mu);
    t->gate = n < 0 ? -1 : n;
    uv_cond_broadcast(&t->cv);
    uv_mutex_unlock(&t->mu);
}
