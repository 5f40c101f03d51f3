/* One job's audio, on a worker thread: the disk cache, else flite streaming
 * into the job's buffer (resampled to the call rate as it comes), then the
 * disk cache is written. */
#define MS_LOG_MODULE "tts"
#include "media/resample.h"
#include "media/tts_disk.h"
#include "media/tts_priv.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>
#include <string.h>

struct sink {
    struct ms__tts_job *job;
    struct ms__resampler *rs; /* NULL at the native rate */
    size_t len, cap;          /* samples written to job->pcm; its size */
};

static void publish(struct sink *k)
{
    atomic_store_explicit(&k->job->avail, k->len, memory_order_release);
}

/* The first chunk: the total is bounded now, so the buffer is sized once and
 * never moves while the loop may be reading it. */
static int sink_open(struct sink *k, size_t bound)
{
    struct ms__tts_job *job = k->job;
    int native = job->voice->rate;
    if (native != job->rate) {
        int rc = ms__resampler_new(&k->rs, native, job->rate, MS__RESAMPLE_Q_ONESHOT, 0);
        if (rc < 0)
            return rc;
        k->cap = ms__resampler_out_max(k->rs, bound) + ms__resampler_flush_max(k->rs);
    } else {
        k->cap = bound;
    }
    job->pcm = malloc((k->cap ? k->cap : 1) * sizeof *job->pcm);
    return job->pcm ? 0 : MS_ENOMEM;
}

static int on_chunk(void *ud, const int16_t *pcm, size_t n, size_t bound)
{
    struct sink *k = ud;
    if (atomic_load_explicit(&k->job->abandoned, memory_order_relaxed))
        return MS_ECANCELED; /* barge-in, hangup: free the worker */
    int rc = k->job->pcm ? 0 : sink_open(k, bound);
    if (rc < 0)
        return rc;
    if (k->rs) {
        rc = ms__resampler_process(k->rs, pcm, n, k->job->pcm + k->len, k->cap - k->len);
        if (rc < 0)
            return rc;
        k->len += (size_t)rc;
    } else {
        if (n > k->cap - k->len)
            return MS_ENOSPC; /* flite's bound was wrong: not seen */
        memcpy(k->job->pcm + k->len, pcm, n * sizeof *pcm);
        k->len += n;
    }
    publish(k);
    return 0;
}

static int synthesise(struct ms__tts_job *job)
{
    struct sink k = {.job = job};
    int rc = ms__flite_synth_stream(job->voice, job->text, on_chunk, &k);
    if (rc == 0 && k.rs) {
        int got = ms__resampler_flush(k.rs, job->pcm + k.len, k.cap - k.len);
        if (got < 0)
            rc = got;
        else
            k.len += (size_t)got;
    }
    ms__resampler_free(k.rs);
    if (rc == MS_EFORMAT) { /* nothing to say: an empty sentence, cached as such */
        rc = 0;
        k.len = 0;
    }
    job->samples = rc == 0 ? k.len : 0;
    if (rc == 0)
        publish(&k);
    return rc;
}

void ms__tts_produce(const char *dir, struct ms__tts_job *job)
{
    int16_t *pcm;
    size_t n;
    if (dir && ms__tts_disk_read(dir, job->voice, job->rate, job->text, job->hash, &pcm, &n) == 0) {
        job->pcm = pcm;
        job->samples = n;
        atomic_store_explicit(&job->avail, n, memory_order_release);
        job->disk_hit = true;
        job->status = 0;
        return;
    }
    uint64_t t0 = uv_hrtime();
    job->status = synthesise(job);
    job->synth_ns = uv_hrtime() - t0;
    job->synthesised = true;
    if (job->status < 0 || !dir)
        return;
    int rc = ms__tts_disk_write(dir, job->voice, job->rate, job->text, job->hash, job->pcm,
                                job->samples);
    if (rc < 0)
        ms_warn(NULL, "tts cache %s: cannot write %s/%016llx.wav: %s", dir, job->voice->name,
                (unsigned long long)job->hash, ms_strerror(rc));
    job->disk_written = (rc == 0);
}
