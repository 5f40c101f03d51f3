/* Recorder: files of the right length, format and content; the temporary
 * name until finish and the rename after; trimming; empty recordings; errors
 * (missing or unwritable directory, full disk) in the callback; abort; the
 * virtual clock waiting for the file work; bad arguments; levels. */
#include "media/pcm_level.h"
#include "media/recorder.h"
#include "moonswitch/error.h"
#include "moonswitch/loop.h"
#include "test.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static const char *tpath(const char *name)
{
    static char buf[8][192];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 192, "%s/%s", tmpdir, name);
    return p;
}

struct env {
    uv_loop_t uv;
    struct ms_loop *loop;
};

static int env_open(struct env *e, enum ms_clock_mode mode)
{
    uv_loop_init(&e->uv);
    return ms_loop_new(&e->loop, &e->uv, mode);
}

/* Lets pending file work finish, closes the loop; 0 if nothing was left. */
static int env_close(struct env *e)
{
    uv_run(&e->uv, UV_RUN_DEFAULT);
    ms_loop_close(e->loop);
    uv_run(&e->uv, UV_RUN_DEFAULT);
    return uv_loop_close(&e->uv);
}

struct done {
    int calls, status;
    char path[192];
    uint64_t duration_ms;
};

static void on_done(void *ud, int status, const char *path, uint64_t duration_ms)
{
    struct done *d = ud;
    d->calls++;
    d->status = status;
    snprintf(d->path, sizeof(d->path), "%s", path ? path : "(null)");
    d->duration_ms = duration_ms;
}

static bool run_until(uv_loop_t *uv, const int *flag)
{
    uint64_t deadline = uv_hrtime() + 10ull * 1000000000ull;
    while (!*flag && uv_hrtime() < deadline)
        uv_run(uv, UV_RUN_ONCE);
    return *flag != 0;
}

/* Entries of the temporary directory whose name starts with '.' (not . and ..). */
static int hidden_files(void)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void sine(int16_t *pcm, size_t n, size_t start, int rate, double f, double amp)
{
    for (size_t i = 0; i < n; i++)
        pcm[i] = (int16_t)lrint(amp * sin(2 * M_PI * f * (double)(start + i) / rate));
}

/* Writes `ms` of audio in 20 ms frames: a sine when amp > 0, else faint noise
 * (about -75 dBFS). `at` counts samples for the sine's phase. */
static int write_ms(struct ms__recorder *r, int rate, unsigned ms, double amp, size_t *at)
{
    size_t frame = (size_t)rate / 50;
    int16_t pcm[960];
    for (unsigned t = 0; t < ms; t += 20) {
        if (amp > 0)
            sine(pcm, frame, *at, rate, 440, amp);
        else
            for (size_t i = 0; i < frame; i++)
                pcm[i] = (int16_t)((i * 7919 + *at) % 11) - 5;
        *at += frame;
        int rc = ms__recorder_write(r, pcm, frame);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Reads a WAV: its info, and its samples into *pcm (caller frees). */
static int read_wav(const char *path, SF_INFO *info, int16_t **pcm)
{
    memset(info, 0, sizeof(*info));
    SNDFILE *sf = sf_open(path, SFM_READ, info);
    if (!sf)
        return -1;
    *pcm = malloc(((size_t)info->frames + 1) * sizeof(**pcm));
    sf_count_t got = sf_read_short(sf, *pcm, info->frames);
    sf_close(sf);
    return got == info->frames ? 0 : -1;
}

static void test_pcm16_roundtrip(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    const char *final = tpath("msg.wav");
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000), 0);
    size_t at = 0;
    CHECK_EQ_INT(write_ms(r, 8000, 3000, 8000, &at), 0);
    CHECK_EQ_INT(ms__recorder_duration_ms(r), 3000);
    uv_run(&e.uv, UV_RUN_DEFAULT); /* the worker has written what it was given */
    CHECK(!exists(final));         /* not under the final name yet */
    CHECK_EQ_INT(hidden_files(), 1);
    CHECK_EQ_INT(ms__recorder_status(r), 0);

    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
    CHECK_EQ_INT(d.calls, 0); /* never from inside finish */
    CHECK(run_until(&e.uv, &d.calls));
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_STR(d.path, final);
    CHECK_EQ_INT(d.duration_ms, 3000);
    CHECK_EQ_INT(hidden_files(), 0); /* the temporary file is gone */

    SF_INFO info;
    int16_t *pcm = NULL;
    CHECK_EQ_INT(read_wav(final, &info, &pcm), 0);
    CHECK_EQ_INT(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    CHECK_EQ_INT(info.samplerate, 8000);
    CHECK_EQ_INT(info.channels, 1);
    CHECK_EQ_INT(info.frames, 24000);
    int16_t want[160];
    sine(want, 160, 12000, 8000, 440, 8000);
    CHECK(memcmp(pcm + 12000, want, sizeof(want)) == 0); /* bit-exact */
    free(pcm);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_g711_formats(void)
{
    const struct {
        enum ms__rec_format fmt;
        int sf_sub, rate;
    } cases[] = {{MS__REC_ULAW, SF_FORMAT_ULAW, 8000},
                 {MS__REC_ALAW, SF_FORMAT_ALAW, 8000},
                 {MS__REC_ULAW, SF_FORMAT_ULAW, 16000},
                 {MS__REC_PCM16, SF_FORMAT_PCM_16, 16000}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct env e;
        CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
        const char *final = tpath("g711.wav");
        struct ms__recorder *r = NULL;
        CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, cases[k].fmt, cases[k].rate), 0);
        size_t at = 0;
        CHECK_EQ_INT(write_ms(r, cases[k].rate, 2500, 10000, &at), 0);
        struct done d = {0};
        CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
        CHECK(run_until(&e.uv, &d.calls));
        CHECK_EQ_INT(d.status, 0);
        CHECK_EQ_INT(d.duration_ms, 2500);
        SF_INFO info;
        int16_t *pcm = NULL;
        CHECK_EQ_INT(read_wav(final, &info, &pcm), 0);
        CHECK_EQ_INT(info.format, SF_FORMAT_WAV | cases[k].sf_sub);
        CHECK_EQ_INT(info.samplerate, cases[k].rate);
        CHECK_EQ_INT(info.frames, cases[k].rate * 5 / 2);
        int16_t want[200];
        sine(want, 200, 1000, cases[k].rate, 440, 10000);
        for (int i = 0; i < 200; i++) /* G.711: within its quantisation step */
            CHECK(abs(pcm[1000 + i] - want[i]) <= 400);
        free(pcm);
        CHECK_EQ_INT(env_close(&e), 0);
        unlink(final);
    }
}

/* Records silence, tone, silence (ms each) and finishes with trim. */
static int record_trimmed(unsigned lead, unsigned tone, unsigned tail, struct done *d,
                          SF_INFO *info, int16_t **pcm)
{
    struct env e;
    env_open(&e, MS_CLOCK_REAL);
    const char *final = tpath("trim.wav");
    struct ms__recorder *r = NULL;
    int rc = ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000);
    size_t at = 0;
    if (rc == 0)
        rc = write_ms(r, 8000, lead, 0, &at);
    if (rc == 0)
        rc = write_ms(r, 8000, tone, 6000, &at);
    if (rc == 0)
        rc = write_ms(r, 8000, tail, 0, &at);
    if (rc == 0)
        rc = ms__recorder_finish(r, true, on_done, d);
    if (rc == 0 && !run_until(&e.uv, &d->calls))
        rc = MS_ETIMEDOUT;
    if (rc == 0)
        rc = read_wav(final, info, pcm);
    return env_close(&e) == 0 ? rc : -1;
}

static void test_trim(void)
{
    struct done d = {0};
    SF_INFO info;
    int16_t *pcm = NULL;
    /* 2 s quiet, 1 s tone, 3 s quiet: 200 ms kept either side */
    CHECK_EQ_INT(record_trimmed(2000, 1000, 3000, &d, &info, &pcm), 0);
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_INT(d.duration_ms, 1400);
    CHECK_EQ_INT(info.frames, 11200);
    CHECK(ms__pcm_level_dbfs(pcm, 1600) < -60);        /* the leading margin */
    CHECK(ms__pcm_level_dbfs(pcm + 1600, 8000) > -20); /* the tone */
    CHECK(ms__pcm_level_dbfs(pcm + 9600, 1600) < -60); /* the trailing margin */
    CHECK_EQ_INT(hidden_files(), 0);
    free(pcm);

    /* nothing to trim at the start: only the tail goes */
    memset(&d, 0, sizeof(d));
    CHECK_EQ_INT(record_trimmed(0, 1000, 1000, &d, &info, &pcm), 0);
    CHECK_EQ_INT(d.duration_ms, 1200);
    free(pcm);

    /* nothing to trim at all */
    memset(&d, 0, sizeof(d));
    CHECK_EQ_INT(record_trimmed(100, 1000, 100, &d, &info, &pcm), 0);
    CHECK_EQ_INT(d.duration_ms, 1200);
    CHECK_EQ_INT(info.frames, 9600);
    free(pcm);

    /* all silence: an empty, valid WAV */
    memset(&d, 0, sizeof(d));
    CHECK_EQ_INT(record_trimmed(2000, 0, 0, &d, &info, &pcm), 0);
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_INT(d.duration_ms, 0);
    CHECK_EQ_INT(info.frames, 0);
    CHECK_EQ_INT(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    CHECK_EQ_INT(hidden_files(), 0);
    free(pcm);
    unlink(tpath("trim.wav"));
}

static void test_empty_and_replace(void)
{
    /* an old file under the final name stays until the new one replaces it */
    const char *final = tpath("old.wav");
    FILE *f = fopen(final, "w");
    fputs("old contents", f);
    fclose(f);
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_ALAW, 8000), 0);
    uv_run(&e.uv, UV_RUN_DEFAULT);
    struct stat st;
    CHECK(stat(final, &st) == 0 && st.st_size == 12);
    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0); /* nothing written */
    CHECK(run_until(&e.uv, &d.calls));
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_INT(d.duration_ms, 0);
    SF_INFO info;
    int16_t *pcm = NULL;
    CHECK_EQ_INT(read_wav(final, &info, &pcm), 0);
    CHECK_EQ_INT(info.frames, 0);
    CHECK_EQ_INT(info.format, SF_FORMAT_WAV | SF_FORMAT_ALAW);
    free(pcm);
    unlink(final);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* Opens a recorder on path, writes 1 s, finishes; the callback's outcome. */
static int record_to(const char *path, struct done *d, int *write_rc)
{
    struct env e;
    env_open(&e, MS_CLOCK_REAL);
    struct ms__recorder *r = NULL;
    int rc = ms__recorder_open(&r, e.loop, path, MS__REC_PCM16, 8000);
    if (rc < 0)
        return rc;
    uv_run(&e.uv, UV_RUN_DEFAULT); /* the loop learns whether the file could be made */
    size_t at = 0;
    *write_rc = write_ms(r, 8000, 1000, 5000, &at);
    rc = ms__recorder_finish(r, false, on_done, d);
    if (rc == 0 && !run_until(&e.uv, &d->calls))
        rc = MS_ETIMEDOUT;
    return env_close(&e) == 0 ? rc : -1;
}

static void test_bad_directories(void)
{
    struct done d = {0};
    int wrc = 0;
    CHECK_EQ_INT(record_to(tpath("missing/msg.wav"), &d, &wrc), 0);
    CHECK_EQ_INT(d.calls, 1);
    CHECK_EQ_INT(d.status, MS_ENOENT);
    CHECK_EQ_STR(d.path, "(null)");
    CHECK_EQ_INT(wrc, MS_ENOENT); /* sticky: writes learn of it too */

    /* a file where the directory should be */
    FILE *f = fopen(tpath("plain"), "w");
    fclose(f);
    memset(&d, 0, sizeof(d));
    CHECK_EQ_INT(record_to(tpath("plain/msg.wav"), &d, &wrc), 0);
    CHECK_EQ_INT(d.status, MS_ENOENT);
    unlink(tpath("plain"));

    /* an unwritable directory; root ignores permissions, but sysfs refuses
     * new files even to root */
    const char *ro = "/sys/msg.wav";
    if (geteuid() != 0) {
        mkdir(tpath("ro"), 0555);
        ro = tpath("ro/msg.wav");
    }
    memset(&d, 0, sizeof(d));
    CHECK_EQ_INT(record_to(ro, &d, &wrc), 0);
    CHECK_EQ_INT(d.status, MS_EACCES);
    CHECK_EQ_INT(wrc, MS_EACCES);
    rmdir(tpath("ro"));
}

static void test_disk_full(void)
{
    /* a file size limit stands in for a full disk: writes fail with EFBIG */
    struct rlimit old, small = {.rlim_cur = 64 * 1024};
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK_EQ_INT(setrlimit(RLIMIT_FSIZE, &small), 0);
    struct env e;
    env_open(&e, MS_CLOCK_REAL);
    const char *final = tpath("full.wav");
    struct ms__recorder *r = NULL;
    int rc = ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000);
    size_t at = 0;
    int wrc = 0;
    for (int s = 0; rc == 0 && s < 10 && wrc == 0; s++) { /* 160 KB in all */
        wrc = write_ms(r, 8000, 1000, 5000, &at);
        uv_run(&e.uv, UV_RUN_DEFAULT);
    }
    struct done d = {0};
    if (rc == 0)
        rc = ms__recorder_finish(r, false, on_done, &d);
    if (rc == 0 && !run_until(&e.uv, &d.calls))
        rc = MS_ETIMEDOUT;
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(wrc, MS_ENOSPC); /* later writes were refused */
    CHECK_EQ_INT(d.status, MS_ENOSPC);
    CHECK(!exists(final));
    CHECK_EQ_INT(hidden_files(), 0);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_abort(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    const char *final = tpath("aborted.wav");
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000), 0);
    size_t at = 0;
    CHECK_EQ_INT(write_ms(r, 8000, 2500, 5000, &at), 0);
    ms__recorder_abort(r); /* while the file is still being created, perhaps */
    CHECK_EQ_INT(env_close(&e), 0);
    CHECK(!exists(final));
    CHECK_EQ_INT(hidden_files(), 0);

    /* abort after the file exists, with audio written */
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000), 0);
    CHECK_EQ_INT(write_ms(r, 8000, 2500, 5000, &at), 0);
    uv_run(&e.uv, UV_RUN_DEFAULT);
    CHECK_EQ_INT(hidden_files(), 1);
    ms__recorder_abort(r);
    CHECK_EQ_INT(env_close(&e), 0);
    CHECK(!exists(final));
    CHECK_EQ_INT(hidden_files(), 0);
}

static void test_virtual_clock_waits(void)
{
    /* in virtual mode, one ms_loop_advance() is enough for the file work:
     * the recorder holds the loop while the file is made and while it finishes */
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_VIRTUAL), 0);
    const char *final = tpath("virtual.wav");
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 16000), 0);
    ms_loop_advance(e.loop, 20);
    CHECK_EQ_INT(hidden_files(), 1);
    size_t at = 0;
    CHECK_EQ_INT(write_ms(r, 16000, 1500, 5000, &at), 0);
    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
    CHECK_EQ_INT(d.calls, 0);
    ms_loop_advance(e.loop, 20);
    CHECK_EQ_INT(d.calls, 1);
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_INT(d.duration_ms, 1500);
    CHECK_EQ_INT(hidden_files(), 0);
    unlink(final);

    /* an open failure is known after one advance, before any audio */
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, tpath("nope/x.wav"), MS__REC_PCM16, 8000), 0);
    ms_loop_advance(e.loop, 20);
    CHECK_EQ_INT(ms__recorder_status(r), MS_ENOENT);
    int16_t frame[160] = {0};
    CHECK_EQ_INT(ms__recorder_write(r, frame, 160), MS_ENOENT);
    memset(&d, 0, sizeof(d));
    CHECK_EQ_INT(ms__recorder_finish(r, true, on_done, &d), 0);
    ms_loop_advance(e.loop, 20);
    CHECK_EQ_INT(d.calls, 1);
    CHECK_EQ_INT(d.status, MS_ENOENT);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_long_recording_small_writes(void)
{
    /* 2 minutes at 16 kHz in 7-sample writes: chunking across writes is exact */
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    const char *final = tpath("long.wav");
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 16000), 0);
    size_t total = 16000 * 120, done_n = 0;
    int16_t buf[7];
    while (done_n < total) {
        size_t n = total - done_n < 7 ? total - done_n : 7;
        for (size_t i = 0; i < n; i++)
            buf[i] = (int16_t)((done_n + i) % 30011 - 15000);
        CHECK_EQ_INT(ms__recorder_write(r, buf, n), 0);
        done_n += n;
        if (done_n % 16000 < 7) /* as a real loop would, let the worker's results in */
            uv_run(&e.uv, UV_RUN_DEFAULT);
    }
    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
    CHECK(run_until(&e.uv, &d.calls));
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_INT(d.duration_ms, 120000);
    SF_INFO info;
    int16_t *pcm = NULL;
    CHECK_EQ_INT(read_wav(final, &info, &pcm), 0);
    CHECK_EQ_INT(info.frames, (sf_count_t)total);
    for (size_t i = 0; i < total; i += 997)
        CHECK_EQ_INT(pcm[i], (int16_t)(i % 30011 - 15000));
    free(pcm);
    unlink(final);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_writer_behind(void)
{
    /* the loop never lets the worker's results in: past 60 s queued, give up */
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    const char *final = tpath("behind.wav");
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_ULAW, 8000), 0);
    size_t at = 0;
    CHECK_EQ_INT(write_ms(r, 8000, 60000, 5000, &at), 0);
    CHECK_EQ_INT(write_ms(r, 8000, 2000, 5000, &at), MS_EIO);
    CHECK_EQ_INT(ms__recorder_status(r), MS_EIO);
    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
    CHECK(run_until(&e.uv, &d.calls));
    CHECK_EQ_INT(d.status, MS_EIO);
    CHECK(!exists(final));
    CHECK_EQ_INT(hidden_files(), 0);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_virtual_long(void)
{
    /* virtual time runs far faster than the disk: 3 minutes recorded tick by
     * tick are written completely, never "behind" */
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_VIRTUAL), 0);
    const char *final = tpath("vlong.wav");
    struct ms__recorder *r = NULL;
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000), 0);
    size_t at = 0;
    for (int t = 0; t < 9000; t++) { /* 180 s of 20 ms ticks */
        ms_loop_advance(e.loop, 20);
        CHECK_EQ_INT(write_ms(r, 8000, 20, 5000, &at), 0);
    }
    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
    ms_loop_advance(e.loop, 20);
    CHECK_EQ_INT(d.calls, 1);
    CHECK_EQ_INT(d.status, 0);
    CHECK_EQ_INT(d.duration_ms, 180000);
    unlink(final);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_bad_args_and_states(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, MS_CLOCK_REAL), 0);
    struct ms__recorder *r = NULL;
    const char *final = tpath("args.wav");
    CHECK_EQ_INT(ms__recorder_open(NULL, e.loop, final, MS__REC_PCM16, 8000), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_open(&r, NULL, final, MS__REC_PCM16, 8000), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, NULL, MS__REC_PCM16, 8000), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 4000), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, (enum ms__rec_format)7, 8000), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, tpath("dir/"), MS__REC_PCM16, 8000), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, tpath(".."), MS__REC_PCM16, 8000), MS_EINVAL);
    CHECK(r == NULL);

    CHECK_EQ_INT(ms__recorder_open(&r, e.loop, final, MS__REC_PCM16, 8000), 0);
    int16_t frame[160] = {0};
    CHECK_EQ_INT(ms__recorder_write(r, NULL, 160), MS_EINVAL);
    CHECK_EQ_INT(ms__recorder_write(r, NULL, 0), 0);
    CHECK_EQ_INT(ms__recorder_finish(r, false, NULL, NULL), MS_EINVAL); /* still usable */
    CHECK_EQ_INT(ms__recorder_write(r, frame, 160), 0);
    struct done d = {0};
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), 0);
    /* until the callback, the recorder refuses more */
    CHECK_EQ_INT(ms__recorder_write(r, frame, 160), MS_ESTATE);
    CHECK_EQ_INT(ms__recorder_finish(r, false, on_done, &d), MS_ESTATE);
    ms__recorder_abort(r); /* ignored: finishing */
    CHECK(run_until(&e.uv, &d.calls));
    CHECK_EQ_INT(d.calls, 1);
    CHECK_EQ_INT(d.duration_ms, 20);
    unlink(final);
    CHECK_EQ_INT(env_close(&e), 0);
    ms__recorder_abort(NULL);
}

static void test_levels(void)
{
    int16_t pcm[800];
    for (int i = 0; i < 800; i++)
        pcm[i] = i % 2 ? 32767 : -32767;
    CHECK(fabs(ms__pcm_level_dbfs(pcm, 800)) < 0.01);
    sine(pcm, 800, 0, 8000, 1000, 32767);
    CHECK(fabs(ms__pcm_level_dbfs(pcm, 800) + 3.01) < 0.05);
    sine(pcm, 800, 0, 8000, 1000, 32767 * pow(10, -40 / 20.0));
    CHECK(fabs(ms__pcm_level_dbfs(pcm, 800) + 43.01) < 0.05);
    CHECK(!ms__pcm_is_silence(pcm, 800, MS__SILENCE_DBFS));
    CHECK(ms__pcm_is_silence(pcm, 800, -40));
    memset(pcm, 0, sizeof(pcm));
    CHECK(ms__pcm_level_dbfs(pcm, 800) == MS__PCM_FLOOR_DBFS);
    CHECK(ms__pcm_level_dbfs(pcm, 0) == MS__PCM_FLOOR_DBFS);
    CHECK(ms__pcm_level_dbfs(NULL, 10) == MS__PCM_FLOOR_DBFS);
    CHECK(ms__pcm_is_silence(pcm, 800, MS__SILENCE_DBFS));
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ms-rec-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_pcm16_roundtrip);
    RUN(test_g711_formats);
    RUN(test_trim);
    RUN(test_empty_and_replace);
    RUN(test_bad_directories);
    RUN(test_disk_full);
    RUN(test_abort);
    RUN(test_virtual_clock_waits);
    RUN(test_long_recording_small_writes);
    RUN(test_writer_behind);
    RUN(test_virtual_long);
    RUN(test_bad_args_and_states);
    RUN(test_levels);
    rmdir(tmpdir);
    return test_summary();
}
