/* In-band tone detection: fax CNG/CED, busy, congestion and ringback made by
 * our generator and by spandsp's own generators, through G.711, at both call
 * rates, with noise; each reported once per onset and re-armed after; and no
 * false alarm at all on minutes of speech (flite, and Asterisk's human
 * prompts when installed) and on the hold music the build renders. */
#include "media/audio_decode.h"
#include "media/codec.h"
#include "media/flite_voice.h"
#include "media/spandsp_sub.h"
#include "media/tone_detect.h"
#include "media/tone_gen.h"
#include "moonswitch/error.h"
#include "test.h"

#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define MAX_EVENTS 64

struct events {
    int n;
    const char *name[MAX_EVENTS];
    uint64_t at[MAX_EVENTS];
};

static void on_event(void *ud, const char *name, uint64_t at_ms)
{
    struct events *ev = ud;
    if (ev->n < MAX_EVENTS) {
        ev->name[ev->n] = name;
        ev->at[ev->n] = at_ms;
    }
    ev->n++;
}

static void print_events(const char *what, const struct events *ev)
{
    for (int i = 0; i < ev->n && i < MAX_EVENTS; i++)
        fprintf(stderr, "  %s: %s at %llu ms\n", what, ev->name[i], (unsigned long long)ev->at[i]);
}

/* A growing buffer of audio to feed. */
struct audio {
    int16_t *pcm;
    size_t n, cap;
    int rate;
};

static void audio_add(struct audio *a, const int16_t *pcm, size_t n)
{
    if (a->n + n > a->cap) {
        a->cap = (a->n + n) * 2;
        a->pcm = realloc(a->pcm, a->cap * sizeof(*a->pcm));
    }
    if (pcm)
        memcpy(a->pcm + a->n, pcm, n * sizeof(*pcm));
    else
        memset(a->pcm + a->n, 0, n * sizeof(*pcm));
    a->n += n;
}

static void audio_silence(struct audio *a, unsigned ms)
{
    audio_add(a, NULL, (size_t)a->rate * ms / 1000);
}

/* Appends ms of a tone spec (or name) rendered by our generator. */
static bool audio_tone(struct audio *a, const char *spec, unsigned ms)
{
    struct ms__tone_gen *g = NULL;
    struct ms__tone_gen_opts o = {.duration_ms = ms};
    char err[MS__TONE_ERR_LEN];
    if (ms__tone_gen_new(&g, spec, a->rate, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "tone %s: %s\n", spec, err);
        return false;
    }
    size_t n = (size_t)a->rate * ms / 1000;
    audio_add(a, NULL, n);
    ms__tone_gen_read(g, a->pcm + a->n - n, n);
    ms__tone_gen_free(g);
    return true;
}

/* Appends ms of a spandsp modem connect tone (8 kHz). */
static void audio_spandsp_modem(struct audio *a, int type, unsigned ms)
{
    modem_connect_tones_tx_state_t *tx = modem_connect_tones_tx_init(NULL, type);
    size_t n = (size_t)8 * ms;
    audio_add(a, NULL, n);
    modem_connect_tones_tx(tx, a->pcm + a->n - n, (int)n);
    modem_connect_tones_tx_free(tx);
}

/* Appends ms of a cadenced spandsp tone (8 kHz), levels in dBm0. */
static void audio_spandsp_tone(struct audio *a, int f1, int f2, int level, int on, int off,
                               unsigned ms)
{
    tone_gen_descriptor_t *desc =
        tone_gen_descriptor_init(NULL, f1, level, f2, level, on, off, 0, 0, 1);
    tone_gen_state_t *tg = tone_gen_init(NULL, desc);
    size_t n = (size_t)8 * ms;
    audio_add(a, NULL, n);
    tone_gen(tg, a->pcm + a->n - n, (int)n);
    tone_gen_free(tg);
    tone_gen_descriptor_free(desc);
}

/* Adds white noise at `db` dBFS RMS over the whole buffer (fixed seed). */
static void audio_noise(struct audio *a, double db)
{
    double amp = 32767 * pow(10, db / 20) * sqrt(3.0); /* uniform: rms = amp/sqrt(3) */
    unsigned seed = 12345;
    for (size_t i = 0; i < a->n; i++) {
        seed = seed * 1103515245u + 12345u;
        double v = a->pcm[i] + amp * (((seed >> 8) & 0xffff) / 32768.0 - 1.0);
        a->pcm[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}

/* Passes the audio through a G.711 codec, as the caller's audio arrives. */
static void audio_g711(struct audio *a, enum ms__codec_id id)
{
    struct ms__codec *c = NULL;
    ms__codec_new(&c, id);
    uint8_t enc[160];
    for (size_t off = 0; off + 160 <= a->n; off += 160) {
        ms__codec_encode(c, a->pcm + off, 160, enc, sizeof(enc));
        ms__codec_decode(c, enc, 160, a->pcm + off, 160);
    }
    ms__codec_free(c);
}

/* Feeds the audio in 20 ms frames to a new detector; events into ev. */
static int detect(const struct audio *a, unsigned mask, struct events *ev)
{
    struct ms__tone_detect *d = NULL;
    memset(ev, 0, sizeof(*ev));
    int rc = ms__tone_detect_new(&d, a->rate, mask, on_event, ev);
    if (rc < 0)
        return rc;
    size_t frame = (size_t)a->rate / 50;
    for (size_t off = 0; off < a->n; off += frame)
        ms__tone_detect_feed(d, a->pcm + off, a->n - off < frame ? a->n - off : frame);
    ms__tone_detect_free(d);
    return 0;
}

/* Exactly one event, called name, between lo and hi ms. */
static bool one_event(const struct events *ev, const char *name, uint64_t lo, uint64_t hi)
{
    if (ev->n == 1 && strcmp(ev->name[0], name) == 0 && ev->at[0] >= lo && ev->at[0] <= hi)
        return true;
    fprintf(stderr, "  wanted one %s in %llu..%llu ms, got %d:\n", name, (unsigned long long)lo,
            (unsigned long long)hi, ev->n);
    print_events("got", ev);
    return false;
}

static void test_cng(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    audio_silence(&a, 1000);
    CHECK(audio_tone(&a, "v=-15;%(500,3000,1100)", 12000));
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "fax-cng", 1500, 1700)); /* at the end of the first burst */

    /* spandsp's CNG, through A-law, after some speech-free line noise */
    a.n = 0;
    audio_silence(&a, 2000);
    audio_spandsp_modem(&a, MODEM_CONNECT_TONES_FAX_CNG, 10000);
    audio_noise(&a, -50);
    audio_g711(&a, MS_CODEC_PCMA);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "fax-cng", 2500, 2800));

    /* a continuous 1100 Hz tone is not CNG */
    a.n = 0;
    CHECK(audio_tone(&a, "%(3000,1000,1100)", 8000));
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK_EQ_INT(ev.n, 0);
    free(a.pcm);
}

static void test_cng_rearms(void)
{
    /* CNG, 12 s of silence, CNG again: two onsets */
    struct audio a = {.rate = 8000};
    struct events ev;
    CHECK(audio_tone(&a, "%(500,3000,1100)", 7000));
    audio_silence(&a, 12000);
    CHECK(audio_tone(&a, "%(500,3000,1100)", 7000));
    CHECK_EQ_INT(detect(&a, MS__TD_FAX_CNG, &ev), 0);
    CHECK_EQ_INT(ev.n, 2);
    CHECK(ev.at[0] < 1000);
    CHECK(ev.at[1] > 19000 && ev.at[1] < 20000);
    free(a.pcm);
}

static void test_ced(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    /* plain 2100 Hz answer tone, 3 s, from our generator */
    audio_silence(&a, 500);
    CHECK(audio_tone(&a, "v=-12;%(3000,0,2100)", 3000));
    audio_silence(&a, 2000);
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "fax-ced", 1000, 1500));

    /* spandsp's answer tones: with phase reversals, and ANSam with reversals */
    int types[] = {MODEM_CONNECT_TONES_ANS, MODEM_CONNECT_TONES_ANS_PR,
                   MODEM_CONNECT_TONES_ANSAM_PR};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        a.n = 0;
        audio_silence(&a, 1000);
        audio_spandsp_modem(&a, types[i], 4000);
        audio_silence(&a, 1000);
        audio_g711(&a, MS_CODEC_PCMA);
        CHECK_EQ_INT(detect(&a, MS__TD_FAX_CED, &ev), 0);
        CHECK(one_event(&ev, "fax-ced", 1400, 3000));
    }
    free(a.pcm);
}

static void test_busy(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    audio_silence(&a, 1000);
    CHECK(audio_tone(&a, "busy", 30000));
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "busy", 2500, 2600)); /* end of the second burst */

    /* spandsp's generator at -24 dBm0 */
    a.n = 0;
    audio_spandsp_tone(&a, 480, 620, -24, 500, 500, 6000);
    audio_g711(&a, MS_CODEC_PCMA);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "busy", 1500, 1600));

    /* a real network's tolerances: frequencies 1% off, cadence 450 / 550 ms */
    a.n = 0;
    CHECK(audio_tone(&a, "v=-20;%(450,550,485,614)", 6000));
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "busy", 1450, 1550));

    /* with noise 15 dB below the tone */
    a.n = 0;
    CHECK(audio_tone(&a, "busy", 6000));
    audio_noise(&a, -42);
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "busy", 1500, 1600));
    free(a.pcm);
}

static void test_congestion(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    CHECK(audio_tone(&a, "congestion", 10000));
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "congestion", 750, 850));

    a.n = 0;
    audio_spandsp_tone(&a, 480, 620, -24, 250, 250, 5000);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "congestion", 750, 850));
    free(a.pcm);
}

static void test_ringback(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    audio_silence(&a, 300);
    CHECK(audio_tone(&a, "ringback", 30000));
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK(one_event(&ev, "ringback", 8300, 8400));

    a.n = 0;
    audio_spandsp_tone(&a, 440, 480, -19, 2000, 4000, 20000);
    audio_g711(&a, MS_CODEC_PCMA);
    CHECK_EQ_INT(detect(&a, MS__TD_RINGBACK, &ev), 0);
    CHECK(one_event(&ev, "ringback", 8000, 8100));
    free(a.pcm);
}

static void test_16k(void)
{
    struct audio a = {.rate = 16000};
    struct events ev;
    CHECK(audio_tone(&a, "ringback", 10000));
    audio_silence(&a, 1000);
    CHECK(audio_tone(&a, "%(500,3000,1100)", 4000));
    audio_silence(&a, 1000);
    CHECK(audio_tone(&a, "%(3000,0,2100)", 3000));
    audio_silence(&a, 6000);
    CHECK(audio_tone(&a, "busy", 3000));
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    print_events("16k", &ev);
    CHECK_EQ_INT(ev.n, 4);
    CHECK_EQ_STR(ev.name[0], "ringback");
    CHECK_EQ_STR(ev.name[1], "fax-cng");
    CHECK_EQ_STR(ev.name[2], "fax-ced");
    CHECK_EQ_STR(ev.name[3], "busy");
    CHECK(ev.at[0] >= 8000 && ev.at[0] <= 8100);
    CHECK(ev.at[3] >= 26500 && ev.at[3] <= 26600); /* busy starts at 25 s */
    free(a.pcm);
}

static void test_once_per_onset(void)
{
    /* busy, then the line goes quiet, then busy again: two onsets; busy then
     * ringback straight after: each reported */
    struct audio a = {.rate = 8000};
    struct events ev;
    CHECK(audio_tone(&a, "busy", 4000));
    audio_silence(&a, 3000);
    CHECK(audio_tone(&a, "busy", 4000));
    CHECK(audio_tone(&a, "ringback", 12000));
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    print_events("onsets", &ev);
    CHECK_EQ_INT(ev.n, 3);
    CHECK_EQ_STR(ev.name[0], "busy");
    CHECK_EQ_STR(ev.name[1], "busy");
    CHECK_EQ_STR(ev.name[2], "ringback");
    CHECK(ev.at[1] > 8000 && ev.at[1] < 9000);
    CHECK(ev.at[2] > 18000 && ev.at[2] < 20000);
    free(a.pcm);
}

static void test_mask_and_args(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    CHECK(audio_tone(&a, "%(500,3000,1100)", 4000));
    CHECK(audio_tone(&a, "busy", 4000));
    CHECK_EQ_INT(detect(&a, MS__TD_BUSY, &ev), 0);
    CHECK(one_event(&ev, "busy", 5000, 6000));
    CHECK_EQ_INT(detect(&a, MS__TD_FAX_CNG | MS__TD_RINGBACK, &ev), 0);
    CHECK(one_event(&ev, "fax-cng", 400, 700));
    /* too quiet (-55 dBFS per frequency): nothing */
    a.n = 0;
    CHECK(audio_tone(&a, "v=-55;%(500,500,480,620)", 6000));
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    CHECK_EQ_INT(ev.n, 0);
    free(a.pcm);

    struct ms__tone_detect *d = NULL;
    CHECK_EQ_INT(ms__tone_detect_new(&d, 8000, MS__TD_ALL, NULL, NULL), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_detect_new(&d, 11025, MS__TD_ALL, on_event, &ev), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_detect_new(&d, 8000, 0, on_event, &ev), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_detect_new(&d, 8000, 0x100, on_event, &ev), MS_EINVAL);
    CHECK(d == NULL);
    CHECK_EQ_INT(ms__tone_detect_new(&d, 8000, MS__TD_ALL, on_event, &ev), 0);
    CHECK_EQ_INT(ms__tone_detect_feed(d, NULL, 10), MS_EINVAL);
    CHECK_EQ_INT(ms__tone_detect_feed(d, NULL, 0), 0);
    CHECK_EQ_INT(ms__tone_detect_feed(NULL, NULL, 0), MS_EINVAL);
    ms__tone_detect_free(d);
    ms__tone_detect_free(NULL);
    CHECK_EQ_INT(ms__tone_detect_bit("busy"), MS__TD_BUSY);
    CHECK_EQ_INT(ms__tone_detect_bit("fax-ced"), MS__TD_FAX_CED);
    CHECK_EQ_INT(ms__tone_detect_bit("Busy"), 0);
    CHECK_EQ_INT(ms__tone_detect_bit(NULL), 0);
}

/* ---- false alarms ---- */

static const char *speech_text[] = {
    "Thank you for calling. Your call is important to us. Please stay on the line and the next "
    "available agent will be with you shortly.",
    "For sales, press one. For support, press two. For billing and accounts, press three. To "
    "hear these options again, press nine, or stay on the line.",
    "Oh, hello! Hmm, yes, I was hoping to speak with someone about my order from last Tuesday. "
    "It was supposed to arrive by noon, but nothing came, and nobody called.",
    "The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore. "
    "Peter Piper picked a peck of pickled peppers.",
    "Eeeeeeee. Ooooooooh. Aaaaaaaaah. Mmmmmmmm. Beeeeep. Ringgggg. Buzzzzz. Whooooo.",
    "Your account balance is one thousand two hundred and thirty four dollars and fifty six "
    "cents. Your next payment of eighty nine dollars is due on the fifteenth of March.",
    "Welcome to the conference. There are currently seven participants. You are now muted. "
    "Press star six to unmute. Press pound to leave the conference.",
    "Please leave your message after the tone. When you are done, hang up, or press pound for "
    "more options. I'm sorry, that is not a valid extension. Goodbye.",
};

static void test_no_false_alarm_speech(void)
{
    struct audio a = {.rate = 8000};
    struct events ev;
    const char *voices[] = {"kal", "slt", "rms", "awb"};
    for (size_t v = 0; v < sizeof(voices) / sizeof(voices[0]); v++)
        for (size_t i = 0; i < sizeof(speech_text) / sizeof(speech_text[0]); i++) {
            int16_t *pcm = NULL;
            size_t n = 0;
            const struct ms__flite_voice *voice = ms__flite_voice_find(voices[v]);
            CHECK(voice);
            CHECK_EQ_INT(ms__flite_render_voice(voice, speech_text[i], 8000, &pcm, &n), 0);
            audio_add(&a, pcm, n);
            free(pcm);
            audio_silence(&a, 100 + 150 * (unsigned)i); /* pauses of many lengths */
        }
    fprintf(stderr, "  %.0f s of flite speech\n", a.n / 8000.0);
    CHECK(a.n > 8000 * 120);
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    print_events("speech", &ev);
    CHECK_EQ_INT(ev.n, 0);
    free(a.pcm);
}

static void test_no_false_alarm_music(void)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = ms__audio_decode_file(MS_BUILD_DIR "/sounds/8000/music/moh.wav", 8000, &pcm, &n);
    if (rc == MS_ENOENT) {
        fprintf(stderr, "  skipped: build the sounds target first (no moh.wav)\n");
        return;
    }
    CHECK_EQ_INT(rc, 0);
    struct audio a = {.rate = 8000};
    struct events ev;
    for (int i = 0; i < 6; i++) /* the loop, six times: about 3 minutes */
        audio_add(&a, pcm, n);
    free(pcm);
    fprintf(stderr, "  %.0f s of hold music\n", a.n / 8000.0);
    audio_g711(&a, MS_CODEC_PCMA);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    print_events("music", &ev);
    CHECK_EQ_INT(ev.n, 0);
    free(a.pcm);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Real human voice: Asterisk's English prompts (a recommended package, not a
 * build dependency: skipped when absent). */
static void test_no_false_alarm_human(void)
{
    const char *dir = "/usr/share/asterisk/sounds/en";
    DIR *dh = opendir(dir);
    if (!dh) {
        fprintf(stderr, "  skipped: %s not installed (asterisk-core-sounds-en-wav)\n", dir);
        return;
    }
    char *names[1024];
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(dh)) && count < 1024)
        if (strstr(de->d_name, ".wav"))
            names[count++] = strdup(de->d_name);
    closedir(dh);
    qsort(names, count, sizeof(names[0]), cmp_str);
    struct audio a = {.rate = 8000};
    for (size_t i = 0; i < count && a.n < 8000 * 300; i += 2) { /* every other: ~5 min */
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        int16_t *pcm = NULL;
        size_t n = 0;
        if (ms__audio_decode_file(path, 8000, &pcm, &n) == 0) {
            audio_add(&a, pcm, n);
            free(pcm);
        }
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    fprintf(stderr, "  %.0f s of human prompts\n", a.n / 8000.0);
    struct events ev;
    audio_g711(&a, MS_CODEC_PCMU);
    CHECK_EQ_INT(detect(&a, MS__TD_ALL, &ev), 0);
    print_events("human", &ev);
    CHECK_EQ_INT(ev.n, 0);
    free(a.pcm);
}

int main(void)
{
    RUN(test_cng);
    RUN(test_cng_rearms);
    RUN(test_ced);
    RUN(test_busy);
    RUN(test_congestion);
    RUN(test_ringback);
    RUN(test_16k);
    RUN(test_once_per_onset);
    RUN(test_mask_and_args);
    RUN(test_no_false_alarm_speech);
    RUN(test_no_false_alarm_music);
    RUN(test_no_false_alarm_human);
    return test_summary();
}
