/* DTMF: in-band detection of all 16 digits at 8 and 16 kHz (tones from
 * spandsp dtmf_tx), no false digits on plain tones, and the dedup rules. */
#include "media/dtmf_dedup.h"
#include "media/dtmf_inband.h"
#include "media/resample.h"
#include "media/spandsp_sub.h"
#include "moonswitch/error.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>

#define ALL_DIGITS "123A456B789C*0#D"

struct heard {
    char digits[64];
    int n;
};

static void on_digit(void *ud, char digit)
{
    struct heard *h = ud;
    if (h->n < (int)sizeof(h->digits) - 1)
        h->digits[h->n++] = digit;
}

/* Renders `digits` with spandsp's generator at 8 kHz, plus 200 ms of silence. */
static int16_t *render_dtmf(const char *digits, size_t *n_out)
{
    dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
    size_t cap = 8000 * 10, n = 0;
    int16_t *buf = calloc(cap, sizeof(*buf));
    dtmf_tx_put(tx, digits, -1);
    for (int got; (got = dtmf_tx(tx, buf + n, 160)) > 0;)
        n += (size_t)got;
    dtmf_tx_free(tx);
    *n_out = n + 1600; /* calloc'd: trailing silence */
    return buf;
}

static void feed_frames(struct ms__dtmf_inband *d, const int16_t *pcm, size_t n, size_t frame)
{
    for (size_t off = 0; off < n; off += frame)
        ms__dtmf_inband_feed(d, pcm + off, n - off < frame ? n - off : frame);
}

static void test_inband_8k_all_digits(void)
{
    size_t n;
    int16_t *pcm = render_dtmf(ALL_DIGITS, &n);
    struct heard h = {0};
    struct ms__dtmf_inband *d;
    CHECK_EQ_INT(ms__dtmf_inband_new(&d, 8000, on_digit, &h), 0);
    feed_frames(d, pcm, n, 160);
    ms__dtmf_inband_free(d);
    free(pcm);
    CHECK_EQ_STR(h.digits, ALL_DIGITS);
}

static void test_inband_16k_all_digits(void)
{
    size_t n, wide_n;
    int16_t *pcm = render_dtmf(ALL_DIGITS, &n), *wide;
    CHECK_EQ_INT(ms__resample_buffer(pcm, n, 8000, 16000, 6, &wide, &wide_n), 0);
    struct heard h = {0};
    struct ms__dtmf_inband *d;
    CHECK_EQ_INT(ms__dtmf_inband_new(&d, 16000, on_digit, &h), 0);
    feed_frames(d, wide, wide_n, 320);
    ms__dtmf_inband_free(d);
    free(pcm);
    free(wide);
    CHECK_EQ_STR(h.digits, ALL_DIGITS);
}

static void test_inband_odd_frames_and_repeats(void)
{
    size_t n;
    int16_t *pcm = render_dtmf("1122#", &n);
    struct heard h = {0};
    struct ms__dtmf_inband *d;
    CHECK_EQ_INT(ms__dtmf_inband_new(&d, 8000, on_digit, &h), 0);
    feed_frames(d, pcm, n, 37);
    CHECK_EQ_INT(ms__dtmf_inband_feed(d, pcm, 0), 0);
    CHECK_EQ_INT(ms__dtmf_inband_feed(d, NULL, 10), MS_EINVAL);
    ms__dtmf_inband_free(d);
    free(pcm);
    CHECK_EQ_STR(h.digits, "1122#");
}

static void test_inband_no_false_digits(void)
{
    enum { N = 8000 * 2 };
    static int16_t pcm[N];
    /* a 697 Hz row tone alone, then a 1 kHz test tone: neither is a digit */
    for (int i = 0; i < N; i++) {
        double f = i < N / 2 ? 697 : 1000;
        pcm[i] = (int16_t)lrint(8000 * sin(2 * 3.14159265358979 * f * i / 8000));
    }
    struct heard h = {0};
    struct ms__dtmf_inband *d;
    CHECK_EQ_INT(ms__dtmf_inband_new(&d, 8000, on_digit, &h), 0);
    feed_frames(d, pcm, N, 160);
    ms__dtmf_inband_free(d);
    CHECK_EQ_INT(h.n, 0);
}

static void test_inband_bad_args(void)
{
    struct heard h = {0};
    struct ms__dtmf_inband *d = (struct ms__dtmf_inband *)0x1;
    CHECK_EQ_INT(ms__dtmf_inband_new(&d, 44100, on_digit, &h), MS_EINVAL);
    CHECK_EQ_INT(ms__dtmf_inband_new(&d, 8000, NULL, &h), MS_EINVAL);
    CHECK(d == (struct ms__dtmf_inband *)0x1);
    ms__dtmf_inband_free(NULL);
}

static void test_source_names(void)
{
    CHECK_EQ_STR(ms_dtmf_source_name(MS_DTMF_RFC4733), "rfc4733");
    CHECK_EQ_STR(ms_dtmf_source_name(MS_DTMF_INFO), "info");
    CHECK_EQ_STR(ms_dtmf_source_name(MS_DTMF_INBAND), "inband");
    CHECK_EQ_STR(ms_dtmf_source_name((enum ms_dtmf_source)9), "?");
}

static void test_dedup_4733_then_inband(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '1', MS_DTMF_RFC4733, 1000));
    CHECK(!ms__dtmf_dedup_accept(&d, '1', MS_DTMF_INBAND, 1060));
    /* in-band stays off for the rest of the call, even for other digits, later */
    CHECK(!ms__dtmf_dedup_accept(&d, '5', MS_DTMF_INBAND, 9000));
    CHECK(ms__dtmf_dedup_accept(&d, '5', MS_DTMF_RFC4733, 9010));
}

static void test_dedup_inband_first_then_4733(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '7', MS_DTMF_INBAND, 100));
    CHECK(!ms__dtmf_dedup_accept(&d, '7', MS_DTMF_RFC4733, 130)); /* same press */
    CHECK(!ms__dtmf_dedup_accept(&d, '8', MS_DTMF_INBAND, 400));  /* 4733 now seen */
}

static void test_dedup_fast_repeat_same_source(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '1', MS_DTMF_RFC4733, 0));
    CHECK(ms__dtmf_dedup_accept(&d, '1', MS_DTMF_RFC4733, 120));
    CHECK(ms__dtmf_dedup_accept(&d, '1', MS_DTMF_RFC4733, 121));
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '4', MS_DTMF_INBAND, 0));
    CHECK(ms__dtmf_dedup_accept(&d, '4', MS_DTMF_INBAND, 150));
}

static void test_dedup_info_then_4733(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '#', MS_DTMF_INFO, 2000));
    CHECK(!ms__dtmf_dedup_accept(&d, '#', MS_DTMF_RFC4733, 2200));
    /* outside the window it is a new press */
    CHECK(ms__dtmf_dedup_accept(&d, '#', MS_DTMF_RFC4733, 2800));
    CHECK(!ms__dtmf_dedup_accept(&d, '#', MS_DTMF_INFO, 2850));
    /* exactly on the window edge still counts as the same press */
    CHECK(ms__dtmf_dedup_accept(&d, '2', MS_DTMF_INFO, 5000));
    CHECK(!ms__dtmf_dedup_accept(&d, '2', MS_DTMF_RFC4733, 5500));
}

static void test_dedup_three_sources_one_press(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '9', MS_DTMF_INBAND, 0));
    CHECK(!ms__dtmf_dedup_accept(&d, '9', MS_DTMF_INFO, 50));
    CHECK(!ms__dtmf_dedup_accept(&d, '9', MS_DTMF_RFC4733, 90));
}

static void test_dedup_fast_double_two_sources(void)
{
    /* "11" pressed fast, INFO running ahead of RFC 4733: still two digits,
     * and a lost second RFC 4733 event does not swallow the second press */
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(ms__dtmf_dedup_accept(&d, '1', MS_DTMF_RFC4733, 0));
    CHECK(!ms__dtmf_dedup_accept(&d, '1', MS_DTMF_INFO, 20));
    CHECK(ms__dtmf_dedup_accept(&d, '1', MS_DTMF_INFO, 170));
    CHECK(!ms__dtmf_dedup_accept(&d, '1', MS_DTMF_RFC4733, 190));
    CHECK(ms__dtmf_dedup_accept(&d, '2', MS_DTMF_RFC4733, 200)); /* other digit: new */
}

static void test_dedup_bad_input(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    CHECK(!ms__dtmf_dedup_accept(&d, 'x', MS_DTMF_RFC4733, 0));
    CHECK(!ms__dtmf_dedup_accept(&d, '\0', MS_DTMF_INFO, 0));
    CHECK(!ms__dtmf_dedup_accept(&d, '1', (enum ms_dtmf_source)7, 0));
    CHECK(ms__dtmf_dedup_accept(&d, 'a', MS_DTMF_INFO, 0));
    CHECK(!ms__dtmf_dedup_accept(&d, 'A', MS_DTMF_RFC4733, 10)); /* a == A */
    /* a clock that steps back does not break matching */
    CHECK(ms__dtmf_dedup_accept(&d, '3', MS_DTMF_INFO, 1000));
    CHECK(!ms__dtmf_dedup_accept(&d, '3', MS_DTMF_RFC4733, 990));
}

static void test_dedup_ring_wraps(void)
{
    struct ms__dtmf_dedup d;
    ms__dtmf_dedup_init(&d, MS_DTMF_DEDUP_WINDOW_MS);
    for (int i = 0; i < 100; i++) {
        char c = (char)('0' + i % 10);
        CHECK(ms__dtmf_dedup_accept(&d, c, MS_DTMF_INFO, (uint64_t)i * 300));
        CHECK(!ms__dtmf_dedup_accept(&d, c, MS_DTMF_RFC4733, (uint64_t)i * 300 + 40));
    }
}

int main(void)
{
    RUN(test_inband_8k_all_digits);
    RUN(test_inband_16k_all_digits);
    RUN(test_inband_odd_frames_and_repeats);
    RUN(test_inband_no_false_digits);
    RUN(test_inband_bad_args);
    RUN(test_source_names);
    RUN(test_dedup_4733_then_inband);
    RUN(test_dedup_inband_first_then_4733);
    RUN(test_dedup_fast_repeat_same_source);
    RUN(test_dedup_info_then_4733);
    RUN(test_dedup_three_sources_one_press);
    RUN(test_dedup_fast_double_two_sources);
    RUN(test_dedup_bad_input);
    RUN(test_dedup_ring_wraps);
    return test_summary();
}
