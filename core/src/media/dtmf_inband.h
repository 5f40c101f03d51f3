/* In-band DTMF detection (spandsp dtmf_rx) on a call's decoded audio.
 *
 * Feed it the L16 frames of the read direction (any size; the pipeline's
 * 160- or 320-sample frames). Each key press is reported once, when spandsp
 * has confirmed it (about 40 ms into the tone), through the callback given
 * at creation, synchronously from inside ms__dtmf_inband_feed.
 *
 * Rates: 8000 natively; 16000 (G.722 calls) is accepted and low-passed and
 * decimated to 8000 inside with a speexdsp resampler (DTMF tops out at
 * 1633 Hz), so the caller need not downsample.
 *
 * struct ms__dtmf_inband: owned by the call's media pipeline (one per call),
 *   used from the call's loop thread only, freed with ms__dtmf_inband_free.
 *   The callback must not free the detector.
 */
#ifndef MS_MEDIA_DTMF_INBAND_H
#define MS_MEDIA_DTMF_INBAND_H

#include <stddef.h>
#include <stdint.h>

/* digit is one of 0-9 * # A-D. */
typedef void (*ms__dtmf_digit_cb)(void *ud, char digit);

struct ms__dtmf_inband;

/* rate 8000 or 16000; cb required. 0, MS_EINVAL or MS_ENOMEM. */
int ms__dtmf_inband_new(struct ms__dtmf_inband **out, int rate, ms__dtmf_digit_cb cb, void *ud);
void ms__dtmf_inband_free(struct ms__dtmf_inband *d); /* NULL is a no-op */
/* Runs detection over `samples` samples; 0 or MS_EINVAL. */
int ms__dtmf_inband_feed(struct ms__dtmf_inband *d, const int16_t *pcm, size_t samples);

#endif
