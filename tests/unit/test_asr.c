/* Speech recognition (core/src/asr/): flite-rendered speech through G.711 at
 * 8 kHz against a JSGF grammar and a keyword list, out-of-grammar speech,
 * no input, the decoder pool's limit, grammar errors, cancelling, and the
 * pieces (speech detector, JSGF check, dictionary). Everything runs on a
 * virtual-clock loop: frames are fed every 20 ms of virtual time and the loop
 * waits for the decoding thread, so the outcome does not depend on speed.
 * One recogniser serves every case (its dictionary takes a moment to load). */
#include "asr/asr.h"
#include "asr/asr_dict.h"
#include "asr/asr_jsgf.h"
#include "asr/asr_vad.h"
#include "media/codec.h"
#include "media/flite_voice.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FRAME 160 /* 20 ms at 8 kHz */

static uv_loop_t uv;
static struct ms_loop *loop;
static struct ms__asr *asr;

/* ---- audio ---- */

static uint32_t noise_state = 12345;

/* Low white noise (about -60 dBFS): a quiet line, never digital silence. */
static int16_t noise(void)
{
    noise_state = noise_state * 1664525u + 1013904223u;
    return (int16_t)((int)(noise_state >> 16) % 61 - 30);
}

struct audio {
    int16_t *pcm;
    size_t n;
};

/* flite kal at 8 kHz, through PCMU and back, after lead_ms of line noise. */
static struct audio speech(const char *text, int lead_ms)
{
    struct audio a = {0};
    int16_t *tts;
    size_t n;
    if (ms__flite_render(text, 8000, &tts, &n) < 0)
        return a;
    size_t lead = (size_t)lead_ms * 8, total = lead + n;
    a.pcm = malloc(total * sizeof *a.pcm);
    struct ms__codec *c;
    ms__codec_new(&c, MS_CODEC_PCMU);
    for (size_t i = 0; i < total; i++) {
        int16_t v = (int16_t)(noise() + (i >= lead ? tts[i - lead] : 0));
        uint8_t b;
        ms__codec_encode(c, &v, 1, &b, 1);
        ms__codec_decode(c, &b, 1, &a.pcm[i], 1);
    }
    ms__codec_free(c);
    free(tts);
    a.n = total;
    return a;
}

/* ---- running a session ---- */

struct outcome {
    int results, speech_calls;
    bool speech_before_result;
    char reason[16], text[128];
    float confidence;
    uint64_t at; /* virtual ms of the result, from the start */
    uint64_t t0;
};

static void on_speech(void *ud)
{
    struct outcome *o = ud;
    o->speech_calls++;
}

static void on_result(void *ud, const struct ms__asr_result *r)
{
    struct outcome *o = ud;
    o->results++;
    o->speech_before_result = o->speech_calls > 0;
    snprintf(o->reason, sizeof o->reason, "%s", r->reason);
    snprintf(o->text, sizeof o->text, "%s", r->text);
    o->confidence = r->confidence;
    o->at = ms_loop_now(loop) - o->t0;
}

static const struct ms__asr_cb callbacks = {on_speech, on_result};

/* Feeds `a` (then line noise) frame by frame, 20 ms of virtual time each,
 * until a result or limit_ms. */
static void feed_until_result(struct ms__asr_session *s, struct outcome *o, struct audio a,
                              int limit_ms)
{
    for (int t = 0, i = 0; t < limit_ms && !o->results; t += 20, i++) {
        int16_t frame[FRAME];
        for (size_t k = 0; k < FRAME; k++) {
            size_t at = (size_t)i * FRAME + k;
            frame[k] = at < a.n ? a.pcm[at] : noise();
        }
        ms__asr_feed(s, frame, FRAME, 8000);
        ms_loop_advance(loop, 20);
    }
}

static int recognise(struct ms__asr_grammar *g, const char *text, const struct ms__asr_opts *opts,
                     struct outcome *o)
{
    memset(o, 0, sizeof *o);
    struct audio a = text ? speech(text, 300) : (struct audio){0};
    struct ms__asr_session *s;
    o->t0 = ms_loop_now(loop);
    int rc = ms__asr_start(asr, g, opts, &callbacks, o, &s);
    if (rc == 0)
        feed_until_result(s, o, a, 20000);
    free(a.pcm);
    return rc;
}

static struct ms__asr_grammar *jsgf(const char *text)
{
    struct ms__asr_grammar *g = NULL;
    char err[160];
    int rc = ms__asr_grammar_jsgf(asr, text, &g, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "grammar: %s (%s)\n", err, ms_strerror(rc));
    return g;
}

static const char *menu =
    "#JSGF V1.0;\ngrammar menu;\npublic <choice> = sales | support | operator;\n";

/* ---- recognition ---- */

static void test_jsgf_menu(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct outcome o;
    CHECK_EQ_INT(recognise(g, "sales", NULL, &o), 0);
    CHECK_EQ_INT(o.results, 1);
    CHECK_EQ_STR(o.reason, "match");
    CHECK_EQ_STR(o.text, "sales");
    CHECK(o.confidence >= 0.5f);
    CHECK_EQ_INT(o.speech_calls, 1);
    CHECK(o.speech_before_result);
    CHECK_EQ_INT(recognise(g, "support", NULL, &o), 0);
    CHECK_EQ_STR(o.reason, "match");
    CHECK_EQ_STR(o.text, "support");
    ms__asr_grammar_release(g);
}

static void test_keywords(void)
{
    const char *words[] = {"sales", "support", "Operator"};
    struct ms__asr_grammar *g = NULL;
    char err[160];
    CHECK_EQ_INT(ms__asr_grammar_keywords(asr, words, 3, &g, err, sizeof err), 0);
    struct outcome o;
    CHECK_EQ_INT(recognise(g, "I would like to talk to an operator please", NULL, &o), 0);
    CHECK_EQ_STR(o.reason, "match");
    CHECK_EQ_STR(o.text, "operator");
    CHECK_EQ_INT(recognise(g, "what time is it", NULL, &o), 0);
    CHECK_EQ_STR(o.reason, "nomatch");
    ms__asr_grammar_release(g);
}

static void test_out_of_grammar(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct outcome o;
    CHECK_EQ_INT(recognise(g, "what is the weather like in Denver today", NULL, &o), 0);
    CHECK_EQ_INT(o.results, 1);
    CHECK_EQ_STR(o.reason, "nomatch");
    CHECK(o.confidence < 0.5f);
    ms__asr_grammar_release(g);
}

static void test_threshold(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    const char *oog = "what is the weather like in Denver today";
    struct ms__asr_opts opts = MS__ASR_OPTS_INIT;
    struct outcome o;
    CHECK_EQ_INT(recognise(g, oog, &opts, &o), 0);
    CHECK_EQ_STR(o.reason, "nomatch");
    CHECK(o.text[0]);        /* the closest item, for the logs */
    opts.min_confidence = 0; /* no rejection: forced onto the grammar */
    CHECK_EQ_INT(recognise(g, oog, &opts, &o), 0);
    CHECK_EQ_STR(o.reason, "match");
    CHECK(o.text[0]);
    CHECK(o.confidence == 1.0f);
    opts.min_confidence = 0.25f;
    CHECK_EQ_INT(recognise(g, "operator", &opts, &o), 0);
    CHECK_EQ_STR(o.reason, "match");
    CHECK_EQ_STR(o.text, "operator");
    CHECK(o.confidence >= 0.25f);
    ms__asr_grammar_release(g);
}

static void test_max_ms(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct ms__asr_opts opts = MS__ASR_OPTS_INIT;
    opts.max_ms = 1500;
    struct outcome o;
    CHECK_EQ_INT(
        recognise(g, "this is a long sentence that goes on and on without a pause", &opts, &o), 0);
    CHECK_EQ_INT(o.results, 1);
    CHECK(strcmp(o.reason, "match") == 0 || strcmp(o.reason, "nomatch") == 0);
    CHECK(o.at >= 1500 && o.at <= 1520);
    ms__asr_grammar_release(g);
}

static void test_noinput(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct ms__asr_opts opts = MS__ASR_OPTS_INIT;
    opts.no_input_ms = 3000;
    struct outcome o;
    CHECK_EQ_INT(recognise(g, NULL, &opts, &o), 0);
    CHECK_EQ_INT(o.results, 1);
    CHECK_EQ_STR(o.reason, "noinput");
    CHECK_EQ_STR(o.text, "");
    CHECK_EQ_INT(o.speech_calls, 0);
    CHECK(o.at >= 3000 && o.at <= 3020);
    ms__asr_grammar_release(g);
}

static void test_deferred_noinput(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct ms__asr_opts opts = MS__ASR_OPTS_INIT;
    opts.no_input_ms = 1000;
    opts.defer_no_input = true;
    struct outcome o = {0};
    struct ms__asr_session *s;
    CHECK_EQ_INT(ms__asr_start(asr, g, &opts, &callbacks, &o, &s), 0);
    struct audio none = {0};
    feed_until_result(s, &o, none, 2000); /* a prompt playing: no timer yet */
    CHECK_EQ_INT(o.results, 0);
    o.t0 = ms_loop_now(loop);
    ms__asr_start_input_timer(s);
    feed_until_result(s, &o, none, 3000);
    CHECK_EQ_STR(o.reason, "noinput");
    CHECK(o.at >= 1000 && o.at <= 1020);
    ms__asr_grammar_release(g);
}

static void test_16k_feed(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    int16_t *pcm;
    size_t n;
    CHECK_EQ_INT(ms__flite_render("operator", 16000, &pcm, &n), 0);
    struct outcome o = {0};
    struct ms__asr_session *s;
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &callbacks, &o, &s), 0);
    for (int t = 0; t < 5000 && !o.results; t += 20) {
        int16_t frame[320];
        for (size_t k = 0; k < 320; k++) {
            size_t at = (size_t)t * 16 + k, off = 300 * 16;
            frame[k] = (int16_t)(noise() + (at >= off && at - off < n ? pcm[at - off] : 0));
        }
        ms__asr_feed(s, frame, 320, 16000);
        ms__asr_feed(s, frame, 160, 8000); /* another rate: dropped */
        ms_loop_advance(loop, 20);
    }
    free(pcm);
    CHECK_EQ_STR(o.reason, "match");
    CHECK_EQ_STR(o.text, "operator");
    ms__asr_grammar_release(g);
}

/* ---- pool, cancel, errors ---- */

static void test_pool_busy(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct outcome o[3] = {{0}};
    struct ms__asr_session *s[3] = {NULL};
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &callbacks, &o[0], &s[0]), 0);
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &callbacks, &o[1], &s[1]), 0);
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &callbacks, &o[2], &s[2]), MS_EBUSY);
    CHECK(s[2] == NULL);
    struct ms__asr_stats st;
    ms__asr_stats(asr, &st);
    CHECK_EQ_INT(st.busy, 2);
    CHECK(st.busy_refusals >= 1);
    ms__asr_cancel(s[0]);
    ms__asr_cancel(s[1]);
    ms_loop_advance(loop, 20);
    ms__asr_stats(asr, &st);
    CHECK_EQ_INT(st.busy, 0);
    CHECK_EQ_INT(o[0].results + o[1].results + o[2].results, 0);
    ms__asr_grammar_release(g);
}

static void test_cancel_mid_utterance(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct audio a = speech("support", 200);
    struct outcome o = {0};
    struct ms__asr_session *s;
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &callbacks, &o, &s), 0);
    size_t half = 200 * 8 + (a.n - 200 * 8) / 2;
    for (size_t i = 0; i + FRAME <= half; i += FRAME) {
        ms__asr_feed(s, a.pcm + i, FRAME, 8000);
        ms_loop_advance(loop, 20);
    }
    free(a.pcm);
    CHECK_EQ_INT(o.speech_calls, 1); /* barge-in was reported */
    ms__asr_cancel(s);
    ms_loop_advance(loop, 6000);
    CHECK_EQ_INT(o.results, 0);
    struct ms__asr_stats st;
    ms__asr_stats(asr, &st);
    CHECK_EQ_INT(st.busy, 0);
    ms__asr_grammar_release(g);
}

static void test_cancel_while_decoding(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct audio a = speech("sales", 200);
    struct outcome o = {0};
    struct ms__asr_session *s;
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &callbacks, &o, &s), 0);
    /* the speech, then silence up to the frame that ends the utterance */
    for (size_t i = 0; i < a.n + 8 * 800; i += FRAME) {
        int16_t frame[FRAME];
        for (size_t k = 0; k < FRAME; k++)
            frame[k] = i + k < a.n ? a.pcm[i + k] : noise();
        ms__asr_feed(s, frame, FRAME, 8000);
    }
    free(a.pcm);
    ms__asr_cancel(s); /* the decode job is queued or running */
    ms_loop_advance(loop, 100);
    CHECK_EQ_INT(o.results, 0);
    struct ms__asr_stats st;
    ms__asr_stats(asr, &st);
    CHECK_EQ_INT(st.busy, 0);
    ms__asr_grammar_release(g);
}

static void test_grammar_errors(void)
{
    struct ms__asr_grammar *g = NULL;
    char err[160];
    int rc = ms__asr_grammar_jsgf(asr, "#JSGF V1.0;\ngrammar m;\npublic <c> = sales | xyzzyq;\n",
                                  &g, err, sizeof err);
    CHECK_EQ_INT(rc, MS_ENOENT);
    CHECK_EQ_STR(err, "word 'xyzzyq' has no pronunciation");
    CHECK(g == NULL);
    rc = ms__asr_grammar_jsgf(asr, "#JSGF V1.0;\ngrammar m;\npublic <c> = sales |\n;\n", &g, err,
                              sizeof err);
    CHECK_EQ_INT(rc, MS_EFORMAT);
    CHECK(strncmp(err, "line 4: empty alternative", 25) == 0);
    rc = ms__asr_grammar_jsgf(asr, "#JSGF V1.0;\ngrammar m;\npublic <c> = <d> | sales;\n", &g, err,
                              sizeof err);
    CHECK_EQ_INT(rc, MS_EFORMAT);
    CHECK_EQ_STR(err, "line 3: rule <d> is not defined");
    const char *bad[] = {"sales", "_gb_aa"};
    CHECK_EQ_INT(ms__asr_grammar_keywords(asr, bad, 2, &g, err, sizeof err), MS_EINVAL);
    CHECK_EQ_INT(ms__asr_grammar_keywords(asr, bad, 0, &g, err, sizeof err), MS_EINVAL);
    const char *unknown[] = {"sales", "frobnicatorix"};
    CHECK_EQ_INT(ms__asr_grammar_keywords(asr, unknown, 2, &g, err, sizeof err), MS_ENOENT);
    CHECK_EQ_STR(err, "word 'frobnicatorix' has no pronunciation");
    /* a pronunciation of our own makes it known */
    CHECK_EQ_INT(ms__asr_add_word(asr, "frobnicatorix", "F R AA B N IH K EY T ER IH K S"), 0);
    CHECK_EQ_INT(ms__asr_grammar_keywords(asr, unknown, 2, &g, err, sizeof err), 0);
    ms__asr_grammar_release(g);
    CHECK_EQ_INT(ms__asr_add_word(asr, "blah", "B L QQ"), MS_EINVAL);
    CHECK_EQ_INT(ms__asr_add_word(asr, "", "B L AA"), MS_EINVAL);
}

static void test_grammar_cache(void)
{
    struct ms__asr_grammar *g1 = jsgf(menu), *g2 = jsgf(menu);
    CHECK(g1 && g1 == g2);
    struct ms__asr_grammar *g3 =
        jsgf("#JSGF V1.0;\ngrammar m;\npublic <c> = SALES | Support | operator;\n");
    CHECK(g3 && g3 != g1);
    ms__asr_grammar_release(g1);
    ms__asr_grammar_release(g2);
    ms__asr_grammar_release(g3);
}

static void test_bad_arguments(void)
{
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct ms__asr_session *s;
    struct ms__asr_cb no_result = {on_speech, NULL};
    CHECK_EQ_INT(ms__asr_start(asr, g, NULL, &no_result, NULL, &s), MS_EINVAL);
    CHECK_EQ_INT(ms__asr_start(asr, NULL, NULL, &callbacks, NULL, &s), MS_EINVAL);
    CHECK_EQ_INT(ms__asr_grammar_jsgf(asr, NULL, &g, NULL, 0), MS_EINVAL);
    ms__asr_feed(NULL, NULL, 0, 8000);
    ms__asr_cancel(NULL);
    ms__asr_grammar_release(NULL);
    struct ms__asr_config c;
    ms__asr_config_defaults(&c);
    c.pool_size = 0;
    struct ms__asr *a2;
    CHECK_EQ_INT(ms__asr_new(&a2, loop, &c), MS_EINVAL);
    ms__asr_config_defaults(&c);
    c.dict = "/nonexistent/dict";
    CHECK_EQ_INT(ms__asr_new(&a2, loop, &c), MS_ENOENT);
    ms__asr_grammar_release(g);
}

/* The telephone MLLR transform (models/en-us-tel/mllr): checked at
 * ms__asr_new, and a recogniser using it still recognises and rejects. */
static void test_mllr(void)
{
    struct ms__asr_config c;
    ms__asr_config_defaults(&c);
    c.pool_size = 1;
    struct ms__asr *a2 = NULL;
    c.mllr = "/nonexistent/mllr";
    CHECK_EQ_INT(ms__asr_new(&a2, loop, &c), MS_ENOENT);
    char bad[] = "/tmp/test_asr_mllr_XXXXXX";
    int fd = mkstemp(bad);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, "not a transform\n", 16) == 16);
        close(fd);
        c.mllr = bad;
        CHECK_EQ_INT(ms__asr_new(&a2, loop, &c), MS_EFORMAT);
        unlink(bad);
    }
    c.mllr = MS_SOURCE_DIR "/models/en-us-tel/mllr";
    CHECK_EQ_INT(ms__asr_new(&a2, loop, &c), 0);
    if (!a2)
        return;
    struct ms__asr *saved = asr;
    asr = a2; /* recognise() and jsgf() use the global recogniser */
    struct ms__asr_grammar *g = jsgf(menu);
    CHECK(g);
    struct outcome o;
    static const char *const words[] = {"support", "operator"};
    for (size_t i = 0; i < 2; i++) {
        CHECK_EQ_INT(recognise(g, words[i], NULL, &o), 0);
        CHECK_EQ_STR(o.reason, "match");
        CHECK_EQ_STR(o.text, words[i]);
    }
    CHECK_EQ_INT(recognise(g, "what is the weather like in Denver today", NULL, &o), 0);
    CHECK_EQ_STR(o.reason, "nomatch");
    ms__asr_grammar_release(g);
    asr = saved;
    ms__asr_free(a2);
    uv_run(&uv, UV_RUN_NOWAIT);
}

/* ---- pieces ---- */

static void test_vad(void)
{
    struct ms__asr_vad v;
    ms__asr_vad_init(&v);
    int t = 0;
    for (; t < 500; t += 20) /* line noise at -60 dBFS */
        CHECK_EQ_INT(ms__asr_vad_step(&v, -60, 20), MS__VAD_QUIET);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -20, 20), MS__VAD_QUIET);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -20, 20), MS__VAD_QUIET);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -20, 20), MS__VAD_ONSET);
    CHECK_EQ_INT(v.run_ms, 60);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -25, 20), MS__VAD_VOICE);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -59, 20), MS__VAD_PAUSE);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -59, 20), MS__VAD_PAUSE);
    CHECK_EQ_INT(v.silence_ms, 40);
    /* a click shorter than the onset run is not speech */
    ms__asr_vad_init(&v);
    for (t = 0; t < 200; t += 20)
        ms__asr_vad_step(&v, -60, 20);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -10, 20), MS__VAD_QUIET);
    CHECK_EQ_INT(ms__asr_vad_step(&v, -60, 20), MS__VAD_QUIET);
    CHECK(!v.in_speech);
    /* loud steady noise from the start is learnt as the floor, not speech */
    ms__asr_vad_init(&v);
    for (t = 0; t < 2000; t += 20)
        CHECK_EQ_INT(ms__asr_vad_step(&v, -30, 20), MS__VAD_QUIET);
}

static void check_jsgf(const char *text, const char *want)
{
    char buf[512], err[160];
    snprintf(buf, sizeof buf, "%s", text);
    int rc = ms__asr_jsgf_check(buf, err, sizeof err);
    if (!want) {
        if (rc != 0)
            fprintf(stderr, "unexpected: %s\n", err);
        CHECK_EQ_INT(rc, 0);
        return;
    }
    if (rc != MS_EFORMAT)
        fprintf(stderr, "accepted: %s\n", text);
    CHECK_EQ_INT(rc, MS_EFORMAT);
    CHECK_EQ_STR(err, want);
}

static void test_jsgf_check(void)
{
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = (one | two) [three] four+ {t} <b>*;\n"
               "<b> = /0.5/ five | /2/ six; // comment\n/* more\n */ <c> = <NULL> | <VOID>;\n",
               NULL);
    check_jsgf("grammar g;\npublic <a> = x;\n",
               "line 1: the grammar must start with \"#JSGF V1.0;\"");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = x\n",
               "line 4: expected ';' or '|' in rule <a>");
    check_jsgf("#JSGF V1.0;\ngrammar g;\n\npublic <a> = x | ;\n",
               "line 4: empty alternative in rule <a>");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = (x | y;\n",
               "line 3: missing ')' for the '(' of line 3");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = x;\n<a> = y;\n",
               "line 4: rule <a> already defined on line 3");
    check_jsgf("#JSGF V1.0;\ngrammar g;\n<a> = x;\n",
               "no public rule (write \"public <name> = ...;\")");
    check_jsgf("#JSGF V1.0;\ngrammar g;\nimport <x.*>;\n", "line 3: imports are not supported");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = \"x y\";\n",
               "line 3: quoted tokens are not supported");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = /x/ y;\n", "line 3: bad weight '/x/'");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = x = y;\n",
               "line 3: expected ';' or '|' in rule <a>");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> x;\n",
               "line 3: expected '=' after the rule name");
    check_jsgf("#JSGF V1.0;\ngrammar g;\npublic <a> = x\n | {tag};\n",
               "line 4: a tag must follow a word or group");
    check_jsgf("", "line 1: the grammar must start with \"#JSGF V1.0;\"");
    char words[] = "#JSGF V1.0;\ngrammar g;\npublic <A> = SaLes;\n";
    char err[64];
    CHECK_EQ_INT(ms__asr_jsgf_check(words, err, sizeof err), 0);
    CHECK(strstr(words, "<A> = sales;")); /* words lower-cased, rule names kept */
}

static void test_dict(void)
{
    struct ms__asr_dict d;
    CHECK_EQ_INT(ms__asr_dict_load(&d, MS__ASR_DEFAULT_DICT), 0);
    char *p = NULL;
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "zero", false, &p), 0);
    CHECK_EQ_STR(p, "Z IH R OW\nZ IY R OW");
    free(p);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "five", true, &p), 0);
    CHECK_EQ_STR(p, "F AY V\nAY V");
    free(p);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "oh", true, &p), 0);
    CHECK_EQ_STR(p, "OW"); /* no variant of a single phone */
    free(p);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "sixty", true, &p), 0);
    CHECK_EQ_STR(p, "S IH K S T IY\nIH K S T IY");
    free(p);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "xray", false, &p), MS_ENOENT);
    CHECK_EQ_INT(ms__asr_dict_add(&d, "XRay", "EH K S  R EY"), 0);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "xray", false, &p), 0);
    CHECK_EQ_STR(p, "EH K S R EY");
    free(p);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "a", false, &p), 0); /* first entry */
    free(p);
    CHECK_EQ_INT(ms__asr_dict_prons(&d, "zywicki", false, &p), 0); /* last entries */
    free(p);
    ms__asr_dict_free(&d);
}

static void test_free_with_session(void)
{
    struct ms__asr *a2;
    struct ms__asr_config c;
    ms__asr_config_defaults(&c);
    c.pool_size = 1;
    CHECK_EQ_INT(ms__asr_new(&a2, loop, &c), 0);
    struct ms__asr_grammar *g = NULL;
    CHECK_EQ_INT(ms__asr_grammar_jsgf(a2, menu, &g, NULL, 0), 0);
    struct outcome o = {0};
    struct ms__asr_session *s;
    CHECK_EQ_INT(ms__asr_start(a2, g, NULL, &callbacks, &o, &s), 0);
    ms__asr_grammar_release(g);
    ms__asr_free(a2); /* the session is cancelled: no callback */
    uv_run(&uv, UV_RUN_NOWAIT);
    ms_loop_advance(loop, 100);
    CHECK_EQ_INT(o.results, 0);
}

int main(void)
{
    ms_log_set_level(MS_LOG_WARN);
    RUN(test_vad);
    RUN(test_jsgf_check);
    RUN(test_dict);
    if (uv_loop_init(&uv) != 0 || ms_loop_new(&loop, &uv, MS_CLOCK_VIRTUAL) < 0)
        return 1;
    struct ms__asr_config c;
    ms__asr_config_defaults(&c);
    c.pool_size = 2;
    if (ms__asr_new(&asr, loop, &c) < 0) {
        fprintf(stderr, "cannot start the recogniser\n");
        return 1;
    }
    RUN(test_jsgf_menu);
    RUN(test_keywords);
    RUN(test_out_of_grammar);
    RUN(test_threshold);
    RUN(test_max_ms);
    RUN(test_noinput);
    RUN(test_deferred_noinput);
    RUN(test_16k_feed);
    RUN(test_pool_busy);
    RUN(test_cancel_mid_utterance);
    RUN(test_cancel_while_decoding);
    RUN(test_grammar_errors);
    RUN(test_grammar_cache);
    RUN(test_bad_arguments);
    RUN(test_free_with_session);
    RUN(test_mllr);
    ms__asr_free(asr);
    ms_loop_close(loop);
    uv_run(&uv, UV_RUN_DEFAULT);
    int closed = uv_loop_close(&uv);
    if (closed != 0)
        fprintf(stderr, "uv loop not closed: %d\n", closed);
    return test_summary() || closed != 0;
}
