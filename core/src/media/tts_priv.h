/* Internals shared by tts.c (life cycle, job results), tts_stream.c (speak,
 * read, close), tts_worker.c (the synthesis threads and their queue) and
 * tts_produce.c (one job's audio). Private to them. */
#ifndef MS_MEDIA_TTS_PRIV_H
#define MS_MEDIA_TTS_PRIV_H

#include "base/u64map.h"
#include "media/flite_voice.h"
#include "media/tts.h"
#include "media/tts_cache.h"

#include <stdatomic.h>
#include <uv.h>

enum tts_job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* One (voice, rate, sentence) to produce. Created and freed on the loop; in
 * the worker's hands from submit until it is back in the done list (or
 * withdrawn). The loop fields are touched on the loop thread only; the queue
 * fields under tts->mu only; results are written by the worker before the
 * job enters the done list and read by the loop after it left it. */
struct ms__tts_job {
    /* immutable while submitted */
    const struct ms__flite_voice *voice;
    int rate;
    uint64_t hash;
    uint64_t seq; /* FIFO among equal priorities */
    /* under tts->mu */
    size_t prio; /* lowest first: the sentence's index in its stream */
    enum tts_job_state state;
    struct ms__tts_job *qprev, *qnext; /* the queue, then the done list (qnext) */
    /* results (worker). pcm is sized when the first audio is known and never
     * moves; the worker fills it and publishes how much with `avail`
     * (release), so the loop may play the first samples (acquire) while the
     * rest is synthesised. samples, status and the rest are final once the
     * job is in the done list. */
    int16_t *pcm;
    atomic_size_t avail;
    int status;
    size_t samples;
    bool synthesised, disk_hit, disk_written;
    uint64_t synth_ns;
    /* set by the loop when nobody waits for the running job any more: the
     * worker stops at the next chunk, the loop drops the result */
    atomic_bool abandoned;
    /* loop side */
    struct ms__tts_job *hnext;   /* t->jobs chain of equal hashes */
    struct ms__tts_seg *waiters; /* sentences waiting for it */
    char text[];
};

/* One sentence of a stream. */
struct ms__tts_seg {
    struct ms__tts_stream *stream;
    char *text;                        /* until the stream is closed */
    struct ms__tts_job *job;           /* while waiting */
    struct ms__tts_seg *wprev, *wnext; /* in job->waiters */
    struct ms__tts_audio *audio;       /* once ready, until played */
    int status;                        /* < 0: failed */
};

/* Sentences are requested in order, one job at a time: seg[0..asked) have
 * been looked up (in memory, or waiting for a job, or failed); the next one
 * is looked up when the one waiting is ready. */
struct ms__tts_stream {
    struct ms__tts *tts;                /* NULL once detached by ms__tts_free */
    struct ms__tts_stream *prev, *next; /* tts->streams */
    const struct ms__flite_voice *voice;
    int rate;
    size_t nseg, cur; /* sentences; the one being read */
    size_t pos;       /* samples of seg[cur] read */
    size_t asked;     /* sentences looked up so far */
    size_t pending;   /* sentences waiting for a job: 0 or 1 */
    size_t ready;     /* sentences whose audio arrived */
    uint64_t played;  /* samples read */
    int status;       /* < 0: failed or cancelled */
    bool held;        /* holds the loop's virtual clock */
    struct ms__tts_seg seg[];
};

struct ms__tts {
    struct ms_loop *loop;
    uv_loop_t *uv;
    struct ms__tts_cache *cache;
    char *cache_dir;                /* NULL: none */
    struct ms__u64map jobs;         /* map key -> chain of jobs (loop thread) */
    struct ms__tts_stream *streams; /* open, attached streams */
    struct ms__tts_stats stats;
    uint64_t next_seq;
    bool closing;
    /* workers */
    uv_thread_t *threads;
    unsigned nthreads, started; /* threads wanted; threads running or to be joined */
    uv_mutex_t mu;
    uv_cond_t cv;
    uv_async_t async;
    struct ms__tts_job *queue;                 /* under mu: submitted, not started */
    struct ms__tts_job *done_head, *done_tail; /* under mu: finished */
    int gate;                                  /* under mu: jobs it may still start; < 0 any */
    unsigned exited;                           /* under mu: threads past their loop */
    bool stop;                                 /* under mu */
};

/* tts.c */
uint64_t ms__tts_map_key(uint64_t hash);
void ms__tts_job_done(struct ms__tts *t, struct ms__tts_job *job); /* frees job */
void ms__tts_worker_gone(struct ms__tts *t);                       /* after join */
/* Unlinks a waiting sentence; drops the job from the queue if nobody else
 * waits for it. */
void ms__tts_seg_unwait(struct ms__tts *t, struct ms__tts_seg *seg);

/* tts_stream.c: looks up the stream's next sentences until one has to wait
 * for a job (or all are in hand, or one failed: its status is set), then
 * holds or releases the virtual clock. 0 or MS_ENOMEM. */
int ms__tts_stream_advance(struct ms__tts_stream *s);

/* tts_produce.c, on a worker thread: the job's audio from the disk cache, or
 * synthesised (streaming into job->pcm) and written to the disk cache. */
void ms__tts_produce(const char *cache_dir, struct ms__tts_job *job);

/* tts_worker.c: start needs t->mu, cv, async and nthreads set by the caller;
 * on failure, the threads it started have been stopped and joined. */
int ms__tts_worker_start(struct ms__tts *t);
void ms__tts_worker_submit(struct ms__tts *t, struct ms__tts_job *job);
/* true if the job had not started: it is the caller's again. */
bool ms__tts_worker_withdraw(struct ms__tts *t, struct ms__tts_job *job);
void ms__tts_worker_bump(struct ms__tts *t, struct ms__tts_job *job, size_t prio);
void ms__tts_worker_stop(struct ms__tts *t);
void ms__tts_worker_async_cb(uv_async_t *h);

#endif
