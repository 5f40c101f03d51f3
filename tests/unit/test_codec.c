/* Codecs: lookup, G.711 known values and round-trip SNR, G.722 round trip
 * (energy and frequency kept, wideband content survives), bad arguments. */
#include "media/codec.h"
#include "moonswitch/error.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

static void make_sine(int16_t *p, size_t n, int rate, double freq, double amp)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (int16_t)lrint(amp * sin(2 * PI * freq * (double)i / rate));
}

static double energy(const int16_t *p, size_t n)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += (double)p[i] * p[i];
    return acc;
}

/* Power at `freq` relative to total power (1.0 for a pure tone). */
static double tone_share(const int16_t *p, size_t n, int rate, double freq)
{
    double w = 2 * PI * freq / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = p[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - c * s1 * s2;
    return power / ((double)n * n / 4.0) / (2.0 * energy(p, n) / (double)n + 1e-9);
}

static void test_find(void)
{
    const struct ms__codec_info *i = ms__codec_find("pcmu");
    CHECK(i != NULL);
    CHECK_EQ_INT(i->id, MS_CODEC_PCMU);
    CHECK_EQ_INT(i->static_pt, 0);
    CHECK_EQ_INT(i->sample_rate, 8000);
    i = ms__codec_find("PCMA");
    CHECK(i && i->id == MS_CODEC_PCMA && i->static_pt == 8);
    i = ms__codec_find("g722");
    CHECK(i && i->id == MS_CODEC_G722 && i->static_pt == 9);
    CHECK_EQ_INT(i->sdp_clock_rate, 8000);
    CHECK_EQ_INT(i->sample_rate, 16000);
    CHECK_EQ_STR(i->name, "G722");
    CHECK(ms__codec_find("G729") == NULL);
    CHECK(ms__codec_find("") == NULL);
    CHECK(ms__codec_find(NULL) == NULL);
    CHECK(ms__codec_find("PCMUX") == NULL);
    CHECK(ms__codec_find_pt(8) == ms__codec_find("pcma"));
    CHECK(ms__codec_find_pt(101) == NULL);
    CHECK(ms__codec_info_of(MS_CODEC_G722) == ms__codec_find("G722"));
    CHECK(ms__codec_info_of((enum ms__codec_id)42) == NULL);
}

static void test_g711_known_values(void)
{
    struct ms__codec *u, *a;
    CHECK_EQ_INT(ms__codec_new(&u, MS_CODEC_PCMU), 0);
    CHECK_EQ_INT(ms__codec_new(&a, MS_CODEC_PCMA), 0);
    int16_t lin[4] = {0, 0, 0, 0};
    uint8_t enc[4];
    CHECK_EQ_INT(ms__codec_encode(u, lin, 4, enc, 4), 4);
    CHECK_EQ_INT(enc[0], 0xFF); /* u-law silence */
    CHECK_EQ_INT(ms__codec_encode(a, lin, 4, enc, 4), 4);
    CHECK_EQ_INT(enc[0], 0xD5); /* A-law silence */
    uint8_t ucodes[4] = {0x00, 0x80, 0xFF, 0x7F};
    CHECK_EQ_INT(ms__codec_decode(u, ucodes, 4, lin, 4), 4);
    CHECK_EQ_INT(lin[0], -32124);
    CHECK_EQ_INT(lin[1], 32124);
    CHECK_EQ_INT(lin[2], 0);
    CHECK_EQ_INT(lin[3], 0);
    uint8_t acodes[4] = {0xD5, 0x55, 0xAA, 0x2A};
    CHECK_EQ_INT(ms__codec_decode(a, acodes, 4, lin, 4), 4);
    CHECK_EQ_INT(lin[0], 8);
    CHECK_EQ_INT(lin[1], -8);
    CHECK_EQ_INT(lin[2], 32256);
    CHECK_EQ_INT(lin[3], -32256);
    ms__codec_free(u);
    ms__codec_free(a);
}

static void check_g711_snr(enum ms__codec_id id)
{
    enum { N = 1600 };
    int16_t in[N], out[N];
    uint8_t enc[N];
    struct ms__codec *c;
    CHECK_EQ_INT(ms__codec_new(&c, id), 0);
    CHECK_EQ_INT(ms__codec_encoded_size(c, 160), 160);
    for (double amp = 500; amp < 30000; amp *= 4) {
        make_sine(in, N, 8000, 1004, amp);
        CHECK_EQ_INT(ms__codec_encode(c, in, N, enc, N), N);
        CHECK_EQ_INT(ms__codec_decode(c, enc, N, out, N), N);
        double noise = 0;
        for (int i = 0; i < N; i++)
            noise += ((double)out[i] - in[i]) * ((double)out[i] - in[i]);
        double snr = 10 * log10(energy(in, N) / noise);
        CHECK(snr > 30);
    }
    ms__codec_free(c);
}

static void test_pcmu_roundtrip(void)
{
    check_g711_snr(MS_CODEC_PCMU);
}

static void test_pcma_roundtrip(void)
{
    check_g711_snr(MS_CODEC_PCMA);
}

/* Encodes then decodes 1 s of a tone at 16 kHz in 20 ms frames. */
static void g722_roundtrip(double freq, double *energy_ratio, double *share)
{
    enum { N = 16000, F = 320 };
    static int16_t in[N], out[N];
    uint8_t enc[F / 2];
    struct ms__codec *enc_c, *dec_c;
    *energy_ratio = *share = -1;
    if (ms__codec_new(&enc_c, MS_CODEC_G722) < 0 || ms__codec_new(&dec_c, MS_CODEC_G722) < 0)
        return;
    make_sine(in, N, 16000, freq, 8000);
    for (int f = 0; f < N / F; f++) {
        if (ms__codec_encode(enc_c, in + f * F, F, enc, sizeof(enc)) != F / 2 ||
            ms__codec_decode(dec_c, enc, F / 2, out + f * F, F) != F)
            goto out;
    }
    /* skip the first 100 ms: the adaptive quantisers settle */
    *energy_ratio = energy(out + 1600, N - 1600) / energy(in + 1600, N - 1600);
    *share = tone_share(out + 1600, N - 1600, 16000, freq);
out:
    ms__codec_free(enc_c);
    ms__codec_free(dec_c);
}

static void test_g722_roundtrip(void)
{
    double ratio, share;
    g722_roundtrip(1000, &ratio, &share); /* lower sub-band */
    CHECK(ratio > 0.9 && ratio < 1.1);
    CHECK(share > 0.98);
    g722_roundtrip(5500, &ratio, &share); /* upper sub-band: wideband survives */
    CHECK(ratio > 0.9 && ratio < 1.1);
    CHECK(share > 0.95);
    struct ms__codec *c;
    CHECK_EQ_INT(ms__codec_new(&c, MS_CODEC_G722), 0);
    CHECK_EQ_INT(ms__codec_encoded_size(c, 320), 160);
    CHECK_EQ_INT(ms__codec_decoded_size(c, 160), 320);
    CHECK(ms__codec_info(c) == ms__codec_find("G722"));
    ms__codec_free(c);
}

static void test_bad_args(void)
{
    struct ms__codec *c = (struct ms__codec *)0x1;
    CHECK_EQ_INT(ms__codec_new(&c, (enum ms__codec_id)7), MS_EINVAL);
    CHECK(c == (struct ms__codec *)0x1);
    CHECK_EQ_INT(ms__codec_new(NULL, MS_CODEC_PCMU), MS_EINVAL);
    int16_t pcm[320] = {0};
    uint8_t buf[320];
    CHECK_EQ_INT(ms__codec_new(&c, MS_CODEC_PCMA), 0);
    CHECK_EQ_INT(ms__codec_encode(c, pcm, 160, buf, 159), MS_ENOSPC);
    CHECK_EQ_INT(ms__codec_decode(c, buf, 160, pcm, 100), MS_ENOSPC);
    CHECK_EQ_INT(ms__codec_encode(c, NULL, 160, buf, 160), MS_EINVAL);
    CHECK_EQ_INT(ms__codec_encode(c, pcm, 0, buf, 0), 0);
    CHECK_EQ_INT(ms__codec_decode(c, buf, 0, pcm, 0), 0);
    ms__codec_free(c);
    CHECK_EQ_INT(ms__codec_new(&c, MS_CODEC_G722), 0);
    CHECK_EQ_INT(ms__codec_encode(c, pcm, 161, buf, 320), MS_EINVAL); /* odd count */
    CHECK_EQ_INT(ms__codec_encode(c, pcm, 320, buf, 159), MS_ENOSPC);
    CHECK_EQ_INT(ms__codec_decode(c, buf, 160, pcm, 319), MS_ENOSPC);
    ms__codec_free(c);
    ms__codec_free(NULL);
}

int main(void)
{
    RUN(test_find);
    RUN(test_g711_known_values);
    RUN(test_pcmu_roundtrip);
    RUN(test_pcma_roundtrip);
    RUN(test_g722_roundtrip);
    RUN(test_bad_args);
    return test_summary();
}
