/* The per-call media pipeline, run once per 20 ms loop tick while the call
 * is answered: read a frame from the port, detect in-band DTMF, produce the
 * transmit frame from the current source (silence, playback, echo) and write
 * it to the port. Playback resolves sound names through the sound search
 * path and takes decoded audio from the loop's shared cache. */
#define MS_LOG_MODULE "media"
#include "call_internal.h"
#include "media/audio_cache.h"
#include "media/dtmf_inband.h"
#include "media/moh.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_inband_digit(void *ud, char digit)
{
    ms__call_dtmf(ud, digit, MS_DTMF_INBAND);
}

static bool want_inband(const struct ms_call *call)
{
    int mode = call->env->inband_dtmf;
    return call->rate == 8000 && (mode == 1 || (mode == 2 && !call->rfc4733));
}

static void update_inband(struct ms_call *call)
{
    bool want = want_inband(call) && call->port_ops;
    if (want && !call->inband) {
        if (ms__dtmf_inband_new(&call->inband, call->rate, on_inband_digit, call) < 0)
            call->inband = NULL;
    } else if (!want && call->inband) {
        ms__dtmf_inband_free(call->inband);
        call->inband = NULL;
    }
}

int ms__call_set_media(struct ms_call *call, int rate, bool rfc4733,
                       const struct ms_media_port_ops *ops, void *port)
{
    if (rate != 8000 && rate != 16000)
        return MS_EINVAL;
    if (rate != call->rate && call->play.active) {
        /* decoded audio is per rate: restart the current item at the new rate */
        ms_warn(call->id, "media rate changed %d -> %d during playback", call->rate, rate);
    }
    call->rate = rate;
    call->frame = (size_t)rate / (1000 / MS_TICK_MS);
    call->rfc4733 = rfc4733;
    call->port_ops = ops;
    call->port = port;
    update_inband(call);
    return 0;
}

void ms__call_clear_media(struct ms_call *call)
{
    call->port_ops = NULL;
    call->port = NULL;
    update_inband(call);
}

/* ---- playback ---- */

void ms__media_emit(struct ms_call *call, enum ms_media_event_kind kind, bool complete)
{
    if (!call->ops->media_event)
        return;
    const struct ms__playback *pb = &call->play;
    struct ms_media_event ev = {
        .kind = kind,
        .name = kind == MS_MEDIA_ECHO_START || kind == MS_MEDIA_ECHO_END ? "echo"
                : call->tx == TX_MOH && call->moh                      ? call->moh_name
                : pb->names && pb->index < pb->n                       ? pb->names[pb->index]
                                                                       : "",
        .samples = pb->audio ? pb->audio->samples : 0,
        .rate = call->rate,
        .complete = complete,
    };
    call->ops->media_event(call->ep, call, &ev);
}

/* The current item's audio is ready: it starts now. */
static void item_ready(struct ms_call *call, struct ms__audio *audio)
{
    call->play.audio = audio;
    call->play.pos = 0;
    ms__media_emit(call, MS_MEDIA_PLAY_START, false);
}

static bool name_is_safe(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++) {
        if (p[0] == '.' && p[1] == '.' && (p == name || p[-1] == '/') && (p[2] == '/' || !p[2]))
            return false;
    }
    return true;
}

/* Candidate k of a sound name: dir/<rate>/name.wav, then dir/name.wav for each dir;
 * an absolute name is its own (only) candidate. Returns false past the last one. */
static bool candidate_path(const struct ms_call *call, const char *name, size_t k, char *buf,
                           size_t cap)
{
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    const char *ext = dot && (!slash || dot > slash) ? "" : ".wav";
    if (name[0] == '/') {
        if (k > 0)
            return false;
        snprintf(buf, cap, "%s%s", name, ext);
        return true;
    }
    if (k >= 2 * call->env->nsound_dirs)
        return false;
    const char *dir = call->env->sound_dirs[k / 2];
    int n = k % 2 == 0 ? snprintf(buf, cap, "%s/%d/%s%s", dir, call->rate, name, ext)
                       : snprintf(buf, cap, "%s/%s%s", dir, name, ext);
    return n > 0 && (size_t)n < cap;
}

static void playback_finish(struct ms_call *call, int status, const char *failed)
{
    char name[256];
    snprintf(name, sizeof name, "%s", failed ? failed : ""); /* stop frees the names */
    ms__playback_stop(call);
    ms__ops_playback_done(call, status, failed ? name : NULL);
}

static void item_begin(struct ms_call *call);

static void load_done(void *ud, int status, struct ms__audio *audio)
{
    struct ms_call *call = ud;
    struct ms__playback *pb = &call->play;
    pb->req = NULL;
    ms_loop_release(call->env->loop);
    if (status == MS_ECANCELED || !pb->active) {
        if (audio)
            ms__audio_release(audio);
        ms_call_unref(call);
        return;
    }
    if (status == 0) {
        item_ready(call, audio);
    } else if (status == MS_ENOENT) {
        pb->candidate++;
        item_begin(call);
    } else {
        ms_warn(call->id, "cannot play %s: %s", pb->names[pb->index], ms_strerror(status));
        playback_finish(call, status, pb->names[pb->index]);
    }
    ms_call_unref(call);
}

/* Finds the current item in the cache or starts loading its next candidate. */
static void item_begin(struct ms_call *call)
{
    struct ms__playback *pb = &call->play;
    const char *name = pb->names[pb->index];
    char path[1024];
    if (!call->env->audio || !name_is_safe(name)) {
        playback_finish(call, call->env->audio ? MS_EINVAL : MS_ENOENT, name);
        return;
    }
    for (size_t k = 0; pb->candidate == 0 && candidate_path(call, name, k, path, sizeof path); k++) {
        struct ms__audio *audio;
        if (ms__audio_cache_lookup(call->env->audio, path, call->rate, &audio) == 0) {
            item_ready(call, audio);
            return;
        }
    }
    if (!candidate_path(call, name, pb->candidate, path, sizeof path)) {
        ms_warn(call->id, "sound not found: %s", name);
        playback_finish(call, MS_ENOENT, name);
        return;
    }
    int rc = ms__audio_cache_load(call->env->audio, path, call->rate, load_done, call, &pb->req);
    if (rc < 0) {
        playback_finish(call, rc, name);
        return;
    }
    ms_call_ref(call);                /* held until load_done */
    ms_loop_hold(call->env->loop); /* a virtual clock waits for the decode */
}

static void item_next(struct ms_call *call)
{
    struct ms__playback *pb = &call->play;
    if (pb->audio) {
        ms__media_emit(call, MS_MEDIA_PLAY_END, true);
        ms__audio_release(pb->audio);
        pb->audio = NULL;
    }
    pb->candidate = 0;
    if (++pb->index == pb->n) {
        if (pb->loops_left == 1) {
            playback_finish(call, 0, NULL);
            return;
        }
        if (pb->loops_left > 1)
            pb->loops_left--;
        pb->index = 0;
    }
    item_begin(call);
}

int ms__playback_start(struct ms_call *call, const char *const *names, size_t n, int loops)
{
    ms__playback_stop(call);
    struct ms__playback *pb = &call->play;
    pb->names = calloc(n ? n : 1, sizeof(char *));
    if (!pb->names)
        return MS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        pb->names[i] = strdup(names[i]);
        if (!pb->names[i]) {
            pb->n = i;
            ms__playback_stop(call);
            return MS_ENOMEM;
        }
    }
    pb->n = n;
    pb->index = 0;
    pb->candidate = 0;
    pb->loops_left = loops;
    pb->active = true;
    call->tx = TX_PLAY;
    if (n == 0) {
        playback_finish(call, 0, NULL);
        return 0;
    }
    item_begin(call);
    return 0;
}

void ms__playback_stop(struct ms_call *call)
{
    struct ms__playback *pb = &call->play;
    if (pb->req) {
        ms__audio_req_cancel(pb->req); /* load_done runs later with ECANCELED */
        pb->req = NULL;
    }
    if (pb->audio) {
        ms__media_emit(call, MS_MEDIA_PLAY_END, false); /* stopped before its end */
        ms__audio_release(pb->audio);
        pb->audio = NULL;
    }
    for (size_t i = 0; i < pb->n; i++)
        free(pb->names[i]);
    free(pb->names);
    pb->names = NULL;
    pb->n = 0;
    pb->active = false;
    if (call->tx == TX_PLAY)
        call->tx = TX_SILENCE;
}

/* Fills one frame from the playlist; silence where audio is still loading. */
static void playback_fill(struct ms_call *call, int16_t *out, size_t n)
{
    size_t done = 0;
    while (done < n && call->play.active && call->play.audio) {
        struct ms__playback *pb = &call->play;
        size_t left = pb->audio->samples - pb->pos;
        size_t take = left < n - done ? left : n - done;
        memcpy(out + done, pb->audio->pcm + pb->pos, take * sizeof *out);
        pb->pos += take;
        done += take;
        if (pb->pos == pb->audio->samples)
            item_next(call);
    }
    memset(out + done, 0, (n - done) * sizeof *out);
}

/* ---- the tick ---- */

static void media_tick(void *ud, uint64_t tick_ms)
{
    struct ms_call *call = ud;
    int16_t tx[MS_MAX_FRAME];
    size_t n = call->frame;
    call->rx_valid = call->port_ops && call->port_ops->read(call->port, call->rx, n) == 1;
    if (call->rx_valid && call->inband)
        ms__dtmf_inband_feed(call->inband, call->rx, n);
    if (!ms_call_is_over(call) && call->tx == TX_PLAY)
        playback_fill(call, tx, n);
    else if (!ms_call_is_over(call) && call->tx == TX_MOH)
        ms__moh_fill(call->moh, call->rate, tick_ms, tx, n);
    else if (call->tx == TX_ECHO && call->rx_valid)
        memcpy(tx, call->rx, n * sizeof *tx);
    else
        memset(tx, 0, n * sizeof *tx);
    if (call->port_ops && !ms_call_is_over(call))
        call->port_ops->write(call->port, tx, n);
}

void ms__media_start(struct ms_call *call)
{
    ms_tick_add(call->env->loop, &call->tick, media_tick, call);
}

void ms__media_stop(struct ms_call *call)
{
    ms_tick_remove(call->env->loop, &call->tick);
    ms__playback_stop(call);
    call->tx = TX_SILENCE;
    if (call->inband) {
        ms__dtmf_inband_free(call->inband);
        call->inband = NULL;
    }
}
