/* Resampler: length, frequency and energy preserved, no appended silence,
 * streaming equals one-shot, fixed-delay framing, bad arguments. */
#include "media/resample.h"
#include "moonswitch/error.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

static int16_t *make_sine(size_t n, int rate, double freq, double amp)
{
    int16_t *p = malloc(n * sizeof(*p));
    for (size_t i = 0; i < n; i++)
        p[i] = (int16_t)lrint(amp * sin(2 * PI * freq * (double)i / rate));
    return p;
}

static double rms(const int16_t *p, size_t n)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += (double)p[i] * p[i];
    return n ? sqrt(acc / (double)n) : 0;
}

/* Relative power of `freq` in p (Goertzel), normalised to the total power. */
static double tone_share(const int16_t *p, size_t n, int rate, double freq)
{
    double w = 2 * PI * freq / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = p[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - c * s1 * s2;
    double total = rms(p, n);
    return power / ((double)n * n / 4.0) / (2.0 * total * total + 1e-9);
}

static void test_roundtrip_8k_16k_8k(void)
{
    size_t n = 8000; /* one second */
    int16_t *in = make_sine(n, 8000, 1000, 10000);
    int16_t *up = NULL, *down = NULL;
    size_t up_n = 0, down_n = 0;
    CHECK_EQ_INT(ms__resample_buffer(in, n, 8000, 16000, 8, &up, &up_n), 0);
    CHECK_EQ_INT(up_n, 16000);
    CHECK_EQ_INT(ms__resample_buffer(up, up_n, 16000, 8000, 8, &down, &down_n), 0);
    CHECK_EQ_INT(down_n, 8000);
    double r_in = rms(in, n), r_up = rms(up, up_n), r_down = rms(down, down_n);
    CHECK(fabs(r_up / r_in - 1) < 0.03);
    CHECK(fabs(r_down / r_in - 1) < 0.03);
    CHECK(tone_share(up, up_n, 16000, 1000) > 0.95);
    CHECK(tone_share(down, down_n, 8000, 1000) > 0.95);
    CHECK(tone_share(down, down_n, 8000, 1200) < 0.01);
    /* no appended silence and no cut: the last and first 10 ms carry the tone */
    CHECK(rms(up + up_n - 160, 160) > 0.9 * r_in);
    CHECK(rms(down + down_n - 80, 80) > 0.9 * r_in);
    CHECK(rms(up, 160) > 0.8 * r_in);
    /* and the tone is aligned: sample for sample close to the original */
    double err = 0;
    for (size_t i = 200; i < n - 200; i++)
        err += fabs((double)down[i] - in[i]);
    CHECK(err / (double)(n - 400) < 300);
    free(in);
    free(up);
    free(down);
}

static void test_fractional_lengths(void)
{
    static const int rates[][2] = {
        {44100, 8000}, {8000, 44100}, {22050, 16000}, {48000, 8000}, {11025, 8000}};
    for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
        for (size_t n = 1; n < 30000; n = n * 3 + 7) {
            int16_t *in = make_sine(n, rates[k][0], 440, 8000), *out = NULL;
            size_t out_n = 0;
            CHECK_EQ_INT(ms__resample_buffer(in, n, rates[k][0], rates[k][1], 4, &out, &out_n), 0);
            size_t want = (n * (size_t)rates[k][1] + (size_t)rates[k][0] - 1) / (size_t)rates[k][0];
            CHECK_EQ_INT(out_n, want);
            free(in);
            free(out);
        }
    }
}

static void test_stream_equals_oneshot(void)
{
    size_t n = 4000;
    int16_t *in = make_sine(n, 8000, 697, 9000), *ref = NULL;
    size_t ref_n = 0;
    CHECK_EQ_INT(ms__resample_buffer(in, n, 8000, 16000, 4, &ref, &ref_n), 0);
    struct ms__resampler *r;
    CHECK_EQ_INT(ms__resampler_new(&r, 8000, 16000, 4, 0), 0);
    int16_t *out = calloc(ref_n + 64, sizeof(*out));
    for (int pass = 0; pass < 2; pass++) { /* the object is reusable after flush */
        size_t got = 0;
        for (size_t off = 0; off < n;) {
            size_t blk = 1 + (off * 7) % 333; /* odd frame sizes */
            if (blk > n - off)
                blk = n - off;
            int rc =
                ms__resampler_process(r, in + off, blk, out + got, ms__resampler_out_max(r, blk));
            CHECK(rc >= 0 && (size_t)rc <= ms__resampler_out_max(r, blk));
            got += (size_t)rc;
            off += blk;
        }
        int rc = ms__resampler_flush(r, out + got, ms__resampler_flush_max(r));
        CHECK(rc >= 0);
        got += (size_t)rc;
        CHECK_EQ_INT(got, ref_n);
        CHECK(memcmp(out, ref, ref_n * sizeof(*out)) == 0);
    }
    ms__resampler_free(r);
    free(out);
    free(in);
    free(ref);
}

static void test_keep_delay_frames(void)
{
    struct ms__resampler *up, *down;
    CHECK_EQ_INT(ms__resampler_new(&up, 8000, 16000, 3, MS__RESAMPLE_KEEP_DELAY), 0);
    CHECK_EQ_INT(ms__resampler_new(&down, 16000, 8000, 3, MS__RESAMPLE_KEEP_DELAY), 0);
    int16_t *in = make_sine(160 * 50, 8000, 1000, 8000);
    int16_t mid[400], back[200], tail[400];
    for (int f = 0; f < 50; f++) {
        CHECK_EQ_INT(ms__resampler_process(up, in + f * 160, 160, mid, 400), 320);
        CHECK_EQ_INT(ms__resampler_process(down, mid, 320, back, 200), 160);
    }
    CHECK(rms(back, 160) > 0.9 * rms(in, 160));
    int t = ms__resampler_flush(up, tail, sizeof(tail) / sizeof(tail[0]));
    CHECK(t > 0 && (size_t)t <= ms__resampler_flush_max(up));
    CHECK(rms(tail, (size_t)t) > 1000); /* the held-back tail is signal, not silence */
    ms__resampler_free(up);
    ms__resampler_free(down);
    free(in);
}

static void test_bounds_all_modes(void)
{
    static const int rates[][2] = {{8000, 16000},  {16000, 8000},  {44100, 8000}, {8000, 44100},
                                   {22050, 16000}, {48000, 16000}, {11025, 8000}};
    static const int qualities[] = {0, 3, 5, 8, 10};
    enum { N = 9000 };
    int16_t *in = make_sine(N, 8000, 700, 12000);
    int16_t *out = malloc(8 * N * sizeof(*out));
    for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
        for (size_t q = 0; q < sizeof(qualities) / sizeof(qualities[0]); q++) {
            for (unsigned flags = 0; flags <= MS__RESAMPLE_KEEP_DELAY; flags++) {
                struct ms__resampler *r;
                CHECK_EQ_INT(ms__resampler_new(&r, rates[k][0], rates[k][1], qualities[q], flags),
                             0);
                size_t got = 0;
                for (size_t off = 0, blk; off < N; off += blk) {
                    blk = 1 + (off * 13) % 500;
                    if (blk > N - off)
                        blk = N - off;
                    int rc = ms__resampler_process(r, in + off, blk, out + got,
                                                   ms__resampler_out_max(r, blk));
                    CHECK(rc >= 0);
                    got += (size_t)rc;
                }
                int rc = ms__resampler_flush(r, out + got, ms__resampler_flush_max(r));
                CHECK(rc > 0);
                got += (size_t)rc;
                size_t want = ((size_t)N * (size_t)rates[k][1] + (size_t)rates[k][0] - 1) /
                              (size_t)rates[k][0];
                if (flags == 0)
                    CHECK_EQ_INT(got, want);
                else
                    CHECK(got > want && got < want + ms__resampler_flush_max(r));
                ms__resampler_free(r);
            }
        }
    }
    free(in);
    free(out);
}

static void test_short_and_empty(void)
{
    int16_t in[5] = {1000, 2000, 3000, 2000, 1000}, *out = NULL;
    size_t out_n = 99;
    CHECK_EQ_INT(ms__resample_buffer(in, 5, 8000, 16000, 4, &out, &out_n), 0);
    CHECK_EQ_INT(out_n, 10);
    CHECK(rms(out, out_n) > 500);
    free(out);
    CHECK_EQ_INT(ms__resample_buffer(in, 0, 8000, 16000, 4, &out, &out_n), 0);
    CHECK(out == NULL);
    CHECK_EQ_INT(out_n, 0);
    CHECK_EQ_INT(ms__resample_buffer(in, 5, 16000, 16000, 4, &out, &out_n), 0);
    CHECK_EQ_INT(out_n, 5);
    CHECK(memcmp(out, in, sizeof(in)) == 0);
    free(out);
    struct ms__resampler *r;
    CHECK_EQ_INT(ms__resampler_new(&r, 8000, 16000, 4, 0), 0);
    int16_t buf[64];
    CHECK_EQ_INT(ms__resampler_flush(r, buf, 64), 0); /* nothing in, nothing out */
    CHECK_EQ_INT(ms__resampler_process(r, in, 0, buf, 64), 0);
    ms__resampler_free(r);
}

static void test_bad_args(void)
{
    struct ms__resampler *r = (struct ms__resampler *)0x1;
    CHECK_EQ_INT(ms__resampler_new(&r, 0, 8000, 4, 0), MS_EINVAL);
    CHECK_EQ_INT(ms__resampler_new(&r, 8000, 500000, 4, 0), MS_EINVAL);
    CHECK_EQ_INT(ms__resampler_new(&r, 8000, 16000, 11, 0), MS_EINVAL);
    CHECK_EQ_INT(ms__resampler_new(&r, 8000, 16000, -1, 0), MS_EINVAL);
    CHECK(r == (struct ms__resampler *)0x1); /* untouched on failure */
    CHECK_EQ_INT(ms__resampler_new(&r, 8000, 16000, 4, 0), 0);
    int16_t in[160] = {0}, out[400];
    CHECK_EQ_INT(ms__resampler_process(r, in, 160, out, 300), MS_ENOSPC);
    CHECK_EQ_INT(ms__resampler_process(r, NULL, 160, out, 400), MS_EINVAL);
    CHECK_EQ_INT(ms__resampler_process(r, in, 160, out, 400), 256);
    CHECK_EQ_INT(ms__resampler_flush(r, out, 2), MS_ENOSPC);
    CHECK_EQ_INT(ms__resampler_flush(r, out, 400), 64);
    ms__resampler_free(r);
    ms__resampler_free(NULL);
    int16_t *o = NULL;
    size_t on = 0;
    CHECK_EQ_INT(ms__resample_buffer(NULL, 4, 8000, 16000, 4, &o, &on), MS_EINVAL);
    CHECK_EQ_INT(ms__resample_buffer(in, 4, 8000, 0, 4, &o, &on), MS_EINVAL);
}

int main(void)
{
    RUN(test_roundtrip_8k_16k_8k);
    RUN(test_fractional_lengths);
    RUN(test_stream_equals_oneshot);
    RUN(test_keep_delay_frames);
    RUN(test_bounds_all_modes);
    RUN(test_short_and_empty);
    RUN(test_bad_args);
    return test_summary();
}
