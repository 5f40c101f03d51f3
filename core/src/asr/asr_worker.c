/* The decoding threads of one struct ms__asr: take jobs in order (skipping
 * those whose slot another thread is working on), run them, and hand them back
 * to the loop through a done list and the uv_async. */
#define MS_LOG_MODULE "asr"
#include "asr/asr_int.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>

/* Under mu: the first queued job whose slot is free, unlinked; or NULL. */
static struct asr_job *pick(struct ms__asr *a)
{
    struct asr_job *prev = NULL;
    for (struct asr_job *j = a->queue; j; prev = j, j = j->next) {
        if (j->slot->working)
            continue;
        if (prev)
            prev->next = j->next;
        else
            a->queue = j->next;
        if (a->queue_tail == j)
            a->queue_tail = prev;
        j->next = NULL;
        j->slot->working = true;
        return j;
    }
    return NULL;
}

static void push_done(struct ms__asr *a, struct asr_job *job)
{
    job->next = a->done; /* newest first; the loop reverses */
    a->done = job;
}

static void *worker_main(void *arg)
{
    struct ms__asr *a = arg;
    pthread_mutex_lock(&a->mu);
    while (!a->stopping) {
        struct asr_job *job = pick(a);
        if (!job) {
            pthread_cond_wait(&a->cv, &a->mu);
            continue;
        }
        pthread_mutex_unlock(&a->mu);
        ms__asr_job_run(a, job);
        pthread_mutex_lock(&a->mu);
        job->slot->working = false;
        push_done(a, job);
        uv_async_send(&a->async);
        pthread_cond_broadcast(&a->cv); /* the slot may free a queued job */
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

int ms__asr_workers_start(struct ms__asr *a)
{
    a->threads = calloc((size_t)a->cfg.threads, sizeof *a->threads);
    if (!a->threads)
        return MS_ENOMEM;
    for (int i = 0; i < a->cfg.threads; i++) {
        if (pthread_create(&a->threads[i], NULL, worker_main, a) != 0) {
            ms__asr_workers_stop(a);
            return MS_ENOMEM;
        }
        a->n_threads++;
    }
    return 0;
}

void ms__asr_workers_stop(struct ms__asr *a)
{
    pthread_mutex_lock(&a->mu);
    a->stopping = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    for (int i = 0; i < a->n_threads; i++)
        pthread_join(a->threads[i], NULL);
    a->n_threads = 0;
    free(a->threads);
    a->threads = NULL;
    /* no thread left: what never ran is handed back as cancelled */
    while (a->queue) {
        struct asr_job *job = a->queue;
        a->queue = job->next;
        job->status = MS_ECANCELED;
        push_done(a, job);
    }
    a->queue_tail = NULL;
}

void ms__asr_submit(struct ms__asr *a, struct asr_job *job)
{
    job->queued = true;
    job->next = NULL;
    job->s->inflight++;
    ms_loop_hold(a->loop);
    pthread_mutex_lock(&a->mu);
    if (a->queue_tail)
        a->queue_tail->next = job;
    else
        a->queue = job;
    a->queue_tail = job;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

/* Loop thread: hands every finished job to its session, oldest first. */
void ms__asr_drain_done(struct ms__asr *a)
{
    pthread_mutex_lock(&a->mu);
    struct asr_job *list = a->done, *fifo = NULL;
    a->done = NULL;
    pthread_mutex_unlock(&a->mu);
    while (list) {
        struct asr_job *j = list;
        list = j->next;
        j->next = fifo;
        fifo = j;
    }
    while (fifo) {
        struct asr_job *j = fifo;
        fifo = j->next;
        j->next = NULL;
        ms__asr_job_done(a, j);
    }
}

void ms__asr_async_cb(uv_async_t *h)
{
    ms__asr_drain_done(h->data);
}
