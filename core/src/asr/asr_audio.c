/* Worker side: an utterance made ready for the decoder (noise suppression,
 * dropping the audio that only primed it, upsampling, level). */
#include "asr/asr_int.h"
#include "media/resample.h"
#include "moonswitch/error.h"

#include <math.h>
#include <speex/speex_preprocess.h>
#include <stdlib.h>
#include <string.h>

#define DECODE_RATE 16000

/* speexdsp's noise suppressor over the whole buffer, 20 ms at a time; it
 * learns the noise from the audio before the speech. */
static void denoise(int16_t *pcm, size_t n, int rate)
{
    int frame = rate / 50, on = 1, off = 0;
    SpeexPreprocessState *st = speex_preprocess_state_init(frame, rate);
    if (!st)
        return;
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &off);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DEREVERB, &off);
    for (size_t i = 0; i + (size_t)frame <= n; i += (size_t)frame)
        speex_preprocess_run(st, pcm + i);
    speex_preprocess_state_destroy(st);
}

/* Scales the audio so its active level (blocks within 20 dB of the loudest)
 * is target dBFS. */
static void normalise(int16_t *pcm, size_t n, double target)
{
    enum { BLOCK = 320 };
    double peak = 0, sum = 0;
    size_t count = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i + BLOCK <= n; i += BLOCK) {
            double e = 0;
            for (size_t j = 0; j < BLOCK; j++)
                e += (double)pcm[i + j] * pcm[i + j];
            e /= BLOCK;
            if (pass == 0 && e > peak)
                peak = e;
            if (pass == 1 && e >= peak * 0.01) {
                sum += e;
                count++;
            }
        }
    }
    if (!count || sum <= 0)
        return;
    double level = 10 * log10(sum / (double)count / (32768.0 * 32768.0));
    double gain_db = target - level;
    gain_db = gain_db > 40 ? 40 : gain_db < -40 ? -40 : gain_db;
    double gain = pow(10, gain_db / 20);
    for (size_t i = 0; i < n; i++) {
        double v = pcm[i] * gain;
        pcm[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrint(v));
    }
}

int ms__asr_prepare_audio(const struct ms__asr_tuning *t, struct asr_job *job, int16_t **out,
                          size_t *out_n)
{
    size_t skip = job->skip < job->n ? job->skip : job->n;
    if (t->denoise)
        denoise(job->pcm, job->n, job->rate);
    const int16_t *pcm = job->pcm + skip;
    size_t n = job->n - skip;
    int16_t *up = NULL;
    size_t un = 0;
    int rc = 0;
    if (n == 0)
        up = NULL;
    else if (job->rate == DECODE_RATE && (up = malloc(n * sizeof *up)))
        memcpy(up, pcm, n * sizeof *up), un = n;
    else if (job->rate == DECODE_RATE)
        rc = MS_ENOMEM;
    else
        rc = ms__resample_buffer(pcm, n, job->rate, DECODE_RATE, MS__RESAMPLE_Q_ONESHOT, &up, &un);
    if (rc < 0)
        return rc;
    if (t->level_dbfs != 0 && un)
        normalise(up, un, t->level_dbfs);
    *out = up;
    *out_n = un;
    return 0;
}
