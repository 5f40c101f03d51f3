/* struct ms__tts_stream: speak (split, look up, queue), read, close. */
#include "media/tts_priv.h"
#include "media/tts_split.h"
#include "moonswitch/error.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static struct ms__tts_job *job_find(struct ms__tts *t, const struct ms__flite_voice *voice,
                                    int rate, const char *text, uint64_t hash)
{
    struct ms__tts_job *j = ms__u64map_get(&t->jobs, ms__tts_map_key(hash));
    while (j && !(j->hash == hash && j->voice == voice && j->rate == rate &&
                  strcmp(j->text, text) == 0 &&
                  !atomic_load_explicit(&j->abandoned, memory_order_relaxed)))
        j = j->hnext; /* an abandoned job is stopping: start a new one */
    return j;
}

static struct ms__tts_job *job_new(struct ms__tts *t, const struct ms__flite_voice *voice, int rate,
                                   const char *text, uint64_t hash, size_t prio)
{
    size_t len = strlen(text);
    struct ms__tts_job *job = calloc(1, sizeof *job + len + 1);
    if (!job)
        return NULL;
    job->voice = voice;
    job->rate = rate;
    job->hash = hash;
    job->prio = prio;
    job->seq = t->next_seq++;
    memcpy(job->text, text, len + 1);
    uint64_t k = ms__tts_map_key(hash);
    job->hnext = ms__u64map_get(&t->jobs, k);
    if (ms__u64map_put(&t->jobs, k, job) < 0) {
        free(job);
        return NULL;
    }
    t->stats.jobs++;
    ms__tts_worker_submit(t, job);
    return job;
}

static void seg_wait(struct ms__tts_seg *seg, struct ms__tts_job *job)
{
    seg->job = job;
    seg->wprev = NULL;
    seg->wnext = job->waiters;
    if (job->waiters)
        job->waiters->wprev = seg;
    job->waiters = seg;
    seg->stream->pending++;
}

/* Sentence i of s: from memory, or waiting for a (shared) job. */
static int seg_start(struct ms__tts *t, struct ms__tts_stream *s, size_t i)
{
    struct ms__tts_seg *seg = &s->seg[i];
    uint64_t hash = ms__tts_key_hash(s->voice, s->rate, seg->text);
    t->stats.sentences++;
    seg->audio = ms__tts_cache_get(t->cache, s->voice, s->rate, seg->text, hash);
    if (seg->audio) {
        s->ready++;
        t->stats.memory_hits++;
        return 0;
    }
    struct ms__tts_job *job = job_find(t, s->voice, s->rate, seg->text, hash);
    if (job) {
        t->stats.joined++;
        ms__tts_worker_bump(t, job, i);
    } else if (!(job = job_new(t, s->voice, s->rate, seg->text, hash, i))) {
        return MS_ENOMEM;
    }
    seg_wait(seg, job);
    return 0;
}

int ms__tts_stream_advance(struct ms__tts_stream *s)
{
    int rc = 0;
    while (s->pending == 0 && s->asked < s->nseg) {
        size_t i = s->asked++;
        if ((rc = seg_start(s->tts, s, i)) < 0) {
            s->seg[i].status = rc; /* read there; nothing after it is asked for */
            s->ready++;
            s->asked = s->nseg;
        }
    }
    bool hold = s->pending > 0;
    if (hold && !s->held)
        ms_loop_hold(s->tts->loop);
    else if (!hold && s->held)
        ms_loop_release(s->tts->loop);
    s->held = hold;
    return rc;
}

static struct ms__tts_stream *stream_new(struct ms__tts *t, const struct ms__flite_voice *voice,
                                         int rate, char **sentences, size_t n)
{
    struct ms__tts_stream *s = calloc(1, sizeof *s + n * sizeof s->seg[0]);
    if (!s)
        return NULL;
    s->tts = t;
    s->voice = voice;
    s->rate = rate;
    s->nseg = n;
    for (size_t i = 0; i < n; i++) {
        s->seg[i].stream = s;
        s->seg[i].text = sentences[i]; /* taken */
    }
    s->next = t->streams;
    if (t->streams)
        t->streams->prev = s;
    t->streams = s;
    t->stats.streams_open++;
    t->stats.speaks++;
    return s;
}

int ms__tts_speak(struct ms__tts *t, const char *text, const char *voice, int rate,
                  struct ms__tts_stream **out)
{
    const struct ms__flite_voice *v = ms__flite_voice_find(voice);
    if (!t || !out || !text || !v || rate < 8000 || rate > 48000 || t->closing)
        return MS_EINVAL;
    if (strlen(text) > MS__TTS_TEXT_MAX)
        return MS_EMSGSIZE;
    char **sentences;
    size_t n;
    int rc = ms__tts_split(text, MS__TTS_FIRST_MAX, MS__TTS_SEGMENT_MAX, &sentences, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return MS_EINVAL;
    struct ms__tts_stream *s = stream_new(t, v, rate, sentences, n);
    if (!s) {
        ms__tts_split_free(sentences, n);
        return MS_ENOMEM;
    }
    free(sentences); /* the strings are the stream's now */
    if ((rc = ms__tts_stream_advance(s)) < 0) {
        ms__tts_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* Sentence audio readable now from position s->pos: the finished audio, or
 * what the worker has published so far of the one being synthesised. */
static size_t seg_available(const struct ms__tts_stream *s, const struct ms__tts_seg *seg,
                            const int16_t **pcm)
{
    if (seg->audio) {
        *pcm = seg->audio->pcm;
        return seg->audio->samples - s->pos;
    }
    if (!seg->job)
        return 0;
    size_t avail = atomic_load_explicit(&seg->job->avail, memory_order_acquire);
    if (avail <= s->pos)
        return 0;
    *pcm = seg->job->pcm; /* written before avail was published: not before */
    return avail - s->pos;
}

int ms__tts_read(struct ms__tts_stream *s, int16_t *pcm, size_t n)
{
    if (s->status < 0)
        return s->status;
    if (n > INT_MAX)
        n = INT_MAX;
    size_t got = 0;
    while (got < n && s->cur < s->nseg) {
        struct ms__tts_seg *seg = &s->seg[s->cur];
        if (seg->status < 0) {
            s->status = seg->status;
            break;
        }
        const int16_t *src = NULL;
        size_t take = seg_available(s, seg, &src);
        if (take > n - got)
            take = n - got;
        if (take)
            memcpy(pcm + got, src + s->pos, take * sizeof *pcm);
        got += take;
        s->pos += take;
        if (!seg->audio || s->pos < seg->audio->samples)
            break;                         /* the rest is not there yet, or n is reached */
        ms__tts_audio_release(seg->audio); /* played: let the cache have it back */
        seg->audio = NULL;
        s->cur++;
        s->pos = 0;
    }
    s->played += got;
    if (got == 0 && s->status < 0)
        return s->status;
    return (int)got;
}

size_t ms__tts_stream_available(const struct ms__tts_stream *s)
{
    if (s->status < 0 || s->cur >= s->nseg || s->seg[s->cur].status < 0)
        return 0;
    const int16_t *pcm;
    return seg_available(s, &s->seg[s->cur], &pcm);
}

bool ms__tts_done(const struct ms__tts_stream *s)
{
    return s->status == 0 && s->cur == s->nseg;
}

void ms__tts_close(struct ms__tts_stream *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nseg; i++)
        free(s->seg[i].text);
    struct ms__tts *t = s->tts;
    if (t) {
        for (size_t i = 0; i < s->nseg; i++) {
            ms__tts_seg_unwait(t, &s->seg[i]);
            ms__tts_audio_release(s->seg[i].audio);
        }
        if (s->held)
            ms_loop_release(t->loop);
        if (s->prev)
            s->prev->next = s->next;
        else
            t->streams = s->next;
        if (s->next)
            s->next->prev = s->prev;
        t->stats.streams_open--;
    }
    free(s);
}

size_t ms__tts_stream_sentences(const struct ms__tts_stream *s)
{
    return s->nseg;
}

size_t ms__tts_stream_ready(const struct ms__tts_stream *s)
{
    return s->ready;
}

uint64_t ms__tts_stream_played(const struct ms__tts_stream *s)
{
    return s->played;
}
