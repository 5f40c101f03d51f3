#include "media/dtmf_inband.h"
#include "media/resample.h"
#include "media/spandsp_sub.h"
#include "moonswitch/error.h"

#include <stdlib.h>

/* 16 kHz input is decimated in blocks of this many samples. */
#define DI_BLOCK 320

struct ms__dtmf_inband {
    dtmf_rx_state_t *rx;
    struct ms__resampler *down; /* 16000 -> 8000, or NULL at 8000 */
    ms__dtmf_digit_cb cb;
    void *ud;
};

static void di_on_digits(void *user_data, const char *digits, int len)
{
    struct ms__dtmf_inband *d = user_data;
    for (int i = 0; i < len; i++)
        d->cb(d->ud, digits[i]);
}

int ms__dtmf_inband_new(struct ms__dtmf_inband **out, int rate, ms__dtmf_digit_cb cb, void *ud)
{
    if (!out || !cb || (rate != 8000 && rate != 16000))
        return MS_EINVAL;
    struct ms__dtmf_inband *d = calloc(1, sizeof(*d));
    if (!d)
        return MS_ENOMEM;
    d->cb = cb;
    d->ud = ud;
    int rc = MS_ENOMEM;
    d->rx = dtmf_rx_init(NULL, di_on_digits, d);
    if (!d->rx)
        goto fail_rx;
    if (rate == 16000) {
        rc = ms__resampler_new(&d->down, 16000, 8000, MS__RESAMPLE_Q_STREAM,
                               MS__RESAMPLE_KEEP_DELAY);
        if (rc < 0)
            goto fail_down;
    }
    *out = d;
    return 0;

fail_down:
    dtmf_rx_free(d->rx);
fail_rx:
    free(d);
    return rc;
}

void ms__dtmf_inband_free(struct ms__dtmf_inband *d)
{
    if (!d)
        return;
    dtmf_rx_free(d->rx);
    ms__resampler_free(d->down);
    free(d);
}

static int di_feed_16k(struct ms__dtmf_inband *d, const int16_t *pcm, size_t samples)
{
    int16_t low[DI_BLOCK];
    for (size_t off = 0; off < samples; off += DI_BLOCK) {
        size_t n = samples - off < DI_BLOCK ? samples - off : DI_BLOCK;
        int got = ms__resampler_process(d->down, pcm + off, n, low, DI_BLOCK);
        if (got < 0)
            return got;
        dtmf_rx(d->rx, low, got);
    }
    return 0;
}

int ms__dtmf_inband_feed(struct ms__dtmf_inband *d, const int16_t *pcm, size_t samples)
{
    if (!d || (samples && !pcm))
        return MS_EINVAL;
    if (d->down)
        return di_feed_16k(d, pcm, samples);
    for (size_t off = 0; off < samples; off += DI_BLOCK) {
        size_t n = samples - off < DI_BLOCK ? samples - off : DI_BLOCK;
        dtmf_rx(d->rx, pcm + off, (int)n);
    }
    return 0;
}
