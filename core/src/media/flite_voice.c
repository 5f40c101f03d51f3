#include "media/flite_voice.h"
#include "media/resample.h"
#include "moonswitch/error.h"

#include <flite/flite.h>
#include <pthread.h>
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
    pthread_once(&load_once, load_all);
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

int ms__flite_render(const char *text, int rate, int16_t **pcm, size_t *n)
{
    return ms__flite_render_voice(&voices[V_KAL], text, rate, pcm, n);
}
