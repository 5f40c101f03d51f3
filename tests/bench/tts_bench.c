/* TTS benchmark (not part of `make test`), on a real loop, every text new
 * (so every sentence is synthesised):
 *  1. real-time factor per voice and rate (flite + speexdsp);
 *  2. one stream: time from ms__tts_speak() until audio is readable (polled
 *     every 0.25 ms: the pipeline, streaming included) and until the first
 *     sentence is complete;
 *  3. N streams started together: time until the loop's 20 ms media tick
 *     first reads audio from each, as a call's transmit path does.
 *
 *   tests/bench/tts_bench.sh [RUNS] [THREADS]   builds this file and runs it
 */
#include "media/flite_voice.h"
#include "media/tts.h"
#include "moonswitch/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const voices[] = {"kal", "kal16", "slt", "rms", "awb"};

static const char *const sentences[] = {
    "Thank you for calling.",
    "Your call is important to us, please stay on the line.",
    "For sales, press one. For support, press two.",
    "All of our agents are currently helping other customers.",
    "Your estimated wait time is four minutes.",
    "To leave a message after the tone, press the pound key.",
    "We are open Monday to Friday from nine in the morning until six in the evening.",
    "Please enter your account number followed by the hash key.",
};
#define NSENT (sizeof sentences / sizeof sentences[0])

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

/* ---- real-time factor ---- */

static void rtf(const char *voice, int rate)
{
    const struct ms__flite_voice *v = ms__flite_voice_find(voice);
    double audio = 0;
    uint64_t t0 = uv_hrtime();
    for (int rep = 0; rep < 3; rep++)
        for (size_t i = 0; i < NSENT; i++) {
            int16_t *pcm;
            size_t n;
            if (ms__flite_render_voice(v, sentences[i], rate, &pcm, &n) == 0) {
                audio += (double)n / rate;
                free(pcm);
            }
        }
    double cpu = (double)(uv_hrtime() - t0) / 1e9;
    printf("| %-5s | %5d | %6.1f s | %7.1f ms | %6.0fx |\n", voice, rate, audio, cpu * 1e3,
           audio / cpu);
}

/* ---- first audio, one stream: the pipeline ---- */

static void nap_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

/* Time until the stream has audio to read (polled every 0.25 ms, as a
 * measure of the pipeline; a call sees it at its next 20 ms tick) and until
 * the first sentence is complete. */
static void single(struct ms__tts *tts, uv_loop_t *uv, const char *voice, int runs)
{
    double *first = calloc((size_t)runs, sizeof *first),
           *whole = calloc((size_t)runs, sizeof *whole);
    char text[256];
    for (int r = 0; r < runs; r++) {
        snprintf(text, sizeof text, "Caller %d, %s", 100000 + r, sentences[r % NSENT]);
        struct ms__tts_stream *s;
        uint64_t t0 = uv_hrtime(), t1 = 0;
        if (ms__tts_speak(tts, text, voice, 8000, &s) != 0)
            continue;
        while (ms__tts_stream_ready(s) == 0) {
            uv_run(uv, UV_RUN_NOWAIT);
            if (!t1 && ms__tts_stream_available(s) > 0)
                t1 = uv_hrtime();
            nap_us(250);
        }
        uint64_t t2 = uv_hrtime();
        first[r] = (double)((t1 ? t1 : t2) - t0) / 1e6;
        whole[r] = (double)(t2 - t0) / 1e6;
        ms__tts_close(s);
    }
    printf("| %-5s | %6.1f | %6.1f | %6.1f | %6.1f |\n", voice, pct(first, runs, 0.5),
           pct(first, runs, 0.95), pct(whole, runs, 0.5), pct(whole, runs, 0.95));
    free(first);
    free(whole);
}

/* ---- first audio from the media tick, streams started together ---- */

struct probe {
    struct ms_loop *loop;
    struct ms__tts *tts;
    struct ms_tick_handler tick;
    struct ms__tts_stream *s[64];
    uint64_t start[64], first[64];
    int n, left;
};

static void on_tick(void *ud, uint64_t now)
{
    (void)now;
    struct probe *p = ud;
    int16_t buf[160];
    for (int i = 0; i < p->n; i++) {
        if (!p->s[i] || p->first[i])
            continue;
        if (ms__tts_read(p->s[i], buf, 160) > 0) {
            p->first[i] = uv_hrtime();
            p->left--;
        }
    }
}

/* Starts n streams at once and runs until each has produced audio. */
static void burst(struct probe *p, uv_loop_t *uv, const char *voice, int n, int run)
{
    char text[256];
    p->n = p->left = n;
    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof text, "Caller %d, %s", run * 1000 + i, sentences[(run + i) % NSENT]);
        p->start[i] = uv_hrtime();
        p->first[i] = 0;
        if (ms__tts_speak(p->tts, text, voice, 8000, &p->s[i]) != 0) {
            p->s[i] = NULL;
            p->left--;
        }
    }
    ms_tick_add(p->loop, &p->tick, on_tick, p);
    while (p->left > 0)
        uv_run(uv, UV_RUN_ONCE);
    ms_tick_remove(p->loop, &p->tick);
    for (int i = 0; i < n; i++)
        ms__tts_close(p->s[i]);
}

static void latency(struct probe *p, uv_loop_t *uv, const char *voice, int streams, int runs)
{
    int total = streams * runs, k = 0;
    double *v = calloc((size_t)total, sizeof *v);
    for (int r = 0; r < runs; r++) {
        burst(p, uv, voice, streams, r + (int)(voice[0]) * 100 + streams * 10000);
        for (int i = 0; i < streams; i++)
            if (p->s[i])
                v[k++] = (double)(p->first[i] - p->start[i]) / 1e6;
    }
    printf("| %-5s | %3d | %6.1f | %6.1f | %6.1f |\n", voice, streams, pct(v, k, 0.5),
           pct(v, k, 0.95), pct(v, k, 1.0));
    free(v);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 40;
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
    printf("Real-time factor (ms__flite_render_voice: flite + speexdsp to the rate)\n\n");
    printf("| voice | rate  | audio    | cpu        | RTF     |\n|---|---|---|---|---|\n");
    for (size_t v = 0; v < 5; v++) {
        rtf(voices[v], 8000);
        if (v)
            rtf(voices[v], 16000);
    }

    uv_loop_t uv;
    uv_loop_init(&uv);
    static struct probe p;
    ms_loop_new(&p.loop, &uv, MS_CLOCK_REAL);
    struct ms__tts_config c = {.threads = threads};
    ms__tts_new(&p.tts, p.loop, &c);
    printf("\nFirst audio of one stream, ms (%d runs; every text new; 8 kHz call): readable, "
           "and the first sentence complete\n\n",
           runs);
    printf("| voice | first p50 | p95 | complete p50 | p95 |\n|---|---|---|---|---|\n");
    for (size_t v = 0; v < 5; v++)
        single(p.tts, &uv, voices[v], runs);
    printf("\nFirst audio read by the 20 ms media tick, N streams started together, ms "
           "(%u worker thread%s)\n\n",
           threads, threads == 1 ? "" : "s");
    printf("| voice | streams | p50 | p95 | max |\n|---|---|---|---|---|\n");
    static const int widths[] = {1, 10, 50};
    for (size_t w = 0; w < 3; w++)
        for (size_t v = 0; v < 5; v++)
            latency(&p, &uv, voices[v], widths[w], w == 2 ? runs / 4 + 1 : runs);
    ms__tts_free(p.tts);
    ms_loop_close(p.loop);
    uv_run(&uv, UV_RUN_DEFAULT);
    uv_loop_close(&uv);
    return 0;
}
