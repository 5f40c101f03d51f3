/* Tone specs and the tone generator: parsing (named tones, TGML syntax,
 * errors with messages), and generated audio checked with Goertzel filters:
 * frequencies, cadence, levels, repeat counts, durations, no clicks. */
#include "media/dtmf_inband.h"
#include "media/tone_gen.h"
#include "media/tone_spec.h"
#include "moonswitch/error.h"
#include "test.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* Share of the energy of pcm[0..n) at frequency f (1.0 for a pure tone). */
static double share_at(const int16_t *pcm, size_t n, int rate, double f)
{
    double coeff = 2 * cos(2 * M_PI * f / rate), s1 = 0, s2 = 0, e = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = pcm[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        e += (double)pcm[i] * pcm[i];
    }
    if (e == 0)
        return 0;
    return 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((double)n * e);
}

static double rms(const int16_t *pcm, size_t n)
{
    double e = 0;
    for (size_t i = 0; i < n; i++)
        e += (double)pcm[i] * pcm[i];
    return n ? sqrt(e / (double)n) : 0;
}

/* Renders up to max samples in 20 ms frames; returns how many were tone. */
static size_t render(struct ms__tone_gen *g, int16_t *out, size_t max)
{
    size_t frame = (size_t)ms__tone_gen_rate(g) / 50, total = 0;
    while (total + frame <= max) {
        size_t got = ms__tone_gen_read(g, out + total, frame);
        total += got;
        if (got < frame)
            break;
    }
    return total;
}

static struct ms__tone_gen *gen(const char *spec, int rate, int repeat, uint32_t duration_ms)
{
    struct ms__tone_gen *g = NULL;
    struct ms__tone_gen_opts o = {.repeat = repeat, .duration_ms = duration_ms};
    char err[MS__TONE_ERR_LEN];
    if (ms__tone_gen_new(&g, spec, rate, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "gen %s: %s\n", spec, err);
        return NULL;
    }
    return g;
}

/* ---- parsing ---- */

static void test_parse_named(void)
{
    struct ms__tone_spec *s = NULL;
    CHECK_EQ_INT(ms__tone_spec_parse(&s, "ringback", NULL, 0), 0);
    CHECK_EQ_INT(s->nsegs, 1);
    CHECK_EQ_INT(s->segs[0].on_ms, 2000);
    CHECK_EQ_INT(s->segs[0].off_ms, 4000);
    CHECK_EQ_INT(s->segs[0].nfreqs, 2);
    CHECK(s->segs[0].freqs[0] == 440.0f && s->segs[0].freqs[1] == 480.0f);
    CHECK_EQ_INT(s->loops, MS__TONE_FOREVER);
    CHECK_EQ_INT(ms__tone_spec_cycle_ms(s), 6000);
    ms__tone_spec_free(s);

    CHECK_EQ_INT(ms__tone_spec_parse(&s, "BUSY", NULL, 0), 0); /* names ignore case */
    CHECK(s->segs[0].freqs[0] == 480.0f && s->segs[0].freqs[1] == 620.0f);
    CHECK_EQ_INT(s->segs[0].on_ms, 500);
    ms__tone_spec_free(s);

    CHECK_EQ_INT(ms__tone_spec_parse(&s, " Busy\n", NULL, 0), 0); /* and spaces */
    CHECK_EQ_INT(s->segs[0].on_ms, 500);
    ms__tone_spec_free(s);

    CHECK_EQ_INT(ms__tone_spec_parse(&s, "beep", NULL, 0), 0);
    CHECK_EQ_INT(s->loops, 1);
    CHECK_EQ_INT(s->segs[0].on_ms, 250);
    CHECK(s->segs[0].freqs[0] == 1000.0f);
    ms__tone_spec_free(s);

    CHECK_EQ_STR(ms__tone_named("congestion"), ms__tone_named("reorder"));
    CHECK_EQ_STR(ms__tone_named("dial"), "v=-16;%(1000,0,350,440)");
    CHECK(ms__tone_named("nope") == NULL);
    CHECK(ms__tone_named(NULL) == NULL);
    size_t n = 0;
    while (ms__tone_name_at(n))
        CHECK(ms__tone_named(ms__tone_name_at(n++)) != NULL);
    CHECK(n >= 6);
}

static void test_parse_syntax(void)
{
    struct ms__tone_spec *s = NULL;
    /* several items, spaces, decimals, rests, variables */
    CHECK_EQ_INT(ms__tone_spec_parse(&s,
                                     " v=-20 ; %( 400 , 200 , 400 , 450 );"
                                     "%(400,2000,400,450); %(167,0,0);%(274,0,913.8)",
                                     NULL, 0),
                 0);
    CHECK_EQ_INT(s->nsegs, 4);
    CHECK(s->segs[0].level_db == -20.0f);
    CHECK_EQ_INT(s->segs[1].off_ms, 2000);
    CHECK_EQ_INT(s->segs[2].nfreqs, 0); /* frequency 0 is a rest */
    CHECK(fabsf(s->segs[3].freqs[0] - 913.8f) < 0.01f);
    ms__tone_spec_free(s);

    /* DTMF digits with defaults and a modifier; l= repeats items; L= loops */
    CHECK_EQ_INT(ms__tone_spec_parse(&s, "L=3;d=80;w=40;12;l=2;#(200,100);c=1;r=8000", NULL, 0), 0);
    CHECK_EQ_INT(s->loops, 3);
    CHECK_EQ_INT(s->loops_set, 1);
    CHECK_EQ_INT(s->nsegs, 4);
    CHECK_EQ_INT(s->segs[0].on_ms, 80);
    CHECK_EQ_INT(s->segs[0].off_ms, 40);
    CHECK(s->segs[0].freqs[0] == 697.0f && s->segs[0].freqs[1] == 1209.0f);
    CHECK(s->segs[1].freqs[1] == 1336.0f);
    CHECK_EQ_INT(s->segs[2].on_ms, 200);
    CHECK(s->segs[3].freqs[0] == 941.0f && s->segs[3].freqs[1] == 1477.0f);
    ms__tone_spec_free(s);

    CHECK_EQ_INT(ms__tone_spec_parse(&s,
                                     "loops=-1;%(100,100,1000,1100,1200,1300,1400,1500,1600,"
                                     "1700)",
                                     NULL, 0),
                 0);
    CHECK_EQ_INT(s->loops, MS__TONE_FOREVER);
    CHECK_EQ_INT(s->segs[0].nfreqs, 8);
    ms__tone_spec_free(s);
}

/* Parses text, expects MS_EINVAL and a message containing want. */
static bool parse_fails(const char *text, const char *want)
{
    struct ms__tone_spec *s = NULL;
    char err[MS__TONE_ERR_LEN] = "untouched";
    int rc = ms__tone_spec_parse(&s, text, err, sizeof(err));
    if (rc != MS_EINVAL || s != NULL || !strstr(err, want)) {
        fprintf(stderr, "  '%s': rc %d, message '%s', wanted '%s'\n", text, rc, err, want);
        ms__tone_spec_free(s);
        return false;
    }
    return true;
}

static void test_parse_errors(void)
{
    CHECK(parse_fails("", "no tone"));
    CHECK(parse_fails(" ; ;", "no tone"));
    CHECK(parse_fails("v=-10", "no tone"));
    CHECK(parse_fails("%", "column 2: expected '('"));
    CHECK(parse_fails("%(100)", "column 6: expected ','"));
    CHECK(parse_fails("%(100,100)", "expected ','"));
    CHECK(parse_fails("%(100,100,abc)", "column 11: expected a number for a frequency"));
    CHECK(parse_fails("%(100,100,440", "expected ')'"));
    CHECK(parse_fails("%(-5,0,440)", "on time must be a whole number"));
    CHECK(parse_fails("%(10.5,0,440)", "on time must be a whole number"));
    CHECK(parse_fails("%(0,0,440)", "non-zero on or off"));
    CHECK(parse_fails("%(700000,0,440)", "from 0 to 600000"));
    CHECK(parse_fails("%(100,0,30000)", "out of range"));
    CHECK(parse_fails("%(100,0,1,2,3,4,5,6,7,8,9)", "at most 8 frequencies"));
    CHECK(parse_fails("%(100,0,440) x", "expected ';' between items"));
    CHECK(parse_fails("%(100,0,440);%(1,2", "column 19"));
    CHECK(parse_fails("v=5;%(100,0,440)", "v (volume)"));
    CHECK(parse_fails("L=0;%(100,0,440)", "loops must be"));
    CHECK(parse_fails("l=0;%(100,0,440)", "item loops"));
    CHECK(parse_fails(">=0;%(100,0,440)", "volume ramps"));
    CHECK(parse_fails("x=1;%(100,0,440)", "unknown variable 'x'"));
    CHECK(parse_fails("v=;%(100,0,440)", "expected a number"));
    CHECK(parse_fails("ringbak", "unknown tone 'ringbak' (names: ringback, busy"));
    CHECK(parse_fails("1(50)", "expected ','"));
    CHECK(parse_fails("!", "expected '%(on,off,freq...)'"));
    char many[4096] = "";
    for (int i = 0; i < MS__TONE_MAX_SEGMENTS + 1; i++)
        strcat(many, "1");
    CHECK(parse_fails(many, "more than 256"));

    struct ms__tone_spec *s = NULL;
    CHECK_EQ_INT(ms__tone_spec_parse(NULL, "busy", NULL, 0), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_spec_parse(&s, NULL, NULL, 0), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_spec_parse(&s, "%(", NULL, 0), MS_EINVAL); /* no buffer: fine */
    char tiny[8];
    CHECK_EQ_INT(ms__tone_spec_parse(&s, "%(", tiny, sizeof(tiny)), MS_EINVAL);
    CHECK(strlen(tiny) == sizeof(tiny) - 1); /* truncated, terminated */
    ms__tone_spec_free(NULL);
}

static void test_gen_errors(void)
{
    struct ms__tone_gen *g = NULL;
    char err[MS__TONE_ERR_LEN];
    CHECK_EQ_INT(ms__tone_gen_new(&g, "%(100,0,5000)", 8000, NULL, err, sizeof(err)), MS_EINVAL);
    CHECK(strstr(err, "5000 Hz cannot be played at 8000 Hz"));
    CHECK(g == NULL);
    CHECK_EQ_INT(ms__tone_gen_new(&g, "%(100,0,5000)", 16000, NULL, err, sizeof(err)), 0);
    ms__tone_gen_free(g);
    CHECK_EQ_INT(ms__tone_gen_new(&g, "busy", 4000, NULL, err, sizeof(err)), MS_EINVAL);
    CHECK(strstr(err, "rate"));
    struct ms__tone_gen_opts bad = {.repeat = -2};
    CHECK_EQ_INT(ms__tone_gen_new(&g, "busy", 8000, &bad, err, sizeof(err)), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_gen_new(&g, "%(1,", 8000, NULL, err, sizeof(err)), MS_EINVAL);
    CHECK(strstr(err, "tone spec, column"));
    CHECK_EQ_INT(ms__tone_gen_new(NULL, "busy", 8000, NULL, NULL, 0), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_gen_new(&g, NULL, 8000, NULL, NULL, 0), MS_EINVAL);
    ms__tone_gen_free(NULL);
}

/* ---- generated audio ---- */

/* Checks the on/off pattern of 20 ms frames: frame k is "on" when its RMS is
 * above a tenth of the level. on_frames/off_frames per cycle. */
static bool cadence_ok(const int16_t *pcm, size_t n, int rate, int on_frames, int off_frames)
{
    size_t frame = (size_t)rate / 50;
    int period = on_frames + off_frames;
    for (size_t k = 0; (k + 1) * frame <= n; k++) {
        bool on = rms(pcm + k * frame, frame) > 300;
        bool want = (int)(k % (size_t)period) < on_frames;
        if (on != want) {
            fprintf(stderr, "  frame %zu: on=%d want %d\n", k, on, want);
            return false;
        }
    }
    return true;
}

static void test_busy_8k(void)
{
    struct ms__tone_gen *g = gen("busy", 8000, 0, 0);
    CHECK(g);
    size_t n = 8000 * 4;
    int16_t *pcm = malloc(n * sizeof(*pcm));
    CHECK_EQ_INT(render(g, pcm, n), n); /* forever: every sample is tone */
    CHECK(!ms__tone_gen_done(g));
    CHECK(cadence_ok(pcm, n, 8000, 25, 25));
    /* the second burst, away from its ramps: 480 + 620, nothing at 440 */
    const int16_t *burst = pcm + 8000 + 80;
    size_t len = 4000 - 160;
    CHECK(share_at(burst, len, 8000, 480) > 0.45);
    CHECK(share_at(burst, len, 8000, 620) > 0.45);
    CHECK(share_at(burst, len, 8000, 440) < 0.01);
    CHECK(share_at(burst, len, 8000, 350) < 0.01);
    /* level: -27 dBFS per frequency, so the pair's RMS is 32767 * 10^(-27/20) */
    double want = 32767 * pow(10, -27 / 20.0);
    CHECK(fabs(rms(burst, len) - want) < want * 0.03);
    free(pcm);
    ms__tone_gen_free(g);
}

static void test_ringback_16k(void)
{
    struct ms__tone_gen *g = gen("ringback", 16000, 2, 0);
    CHECK(g);
    size_t n = 16000 * 14;
    int16_t *pcm = malloc(n * sizeof(*pcm));
    CHECK_EQ_INT(render(g, pcm, n), 16000 * 12); /* two 6 s cycles, then done */
    CHECK(ms__tone_gen_done(g));
    CHECK(cadence_ok(pcm, 16000 * 12, 16000, 100, 200));
    const int16_t *burst = pcm + 6 * 16000 + 1600;
    CHECK(share_at(burst, 16000, 16000, 440) > 0.45);
    CHECK(share_at(burst, 16000, 16000, 480) > 0.45);
    CHECK(share_at(burst, 16000, 16000, 620) < 0.01);
    int16_t frame[320];
    CHECK_EQ_INT(ms__tone_gen_read(g, frame, 320), 0);
    CHECK_EQ_INT(rms(frame, 320), 0);
    free(pcm);
    ms__tone_gen_free(g);
}

static void test_congestion_and_dial(void)
{
    struct ms__tone_gen *g = gen("congestion", 8000, 0, 0);
    CHECK(g);
    int16_t *pcm = malloc(8000 * 3 * sizeof(*pcm));
    render(g, pcm, 8000 * 3);
    /* 250 ms is 12.5 frames: checked per 250 ms, away from the ramps */
    for (int k = 0; k < 12; k++) {
        double level = rms(pcm + k * 2000 + 200, 1600);
        CHECK(k % 2 == 0 ? level > 1000 : level == 0);
    }
    ms__tone_gen_free(g);

    /* dial tone: continuous, phase-continuous across cycles: no gaps, no clicks */
    g = gen("dial", 8000, 0, 0);
    CHECK(g);
    render(g, pcm, 8000 * 3);
    double amp = 32767 * pow(10, -16 / 20.0);
    int max_step = 0;
    for (size_t i = 1; i < 8000 * 3; i++) {
        int step = abs(pcm[i] - pcm[i - 1]);
        max_step = step > max_step ? step : max_step;
    }
    /* the steepest a 350 + 440 Hz sum can move in one sample */
    CHECK(max_step <= (int)(amp * 2 * M_PI * (350 + 440) / 8000) + 2);
    for (int k = 1; k < 150; k++)
        CHECK(rms(pcm + k * 160, 160) > amp * 0.5);
    CHECK(share_at(pcm + 8000, 8000, 8000, 350) > 0.45);
    CHECK(share_at(pcm + 8000, 8000, 8000, 440) > 0.45);
    free(pcm);
    ms__tone_gen_free(g);
}

static void test_beep_once_and_ramps(void)
{
    struct ms__tone_gen *g = gen("beep", 8000, 0, 0);
    CHECK(g);
    int16_t pcm[4000];
    CHECK_EQ_INT(render(g, pcm, 4000), 2000); /* 250 ms */
    CHECK(ms__tone_gen_done(g));
    CHECK(share_at(pcm + 100, 1800, 8000, 1000) > 0.95);
    /* raised-cosine ramps: starts and ends near zero, full level after 5 ms */
    CHECK(abs(pcm[0]) < 50 && abs(pcm[1999]) < 150);
    CHECK(rms(pcm, 20) < rms(pcm + 1000, 20) * 0.3);
    CHECK(rms(pcm + 1980, 20) < rms(pcm + 1000, 20) * 0.3);
    CHECK(fabs(rms(pcm + 500, 1000) - 32767 * pow(10, -10 / 20.0) / sqrt(2)) < 300);
    /* a read after the end: zeros and 0 */
    int16_t frame[160];
    frame[0] = 1;
    CHECK_EQ_INT(ms__tone_gen_read(g, frame, 160), 0);
    CHECK_EQ_INT(frame[0], 0);
    ms__tone_gen_free(g);
}

static void test_repeat_and_duration(void)
{
    /* a beep repeated 3 times: 750 ms of continuous 1 kHz (off 0 runs on) */
    struct ms__tone_gen *g = gen("beep", 8000, 3, 0);
    CHECK(g);
    int16_t *pcm = malloc(16000 * 10 * sizeof(*pcm));
    CHECK_EQ_INT(render(g, pcm, 16000), 6000);
    ms__tone_gen_free(g);

    /* a duration cut inside a burst ends on a ramp, at the exact sample */
    g = gen("dial", 8000, 0, 1510);
    CHECK(g);
    size_t got = 0, r;
    while ((r = ms__tone_gen_read(g, pcm + got, 160)) > 0)
        got += r;
    CHECK_EQ_INT(got, 8000 * 1510 / 1000);
    CHECK(ms__tone_gen_done(g));
    CHECK(abs(pcm[got - 1]) < 200);
    ms__tone_gen_free(g);
    g = gen("%(1000,0,1000)", 8000, 0, 1510);
    CHECK(g);
    CHECK_EQ_INT(render(g, pcm, 16000), 8000 * 1510 / 1000);
    CHECK(rms(pcm + got - 20, 20) < rms(pcm + got - 400, 20) * 0.5);
    ms__tone_gen_free(g);

    /* the option wins over the spec's L=; -1 is forever */
    g = gen("L=1;%(100,100,700)", 16000, MS__TONE_FOREVER, 0);
    CHECK(g);
    CHECK_EQ_INT(render(g, pcm, 16000 * 10), 16000 * 10);
    CHECK(!ms__tone_gen_done(g));
    ms__tone_gen_free(g);
    g = gen("L=2;%(100,100,700)", 16000, 0, 0);
    CHECK_EQ_INT(render(g, pcm, 16000 * 10), 16000 * 2 / 5);
    ms__tone_gen_free(g);
    free(pcm);
}

static void test_uk_ring_and_many_freqs(void)
{
    /* two items per cycle */
    struct ms__tone_gen *g = gen("%(400,200,400,450);%(400,2000,400,450)", 8000, 1, 0);
    CHECK(g);
    int16_t *pcm = malloc(8000 * 4 * sizeof(*pcm));
    CHECK_EQ_INT(render(g, pcm, 8000 * 4), 8000 * 3);
    double on = rms(pcm + 800, 1600);
    CHECK(on > 1000);
    CHECK(rms(pcm + 3300, 1400) == 0);             /* 400..600 ms silence */
    CHECK(rms(pcm + 4800 + 400, 2400) > on * 0.9); /* 600..1000 ms tone */
    CHECK(rms(pcm + 8000, 16000) == 0);            /* then 2 s silence */
    ms__tone_gen_free(g);

    /* eight frequencies at 0 dB each would clip: scaled, no sample saturates */
    g = gen("v=0;%(500,0,300,500,700,900,1100,1300,1500,1700)", 8000, 1, 0);
    CHECK(g);
    CHECK_EQ_INT(render(g, pcm, 8000), 4000);
    for (int i = 0; i < 4000; i++)
        CHECK(abs(pcm[i]) <= 32000);
    CHECK(share_at(pcm + 400, 3200, 8000, 1100) > 0.1);
    /* a rest item is silence */
    ms__tone_gen_free(g);
    g = gen("%(100,0,0);%(100,0,1000)", 8000, 1, 0);
    CHECK_EQ_INT(render(g, pcm, 8000), 1600);
    CHECK(rms(pcm, 800) == 0);
    CHECK(rms(pcm + 900, 600) > 1000);
    ms__tone_gen_free(g);
    free(pcm);
}

static char heard[32];
static void on_digit(void *ud, char digit)
{
    (void)ud;
    size_t n = strlen(heard);
    if (n + 1 < sizeof(heard))
        heard[n] = digit;
}

static void test_dtmf_digits(void)
{
    /* TGML digits are real DTMF: spandsp's receiver hears them */
    struct ms__tone_gen *g = gen("1234567890*#ABCD", 8000, 1, 0);
    CHECK(g);
    struct ms__dtmf_inband *rx = NULL;
    CHECK_EQ_INT(ms__dtmf_inband_new(&rx, 8000, on_digit, NULL), 0);
    memset(heard, 0, sizeof(heard));
    int16_t frame[160];
    while (ms__tone_gen_read(g, frame, 160) > 0)
        ms__dtmf_inband_feed(rx, frame, 160);
    for (int i = 0; i < 10; i++) { /* silence to finish the last digit */
        memset(frame, 0, sizeof(frame));
        ms__dtmf_inband_feed(rx, frame, 160);
    }
    CHECK_EQ_STR(heard, "1234567890*#ABCD");
    ms__dtmf_inband_free(rx);
    ms__tone_gen_free(g);
}

static void test_odd_frame_sizes(void)
{
    /* any read size gives the same audio as 20 ms frames */
    struct ms__tone_gen *a = gen("%(30,20,440,1000);%(10,0,700)", 8000, 5, 0);
    struct ms__tone_gen *b = gen("%(30,20,440,1000);%(10,0,700)", 8000, 5, 0);
    CHECK(a && b);
    int16_t x[8000], y[8000];
    size_t nx = render(a, x, 8000), ny = 0, step = 1, r;
    while ((r = ms__tone_gen_read(b, y + ny, step)) > 0) {
        ny += r;
        step = step % 37 + 1;
    }
    CHECK_EQ_INT(nx, 8000 * 300 / 1000);
    CHECK_EQ_INT(ny, nx);
    CHECK(memcmp(x, y, nx * sizeof(*x)) == 0);
    ms__tone_gen_free(a);
    ms__tone_gen_free(b);
}

int main(void)
{
    RUN(test_parse_named);
    RUN(test_parse_syntax);
    RUN(test_parse_errors);
    RUN(test_gen_errors);
    RUN(test_busy_8k);
    RUN(test_ringback_16k);
    RUN(test_congestion_and_dial);
    RUN(test_beep_once_and_ramps);
    RUN(test_repeat_and_duration);
    RUN(test_uk_ring_and_many_freqs);
    RUN(test_dtmf_digits);
    RUN(test_odd_frame_sizes);
    return test_summary();
}
