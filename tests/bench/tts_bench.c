/* TTS benchmark (not part of `make test`), on a real loop, no disk cache,
 * every text new to the memory cache (so every sentence is synthesised once):
 *  r. real-time factor per voice and rate (flite + speexdsp);
 *  s. one stream: time from ms__tts_speak() until audio is readable (polled
 *     every 0.25 ms: the pipeline, streaming included) and until the first
 *     sentence is complete;
 *  b. bursts: N streams (1, 10, 50) started together, their texts all
 *     different ("distinct") or all the same ("identical", the IVR case: one
 *     prompt, many callers), time until the loop's 20 ms media tick first
 *     reads audio from each, as a call's transmit path does;
 *  g. gaps: N streams started together and read to their end in real time,
 *     160 samples a tick: the silence a caller hears after the first audio
 *     because the next sentence was not ready.
 * Only the tts.h API is used, so the same file measures older versions.
 *
 *   tests/bench/tts_bench.sh [RUNS] [THREADS] [SECTIONS] [VOICES]
 * THREADS 0: the default; VOICES: comma-separated, default all.
 */
#include "media/flite_voice.h"
#include "media/tts.h"
#include "moonswitch/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const voices[] = {"kal", "kal16", "slt", "rms", "awb"};
static const char *only = ""; /* voices to measure, comma-separated; "": all */

static bool wanted(const char *voice)
{
    if (!*only)
        return true;
    size_t n = strlen(voice);
    for (const char *p = only; (p = strstr(p, voice)); p += n)
        if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

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

/* Personalised prompts: the number makes the first sentence unique, and
 * it is not alone in a short clause of its own. */
static const char *const templates[] = {
    "Order %d is ready for collection at the front desk of our main store. Please bring your "
    "receipt with you.",
    "Your account balance is %d dollars and this includes all payments received until "
    "yesterday. Thank you for banking with us.",
    "We have received your payment of %d dollars for the invoice due at the end of this month. "
    "Goodbye.",
    "Your appointment number %d is confirmed for Tuesday morning at the clinic on Main Street. "
    "Please arrive ten minutes early.",
    "Your call is important to us, caller %d, please stay on the line. An agent will be with you "
    "shortly.",
};
#define NTPL (sizeof templates / sizeof templates[0])

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

static unsigned serial = 100000; /* makes every text new */

static void make_text(char *buf, size_t len, int tpl, unsigned number)
{
    snprintf(buf, len, templates[(size_t)tpl % NTPL], number);
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

/* ---- the TTS and its loop ---- */

struct bench {
    uv_loop_t uv;
    struct ms_loop *loop;
    struct ms__tts *tts;
    struct ms_tick_handler tick;
    struct ms__tts_stream *s[64];
    uint64_t start[64], first[64], gap[64], end[64];
    int n, left;
    bool to_end; /* read every stream to its end */
};

static void nap_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

/* Waits until the workers have nothing left (closed streams' jobs included),
 * so one measurement does not pay for the previous one. */
static void settle(struct bench *b)
{
    for (;;) {
        struct ms__tts_stats st;
        ms__tts_get_stats(b->tts, &st);
        if (st.jobs == st.withdrawn + st.syntheses + st.disk_hits)
            break;
        uv_run(&b->uv, UV_RUN_NOWAIT);
        nap_us(1000);
    }
}

/* ---- first audio, one stream: the pipeline ---- */

static void single(struct bench *b, const char *voice, int runs)
{
    double *first = calloc((size_t)runs, sizeof *first),
           *whole = calloc((size_t)runs, sizeof *whole);
    char text[256];
    int k = 0;
    for (int r = 0; r < runs; r++) {
        make_text(text, sizeof text, r, serial++);
        struct ms__tts_stream *s;
        uint64_t t0 = uv_hrtime(), t1 = 0;
        if (ms__tts_speak(b->tts, text, voice, 8000, &s) != 0)
            continue;
        while (ms__tts_stream_ready(s) == 0) {
            uv_run(&b->uv, UV_RUN_NOWAIT);
            if (!t1 && ms__tts_stream_available(s) > 0)
                t1 = uv_hrtime();
            nap_us(250);
        }
        uint64_t t2 = uv_hrtime();
        first[k] = (double)((t1 ? t1 : t2) - t0) / 1e6;
        whole[k++] = (double)(t2 - t0) / 1e6;
        ms__tts_close(s);
        settle(b);
    }
    printf("| %-5s | %6.1f | %6.1f | %6.1f | %6.1f |\n", voice, pct(first, k, 0.5),
           pct(first, k, 0.95), pct(whole, k, 0.5), pct(whole, k, 0.95));
    free(first);
    free(whole);
}

/* ---- streams started together, read by the media tick ---- */

static void on_tick(void *ud, uint64_t now)
{
    (void)now;
    struct bench *b = ud;
    int16_t buf[160];
    for (int i = 0; i < b->n; i++) {
        if (!b->s[i] || b->end[i])
            continue;
        int got = ms__tts_read(b->s[i], buf, 160);
        uint64_t t = uv_hrtime();
        if (got < 0 || (b->first[i] && ms__tts_done(b->s[i]))) {
            b->end[i] = t;
            b->left--;
            continue;
        }
        if (!b->first[i]) {
            if (got == 0)
                continue;
            b->first[i] = t;
            if (!b->to_end) {
                b->end[i] = t;
                b->left--;
            }
        } else if (got < 160) {
            b->gap[i] += (uint64_t)(160 - got) * 1000 / 8000; /* ms of silence sent */
        }
    }
}

/* Starts n streams at once (identical: one text for all) and runs until each
 * has produced audio (b->to_end: until each is finished). Returns the jobs
 * the burst cost. */
static uint64_t burst(struct bench *b, const char *voice, int n, bool identical)
{
    struct ms__tts_stats st0, st1;
    ms__tts_get_stats(b->tts, &st0);
    char text[256];
    unsigned shared = serial++;
    b->n = b->left = n;
    for (int i = 0; i < n; i++) {
        make_text(text, sizeof text, identical ? (int)shared : i, identical ? shared : serial++);
        b->start[i] = uv_hrtime();
        b->first[i] = b->gap[i] = b->end[i] = 0;
        if (ms__tts_speak(b->tts, text, voice, 8000, &b->s[i]) != 0) {
            b->s[i] = NULL;
            b->left--;
        }
    }
    ms_tick_add(b->loop, &b->tick, on_tick, b);
    while (b->left > 0)
        uv_run(&b->uv, UV_RUN_ONCE);
    ms_tick_remove(b->loop, &b->tick);
    for (int i = 0; i < n; i++)
        ms__tts_close(b->s[i]);
    ms__tts_get_stats(b->tts, &st1);
    settle(b);
    return st1.jobs - st0.jobs;
}

static void latency(struct bench *b, const char *voice, int streams, bool identical, int runs)
{
    int total = streams * runs, k = 0;
    double *v = calloc((size_t)total, sizeof *v);
    uint64_t jobs = 0;
    b->to_end = false;
    for (int r = 0; r < runs; r++) {
        jobs += burst(b, voice, streams, identical);
        for (int i = 0; i < streams; i++)
            if (b->s[i])
                v[k++] = (double)(b->first[i] - b->start[i]) / 1e6;
    }
    printf("| %-5s | %3d %-9s | %6.1f | %6.1f | %6.1f | %5.1f |\n", voice, streams,
           identical ? "identical" : "distinct", pct(v, k, 0.5), pct(v, k, 0.95), pct(v, k, 1.0),
           (double)jobs / runs);
    free(v);
}

static void gaps(struct bench *b, const char *voice, int streams, int runs)
{
    int total = streams * runs, k = 0, with_gap = 0;
    double *v = calloc((size_t)total, sizeof *v);
    b->to_end = true;
    for (int r = 0; r < runs; r++) {
        burst(b, voice, streams, false);
        for (int i = 0; i < streams; i++) {
            if (!b->s[i])
                continue;
            with_gap += b->gap[i] > 0;
            v[k++] = (double)b->gap[i];
        }
    }
    printf("| %-5s | %3d | %3.0f%% | %6.0f | %6.0f | %6.0f |\n", voice, streams,
           k ? 100.0 * with_gap / k : 0.0, pct(v, k, 0.5), pct(v, k, 0.95), pct(v, k, 1.0));
    free(v);
}

static void run_sections(struct bench *b, const char *sections, int runs, unsigned threads)
{
    if (strchr(sections, 's')) {
        printf("\nFirst audio of one stream, ms (%d runs; 8 kHz call): readable (polled every "
               "0.25 ms), and the first sentence complete\n\n",
               runs);
        printf("| voice | first p50 | p95 | complete p50 | p95 |\n|---|---|---|---|---|\n");
        for (size_t v = 0; v < 5; v++)
            if (wanted(voices[v]))
                single(b, voices[v], runs);
    }
    static const int widths[] = {1, 10, 50};
    if (strchr(sections, 'b')) {
        printf("\nFirst audio read by the 20 ms media tick, N streams started together, ms "
               "(threads=%u; %d bursts, %d for 50); jobs: synthesis jobs per burst\n\n",
               threads, runs, runs / 4 + 1);
        printf("| voice | streams | p50 | p95 | max | jobs |\n|---|---|---|---|---|---|\n");
        for (size_t w = 0; w < 3; w++)
            for (int same = 0; same < (w ? 2 : 1); same++)
                for (size_t v = 0; v < 5; v++)
                    if (wanted(voices[v]))
                        latency(b, voices[v], widths[w], same, w == 2 ? runs / 4 + 1 : runs);
    }
    if (strchr(sections, 'g')) {
        int gruns = runs / 10 + 1;
        printf("\nGaps after the first audio, distinct texts read to the end in real time "
               "(threads=%u; %d bursts): streams with a gap, silence per stream ms\n\n",
               threads, gruns);
        printf("| voice | streams | with gap | p50 | p95 | max |\n|---|---|---|---|---|---|\n");
        for (size_t w = 1; w < 3; w++)
            for (size_t v = 0; v < 5; v++)
                if (*only ? wanted(voices[v]) : v % 2 == 0) /* default: kal, slt, awb */
                    gaps(b, voices[v], widths[w], gruns);
    }
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 40;
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 0;
    const char *sections = argc > 3 ? argv[3] : "rsbg";
    only = argc > 4 ? argv[4] : "";
    if (runs < 1)
        runs = 1;
    if (strchr(sections, 'r')) {
        printf("Real-time factor (ms__flite_render_voice: flite + speexdsp to the rate)\n\n");
        printf("| voice | rate  | audio    | cpu        | RTF     |\n|---|---|---|---|---|\n");
        for (size_t v = 0; v < 5; v++) {
            if (!wanted(voices[v]))
                continue;
            rtf(voices[v], 8000);
            if (v)
                rtf(voices[v], 16000);
        }
    }
    static struct bench b;
    uv_loop_init(&b.uv);
    ms_loop_new(&b.loop, &b.uv, MS_CLOCK_REAL);
    struct ms__tts_config c = {.threads = threads};
    if (ms__tts_new(&b.tts, b.loop, &c) != 0) {
        fprintf(stderr, "ms__tts_new failed\n");
        return 1;
    }
    run_sections(&b, sections, runs, threads);
    ms__tts_free(b.tts);
    ms_loop_close(b.loop);
    uv_run(&b.uv, UV_RUN_DEFAULT);
    uv_loop_close(&b.uv);
    return 0;
}
