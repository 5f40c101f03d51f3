/* Text to speech (core/src/media/tts*.c, flite_voice.c): sentence splitting,
 * voices and rates, speaking on a real uv loop, the memory cache (hits,
 * shared jobs, LRU bound), the disk cache across instances, sentence-by-
 * sentence delivery and priorities (observed with the worker gate), cancel,
 * closing with streams open, the virtual clock's hold, bad input. Every test
 * ends with a uv loop that closes cleanly (ASan checks the memory). */
#include "media/flite_voice.h"
#include "media/tts.h"
#include "media/tts_cache.h"
#include "media/tts_split.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "test.h"

#include <dirent.h>
#include <flite/flite.h>
#include <math.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

cst_voice *register_cmu_us_kal(const char *voxdir);

static char tmpdir[64];

/* ---- helpers ---- */

struct env {
    uv_loop_t uv;
    struct ms_loop *loop;
    struct ms__tts *tts;
    uv_timer_t wake; /* lets uv_run(ONCE) return while we wait */
};

static void wake_cb(uv_timer_t *h)
{
    (void)h;
}

static int env_init(struct env *e, enum ms_clock_mode mode, const char *dir, size_t mem)
{
    memset(e, 0, sizeof *e);
    if (uv_loop_init(&e->uv) != 0 || ms_loop_new(&e->loop, &e->uv, mode) != 0)
        return -1;
    uv_timer_init(&e->uv, &e->wake);
    struct ms__tts_config c = {.cache_dir = dir, .memory_bytes = mem};
    return ms__tts_new(&e->tts, e->loop, &c);
}

/* Frees the TTS and the loop; true if the uv loop then closes cleanly. */
static bool env_close(struct env *e)
{
    ms__tts_free(e->tts);
    uv_close((uv_handle_t *)&e->wake, NULL);
    ms_loop_close(e->loop);
    uv_run(&e->uv, UV_RUN_DEFAULT);
    return uv_loop_close(&e->uv) == 0;
}

/* Runs the loop once (returning within 50 ms at most). */
static void turn(struct env *e)
{
    uv_timer_start(&e->wake, wake_cb, 50, 0);
    uv_run(&e->uv, UV_RUN_ONCE);
}

/* Turns the loop until the stream has `ready` sentences, at most 20 s. */
static bool wait_ready(struct env *e, struct ms__tts_stream *s, size_t ready)
{
    uint64_t deadline = uv_hrtime() + 20000000000ull;
    while (ms__tts_stream_ready(s) < ready && uv_hrtime() < deadline)
        turn(e);
    return ms__tts_stream_ready(s) >= ready;
}

/* Reads the whole stream 160 samples at a time, turning the loop when it
 * has nothing. Returns the samples (malloc'd) and the final read's code. */
struct pcm {
    int16_t *v;
    size_t n;
    int rc;
};

static struct pcm drain(struct env *e, struct ms__tts_stream *s)
{
    struct pcm p = {.v = malloc(16000 * 120 * sizeof(int16_t))};
    uint64_t deadline = uv_hrtime() + 30000000000ull;
    while (!ms__tts_done(s) && uv_hrtime() < deadline && p.n + 160 <= 16000 * 120) {
        int rc = ms__tts_read(s, p.v + p.n, 160);
        if (rc < 0) {
            p.rc = rc;
            break;
        }
        p.n += (size_t)rc;
        if (rc == 0)
            turn(e);
    }
    if (p.rc == 0 && !ms__tts_done(s))
        p.rc = MS_ETIMEDOUT;
    return p;
}

static double rms(const int16_t *v, size_t n)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += (double)v[i] * v[i];
    return n ? sqrt(acc / (double)n) : 0;
}

static struct ms__tts_stats stats(struct env *e)
{
    struct ms__tts_stats st;
    ms__tts_get_stats(e->tts, &st);
    return st;
}

static struct pcm render(const char *voice, const char *text, int rate)
{
    struct pcm p = {0};
    p.rc = ms__flite_render_voice(ms__flite_voice_find(voice), text, rate, &p.v, &p.n);
    return p;
}

/* ---- splitting ---- */

/* Splits text and compares with the expected sentences joined by '|'. */
static bool split_is(const char *text, const char *expect)
{
    char **v;
    size_t n;
    if (ms__tts_split(text, MS__TTS_SEGMENT_MAX, MS__TTS_SEGMENT_MAX, &v, &n) != 0)
        return false;
    char got[2048] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(got, "|");
        strcat(got, v[i]);
    }
    ms__tts_split_free(v, n);
    if (strcmp(got, expect) != 0)
        fprintf(stderr, "  split \"%s\":\n    got    \"%s\"\n    wanted \"%s\"\n", text, got,
                expect);
    return strcmp(got, expect) == 0;
}

/* The same with the first segment's bound, the others' being the default. */
static bool split_bounded_is(const char *text, size_t first_max, const char *expect)
{
    char **v;
    size_t n;
    if (ms__tts_split(text, first_max, MS__TTS_SEGMENT_MAX, &v, &n) != 0)
        return false;
    char got[2048] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(got, "|");
        strcat(got, v[i]);
    }
    ms__tts_split_free(v, n);
    if (strcmp(got, expect) != 0)
        fprintf(stderr, "  split \"%s\" (%zu):\n    got    \"%s\"\n    wanted \"%s\"\n", text,
                first_max, got, expect);
    return strcmp(got, expect) == 0;
}

static void test_split_rules(void)
{
    CHECK(split_is("Hello world. How are you? Fine!", "Hello world.|How are you?|Fine!"));
    CHECK(split_is("  Hello \t  world  ", "Hello world"));
    CHECK(split_is("Press 1.\nPress 2\r\n\r\nPress 3", "Press 1.|Press 2|Press 3"));
    CHECK(split_is("one; two;three", "one;|two;three"));
    CHECK(
        split_is("Pi is 3.14 and www.example.com is up.", "Pi is 3.14 and www.example.com is up."));
    CHECK(split_is("Mr. Smith met Dr. Jones at St. Paul's.",
                   "Mr. Smith met Dr. Jones at St. Paul's."));
    CHECK(split_is("J. R. Smith called. Bye.", "J. R. Smith called.|Bye."));
    CHECK(split_is("Bring fruit, e.g. apples, etc. and more.",
                   "Bring fruit, e.g. apples, etc. and more."));
    CHECK(split_is("See item No. 5 today. No. That is all.",
                   "See item No. 5 today.|No.|That is all."));
    CHECK(
        split_is("Open until 5 p.m. Thanks for calling.", "Open until 5 p.m.|Thanks for calling."));
    CHECK(split_is("Wait... what?! Really.", "Wait...|what?!|Really."));
    CHECK(split_is("He said \"stop.\" Then he left.", "He said \"stop.\"|Then he left."));
    CHECK(split_is("(Really?) Yes.", "(Really?)|Yes."));
    CHECK(split_is("End with no stop", "End with no stop"));
}

static void test_split_nothing_to_say(void)
{
    CHECK(split_is("", ""));
    CHECK(split_is("   \n\t ", ""));
    CHECK(split_is("... !? ;", ""));
    CHECK(split_is("Yes. ... No.", "Yes.|No."));
    char **v = (char **)1;
    size_t n = 7;
    CHECK_EQ_INT(ms__tts_split("...", 100, 100, &v, &n), 0);
    CHECK_EQ_INT(n, 0);
    CHECK(v == NULL);
    CHECK_EQ_INT(ms__tts_split(NULL, 100, 100, &v, &n), MS_EINVAL);
    CHECK_EQ_INT(ms__tts_split("x", 8, 100, &v, &n), MS_EINVAL);
}

/* No character cut in two (only 1- and 2-byte sequences here). */
static bool utf8_whole(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            return false;
        if ((*p & 0xE0) == 0xC0 && (*++p & 0xC0) != 0x80)
            return false;
    }
    return true;
}

/* A long sentence is cut at clause boundaries, then spaces, then anywhere
 * (on a UTF-8 boundary); nothing is lost but the spaces at the cuts. */
static void test_split_long(void)
{
    char text[1200] = "";
    for (int i = 0; i < 30; i++)
        strcat(text, "alpha beta gamma, ");
    strcat(text, "end.");
    char **v;
    size_t n;
    CHECK_EQ_INT(ms__tts_split(text, 100, 100, &v, &n), 0);
    CHECK(n >= 6);
    char joined[1200] = "";
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok = ok && strlen(v[i]) <= 100 && (i == n - 1 || v[i][strlen(v[i]) - 1] == ',');
        strcat(joined, v[i]);
        strcat(joined, i < n - 1 ? " " : "");
    }
    ms__tts_split_free(v, n);
    CHECK(ok);
    text[strlen(text)] = '\0';
    CHECK_EQ_STR(joined, text);

    char word[700] = "";
    for (int i = 0; i < 200; i++)
        strcat(word, "a\xc3\xa9"); /* "aé", 3 bytes, no spaces */
    CHECK_EQ_INT(ms__tts_split(word, 100, 100, &v, &n), 0);
    size_t total = 0;
    ok = true;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]);
        total += len;
        ok = ok && len <= 100 && utf8_whole(v[i]);
    }
    ms__tts_split_free(v, n);
    CHECK(ok);
    CHECK_EQ_INT(total, 600);

    /* The first segment has its own, tighter bound (first-audio latency). */
    const char *opening = "We are open Monday to Friday from nine in the morning until six in "
                          "the evening, and on Saturdays from ten until two. Goodbye.";
    CHECK_EQ_INT(ms__tts_split(opening, 60, 200, &v, &n), 0);
    bool first_ok =
        n == 3 && strcmp(v[0], "We are open Monday to Friday from nine in the morning") == 0 &&
        strcmp(v[1], "until six in the evening, and on Saturdays from ten until two.") == 0;
    ms__tts_split_free(v, n);
    CHECK(first_ok);
}

/* Segment bounds grow from first_max, doubling up to max, so each segment
 * plays long enough to cover the next one's synthesis; the first segment is
 * cut at its last clause boundary within the bound. */
static void test_split_growing(void)
{
    char text[1400] = "";
    for (int i = 0; i < 250; i++)
        strcat(text, "word ");
    strcat(text, "end");
    char **v;
    size_t n;
    CHECK_EQ_INT(ms__tts_split(text, 24, 200, &v, &n), 0);
    static const size_t bounds[] = {24, 48, 96, 192, 200};
    bool ok = n >= 7;
    char joined[1400] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]), b = bounds[i < 4 ? i : 4];
        /* cut at the last space, but the last two halve what was left */
        ok = ok && len <= b && (i + 2 >= n || len + 5 > b);
        strcat(joined, v[i]);
        strcat(joined, i < n - 1 ? " " : "");
    }
    ms__tts_split_free(v, n);
    CHECK(ok);
    CHECK_EQ_STR(joined, text);

    /* A clause boundary, the nearest to the middle when both halves fit. */
    CHECK(split_bounded_is("Your call is important to us, caller 1234, please stay on the line. "
                           "Thank you.",
                           48,
                           "Your call is important to us,|caller 1234, please stay on the line.|"
                           "Thank you."));
    CHECK(split_bounded_is("Hello caller, your call is important to us, please stay on the line "
                           "and an agent will answer.",
                           40,
                           "Hello caller,|your call is important to us, please stay on the "
                           "line and an agent will answer."));
    /* Else before a word that starts a phrase. */
    CHECK(split_bounded_is("Please enter your account number followed by the hash key.", 40,
                           "Please enter your account number|followed by the hash key."));
    CHECK(split_bounded_is("We are open Monday to Friday from nine in the morning until six.", 32,
                           "We are open Monday to Friday|from nine in the morning until six."));
    /* Short sentences are never merged nor cut. */
    CHECK(split_bounded_is("Hi. Press one. Press two.", 16, "Hi.|Press one.|Press two."));
}

/* ---- voices ---- */

static void test_voices(void)
{
    static const char *names[] = {"kal", "kal16", "slt", "rms", "awb"};
    static const int rates[] = {8000, 16000, 16000, 16000, 16000};
    for (int i = 0; i < 5; i++) {
        const struct ms__flite_voice *v = ms__flite_voice_find(names[i]);
        CHECK(v != NULL);
        CHECK_EQ_STR(v->name, names[i]);
        CHECK_EQ_INT(v->rate, rates[i]);
        struct pcm p = render(names[i], "Yes.", v->rate);
        CHECK_EQ_INT(p.rc, 0);
        CHECK(p.n > (size_t)v->rate / 10 && p.n < (size_t)v->rate * 2);
        CHECK(rms(p.v, p.n) > 300);
        free(p.v);
    }
    CHECK(ms__flite_voice_find(NULL) == ms__flite_voice_find("kal"));
    CHECK(ms__flite_voice_find("") == ms__flite_voice_find("kal"));
    CHECK(ms__flite_voice_find("KAL") == NULL);
    CHECK(ms__flite_voice_find("bob") == NULL);
    int16_t *pcm;
    size_t n;
    CHECK_EQ_INT(ms__flite_render_voice(ms__flite_voice_find("kal"), "", 8000, &pcm, &n),
                 MS_EINVAL);
    CHECK_EQ_INT(ms__flite_render_voice(NULL, "hi", 8000, &pcm, &n), MS_EINVAL);
    CHECK_EQ_INT(ms__flite_render("hi", 10, &pcm, &n), MS_EINVAL);
}

/* kal at 8 kHz is flite's own output, untouched: no resampling. */
static void test_kal_native(void)
{
    cst_voice *kal = register_cmu_us_kal(NULL);
    cst_wave *w = flite_text_to_wave("Thank you for calling.", kal);
    CHECK(w && w->sample_rate == 8000);
    struct pcm p = render("kal", "Thank you for calling.", 8000);
    bool same = p.rc == 0 && p.n == (size_t)w->num_samples &&
                memcmp(p.v, w->samples, p.n * sizeof(int16_t)) == 0;
    free(p.v);
    delete_wave(w);
    CHECK(same);
}

/* ---- speaking ---- */

static void test_speak_kal(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    struct ms__tts_stream *s;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Thank you for calling.", "kal", 8000, &s), 0);
    CHECK_EQ_INT(ms__tts_stream_sentences(s), 1);
    CHECK(!ms__tts_done(s));
    struct pcm got = drain(&e, s);
    struct pcm want = render("kal", "Thank you for calling.", 8000);
    CHECK_EQ_INT(got.rc, 0);
    CHECK(ms__tts_done(s));
    CHECK_EQ_INT(ms__tts_read(s, got.v, 160), 0);
    CHECK_EQ_INT(ms__tts_stream_played(s), got.n);
    ms__tts_close(s);
    CHECK(got.n > 8000 / 2 && got.n < 8000 * 4); /* ~1.5 s */
    CHECK_EQ_INT(got.n, want.n);
    CHECK(memcmp(got.v, want.v, got.n * 2) == 0); /* kal is deterministic */
    free(got.v);
    free(want.v);
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.syntheses, 1);
    CHECK_EQ_INT(st.streams_open, 0);
    CHECK(env_close(&e));
}

/* A 16 kHz voice on an 8 kHz call: speexdsp halves the length exactly (flite's
 * own resampler would add 256 ms); on a 16 kHz call it is used as is. And
 * kal on a 16 kHz call is upsampled. */
static void test_speak_rates(void)
{
    const char *text = "Please hold the line.";
    struct pcm native = render("slt", text, 16000);
    struct pcm kal8 = render("kal", text, 8000);
    CHECK_EQ_INT(native.rc, 0);
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    struct ms__tts_stream *a, *b, *c;
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &a), 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 16000, &b), 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "kal", 16000, &c), 0);
    struct pcm pa = drain(&e, a), pb = drain(&e, b), pc = drain(&e, c);
    ms__tts_close(a);
    ms__tts_close(b);
    ms__tts_close(c);
    CHECK_EQ_INT(pa.rc, 0);
    CHECK_EQ_INT(pb.rc, 0);
    CHECK_EQ_INT(pc.rc, 0);
    CHECK_EQ_INT(pb.n, native.n);
    CHECK_EQ_INT(pa.n, (native.n + 1) / 2);
    CHECK_EQ_INT(pc.n, kal8.n * 2);
    /* Level kept by the resampler (within 15%). */
    double ra = rms(pa.v, pa.n), rb = rms(pb.v, pb.n);
    CHECK(ra > rb * 0.85 && ra < rb * 1.15);
    CHECK_EQ_INT(stats(&e).syntheses, 3); /* one per (voice, rate) */
    free(pa.v);
    free(pb.v);
    free(pc.v);
    free(native.v);
    free(kal8.v);
    CHECK(env_close(&e));
}

/* The second speak of a text is served from memory at once, identical. */
static void test_memory_hit(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    const char *text = "Your call is important to us. Please stay on the line.";
    struct ms__tts_stream *s;
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &s), 0);
    struct pcm first = drain(&e, s);
    ms__tts_close(s);
    CHECK_EQ_INT(first.rc, 0);
    CHECK_EQ_INT(stats(&e).syntheses, 2);
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &s), 0);
    CHECK_EQ_INT(ms__tts_stream_ready(s), 2); /* without running the loop */
    int16_t *again = malloc(first.n * sizeof *again + 320);
    size_t n = 0;
    int rc;
    while ((rc = ms__tts_read(s, again + n, 160)) > 0)
        n += (size_t)rc;
    CHECK(ms__tts_done(s));
    ms__tts_close(s);
    CHECK_EQ_INT(n, first.n);
    CHECK(memcmp(again, first.v, n * 2) == 0);
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.syntheses, 2);
    CHECK_EQ_INT(st.memory_hits, 2);
    CHECK_EQ_INT(st.jobs, 2);
    CHECK_EQ_INT(st.cache_entries, 2);
    CHECK(st.cache_bytes >= first.n * 2);
    free(again);
    free(first.v);
    CHECK(env_close(&e));
}

/* Two calls asking for the same text at once share one synthesis. */
static void test_shared_job(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 0);
    struct ms__tts_stream *a, *b;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Welcome.", "awb", 8000, &a), 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Welcome.", "awb", 8000, &b), 0);
    ms__tts_set_gate(e.tts, -1);
    struct pcm pa = drain(&e, a), pb = drain(&e, b);
    ms__tts_close(a);
    ms__tts_close(b);
    CHECK_EQ_INT(pa.rc, 0);
    CHECK_EQ_INT(pb.rc, 0);
    CHECK_EQ_INT(pa.n, pb.n);
    CHECK(memcmp(pa.v, pb.v, pa.n * 2) == 0);
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.jobs, 1);
    CHECK_EQ_INT(st.joined, 1);
    CHECK_EQ_INT(st.syntheses, 1);
    free(pa.v);
    free(pb.v);
    CHECK(env_close(&e));
}

/* Twenty calls starting the same prompt at once (an IVR burst): one
 * synthesis per sentence, and every call hears the same audio. */
static void test_identical_burst(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 0);
    const char *text = "Thank you for calling. Your call is important to us.";
    struct ms__tts_stream *s[20];
    for (int i = 0; i < 20; i++)
        CHECK_EQ_INT(ms__tts_speak(e.tts, text, "kal", 8000, &s[i]), 0);
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.jobs, 1); /* a stream asks for one sentence at a time */
    CHECK_EQ_INT(st.joined, 19);
    ms__tts_set_gate(e.tts, -1);
    struct pcm first = drain(&e, s[0]);
    bool same = first.rc == 0 && first.n > 8000;
    for (int i = 1; i < 20; i++) {
        struct pcm p = drain(&e, s[i]);
        same = same && p.rc == 0 && p.n == first.n && memcmp(p.v, first.v, p.n * 2) == 0;
        free(p.v);
    }
    for (int i = 0; i < 20; i++)
        ms__tts_close(s[i]);
    free(first.v);
    CHECK(same);
    st = stats(&e);
    CHECK_EQ_INT(st.syntheses, 2);
    CHECK_EQ_INT(st.jobs, 2);
    CHECK_EQ_INT(st.joined + st.memory_hits, 38);
    CHECK_EQ_INT(st.streams_open, 0);
    CHECK(env_close(&e));
}

/* A call asking for a sentence already being synthesised joins that job (or,
 * if it just finished, gets it from memory): it hears the audio from its
 * start, and nothing is synthesised twice. */
static void test_join_running(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    const char *text = "While you wait, you can also reach us on the web, where most questions "
                       "are answered in a few minutes.";
    struct ms__tts_stream *a, *b;
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &a), 0);
    uint64_t deadline = uv_hrtime() + 20000000000ull;
    while (ms__tts_stream_available(a) == 0 && uv_hrtime() < deadline)
        ; /* busy: only the worker moves */
    CHECK(ms__tts_stream_available(a) > 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &b), 0);
    size_t nseg = ms__tts_stream_sentences(a);
    struct pcm pa = drain(&e, a), pb = drain(&e, b);
    ms__tts_close(a);
    ms__tts_close(b);
    bool same = pa.rc == 0 && pb.rc == 0 && pa.n == pb.n && memcmp(pa.v, pb.v, pa.n * 2) == 0;
    free(pa.v);
    free(pb.v);
    CHECK(same);
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.syntheses, nseg);
    CHECK_EQ_INT(st.joined + st.memory_hits, nseg);
    CHECK(env_close(&e));
}

/* The memory cache stays within its bound once audio is released. */
static void test_memory_bound(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 40000), 0); /* ~2.5 s at 8 kHz */
    static const char *texts[] = {"One two three.", "Four five six.", "Seven eight nine.",
                                  "Ten eleven twelve."};
    for (int i = 0; i < 4; i++) {
        struct ms__tts_stream *s;
        CHECK_EQ_INT(ms__tts_speak(e.tts, texts[i], "kal", 8000, &s), 0);
        struct pcm p = drain(&e, s);
        ms__tts_close(s);
        free(p.v);
        CHECK_EQ_INT(p.rc, 0);
        CHECK(stats(&e).cache_bytes <= 40000);
    }
    struct ms__tts_stats st = stats(&e);
    CHECK(st.cache_entries < 4);
    struct ms__tts_stream *s; /* the oldest was evicted: synthesised again */
    CHECK_EQ_INT(ms__tts_speak(e.tts, texts[0], "kal", 8000, &s), 0);
    struct pcm p = drain(&e, s);
    ms__tts_close(s);
    free(p.v);
    CHECK_EQ_INT(stats(&e).syntheses, 5);
    CHECK(env_close(&e));
}

/* ---- disk cache ---- */

static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name), sl = strlen(suffix);
        n += de->d_name[0] != '.' && l >= sl && strcmp(de->d_name + l - sl, suffix) == 0;
    }
    closedir(d);
    return n;
}

static struct pcm speak_all(const char *dir, const char *text, const char *voice,
                            struct ms__tts_stats *st)
{
    struct env e;
    struct pcm p = {.rc = MS_EIO};
    if (env_init(&e, MS_CLOCK_REAL, dir, 0) != 0)
        return p;
    struct ms__tts_stream *s;
    if ((p.rc = ms__tts_speak(e.tts, text, voice, 8000, &s)) == 0) {
        p = drain(&e, s);
        ms__tts_close(s);
    }
    *st = stats(&e);
    if (!env_close(&e))
        p.rc = MS_EBUSY;
    return p;
}

static void test_disk_cache(void)
{
    char dir[128], vdir[160];
    snprintf(dir, sizeof dir, "%s/cache", tmpdir); /* created on first write */
    snprintf(vdir, sizeof vdir, "%s/rms", dir);
    const char *text = "Press one for sales. Press two for support.";
    struct ms__tts_stats st;
    struct pcm a = speak_all(dir, text, "rms", &st);
    CHECK_EQ_INT(a.rc, 0);
    CHECK_EQ_INT(st.syntheses, 2);
    CHECK_EQ_INT(st.disk_writes, 2);
    CHECK_EQ_INT(st.disk_hits, 0);
    CHECK_EQ_INT(count_files(vdir, ".wav"), 2);
    CHECK_EQ_INT(count_files(vdir, ""), 2); /* no temporary left behind */

    /* A new instance (a restart) reads the files: no synthesis, same audio. */
    struct pcm b = speak_all(dir, text, "rms", &st);
    CHECK_EQ_INT(b.rc, 0);
    CHECK_EQ_INT(st.syntheses, 0);
    CHECK_EQ_INT(st.disk_hits, 2);
    CHECK_EQ_INT(a.n, b.n);
    CHECK(memcmp(a.v, b.v, a.n * 2) == 0);
    free(b.v);

    /* A file at the right name for another key is a miss, then replaced. */
    char path[256];
    uint64_t h = ms__tts_key_hash(ms__flite_voice_find("rms"), 8000, "Press one for sales.");
    snprintf(path, sizeof path, "%s/%016llx.wav", vdir, (unsigned long long)h);
    SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    CHECK(sf != NULL);
    sf_set_string(sf, SF_STR_COMMENT, "ms-tts-1 rms 8000 Something else.");
    int16_t zeros[800] = {0};
    sf_write_short(sf, zeros, 800);
    sf_close(sf);
    b = speak_all(dir, text, "rms", &st);
    CHECK_EQ_INT(b.rc, 0);
    CHECK_EQ_INT(st.syntheses, 1);
    CHECK_EQ_INT(st.disk_hits, 1);
    CHECK_EQ_INT(st.disk_writes, 1);
    CHECK(b.n == a.n && rms(b.v, b.n) > 300);
    free(b.v);
    free(a.v);

    /* An unusable directory: audio still comes, nothing is cached. */
    a = speak_all("/proc/ms-tts-none", "Hello.", "kal", &st);
    CHECK_EQ_INT(a.rc, 0);
    CHECK(a.n > 0);
    CHECK_EQ_INT(st.disk_writes, 0);
    free(a.v);
}

/* ---- sentence by sentence ---- */

/* The first sentence plays while the others wait; the stream's audio is the
 * sentences' audio back to back. */
static void test_sentence_by_sentence(void)
{
    static const char *parts[] = {"Welcome to moonswitch.", "All our agents are busy.",
                                  "Please hold."};
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 0);
    struct ms__tts_stream *s;
    CHECK_EQ_INT(ms__tts_speak(e.tts,
                               "Welcome to moonswitch. All our agents are busy. Please hold.",
                               "kal", 8000, &s),
                 0);
    CHECK_EQ_INT(ms__tts_stream_sentences(s), 3);
    int16_t buf[160];
    CHECK_EQ_INT(ms__tts_read(s, buf, 160), 0); /* nothing yet: silence */
    ms__tts_set_gate(e.tts, 1);
    CHECK(wait_ready(&e, s, 1));
    CHECK_EQ_INT(stats(&e).syntheses, 1);

    struct pcm want[3];
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        want[i] = render("kal", parts[i], 8000);
        total += want[i].n;
    }
    int16_t *got = malloc(total * sizeof *got);
    size_t n = 0;
    int rc;
    while ((rc = ms__tts_read(s, got + n, 160)) > 0)
        n += (size_t)rc;
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(n, want[0].n); /* all of sentence 1, then waiting */
    CHECK(!ms__tts_done(s));
    CHECK_EQ_INT(stats(&e).syntheses, 1);
    ms__tts_set_gate(e.tts, -1);
    struct pcm rest = drain(&e, s);
    CHECK_EQ_INT(rest.rc, 0);
    memcpy(got + n, rest.v, rest.n * 2);
    n += rest.n;
    ms__tts_close(s);
    CHECK_EQ_INT(n, total);
    size_t off = 0;
    bool same = true;
    for (int i = 0; i < 3; i++) {
        same = same && memcmp(got + off, want[i].v, want[i].n * 2) == 0;
        off += want[i].n;
        free(want[i].v);
    }
    CHECK(same);
    CHECK_EQ_INT(stats(&e).syntheses, 3);
    free(rest.v);
    free(got);
    CHECK(env_close(&e));
}

/* A sentence being synthesised is read as it is produced: audio comes out
 * before its result has reached the loop (the loop is not run here), and the
 * pieces put together are the sentence's audio. */
static void test_streaming_read(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    const char *text = "While you wait, you can also reach us on the web, where most questions "
                       "are answered in a few minutes, at any hour of the day.";
    struct ms__tts_stream *s;
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &s), 0);
    size_t nseg = ms__tts_stream_sentences(s);
    CHECK(nseg >= 2);
    int16_t *got = malloc(16000 * 30 * sizeof *got);
    size_t n = 0;
    uint64_t deadline = uv_hrtime() + 20000000000ull;
    while (ms__tts_stream_available(s) == 0 && uv_hrtime() < deadline)
        ; /* busy: only the worker moves */
    CHECK(ms__tts_stream_available(s) > 0);
    CHECK_EQ_INT(ms__tts_stream_ready(s), 0);
    int rc = ms__tts_read(s, got, 16000 * 30);
    CHECK(rc > 0);
    n = (size_t)rc;
    struct pcm rest = drain(&e, s);
    CHECK_EQ_INT(rest.rc, 0);
    memcpy(got + n, rest.v, rest.n * sizeof *got);
    n += rest.n;
    free(rest.v);
    ms__tts_close(s);
    CHECK_EQ_INT(stats(&e).syntheses, nseg);
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "slt", 8000, &s), 0); /* from memory now */
    int16_t *again = malloc(16000 * 30 * sizeof *again);
    size_t m = 0;
    while ((rc = ms__tts_read(s, again + m, 1000)) > 0)
        m += (size_t)rc;
    ms__tts_close(s);
    CHECK_EQ_INT(m, n);
    CHECK(memcmp(got, again, n * sizeof *got) == 0);
    free(got);
    free(again);
    CHECK(env_close(&e));
}

/* Every stream's first sentence goes before anyone's second. */
static void test_priority(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 0);
    struct ms__tts_stream *a, *b;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "One. Two. Three. Four.", "kal", 8000, &a), 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Another caller.", "kal", 8000, &b), 0);
    ms__tts_set_gate(e.tts, 2);
    CHECK(wait_ready(&e, b, 1));
    CHECK(wait_ready(&e, a, 1));
    CHECK_EQ_INT(ms__tts_stream_ready(a), 1);
    CHECK_EQ_INT(stats(&e).syntheses, 2);
    ms__tts_set_gate(e.tts, -1);
    CHECK(wait_ready(&e, a, 4));
    ms__tts_close(a);
    ms__tts_close(b);
    CHECK(env_close(&e));
}

/* A call that starts speaking gets its first sentence before the
 * continuations of a call already speaking, even when these were queued
 * first. */
static void test_priority_new_stream(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 1);
    struct ms__tts_stream *a, *b;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "One. Two. Three.", "kal", 8000, &a), 0);
    CHECK(wait_ready(&e, a, 1)); /* "Two." and "Three." wait at the gate */
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Another caller.", "kal", 8000, &b), 0);
    ms__tts_set_gate(e.tts, 1);
    CHECK(wait_ready(&e, b, 1));
    CHECK_EQ_INT(ms__tts_stream_ready(a), 1);
    CHECK_EQ_INT(stats(&e).syntheses, 2);
    ms__tts_set_gate(e.tts, -1);
    CHECK(wait_ready(&e, a, 3));
    ms__tts_close(a);
    ms__tts_close(b);
    CHECK(env_close(&e));
}

/* A stream asks for its next sentence only when the one before is
 * synthesised: one job in flight per stream, so with several threads a long
 * text does not take them all (nor compete with its own first sentence). */
static void test_one_job_per_stream(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 0);
    struct ms__tts_stream *s;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Alpha. Bravo. Charlie. Delta.", "kal", 8000, &s), 0);
    CHECK_EQ_INT(ms__tts_stream_sentences(s), 4);
    CHECK_EQ_INT(stats(&e).jobs, 1);
    ms__tts_set_gate(e.tts, 1);
    CHECK(wait_ready(&e, s, 1));
    CHECK_EQ_INT(stats(&e).jobs, 2); /* "Bravo." asked for, waiting at the gate */
    ms__tts_set_gate(e.tts, -1);
    CHECK(wait_ready(&e, s, 4));
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.jobs, 4);
    CHECK_EQ_INT(st.syntheses, 4);
    ms__tts_close(s);
    CHECK(env_close(&e));
}

/* Several worker threads on one queue: every stream gets its audio, kal's
 * is bit-exact, nothing is synthesised twice. */
static void test_threads(void)
{
    struct env e;
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(uv_loop_init(&e.uv), 0);
    CHECK_EQ_INT(ms_loop_new(&e.loop, &e.uv, MS_CLOCK_REAL), 0);
    uv_timer_init(&e.uv, &e.wake);
    struct ms__tts_config c = {.threads = 3};
    CHECK_EQ_INT(ms__tts_new(&e.tts, e.loop, &c), 0);
    static const char *voice[] = {"kal", "slt", "kal", "awb", "kal16", "rms", "kal", "slt"};
    struct ms__tts_stream *s[8];
    char text[8][64];
    for (int i = 0; i < 8; i++) {
        snprintf(text[i], sizeof text[i], "Caller %d. Please hold. Agent %d.", i % 4, i % 4);
        CHECK_EQ_INT(ms__tts_speak(e.tts, text[i], voice[i], 8000, &s[i]), 0);
    }
    bool ok = true;
    for (int i = 0; i < 8; i++) {
        struct pcm p = drain(&e, s[i]);
        ms__tts_close(s[i]);
        ok = ok && p.rc == 0 && p.n > 8000;
        if (strcmp(voice[i], "kal") == 0) {
            struct pcm a = render("kal", "Caller 0.", 8000);
            ok = ok && (i != 0 || (p.n > a.n && memcmp(p.v, a.v, a.n * 2) == 0));
            free(a.v);
        }
        free(p.v);
    }
    CHECK(ok);
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.jobs, 19); /* distinct (voice, sentence) pairs */
    CHECK_EQ_INT(st.syntheses, 19);
    CHECK_EQ_INT(st.jobs + st.joined + st.memory_hits, 24);
    CHECK_EQ_INT(st.threads, 3);
    c.threads = MS__TTS_THREADS_MAX + 1;
    struct ms__tts *t = NULL;
    CHECK_EQ_INT(ms__tts_new(&t, e.loop, &c), MS_EINVAL);
    CHECK(env_close(&e));
}

/* 0 threads: one per online CPU, at most MS__TTS_THREADS_AUTO. */
static void test_default_threads(void)
{
    unsigned cpus = uv_available_parallelism();
    unsigned want = cpus < MS__TTS_THREADS_AUTO ? cpus : MS__TTS_THREADS_AUTO;
    CHECK_EQ_INT(ms__tts_default_threads(), want ? want : 1);
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    CHECK_EQ_INT(stats(&e).threads, ms__tts_default_threads());
    CHECK(env_close(&e));
}

/* The tts.threads key of the configuration file. */
static bool conf_threads(const char *text, int rc, unsigned threads, const char *err)
{
    char path[128], msg[256] = "";
    snprintf(path, sizeof path, "%s/conf.lua", tmpdir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    fclose(f);
    struct ms_config cfg;
    int got = ms_config_load(&cfg, path, msg, sizeof msg);
    bool ok = got == rc && strcmp(msg, err) == 0 && (rc < 0 || cfg.tts_threads == threads);
    if (!ok)
        fprintf(stderr, "  %s: rc %d, threads %u, \"%s\"\n", text, got, cfg.tts_threads, msg);
    ms_config_free(&cfg);
    unlink(path);
    return ok;
}

static void test_config_threads(void)
{
    const char *range = "tts.threads: expected an integer in 0..16";
    CHECK(conf_threads("return {}", 0, 0, ""));
    CHECK(conf_threads("return {tts = {threads = 3}}", 0, 3, ""));
    CHECK(conf_threads("return {tts = {threads = 16, memory_mb = 8}}", 0, 16, ""));
    CHECK(conf_threads("return {tts = {threads = 0}}", 0, 0, ""));
    CHECK(conf_threads("return {tts = {threads = 17}}", MS_EINVAL, 0, range));
    CHECK(conf_threads("return {tts = {threads = -1}}", MS_EINVAL, 0, range));
    CHECK(conf_threads("return {tts = {threads = 2.5}}", MS_EINVAL, 0, range));
    CHECK(conf_threads("return {tts = {threads = \"four\"}}", MS_EINVAL, 0, range));
    CHECK(conf_threads("return {tts = {thread = 2}}", MS_EINVAL, 0, "tts.thread: unknown key"));
}

/* ---- cancel and close ---- */

static void test_cancel_mid_stream(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    ms__tts_set_gate(e.tts, 0);
    struct ms__tts_stream *s, *other;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "First. Second. Third. Fourth. Fifth.", "slt", 8000, &s), 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Third.", "slt", 8000, &other), 0); /* shares a job */
    ms__tts_set_gate(e.tts, 1);
    CHECK(wait_ready(&e, s, 1));
    int16_t buf[160];
    CHECK_EQ_INT(ms__tts_read(s, buf, 160), 160);
    ms__tts_close(s); /* barge-in */
    struct ms__tts_stats st = stats(&e);
    CHECK_EQ_INT(st.withdrawn, 1); /* "Second."; "Third." is still wanted by other */
    CHECK_EQ_INT(st.streams_open, 1);
    ms__tts_set_gate(e.tts, -1);
    struct pcm p = drain(&e, other);
    ms__tts_close(other);
    CHECK_EQ_INT(p.rc, 0);
    CHECK(p.n > 0);
    free(p.v);
    CHECK_EQ_INT(stats(&e).syntheses, 2);

    /* Cancelled while its sentence is being synthesised (its first audio is
     * out): the worker stops, nothing is cached, nobody is called. */
    const char *text = "Synthesised right now, then dropped."; /* one segment */
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "awb", 8000, &s), 0);
    uint64_t deadline = uv_hrtime() + 20000000000ull;
    while (ms__tts_stream_available(s) == 0 && uv_hrtime() < deadline)
        ;
    CHECK(ms__tts_stream_available(s) > 0);
    ms__tts_close(s);
    while (stats(&e).abandoned == 0 && uv_hrtime() < deadline)
        turn(&e);
    st = stats(&e);
    CHECK_EQ_INT(st.abandoned, 1);
    CHECK_EQ_INT(st.failures, 0);
    CHECK_EQ_INT(st.syntheses, 3);
    /* Not cached: asked again, it is synthesised again. */
    CHECK_EQ_INT(ms__tts_speak(e.tts, text, "awb", 8000, &s), 0);
    CHECK_EQ_INT(ms__tts_stream_ready(s), 0);
    p = drain(&e, s);
    ms__tts_close(s);
    CHECK_EQ_INT(p.rc, 0);
    free(p.v);
    CHECK_EQ_INT(stats(&e).syntheses, 4);
    CHECK(env_close(&e));
}

/* ms__tts_free with streams open: they read MS_ECANCELED and can still be
 * closed; the worker finishes and everything is freed. */
static void test_free_with_streams_open(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    struct ms__tts_stream *ready, *waiting, *running;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Ready.", "kal", 8000, &ready), 0);
    CHECK(wait_ready(&e, ready, 1));
    ms__tts_set_gate(e.tts, 0);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Waiting. For ever.", "kal", 8000, &waiting), 0);
    ms__tts_set_gate(e.tts, 1);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Running.", "rms", 8000, &running), 0);
    ms__tts_free(e.tts);
    int16_t buf[160];
    CHECK_EQ_INT(ms__tts_read(ready, buf, 160), MS_ECANCELED);
    CHECK_EQ_INT(ms__tts_read(waiting, buf, 160), MS_ECANCELED);
    CHECK(!ms__tts_done(running));
    ms__tts_close(ready);
    uv_run(&e.uv, UV_RUN_NOWAIT); /* the worker may be gone already */
    ms__tts_close(waiting);
    ms__tts_close(running);
    e.tts = NULL;
    CHECK(env_close(&e));
}

/* ---- virtual clock ---- */

/* A virtual clock does not move until the whole text is ready. */
static void test_virtual_clock_hold(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_VIRTUAL, NULL, 0), 0);
    struct ms__tts_stream *s;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "One. Two. Three.", "slt", 8000, &s), 0);
    CHECK_EQ_INT(ms__tts_stream_ready(s), 0);
    ms_loop_advance(e.loop, 20);
    CHECK_EQ_INT(ms__tts_stream_ready(s), 3);
    CHECK_EQ_INT(ms_loop_now(e.loop), 20);
    ms__tts_close(s);
    /* Closing before anything arrived releases the hold too. */
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Four. Five.", "slt", 8000, &s), 0);
    ms__tts_close(s);
    ms_loop_advance(e.loop, 20); /* would wait for ever if still held */
    CHECK_EQ_INT(ms_loop_now(e.loop), 40);
    CHECK(env_close(&e));
}

/* ---- bad input ---- */

static void test_bad_input(void)
{
    struct env e;
    CHECK_EQ_INT(env_init(&e, MS_CLOCK_REAL, NULL, 0), 0);
    struct ms__tts_stream *s = (struct ms__tts_stream *)&e;
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Hello.", "bob", 8000, &s), MS_EINVAL);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "", "kal", 8000, &s), MS_EINVAL);
    CHECK_EQ_INT(ms__tts_speak(e.tts, " ... ", "kal", 8000, &s), MS_EINVAL);
    CHECK_EQ_INT(ms__tts_speak(e.tts, NULL, "kal", 8000, &s), MS_EINVAL);
    CHECK_EQ_INT(ms__tts_speak(e.tts, "Hello.", "kal", 4000, &s), MS_EINVAL);
    char *big = malloc(MS__TTS_TEXT_MAX + 2);
    memset(big, 'a', MS__TTS_TEXT_MAX + 1);
    big[MS__TTS_TEXT_MAX + 1] = '\0';
    CHECK_EQ_INT(ms__tts_speak(e.tts, big, "kal", 8000, &s), MS_EMSGSIZE);
    free(big);
    CHECK(s == (struct ms__tts_stream *)&e); /* untouched on failure */
    CHECK_EQ_INT(stats(&e).speaks, 0);
    ms__tts_close(NULL);
    struct ms__tts *t = NULL;
    CHECK_EQ_INT(ms__tts_new(&t, e.loop, NULL), MS_EINVAL);
    CHECK(t == NULL);
    CHECK(env_close(&e));
}

static void cleanup(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            cleanup(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ms_tts_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_split_rules);
    RUN(test_split_nothing_to_say);
    RUN(test_split_long);
    RUN(test_split_growing);
    RUN(test_voices);
    RUN(test_kal_native);
    RUN(test_speak_kal);
    RUN(test_speak_rates);
    RUN(test_memory_hit);
    RUN(test_shared_job);
    RUN(test_identical_burst);
    RUN(test_join_running);
    RUN(test_memory_bound);
    RUN(test_disk_cache);
    RUN(test_sentence_by_sentence);
    RUN(test_streaming_read);
    RUN(test_priority);
    RUN(test_priority_new_stream);
    RUN(test_one_job_per_stream);
    RUN(test_threads);
    RUN(test_default_threads);
    RUN(test_config_threads);
    RUN(test_cancel_mid_stream);
    RUN(test_free_with_streams_open);
    RUN(test_virtual_clock_hold);
    RUN(test_bad_input);
    cleanup(tmpdir);
    return test_summary();
}
