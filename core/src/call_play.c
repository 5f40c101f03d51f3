/* Playback: a list of items played back to back as the call's transmit
 * source — sounds (resolved through the sound directories, decoded once in
 * the loop's prompt cache), speech (text to speech, synthesised off the
 * loop) and tones (generated). Used by play, gather's prompt, say and speak. */
#define MS_LOG_MODULE "media"
#include "base/path.h"
#include "call_internal.h"
#include "media/audio_cache.h"
#include "media/tone_gen.h"
#include "media/tts.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sound names ---- */

/* A sound name: relative (looked up in the sound directories), or absolute
 * inside a sound directory or the recordings directory (a recorded message);
 * never with a ".." component: a name built from caller input cannot leave
 * those directories. */
static bool name_is_safe(const struct ms_call *call, const char *name)
{
    char buf[1024];
    if (!*name || ms__path_inside("/", name[0] == '/' ? name + 1 : name, buf, sizeof buf) < 0)
        return false; /* empty, or a ".." component */
    if (name[0] != '/')
        return true;
    const struct ms_call_env *env = call->env;
    for (size_t i = 0; i < env->nsound_dirs; i++)
        if (ms__path_inside(env->sound_dirs[i], name, buf, sizeof buf) == 0)
            return true;
    return env->recordings_dir && ms__path_inside(env->recordings_dir, name, buf, sizeof buf) == 0;
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

/* ---- the list ---- */

static struct ms__play_item *current(struct ms_call *call)
{
    struct ms__playback *pb = &call->play;
    return pb->items && pb->index < pb->n ? &pb->items[pb->index] : NULL;
}

static void playback_finish(struct ms_call *call, int status, const char *failed)
{
    char what[256];
    snprintf(what, sizeof what, "%s", failed ? failed : ""); /* stop frees the items */
    ms__playback_stop(call);
    ms__ops_playback_done(call, status, failed ? what : NULL);
}

/* The current item starts sounding now. */
static void item_started(struct ms_call *call)
{
    call->play.started = true;
    ms__media_emit(call, MS_MEDIA_PLAY_START, false);
}

/* Releases what the current item holds; complete: it played to its end. */
static void item_release(struct ms_call *call, bool complete)
{
    struct ms__playback *pb = &call->play;
    if (pb->started)
        ms__media_emit(call, MS_MEDIA_PLAY_END, complete);
    pb->started = false;
    if (pb->req) {
        ms__audio_req_cancel(pb->req); /* load_done runs later with ECANCELED */
        pb->req = NULL;
    }
    ms__audio_release(pb->audio);
    pb->audio = NULL;
    ms__tts_close(pb->tts);
    pb->tts = NULL;
    ms__tone_gen_free(pb->tone);
    pb->tone = NULL;
    pb->pausing = false;
    pb->candidate = 0;
}

static void item_begin(struct ms_call *call);

static void load_done(void *ud, int status, struct ms__audio *audio)
{
    struct ms_call *call = ud;
    struct ms__playback *pb = &call->play;
    ms_loop_release(call->env->loop);
    if (status == MS_ECANCELED || !pb->active) {
        ms__audio_release(audio);
        ms_call_unref(call);
        return;
    }
    pb->req = NULL;
    if (status == 0) {
        pb->audio = audio;
        pb->pos = 0;
        item_started(call);
    } else if (status == MS_ENOENT) {
        pb->candidate++;
        item_begin(call);
    } else {
        ms_warn(call->id, "cannot play %s: %s", current(call)->text, ms_strerror(status));
        playback_finish(call, status, current(call)->text);
    }
    ms_call_unref(call);
}

/* Finds a sound in the cache or starts loading its next candidate. */
static void sound_begin(struct ms_call *call, const char *name)
{
    struct ms__playback *pb = &call->play;
    char path[1024];
    if (!call->env->audio || !name_is_safe(call, name)) {
        playback_finish(call, call->env->audio ? MS_EINVAL : MS_ENOENT, name);
        return;
    }
    for (size_t k = 0; pb->candidate == 0 && candidate_path(call, name, k, path, sizeof path);
         k++) {
        if (ms__audio_cache_lookup(call->env->audio, path, call->rate, &pb->audio) == 0) {
            pb->pos = 0;
            item_started(call);
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
    ms_call_ref(call);             /* held until load_done */
    ms_loop_hold(call->env->loop); /* a virtual clock waits for the decode */
}

static void speech_begin(struct ms_call *call, const struct ms__play_item *it)
{
    struct ms__playback *pb = &call->play;
    int rc = call->env->tts
                 ? ms__tts_speak(call->env->tts, it->text, it->voice, call->rate, &pb->tts)
                 : MS_ENOSYS;
    if (rc < 0) {
        ms_warn(call->id, "cannot speak \"%.60s\" (voice %s): %s", it->text,
                it->voice ? it->voice : "kal", ms_strerror(rc));
        playback_finish(call, rc, it->voice ? it->voice : it->text);
        return;
    }
    item_started(call);
}

static void tone_begin(struct ms_call *call, const struct ms__play_item *it)
{
    char err[160] = "";
    struct ms__tone_gen_opts o = {.duration_ms = it->ms};
    int rc = ms__tone_gen_new(&call->play.tone, it->text, call->rate, &o, err, sizeof err);
    if (rc < 0) {
        char what[256];
        snprintf(what, sizeof what, "%s: %s", it->text, err);
        playback_finish(call, rc, what);
        return;
    }
    item_started(call);
}

static void item_begin(struct ms_call *call)
{
    const struct ms__play_item *it = current(call);
    switch (it->kind) {
    case MS_PLAY_PAUSE:
        call->play.pause_left = (size_t)it->ms * (size_t)call->rate / 1000u;
        call->play.pausing = true;
        break;
    case MS_PLAY_SOUND:
        sound_begin(call, it->text);
        break;
    case MS_PLAY_SPEAK:
        speech_begin(call, it);
        break;
    case MS_PLAY_TONE:
        tone_begin(call, it);
        break;
    }
}

static void item_next(struct ms_call *call)
{
    struct ms__playback *pb = &call->play;
    item_release(call, true);
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

static void free_items(struct ms__playback *pb)
{
    for (size_t i = 0; i < pb->n; i++) {
        free(pb->items[i].text);
        free(pb->items[i].voice);
    }
    free(pb->items);
    pb->items = NULL;
    pb->n = 0;
}

int ms__playback_start(struct ms_call *call, const struct ms_play_item *items, size_t n, int loops)
{
    ms__playback_stop(call);
    struct ms__playback *pb = &call->play;
    pb->items = calloc(n ? n : 1, sizeof *pb->items);
    if (!pb->items)
        return MS_ENOMEM;
    for (size_t i = 0; i < n; i++, pb->n++) {
        struct ms__play_item *it = &pb->items[i];
        it->kind = items[i].kind;
        it->ms = items[i].ms;
        it->text = strdup(items[i].text ? items[i].text : "");
        it->voice = items[i].voice ? strdup(items[i].voice) : NULL;
        if (!it->text || (items[i].voice && !it->voice)) {
            pb->n++;
            free_items(pb);
            return MS_ENOMEM;
        }
    }
    pb->index = 0;
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
    item_release(call, false);
    free_items(pb);
    pb->active = false;
    if (call->tx == TX_PLAY)
        call->tx = TX_SILENCE;
}

/* ---- one frame ---- */

/* Samples of the current item into out; 0 means: nothing now (loading or
 * waiting for speech); sets *ended when the item has given everything. */
static size_t item_read(struct ms_call *call, int16_t *out, size_t n, bool *ended, int *err)
{
    struct ms__playback *pb = &call->play;
    *ended = false;
    if (pb->audio) {
        size_t left = pb->audio->samples - pb->pos, take = left < n ? left : n;
        memcpy(out, pb->audio->pcm + pb->pos, take * sizeof *out);
        pb->pos += take;
        *ended = pb->pos == pb->audio->samples;
        return take;
    }
    if (pb->tts) {
        int got = ms__tts_read(pb->tts, out, n);
        if (got < 0)
            *err = got;
        *ended = got == 0 && ms__tts_done(pb->tts);
        return got > 0 ? (size_t)got : 0;
    }
    if (pb->tone) {
        size_t got = ms__tone_gen_read(pb->tone, out, n);
        *ended = ms__tone_gen_done(pb->tone);
        return got;
    }
    if (pb->pausing) {
        size_t take = pb->pause_left < n ? pb->pause_left : n;
        memset(out, 0, take * sizeof *out);
        pb->pause_left -= take;
        *ended = pb->pause_left == 0;
        return take;
    }
    return 0; /* a sound still loading */
}

void ms__playback_fill(struct ms_call *call, int16_t *out, size_t n)
{
    size_t done = 0;
    while (done < n && call->play.active) {
        bool ended;
        int err = 0;
        size_t got = item_read(call, out + done, n - done, &ended, &err);
        done += got;
        if (err) {
            playback_finish(call, err, current(call)->text);
            break;
        }
        if (ended)
            item_next(call);
        else if (got == 0)
            break;
    }
    memset(out + done, 0, (n - done) * sizeof *out);
}
