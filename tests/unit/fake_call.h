/* A call on a virtual-clock loop with a fake endpoint, for unit tests of the
 * call's operations. The endpoint records what the call asked of it and
 * ends the signalling at once when asked to hang up. */
#ifndef MS_FAKE_CALL_H
#define MS_FAKE_CALL_H

#include "endpoint.h"
#include "media/audio_cache.h"
#include "moonswitch/call.h"
#include "moonswitch/error.h"
#include "moonswitch/loop.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fake_ep {
    int answered, rung, hungup, released;
    int last_status;
    char last_cause[40];
    int writes; /* media frames written */
    int nonsilent_writes;
};

static int fake_ring(void *ep, struct ms_call *call)
{
    (void)call;
    ((struct fake_ep *)ep)->rung++;
    return 0;
}

static int fake_answer(void *ep, struct ms_call *call)
{
    (void)call;
    ((struct fake_ep *)ep)->answered++;
    return 0;
}

static void fake_hangup(void *ep, struct ms_call *call, const char *cause, int status)
{
    struct fake_ep *f = ep;
    f->hungup++;
    f->last_status = status;
    snprintf(f->last_cause, sizeof f->last_cause, "%s", cause);
    ms__call_ended(call, NULL, false);
}

static void fake_release(void *ep, struct ms_call *call)
{
    (void)call;
    ((struct fake_ep *)ep)->released++;
}

static const struct ms_endpoint_ops fake_ops = {.kind = "fake",
                                                .ring = fake_ring,
                                                .answer = fake_answer,
                                                .hangup = fake_hangup,
                                                .release = fake_release};

static int fake_read(void *port, int16_t *pcm, size_t n)
{
    (void)port;
    (void)pcm;
    (void)n;
    return 0;
}

static void fake_write(void *port, const int16_t *pcm, size_t n)
{
    struct fake_ep *f = port;
    f->writes++;
    for (size_t i = 0; i < n; i++) {
        if (pcm[i]) {
            f->nonsilent_writes++;
            break;
        }
    }
}

static const struct ms_media_port_ops fake_port = {fake_read, fake_write};

struct fixture {
    uv_loop_t uv;
    struct ms_loop *loop;
    struct ms__audio_cache *audio;
    char dir[64];
    const char *dirs[1];
    struct ms_call_env env;
    struct fake_ep ep;
    struct ms_call *call;
};

/* Writes a WAV of `ms` milliseconds of a 440 Hz-ish square wave at 8 kHz. */
static inline void fixture_write_wav(struct fixture *fx, const char *name, int ms)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.wav", fx->dir, name);
    SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    size_t n = (size_t)ms * 8;
    short *pcm = malloc(n * sizeof *pcm);
    for (size_t i = 0; i < n; i++)
        pcm[i] = (short)((i / 9) % 2 ? 8000 : -8000);
    sf_write_short(f, pcm, (sf_count_t)n);
    sf_close(f);
    free(pcm);
}

static inline void load_done_flag(void *ud, int status, struct ms__audio *a)
{
    *(int *)ud = status == 0 ? 1 : -1;
    ms__audio_release(a);
}

/* Decodes a sound into the cache before virtual time starts (loads are real I/O). */
static inline int fixture_preload(struct fixture *fx, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.wav", fx->dir, name);
    int done = 0;
    struct ms__audio_req *req;
    if (ms__audio_cache_load(fx->audio, path, 8000, load_done_flag, &done, &req) < 0)
        return -1;
    while (!done)
        uv_run(&fx->uv, UV_RUN_ONCE);
    return done;
}

static void fixture_init(struct fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    uv_loop_init(&fx->uv);
    ms_loop_new(&fx->loop, &fx->uv, MS_CLOCK_VIRTUAL);
    ms__audio_cache_new(&fx->audio, &fx->uv, 1 << 20);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ms-unit-XXXXXX");
    if (!mkdtemp(fx->dir))
        abort();
    fx->dirs[0] = fx->dir;
    fx->env = (struct ms_call_env){
        .loop = fx->loop, .audio = fx->audio, .sound_dirs = fx->dirs, .nsound_dirs = 1};
    struct ms_call_params p = {NULL, "5551234", "Alice", "1000", &fx->env, &fake_ops, &fx->ep};
    ms__call_new(&fx->call, &p);
    ms__call_set_media(fx->call, 8000, true, &fake_port, &fx->ep);
}

static void fixture_free(struct fixture *fx)
{
    if (!ms_call_is_over(fx->call))
        ms_call_hangup(fx->call, "NORMAL_CLEARING");
    ms_loop_advance(fx->loop, 0);
    ms_call_unref(fx->call);
    ms__audio_cache_free(fx->audio);
    ms_loop_close(fx->loop);
    uv_run(&fx->uv, UV_RUN_DEFAULT);
    uv_loop_close(&fx->uv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", fx->dir);
}

#endif
