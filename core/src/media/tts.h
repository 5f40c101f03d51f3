/* Text to speech for calls: flite voices, sentence by sentence, off the loop,
 * with a memory LRU and an on-disk cache.
 *
 * struct ms__tts: one per media loop, owned by that loop's media context and
 *   used from the loop's thread only. Owns the voices' memory cache, the
 *   optional disk cache directory (see media/tts_disk.h) and its synthesis
 *   worker threads. Closing works like a libuv handle: ms__tts_free cancels
 *   every open stream (their reads then return MS_ECANCELED; their owners
 *   still ms__tts_close them), stops the workers after the sentences they are on,
 *   and releases the memory from a close callback once the threads have
 *   exited: keep running the uv loop until uv_run returns.
 *
 * struct ms__tts_stream: one call:speak(), owned by its caller (the call's
 *   media pipeline) from ms__tts_speak until ms__tts_close, which cancels or
 *   releases it at any time; no callback ever runs for it (the media tick
 *   polls it). Holds references to its sentences' audio while it plays them.
 *
 * Synthesis. The text is split into sentences, and long sentences into
 * segments whose bound starts small (the first segment's synthesis time is
 * the first-audio latency) and doubles with each (media/tts_split.h); the
 * rest of this file says "sentence" for both. A stream asks for its
 * sentences in order, one job at a time: at speak() time the sentences found
 * in memory are ready at once, up to the first miss, which becomes a job;
 * when that job's audio is complete the stream goes on the same way. So a
 * stream has at most one sentence being synthesised: a long text never takes
 * every thread (a new call's first sentence finds one free) nor competes for
 * the CPU with its own first sentence, and a barge-in wastes little. A job
 * is done by the worker threads, which read DIR/<voice>/<hash>.wav if it exists and
 * otherwise synthesise with flite, resample to the call rate with speexdsp
 * (kal at 8 kHz is used as is) and write the file (temp name + rename).
 * Synthesis streams: flite's chunks are resampled as they come into a buffer
 * sized once, and published with an atomic count, so the first words of a
 * sentence play while the rest is synthesised (16 kHz voices: first audio
 * after about a third of the sentence's synthesis time).
 * Concurrent requests for one (voice, rate, sentence) share one job, queued
 * or already running (a late joiner reads the audio from its start), so a
 * burst of callers hearing one prompt costs one synthesis, and a sentence is
 * never synthesised twice while its audio is cached. Jobs run in order of
 * the sentence's index in its stream (every stream's first sentence before
 * anyone's second, even one queued earlier), FIFO among equals, so a call's
 * first audio is not stuck behind other calls' continuations. Results come
 * back to the loop through a uv_async. Threads: config.threads per loop
 * (default: one per online CPU, at most MS__TTS_THREADS_AUTO), on one shared
 * queue, at a lower CPU priority than the loop (nice +5); flite with a shared
 * voice is safe on several threads (media/flite_voice.h). One idle core
 * synthesises about 100 s of clustergen-voice audio per second (1000 s for
 * kal); more threads than cores add no throughput and delay every job
 * running at once, which is why the default stops at the CPU count.
 *
 * Virtual clock: while a sentence of a stream is being produced or is still
 * to be asked for, the stream holds the loop (ms_loop_hold), so a virtual
 * clock does not move until the whole text is ready (not only the sentence
 * playing) and a flow test hears it without gaps, deterministically.
 * Released when the last sentence arrives or one fails, on close, or on
 * ms__tts_free. The caller must not hold for TTS itself.
 */
#ifndef MS_MEDIA_TTS_H
#define MS_MEDIA_TTS_H

#include "moonswitch/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__TTS_MEMORY_DEFAULT (32u << 20) /* bytes of cached audio */
#define MS__TTS_TEXT_MAX       65536       /* bytes of text per speak() */
#define MS__TTS_THREADS_MAX    16
#define MS__TTS_THREADS_AUTO   8 /* at most, by default */

struct ms__tts;
struct ms__tts_stream;

struct ms__tts_config {
    const char *cache_dir; /* NULL: no disk cache. Created (one level) when first written. */
    size_t memory_bytes;   /* memory LRU bound; 0: MS__TTS_MEMORY_DEFAULT */
    unsigned threads;      /* synthesis threads, 0..MS__TTS_THREADS_MAX; 0: the default */
};

/* The default thread count: one per online CPU (uv_available_parallelism),
 * at most MS__TTS_THREADS_AUTO. */
unsigned ms__tts_default_threads(void);

/* Starts the worker threads. 0, MS_EINVAL, MS_ENOMEM or a thread/handle error.
 * On failure after a uv handle was initialised, its memory is released by a
 * close callback: run the loop. */
int ms__tts_new(struct ms__tts **out, struct ms_loop *loop, const struct ms__tts_config *c);
/* Starts closing (see above). NULL is a no-op. */
void ms__tts_free(struct ms__tts *t);

/* voice: "kal" (also NULL or ""), "kal16", "slt", "rms", "awb". rate: the
 * call's, 8000..48000. Never blocks: the sentences already in memory up to
 * the first that is not are ready at once, that one is queued. 0 and *out; MS_EINVAL (unknown
 * voice, bad rate, NULL text or nothing speakable in it), MS_EMSGSIZE (text longer than
 * MS__TTS_TEXT_MAX), MS_ENOMEM. */
int ms__tts_speak(struct ms__tts *t, const char *text, const char *voice, int rate,
                  struct ms__tts_stream **out);

/* Copies up to n samples of the stream's audio (the sentences' audio back to
 * back) into pcm. A sentence being synthesised can be read as it is produced
 * (the 16 kHz voices stream; kal's comes whole). Returns the count; fewer
 * than n means that is all there is for now. 0 means nothing right now: the
 * stream is either finished (ms__tts_done) or waiting for more audio (send
 * silence). A negative code means the stream failed and will not go on:
 * MS_ECANCELED (ms__tts_free was called) or the synthesis error (MS_ENOMEM);
 * samples before the failure are returned first. */
int ms__tts_read(struct ms__tts_stream *s, int16_t *pcm, size_t n);
/* Every sample has been read. */
bool ms__tts_done(const struct ms__tts_stream *s);
/* Cancels or releases. Sentences nobody else waits for are dropped from the
 * worker's queue, and one being synthesised is stopped at flite's next chunk
 * (or, for kal, finishes) and not cached. NULL is a no-op. */
void ms__tts_close(struct ms__tts_stream *s);

/* Samples a read would return now from the current sentence (0: none yet, or
 * finished, or failed). Does not consume them. */
size_t ms__tts_stream_available(const struct ms__tts_stream *s);

/* Introspection: the stream's sentences, how many have all their audio in
 * hand (read or not), and the samples read so far. */
size_t ms__tts_stream_sentences(const struct ms__tts_stream *s);
size_t ms__tts_stream_ready(const struct ms__tts_stream *s);
uint64_t ms__tts_stream_played(const struct ms__tts_stream *s);

/* Counters since ms__tts_new (tests, ctl status, benchmarks). */
struct ms__tts_stats {
    uint64_t speaks;        /* streams started */
    uint64_t sentences;     /* sentences requested */
    uint64_t memory_hits;   /* ... served from memory at speak() */
    uint64_t joined;        /* ... that joined a job already queued or running */
    uint64_t jobs;          /* jobs given to the worker */
    uint64_t withdrawn;     /* queued jobs dropped: nobody waited any more */
    uint64_t abandoned;     /* running jobs stopped: nobody waited any more */
    uint64_t disk_hits;     /* jobs served from the disk cache */
    uint64_t syntheses;     /* flite runs (abandoned ones included) */
    uint64_t disk_writes;   /* files written to the disk cache */
    uint64_t failures;      /* jobs that failed (abandoned ones apart) */
    uint64_t synth_ns;      /* worker time spent in syntheses (flite + resampling) */
    uint64_t synth_samples; /* audio they produced, at the call rate */
    size_t cache_bytes, cache_entries, streams_open;
    unsigned threads; /* synthesis threads */
};
void ms__tts_get_stats(const struct ms__tts *t, struct ms__tts_stats *out);

/* Tests only: lets the worker start at most n more jobs (n < 0: no limit, the
 * default), so a test can observe a stream between two sentences. */
void ms__tts_set_gate(struct ms__tts *t, int n);

#endif
