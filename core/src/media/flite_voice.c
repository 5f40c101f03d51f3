#include "media/flite_voice.h"
#include "media/resample.h"
#include "moonswitch/error.h"

#include <flite/flite.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* No flite header declares the voice registration functions. */
cst_voice *register_cmu_us_kal(const char *voxdir);
cst_voice *register_cmu_us_kal16(const char *voxdir);
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);

enum { V_KAL, V_KAL16, V_SLT, V_RMS, V_AWB, V_COUNT };

static const struct ms__flite_voice voices[V_COUNT] = {
    [V_KAL] = {"kal", 8000},  [V_KAL16] = {"kal16", 16000}, [V_SLT] = {"slt", 16000},
    [V_RMS] = {"rms", 16000}, [V_AWB] = {"awb", 16000},
};

static cst_voice *(*const registrars[V_COUNT])(const char *) = {
    [V_KAL] = register_cmu_us_kal, [V_KAL16] = register_cmu_us_kal16, [V_SLT] = register_cmu_us_slt,
    [V_RMS] = register_cmu_us_rms, [V_AWB] = register_cmu_us_awb,
};

/* Written once under pthread_once, read-only afterwards. */
static cst_voice *loaded[V_COUNT];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* All voices at once: registering one is a few allocations (their data is
 * static in the libraries), and one pthread_once keeps it simple. */
static void load_all(void)
{
    flite_init();
    for (int i = 0; i < V_COUNT; i++)
        loaded[i] = registrars[i](NULL);
}

void ms__flite_voices_load(void)
{
    pthread_once(&load_once, load_all);
}

const struct ms__flite_voice *ms__flite_voice_find(const char *name)
{
    if (!name || !*name)
        return &voices[V_KAL];
    for (int i = 0; i < V_COUNT; i++)
        if (strcmp(voices[i].name, name) == 0)
            return &voices[i];
    return NULL;
}

static cst_voice *voice_handle(const struct ms__flite_voice *voice)
{
    if (voice < voices || voice >= voices + V_COUNT)
        return NULL;
    ms__flite_voices_load();
    return loaded[voice - voices];
}

int ms__flite_render_voice(const struct ms__flite_voice *voice, const char *text, int rate,
                           int16_t **pcm, size_t *n)
{
    if (!text || !*text || rate < 1000 || rate > 192000)
        return MS_EINVAL;
    cst_voice *v = voice_handle(voice);
    if (!v)
        return voice ? MS_ENOMEM : MS_EINVAL;
    cst_wave *w = flite_text_to_wave(text, v);
    if (!w || w->num_channels != 1 || w->num_samples <= 0) {
        if (w)
            delete_wave(w);
        return MS_EFORMAT;
    }
    int rc = ms__resample_buffer(w->samples, (size_t)w->num_samples, w->sample_rate, rate,
                                 MS__RESAMPLE_Q_ONESHOT, pcm, n);
    delete_wave(w);
    return rc < 0 ? rc : 0;
}

struct chunk_ctx {
    ms__flite_chunk_cb cb;
    void *ud;
    int rc;
    bool any;
};

/* flite's audio streaming callback: runs inside utt_synth. */
static int on_chunk(const cst_wave *w, int start, int size, int last, cst_audio_streaming_info *asi)
{
    (void)last;
    struct chunk_ctx *c = asi->userdata;
    if (size <= 0)
        return CST_AUDIO_STREAM_CONT;
    c->any = true;
    int rc = c->cb(c->ud, w->samples + start, (size_t)size, (size_t)w->num_samples);
    if (rc < 0) {
        c->rc = rc;
        return CST_AUDIO_STREAM_STOP;
    }
    return CST_AUDIO_STREAM_CONT;
}

int ms__flite_synth_stream(const struct ms__flite_voice *voice, const char *text,
                           ms__flite_chunk_cb cb, void *ud)
{
    if (!text || !*text || !cb)
        return MS_EINVAL;
    cst_voice *v = voice_handle(voice);
    if (!v)
        return voice ? MS_ENOMEM : MS_EINVAL;
    struct chunk_ctx c = {.cb = cb, .ud = ud};
    cst_audio_streaming_info *asi = new_audio_streaming_info();
    cst_utterance *u = new_utterance();
    if (!asi || !u) {
        if (asi)
            delete_audio_streaming_info(asi);
        if (u)
            delete_utterance(u);
        return MS_ENOMEM;
    }
    asi->asc = on_chunk;
    asi->userdata = &c;
    utt_set_input_text(u, text);
    utt_init(u, v);
    /* On the utterance, not the shared voice: the utterance owns asi now. */
    feat_set(u->features, "streaming_info", audio_streaming_info_val(asi));
    utt_synth(u);
    delete_utterance(u);
    if (c.rc < 0)
        return c.rc;
    return c.any ? 0 : MS_EFORMAT;
}

int ms__flite_render(const char *text, int rate, int16_t **pcm, size_t *n)
{
    return ms__flite_render_voice(&voices[V_KAL], text, rate, pcm, n);
}
