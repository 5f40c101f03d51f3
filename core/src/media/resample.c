#include "media/resample.h"
#include "moonswitch/error.h"

#include <speex/speex_resampler.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Input is fed to speex in blocks of at most this many samples, so that
 * counts fit its 32-bit lengths whatever the caller passes. */
#define RS_BLOCK 65536u

struct ms__resampler {
    SpeexResamplerState *st; /* NULL when the rates are equal (copy) */
    int in_rate, out_rate;
    unsigned flags;
    size_t out_latency;
    uint64_t in_total, out_total; /* since the stream started */
};

static bool rate_ok(int rate)
{
    return rate >= 1000 && rate <= 192000;
}

static uint64_t scale_ceil(uint64_t n, int from, int to)
{
    return (n * (uint64_t)to + (uint64_t)from - 1) / (uint64_t)from;
}

static void rs_start_stream(struct ms__resampler *r)
{
    r->in_total = 0;
    r->out_total = 0;
    if (!r->st)
        return;
    speex_resampler_reset_mem(r->st);
    if (!(r->flags & MS__RESAMPLE_KEEP_DELAY))
        speex_resampler_skip_zeros(r->st);
}

int ms__resampler_new(struct ms__resampler **out, int in_rate, int out_rate, int quality,
                      unsigned flags)
{
    if (!out || !rate_ok(in_rate) || !rate_ok(out_rate) || quality < 0 || quality > 10)
        return MS_EINVAL;
    struct ms__resampler *r = calloc(1, sizeof(*r));
    if (!r)
        return MS_ENOMEM;
    r->in_rate = in_rate;
    r->out_rate = out_rate;
    r->flags = flags;
    if (in_rate != out_rate) {
        int err = 0;
        r->st =
            speex_resampler_init(1, (spx_uint32_t)in_rate, (spx_uint32_t)out_rate, quality, &err);
        if (!r->st)
            goto fail_speex;
        r->out_latency = (size_t)speex_resampler_get_output_latency(r->st);
    }
    rs_start_stream(r);
    *out = r;
    return 0;

fail_speex:
    free(r);
    return MS_ENOMEM;
}

void ms__resampler_free(struct ms__resampler *r)
{
    if (!r)
        return;
    if (r->st)
        speex_resampler_destroy(r->st);
    free(r);
}

size_t ms__resampler_out_max(const struct ms__resampler *r, size_t in_samples)
{
    return (size_t)scale_ceil(in_samples, r->in_rate, r->out_rate) + 2;
}

size_t ms__resampler_flush_max(const struct ms__resampler *r)
{
    return r->st ? r->out_latency + (size_t)(r->out_rate / r->in_rate) + 4 : 0;
}

/* One speex call; in == NULL feeds zeros. Returns false if it made no progress. */
static bool rs_step(struct ms__resampler *r, const int16_t *in, spx_uint32_t *in_len, int16_t *out,
                    spx_uint32_t *out_len)
{
    speex_resampler_process_int(r->st, 0, in, in_len, out, out_len);
    return *in_len > 0 || *out_len > 0;
}

int ms__resampler_process(struct ms__resampler *r, const int16_t *in, size_t n, int16_t *out,
                          size_t cap)
{
    if (!r || (n && (!in || !out)))
        return MS_EINVAL;
    size_t need = ms__resampler_out_max(r, n);
    if (need > (size_t)INT32_MAX)
        return MS_EINVAL;
    if (cap < need)
        return MS_ENOSPC;
    if (cap > (size_t)INT32_MAX)
        cap = INT32_MAX;
    if (n == 0)
        return 0;
    if (!r->st) {
        memcpy(out, in, n * sizeof(*in));
        r->in_total += n;
        r->out_total += n;
        return (int)n;
    }
    size_t done_in = 0, done_out = 0;
    while (done_in < n) {
        size_t left = n - done_in;
        spx_uint32_t il = left > RS_BLOCK ? RS_BLOCK : (spx_uint32_t)left;
        spx_uint32_t ol = (spx_uint32_t)(cap - done_out);
        if (!rs_step(r, in + done_in, &il, out + done_out, &ol))
            return MS_ENOSPC; /* not reached when cap >= out_max */
        done_in += il;
        done_out += ol;
    }
    r->in_total += n;
    r->out_total += done_out;
    return (int)done_out;
}

/* Samples still owed to the caller for the stream so far. */
static size_t rs_owed(const struct ms__resampler *r)
{
    uint64_t expected = scale_ceil(r->in_total, r->in_rate, r->out_rate);
    if (r->flags & MS__RESAMPLE_KEEP_DELAY)
        expected += r->out_latency;
    return expected > r->out_total ? (size_t)(expected - r->out_total) : 0;
}

int ms__resampler_flush(struct ms__resampler *r, int16_t *out, size_t cap)
{
    if (!r)
        return MS_EINVAL;
    if (!r->st) {
        rs_start_stream(r);
        return 0;
    }
    size_t owed = rs_owed(r);
    if (owed > cap || (owed && !out))
        return owed > cap ? MS_ENOSPC : MS_EINVAL;
    size_t done = 0;
    while (done < owed) {
        spx_uint32_t il = RS_BLOCK, ol = (spx_uint32_t)(owed - done);
        if (!rs_step(r, NULL, &il, out + done, &ol))
            break;
        done += ol;
    }
    rs_start_stream(r);
    return (int)done;
}

static int rs_copy(const int16_t *in, size_t n, int16_t **out, size_t *out_n)
{
    int16_t *buf = malloc(n * sizeof(*buf));
    if (!buf)
        return MS_ENOMEM;
    memcpy(buf, in, n * sizeof(*buf));
    *out = buf;
    *out_n = n;
    return 0;
}

static int rs_convert(struct ms__resampler *r, const int16_t *in, size_t n, int16_t **out,
                      size_t *out_n)
{
    size_t cap = ms__resampler_out_max(r, n) + ms__resampler_flush_max(r), len = 0;
    int16_t *buf = malloc(cap * sizeof(*buf));
    if (!buf)
        return MS_ENOMEM;
    for (size_t done = 0, blk; done < n; done += blk) { /* process() counts are ints */
        blk = n - done > RS_BLOCK * 16 ? RS_BLOCK * 16 : n - done;
        int got = ms__resampler_process(r, in + done, blk, buf + len, cap - len);
        if (got < 0)
            goto fail;
        len += (size_t)got;
    }
    int got = ms__resampler_flush(r, buf + len, cap - len);
    if (got < 0)
        goto fail;
    len += (size_t)got;
    int16_t *fit = realloc(buf, (len ? len : 1) * sizeof(*buf));
    *out = fit ? fit : buf;
    *out_n = len;
    return 0;

fail:
    free(buf);
    return MS_ENOSPC;
}

int ms__resample_buffer(const int16_t *in, size_t n, int in_rate, int out_rate, int quality,
                        int16_t **out, size_t *out_n)
{
    if ((n && !in) || !out || !out_n || !rate_ok(in_rate) || !rate_ok(out_rate))
        return MS_EINVAL;
    if (n == 0) {
        *out = NULL;
        *out_n = 0;
        return 0;
    }
    if (in_rate == out_rate)
        return rs_copy(in, n, out, out_n);
    struct ms__resampler *r;
    int rc = ms__resampler_new(&r, in_rate, out_rate, quality, 0);
    if (rc < 0)
        return rc;
    int16_t *buf = NULL;
    size_t got = 0;
    rc = rs_convert(r, in, n, &buf, &got);
    ms__resampler_free(r);
    if (rc < 0)
        return rc;
    *out = buf;
    *out_n = got;
    return 0;
}
