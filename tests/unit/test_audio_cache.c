/* Audio cache: decoding of several formats and rates, coalescing, lookup,
 * errors, cancellation, LRU eviction with references, invalidation, and
 * closing with requests pending. Every test ends with a closable loop. */
#include "media/audio_cache.h"
#include "moonswitch/error.h"
#include "test.h"

#include <math.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define PI 3.14159265358979323846

static char tmpdir[64];

static const char *tpath(const char *name)
{
    static char buf[8][128];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 128, "%s/%s", tmpdir, name);
    return p;
}

/* Writes `frames` frames of a 440 Hz sine at amplitude amp on channel 0 and
 * amp2 on the other channels. */
static int write_wav(const char *name, int format, int rate, int channels, size_t frames,
                     double amp, double amp2)
{
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
    SNDFILE *sf = sf_open(tpath(name), SFM_WRITE, &info);
    if (!sf)
        return -1;
    float *buf = malloc((frames ? frames : 1) * (size_t)channels * sizeof(*buf));
    for (size_t f = 0; f < frames; f++) {
        float v = (float)sin(2 * PI * 440 * (double)f / rate);
        for (int c = 0; c < channels; c++)
            buf[f * (size_t)channels + (size_t)c] = (float)(v * (c ? amp2 : amp));
    }
    sf_count_t n = sf_writef_float(sf, buf, (sf_count_t)frames);
    free(buf);
    sf_close(sf);
    return n == (sf_count_t)frames ? 0 : -1;
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(tpath(name), "w");
    fputs(text, f);
    fclose(f);
}

static double rms(const int16_t *p, size_t n)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += (double)p[i] * p[i];
    return n ? sqrt(acc / (double)n) : 0;
}

/* One callback's outcome. */
struct got {
    int calls;
    int status;
    struct ms__audio *audio;
};

static void on_loaded(void *ud, int status, struct ms__audio *audio)
{
    struct got *g = ud;
    g->calls++;
    g->status = status;
    g->audio = audio;
}

/* Runs the loop until *flag is non-zero, at most 10 s. */
static bool run_until(uv_loop_t *loop, const int *flag)
{
    uint64_t deadline = uv_hrtime() + 10ull * 1000000000ull;
    while (!*flag && uv_hrtime() < deadline)
        uv_run(loop, UV_RUN_ONCE);
    return *flag != 0;
}

/* Frees the cache and checks that the loop then closes cleanly. */
static bool finish(uv_loop_t *loop, struct ms__audio_cache *c)
{
    ms__audio_cache_free(c);
    uv_run(loop, UV_RUN_DEFAULT);
    return uv_loop_close(loop) == 0;
}

static int load_sync(uv_loop_t *loop, struct ms__audio_cache *c, const char *name, int rate,
                     struct ms__audio **out)
{
    struct got g = {0};
    int rc = ms__audio_cache_load(c, tpath(name), rate, on_loaded, &g, NULL);
    if (rc < 0)
        return rc;
    if (!run_until(loop, &g.calls) || g.calls != 1)
        return MS_ETIMEDOUT;
    *out = g.audio;
    return g.status;
}

static void test_formats(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    struct ms__audio *a;
    /* 16 kHz stereo float, right channel silent: mixed down to half level */
    CHECK_EQ_INT(load_sync(&loop, c, "stereo16k.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->rate, 8000);
    CHECK_EQ_INT(a->samples, 8000);
    double want = 0.5 * 0.8 * 32768 / sqrt(2);
    CHECK(fabs(rms(a->pcm, a->samples) / want - 1) < 0.05);
    CHECK(rms(a->pcm + a->samples - 80, 80) > 0.8 * want); /* end not cut */
    ms__audio_release(a);
    /* 8 kHz PCM16 mono: taken as is */
    CHECK_EQ_INT(load_sync(&loop, c, "mono8k.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->samples, 4000);
    CHECK(fabs(rms(a->pcm, a->samples) / (0.5 * 32768 / sqrt(2)) - 1) < 0.02);
    ms__audio_release(a);
    /* the same file at 16 kHz is another entry */
    CHECK_EQ_INT(load_sync(&loop, c, "mono8k.wav", 16000, &a), 0);
    CHECK_EQ_INT(a->samples, 8000);
    CHECK_EQ_INT(a->rate, 16000);
    ms__audio_release(a);
    /* 44.1 kHz: 11025 frames -> ceil(11025 * 8000 / 44100) = 2000 */
    CHECK_EQ_INT(load_sync(&loop, c, "cd.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->samples, 2000);
    ms__audio_release(a);
    /* G.711 A-law WAV and 8-bit PCM */
    CHECK_EQ_INT(load_sync(&loop, c, "alaw.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->samples, 1600);
    CHECK(rms(a->pcm, a->samples) > 10000);
    ms__audio_release(a);
    CHECK_EQ_INT(load_sync(&loop, c, "u8.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->samples, 800);
    CHECK(rms(a->pcm, a->samples) > 10000);
    ms__audio_release(a);
    /* an empty WAV is valid, empty audio */
    CHECK_EQ_INT(load_sync(&loop, c, "empty.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->samples, 0);
    CHECK(a->pcm == NULL);
    ms__audio_release(a);
    CHECK_EQ_INT(ms__audio_cache_count(c), 7);
    CHECK(finish(&loop, c));
}

static void test_coalesce_and_lookup(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    struct ms__audio *a;
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("mono8k.wav"), 8000, &a), MS_ENOENT);
    struct got g[3] = {{0}};
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, on_loaded, &g[i], NULL), 0);
    CHECK_EQ_INT(ms__audio_cache_decodes(c), 1);
    CHECK(run_until(&loop, &g[2].calls));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(g[i].calls, 1);
        CHECK_EQ_INT(g[i].status, 0);
        CHECK(g[i].audio == g[0].audio);
    }
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("mono8k.wav"), 8000, &a), 0);
    CHECK(a == g[0].audio);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("mono8k.wav"), 16000, &a), MS_ENOENT);
    /* a load of a cached key: no decode, and still never synchronous */
    struct got h = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, on_loaded, &h, NULL), 0);
    CHECK_EQ_INT(h.calls, 0);
    CHECK(run_until(&loop, &h.calls));
    CHECK(h.audio == g[0].audio && h.status == 0);
    CHECK_EQ_INT(ms__audio_cache_decodes(c), 1);
    for (int i = 0; i < 3; i++)
        ms__audio_release(g[i].audio);
    ms__audio_release(h.audio);
    ms__audio_release(g[0].audio); /* the lookup's reference */
    CHECK(finish(&loop, c));
}

static void test_errors(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    struct ms__audio *a = NULL;
    CHECK_EQ_INT(load_sync(&loop, c, "late.wav", 8000, &a), MS_ENOENT);
    CHECK(a == NULL);
    CHECK_EQ_INT(load_sync(&loop, c, "nodir/x.wav", 8000, &a), MS_ENOENT);
    CHECK_EQ_INT(load_sync(&loop, c, "notes.txt", 8000, &a), MS_EFORMAT);
    CHECK_EQ_INT(load_sync(&loop, c, "subdir", 8000, &a), MS_EFORMAT);
    CHECK_EQ_INT(ms__audio_cache_count(c), 0);
    /* a missing file is not cached: once it appears it loads */
    CHECK_EQ_INT(write_wav("late.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 800, .5, 0), 0);
    CHECK_EQ_INT(load_sync(&loop, c, "late.wav", 8000, &a), 0);
    CHECK_EQ_INT(a->samples, 800);
    ms__audio_release(a);
    /* bad arguments: error now, callback never */
    struct got g = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 7000, on_loaded, &g, NULL),
                 MS_EINVAL);
    CHECK_EQ_INT(ms__audio_cache_load(c, "", 8000, on_loaded, &g, NULL), MS_EINVAL);
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, NULL, &g, NULL), MS_EINVAL);
    CHECK_EQ_INT(ms__audio_cache_load(NULL, tpath("mono8k.wav"), 8000, on_loaded, &g, NULL),
                 MS_EINVAL);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, NULL, 8000, &a), MS_EINVAL);
    uv_run(&loop, UV_RUN_NOWAIT);
    CHECK_EQ_INT(g.calls, 0);
    CHECK_EQ_INT(ms__audio_cache_new(NULL, &loop, 0), MS_EINVAL);
    ms__audio_release(NULL);
    CHECK(finish(&loop, c));
}

static void test_cancel(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    /* cancel a decode request: ECANCELED exactly once, asynchronously */
    struct got g = {0}, h = {0};
    struct ms__audio_req *req;
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("cd.wav"), 8000, on_loaded, &g, &req), 0);
    ms__audio_req_cancel(req);
    ms__audio_req_cancel(req);
    CHECK_EQ_INT(g.calls, 0);
    /* one of two coalesced waiters cancelled: the other still gets the audio */
    struct ms__audio_req *r1;
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, on_loaded, &h, NULL), 0);
    struct got k = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, on_loaded, &k, &r1), 0);
    ms__audio_req_cancel(r1);
    CHECK(run_until(&loop, &h.calls));
    uv_run(&loop, UV_RUN_NOWAIT);
    CHECK_EQ_INT(g.calls, 1);
    CHECK_EQ_INT(g.status, MS_ECANCELED);
    CHECK(g.audio == NULL);
    CHECK_EQ_INT(k.calls, 1);
    CHECK_EQ_INT(k.status, MS_ECANCELED);
    CHECK_EQ_INT(h.status, 0);
    CHECK_EQ_INT(h.audio->refs, 1);
    /* cancel a load that hit the cache: its reference is given back */
    struct got m = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, on_loaded, &m, &req), 0);
    CHECK_EQ_INT(h.audio->refs, 2);
    ms__audio_req_cancel(req);
    CHECK_EQ_INT(h.audio->refs, 1);
    CHECK(run_until(&loop, &m.calls));
    CHECK_EQ_INT(m.status, MS_ECANCELED);
    CHECK(m.audio == NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    CHECK_EQ_INT(m.calls, 1);
    ms__audio_release(h.audio);
    CHECK(finish(&loop, c));
}

struct self_cancel {
    struct ms__audio_req *req;
    int calls, status;
};

static void cancel_self(void *ud, int status, struct ms__audio *audio)
{
    struct self_cancel *s = ud;
    s->calls++;
    s->status = status;
    ms__audio_req_cancel(s->req); /* too late: a no-op, the audio stays ours */
    ms__audio_release(audio);
}

static void test_cancel_inside_own_callback(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    struct self_cancel s = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, cancel_self, &s, &s.req), 0);
    CHECK(run_until(&loop, &s.calls));
    CHECK_EQ_INT(s.status, 0);
    struct ms__audio *a;
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("mono8k.wav"), 8000, &a), 0);
    CHECK_EQ_INT(a->refs, 1);
    ms__audio_release(a);
    CHECK(finish(&loop, c));
}

/* Accounted size of one cached 4000-sample entry of `name`. */
static size_t entry_bytes(const char *name)
{
    return sizeof(struct ms__audio) + strlen(tpath(name)) + 1 + 4000 * sizeof(int16_t);
}

static void test_lru_respects_references(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    size_t one = entry_bytes("l1.wav");
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 2 * one), 0);
    struct ms__audio *a1, *a2, *a3, *x;
    CHECK_EQ_INT(load_sync(&loop, c, "l1.wav", 8000, &a1), 0); /* held throughout */
    CHECK_EQ_INT(load_sync(&loop, c, "l2.wav", 8000, &a2), 0);
    ms__audio_release(a2);
    CHECK_EQ_INT(load_sync(&loop, c, "l3.wav", 8000, &a3), 0);
    CHECK_EQ_INT(ms__audio_cache_bytes(c), 2 * one); /* l2, the idle one, went */
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("l2.wav"), 8000, &x), MS_ENOENT);
    ms__audio_release(a3);
    CHECK_EQ_INT(ms__audio_cache_count(c), 2); /* at budget: l3 stays */
    /* all referenced and over budget: nothing evicted until released */
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("l3.wav"), 8000, &a3), 0);
    CHECK_EQ_INT(load_sync(&loop, c, "l2.wav", 8000, &a2), 0);
    CHECK_EQ_INT(ms__audio_cache_count(c), 3);
    CHECK(ms__audio_cache_bytes(c) > 2 * one);
    ms__audio_release(a3); /* l3 idle, over budget: evicted at once */
    CHECK_EQ_INT(ms__audio_cache_count(c), 2);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("l3.wav"), 8000, &x), MS_ENOENT);
    /* least recently released goes first */
    ms__audio_release(a1);
    ms__audio_release(a2);
    CHECK_EQ_INT(load_sync(&loop, c, "l3.wav", 8000, &a3), 0);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("l1.wav"), 8000, &x), MS_ENOENT);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("l2.wav"), 8000, &x), 0);
    CHECK(x->pcm && x->samples == 4000);
    ms__audio_release(x);
    ms__audio_release(a3);
    CHECK(ms__audio_cache_bytes(c) <= 2 * one);
    CHECK(finish(&loop, c));
}

static void test_zero_budget(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 0), 0);
    struct ms__audio *a, *x;
    CHECK_EQ_INT(load_sync(&loop, c, "mono8k.wav", 8000, &a), 0);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("mono8k.wav"), 8000, &x), 0); /* held: kept */
    ms__audio_release(x);
    ms__audio_release(a);
    CHECK_EQ_INT(ms__audio_cache_count(c), 0);
    CHECK(finish(&loop, c));
}

static void test_invalidate(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    CHECK_EQ_INT(write_wav("hot.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 800, .5, 0), 0);
    struct ms__audio *a8, *a16, *x;
    CHECK_EQ_INT(load_sync(&loop, c, "hot.wav", 8000, &a8), 0);
    CHECK_EQ_INT(load_sync(&loop, c, "hot.wav", 16000, &a16), 0);
    ms__audio_release(a16);
    CHECK_EQ_INT(ms__audio_cache_invalidate(c, tpath("hot.wav")), 2);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("hot.wav"), 8000, &x), MS_ENOENT);
    CHECK_EQ_INT(a8->samples, 800); /* the holder keeps its audio */
    CHECK(rms(a8->pcm, a8->samples) > 10000);
    CHECK_EQ_INT(write_wav("hot.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 1200, .5, 0), 0);
    CHECK_EQ_INT(load_sync(&loop, c, "hot.wav", 8000, &x), 0);
    CHECK_EQ_INT(x->samples, 1200);
    CHECK(x != a8);
    ms__audio_release(a8);
    ms__audio_release(x);
    /* invalidated while decoding: delivered, but not cached; a new load decodes */
    ms__audio_cache_invalidate(c, tpath("hot.wav"));
    struct got g = {0}, h = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("hot.wav"), 8000, on_loaded, &g, NULL), 0);
    CHECK_EQ_INT(ms__audio_cache_invalidate(c, tpath("hot.wav")), 0);
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("hot.wav"), 8000, on_loaded, &h, NULL), 0);
    unsigned decodes = ms__audio_cache_decodes(c);
    CHECK(run_until(&loop, &g.calls));
    CHECK(run_until(&loop, &h.calls));
    CHECK_EQ_INT(g.status, 0);
    CHECK_EQ_INT(h.status, 0);
    CHECK(g.audio != h.audio);
    CHECK_EQ_INT(ms__audio_cache_lookup(c, tpath("hot.wav"), 8000, &x), 0);
    CHECK(x == h.audio);      /* only the fresh decode was cached */
    CHECK_EQ_INT(decodes, 5); /* 8k, 16k, reload, stale one, fresh one */
    ms__audio_release(x);
    ms__audio_release(g.audio);
    ms__audio_release(h.audio);
    CHECK_EQ_INT(ms__audio_cache_count(c), 1);
    CHECK(finish(&loop, c));
}

static void test_free_with_pending_and_held(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 1 << 20), 0);
    struct ms__audio *held;
    CHECK_EQ_INT(load_sync(&loop, c, "mono8k.wav", 8000, &held), 0);
    struct got g = {0}, h = {0};
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("cd.wav"), 8000, on_loaded, &g, NULL), 0);
    CHECK_EQ_INT(ms__audio_cache_load(c, tpath("mono8k.wav"), 8000, on_loaded, &h, NULL), 0);
    ms__audio_cache_free(c); /* the loop must still run for the callbacks and the close */
    CHECK_EQ_INT(g.calls, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_EQ_INT(g.calls, 1);
    CHECK_EQ_INT(g.status, MS_ECANCELED);
    CHECK_EQ_INT(h.calls, 1);
    CHECK_EQ_INT(h.status, MS_ECANCELED);
    CHECK_EQ_INT(uv_loop_close(&loop), 0);
    /* the held reference outlives the cache */
    CHECK_EQ_INT(held->samples, 4000);
    CHECK(rms(held->pcm, held->samples) > 10000);
    ms__audio_release(held);
}

struct freer {
    struct ms__audio_cache *c;
    int calls;
    int statuses[4];
};

static void free_on_first(void *ud, int status, struct ms__audio *audio)
{
    struct freer *f = ud;
    f->statuses[f->calls++ & 3] = status;
    ms__audio_release(audio);
    if (f->calls == 1)
        ms__audio_cache_free(f->c);
}

static void test_free_inside_callback(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct freer f = {0};
    CHECK_EQ_INT(ms__audio_cache_new(&f.c, &loop, 1 << 20), 0);
    struct ms__audio *a;
    CHECK_EQ_INT(load_sync(&loop, f.c, "mono8k.wav", 8000, &a), 0);
    ms__audio_release(a);
    for (int i = 0; i < 2; i++) /* two cache hits, due in the same turn */
        CHECK_EQ_INT(ms__audio_cache_load(f.c, tpath("mono8k.wav"), 8000, free_on_first, &f, NULL),
                     0);
    CHECK_EQ_INT(ms__audio_cache_load(f.c, tpath("l1.wav"), 8000, free_on_first, &f, NULL), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_EQ_INT(f.calls, 3);
    CHECK_EQ_INT(f.statuses[0], 0);
    CHECK_EQ_INT(f.statuses[1], MS_ECANCELED);
    CHECK_EQ_INT(f.statuses[2], MS_ECANCELED);
    CHECK_EQ_INT(uv_loop_close(&loop), 0);
}

static void test_many_concurrent_keys(void)
{
    uv_loop_t loop;
    struct ms__audio_cache *c;
    uv_loop_init(&loop);
    CHECK_EQ_INT(ms__audio_cache_new(&c, &loop, 64 << 20), 0);
    static const char *names[] = {"l1.wav", "l2.wav", "l3.wav", "mono8k.wav", "cd.wav"};
    struct got g[5][4];
    memset(g, 0, sizeof(g));
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 5; i++)
            CHECK_EQ_INT(ms__audio_cache_load(c, tpath(names[i]), 8000 + 8000 * (r & 1), on_loaded,
                                              &g[i][r], NULL),
                         0);
    }
    CHECK_EQ_INT(ms__audio_cache_decodes(c), 10);
    for (int i = 0; i < 5; i++) {
        for (int r = 0; r < 4; r++) {
            CHECK(run_until(&loop, &g[i][r].calls));
            CHECK_EQ_INT(g[i][r].status, 0);
            CHECK(g[i][r].audio == g[i][r & 1].audio);
            ms__audio_release(g[i][r].audio);
        }
    }
    CHECK_EQ_INT(ms__audio_cache_count(c), 10);
    CHECK(finish(&loop, c));
}

static bool make_fixtures(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ms_audio_XXXXXX");
    if (!mkdtemp(tmpdir))
        return false;
    const int pcm16 = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    int rc = write_wav("stereo16k.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 2, 16000, .8, 0);
    rc |= write_wav("mono8k.wav", pcm16, 8000, 1, 4000, .5, 0);
    rc |= write_wav("cd.wav", pcm16, 44100, 1, 11025, .5, 0);
    rc |= write_wav("alaw.wav", SF_FORMAT_WAV | SF_FORMAT_ALAW, 8000, 1, 1600, .7, 0);
    rc |= write_wav("u8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 8000, 1, 800, .7, 0);
    rc |= write_wav("empty.wav", pcm16, 8000, 1, 0, .5, 0);
    for (int i = 1; i <= 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "l%d.wav", i);
        rc |= write_wav(name, pcm16, 8000, 1, 4000, .5, 0);
    }
    write_text("notes.txt", "This is not audio, just some text.\n");
    mkdir(tpath("subdir"), 0700);
    return rc == 0;
}

static void remove_fixtures(void)
{
    static const char *names[] = {"stereo16k.wav", "mono8k.wav", "cd.wav",   "alaw.wav",
                                  "u8.wav",        "empty.wav",  "l1.wav",   "l2.wav",
                                  "l3.wav",        "notes.txt",  "late.wav", "hot.wav"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        unlink(tpath(names[i]));
    rmdir(tpath("subdir"));
    rmdir(tmpdir);
}

int main(void)
{
    if (!make_fixtures()) {
        fprintf(stderr, "cannot write fixtures in %s\n", tmpdir);
        return 1;
    }
    RUN(test_formats);
    RUN(test_coalesce_and_lookup);
    RUN(test_errors);
    RUN(test_cancel);
    RUN(test_cancel_inside_own_callback);
    RUN(test_lru_respects_references);
    RUN(test_zero_budget);
    RUN(test_invalidate);
    RUN(test_free_with_pending_and_held);
    RUN(test_free_inside_callback);
    RUN(test_many_concurrent_keys);
    remove_fixtures();
    return test_summary();
}
