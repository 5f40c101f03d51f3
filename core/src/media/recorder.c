#define MS_LOG_MODULE "record"
#include "media/recorder.h"
#include "media/rec_file.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>
#include <string.h>

/* Samples copied on the loop, handed to the worker whole. */
struct rec_chunk {
    struct rec_chunk *next;
    size_t n, cap;
    int16_t pcm[];
};

enum rec_state { REC_RECORDING, REC_FINISHING, REC_ABORTING };

struct ms__recorder {
    struct ms_loop *loop;
    enum rec_state state;
    int status;                    /* sticky error, as known on the loop */
    uint64_t accepted;             /* samples accepted by write() */
    size_t queued;                 /* samples in chunks not yet handed to a job */
    struct rec_chunk *fill;        /* being filled */
    struct rec_chunk *head, *tail; /* full, waiting for the worker */
    /* the one job in flight (busy): written by the loop before queueing,
     * by the worker while it runs, read back in the after-callback */
    uv_work_t work;
    bool busy, created;
    struct rec_chunk *job_chunks;
    bool job_commit, job_discard, job_trim;
    int job_status;
    uint64_t job_duration_ms;
    struct ms__rec_file file; /* worker side */
    ms__recorder_cb cb;
    void *ud;
};

static const int rec_sf_formats[] = {
    [MS__REC_PCM16] = SF_FORMAT_WAV | SF_FORMAT_PCM_16,
    [MS__REC_ULAW] = SF_FORMAT_WAV | SF_FORMAT_ULAW,
    [MS__REC_ALAW] = SF_FORMAT_WAV | SF_FORMAT_ALAW,
};

static void free_chunks(struct rec_chunk *c)
{
    while (c) {
        struct rec_chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* ---- worker side ---- */

static int job_write(struct ms__recorder *r)
{
    int rc = 0;
    for (struct rec_chunk *c = r->job_chunks; c && rc == 0; c = c->next)
        rc = ms__rec_file_write(&r->file, c->pcm, c->n);
    return rc;
}

static void rec_work(uv_work_t *w)
{
    struct ms__recorder *r = w->data;
    int rc = r->job_status; /* an error already known: no more writing */
    if (rc == 0 && !r->created && !r->job_discard) {
        rc = ms__rec_file_create(&r->file);
        r->created = rc == 0;
    }
    if (rc == 0 && !r->job_discard)
        rc = job_write(r);
    free_chunks(r->job_chunks);
    r->job_chunks = NULL;
    if (r->job_discard || (rc < 0 && r->job_commit))
        ms__rec_file_discard(&r->file);
    else if (r->job_commit)
        rc = ms__rec_file_commit(&r->file, r->job_trim, &r->job_duration_ms);
    r->job_status = rc;
}

/* ---- loop side ---- */

static void rec_after(uv_work_t *w, int status);

static void rec_free(struct ms__recorder *r)
{
    free_chunks(r->fill);
    free_chunks(r->head);
    ms__rec_file_release(&r->file);
    free(r);
}

static void take_queue(struct ms__recorder *r)
{
    if (r->fill && r->fill->n && r->state != REC_RECORDING) {
        if (r->tail)
            r->tail->next = r->fill;
        else
            r->head = r->fill;
        r->tail = r->fill;
        r->fill = NULL;
    }
    r->job_chunks = r->head;
    r->head = r->tail = NULL;
    r->queued = 0;
}

/* Starts the next job if one is due and none is running. */
static void pump(struct ms__recorder *r, bool first)
{
    if (r->busy)
        return;
    bool ending = r->state != REC_RECORDING;
    if (!first && !ending && !r->head)
        return;
    take_queue(r);
    r->job_commit = r->state == REC_FINISHING;
    r->job_discard = r->state == REC_ABORTING;
    r->job_status = r->status;
    r->work.data = r;
    ms_loop_hold(r->loop); /* a virtual clock waits for every file job */
    /* uv_queue_work fails only without a work callback */
    (void)uv_queue_work(ms_loop_uv(r->loop), &r->work, rec_work, rec_after);
    r->busy = true;
}

static void rec_after(uv_work_t *w, int status)
{
    struct ms__recorder *r = w->data;
    (void)status; /* never cancelled: nobody calls uv_cancel on it */
    r->busy = false;
    if (r->job_status < 0 && r->status == 0)
        r->status = r->job_status;
    struct ms_loop *loop = r->loop;
    if (r->job_commit || r->job_discard) {
        if (r->job_commit)
            r->cb(r->ud, r->status, r->status < 0 ? NULL : r->file.final_path,
                  r->status < 0 ? 0 : r->job_duration_ms);
        rec_free(r);
    } else {
        pump(r, false);
    }
    ms_loop_release(loop);
}

int ms__recorder_open(struct ms__recorder **out, struct ms_loop *loop, const char *final_path,
                      enum ms__rec_format format, int rate)
{
    if (!out || !loop || !final_path || rate < 8000 || rate > 48000 ||
        (unsigned)format > MS__REC_ALAW)
        return MS_EINVAL;
    struct ms__recorder *r = calloc(1, sizeof(*r));
    if (!r)
        return MS_ENOMEM;
    r->loop = loop;
    int rc = ms__rec_file_init(&r->file, final_path, rec_sf_formats[format], rate);
    if (rc < 0) {
        free(r);
        return rc;
    }
    pump(r, true); /* creates the file */
    *out = r;
    return 0;
}

static struct rec_chunk *new_chunk(size_t cap)
{
    struct rec_chunk *c = malloc(sizeof(*c) + cap * sizeof(c->pcm[0]));
    if (c) {
        c->next = NULL;
        c->n = 0;
        c->cap = cap;
    }
    return c;
}

static void push_full(struct ms__recorder *r)
{
    if (r->tail)
        r->tail->next = r->fill;
    else
        r->head = r->fill;
    r->tail = r->fill;
    r->queued += r->fill->n;
    r->fill = NULL;
}

static int too_far_behind(struct ms__recorder *r)
{
    ms_warn(NULL, "%s: the disk is more than %d s behind; recording abandoned", r->file.final_path,
            MS__REC_MAX_BEHIND);
    free_chunks(r->head);
    r->head = r->tail = NULL;
    r->queued = 0;
    r->status = MS_EIO;
    return r->status;
}

int ms__recorder_write(struct ms__recorder *r, const int16_t *pcm, size_t n)
{
    if (!r || (n && !pcm))
        return MS_EINVAL;
    if (r->state != REC_RECORDING)
        return MS_ESTATE;
    if (r->status < 0)
        return r->status;
    size_t cap = (size_t)r->file.rate; /* 1 s chunks */
    while (n > 0) {
        if (!r->fill && !(r->fill = new_chunk(cap)))
            return MS_ENOMEM;
        size_t take = cap - r->fill->n < n ? cap - r->fill->n : n;
        memcpy(r->fill->pcm + r->fill->n, pcm, take * sizeof(*pcm));
        r->fill->n += take;
        r->accepted += take;
        pcm += take;
        n -= take;
        if (r->fill->n == cap)
            push_full(r);
    }
    if (r->queued > (size_t)MS__REC_MAX_BEHIND * cap)
        return too_far_behind(r);
    pump(r, false);
    return 0;
}

uint64_t ms__recorder_duration_ms(const struct ms__recorder *r)
{
    return r->accepted * 1000 / (uint64_t)r->file.rate;
}

int ms__recorder_status(const struct ms__recorder *r)
{
    return r->status;
}

int ms__recorder_finish(struct ms__recorder *r, bool trim, ms__recorder_cb cb, void *ud)
{
    if (!r || !cb)
        return MS_EINVAL;
    if (r->state != REC_RECORDING)
        return MS_ESTATE;
    r->state = REC_FINISHING;
    r->cb = cb;
    r->ud = ud;
    r->job_trim = trim;
    pump(r, false);
    return 0;
}

void ms__recorder_abort(struct ms__recorder *r)
{
    if (!r || r->state != REC_RECORDING)
        return;
    r->state = REC_ABORTING;
    free_chunks(r->fill);
    free_chunks(r->head);
    r->fill = r->head = r->tail = NULL;
    r->queued = 0;
    pump(r, false);
}
