#include "media/flite_voice.h"
#include "media/resample.h"
#include "moonswitch/error.h"

#include <flite/flite.h>
#include <stdlib.h>
#include <string.h>

cst_voice *register_cmu_us_kal(const char *voxdir); /* no flite header declares it */

static cst_voice *kal(void)
{
    static cst_voice *voice;
    if (!voice) {
        flite_init();
        voice = register_cmu_us_kal(NULL);
    }
    return voice;
}

int ms__flite_render(const char *text, int rate, int16_t **pcm, size_t *n)
{
    if (!text || !*text)
        return MS_EINVAL;
    cst_voice *v = kal();
    if (!v)
        return MS_ENOMEM;
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
