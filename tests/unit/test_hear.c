/* Prompt recogniser (core/src/hear/): synthetic sounds (tones, chirp, noise bursts)
 * and flite speech through a simulated channel (G.711, any sub-frame offset, leading
 * silence, -6 dB, lost frames, a jitter-buffer slip), back-to-back prompts, barge-in,
 * shared beginnings, unknown audio and the caller's echo, the same sound twice,
 * looping music, time gaps, odd frame sizes, finish and reuse, bad arguments. */
#include "hear/hear.h"
#include "hear_sim.h"
#include "moonswitch/error.h"
#include "sim/caller.h"
#include "sim/wire_ear.h"
#include "test.h"

#include <stdbool.h>

#define PI 3.14159265358979323846
/* ms from the start of a complete sound longer than 1 s (its first audible sample:
 * flite begins some phrases with a third of a second of silence) to its START, even
 * when another known sound begins alike ("You have reached sales/support") */
#define MAX_LATENCY 1000

static cst_voice *voice;

/* ---- sounds ---- */

struct sound {
    const char *name, *text; /* text NULL: made by code */
    struct sim_buf pcm;
};

static struct sound speech[] = {
    {.name = "demo/welcome", .text = "Welcome to moonswitch."},
    {.name = "demo/welcome_back", .text = "Welcome back."},
    {.name = "demo/sales", .text = "You have reached sales."},
    {.name = "demo/support", .text = "You have reached support."},
    {.name = "demo/goodbye", .text = "Goodbye."},
    {.name = "demo/hold",
     .text = "Please hold while we transfer your call to the next available agent."},
    {.name = "digits/1", .text = "one"},
    {.name = "digits/2", .text = "two"},
    {.name = "digits/3", .text = "three"},
    {.name = "digits/4", .text = "four"},
    {.name = "digits/5", .text = "five"},
    {.name = "digits/6", .text = "six"},
    {.name = "digits/7", .text = "seven"},
    {.name = "digits/8", .text = "eight"},
    {.name = "digits/9", .text = "nine"},
};
#define N_SPEECH (sizeof(speech) / sizeof(speech[0]))

/* Not in the set. */
static const char *unknown_text[] = {
    "The weather today is sunny with a chance of rain.",
    "Sorry, I did not understand that.",
};
static const char *caller_text[] = {"Sales.", "Yes, operator please.", "My number is four two."};

static struct sound synth[] = {
    {.name = "tone/steps", .text = NULL},  {.name = "tone/chirp", .text = NULL},
    {.name = "noise/low", .text = NULL},   {.name = "noise/high", .text = NULL},
    {.name = "tone/chords", .text = NULL}, {.name = "music/loop", .text = NULL},
};
#define N_SYNTH (sizeof(synth) / sizeof(synth[0]))

static struct ms__hear_set *set;

static const struct sim_buf *pcm_of(const char *name)
{
    for (size_t i = 0; i < N_SPEECH; i++)
        if (strcmp(speech[i].name, name) == 0)
            return &speech[i].pcm;
    for (size_t i = 0; i < N_SYNTH; i++)
        if (strcmp(synth[i].name, name) == 0)
            return &synth[i].pcm;
    abort();
}

static void add_tone(struct sim_buf *b, double f1, double f2, double ms, double amp)
{
    size_t n = (size_t)(ms * 8);
    int16_t *p = malloc(n * sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / SIM_RATE, env = sin(PI * (double)i / (double)n);
        double v = sin(2 * PI * f1 * t) + (f2 > 0 ? sin(2 * PI * f2 * t) : 0);
        p[i] = sim_clip(amp * sqrt(env) * v);
    }
    sim_append(b, p, n, 1.0);
    free(p);
}

static void add_chirp(struct sim_buf *b, double f0, double f1, double ms, double amp)
{
    size_t n = (size_t)(ms * 8);
    double ph = 0;
    for (size_t i = 0; i < n; i++) {
        double f = f0 + (f1 - f0) * (double)i / (double)n;
        ph += 2 * PI * f / SIM_RATE;
        int16_t v = sim_clip(amp * sin(ph));
        sim_append(b, &v, 1, 1.0);
    }
}

/* Noise bursts shaped by a one-pole filter: low (a > 0) or high (a < 0) tilt. */
static void add_noise(struct sim_buf *b, struct sim_rng *r, double a, int bursts, double amp)
{
    double y = 0;
    for (int k = 0; k < bursts; k++) {
        for (size_t i = 0; i < 1600; i++) {
            y = a * y + (sim_uniform(r) * 2 - 1);
            int16_t v = sim_clip(amp * y);
            sim_append(b, &v, 1, 1.0);
        }
        sim_append(b, NULL, 400 + 160 * (size_t)k, 1.0);
    }
}

static void make_synth(void)
{
    struct sim_rng r = {12345};
    static const double steps[] = {440, 880, 660, 1320, 550, 990, 1760, 330};
    struct sim_buf *b = &synth[0].pcm;
    sim_append(b, NULL, 400, 1.0);
    for (size_t i = 0; i < 8; i++)
        add_tone(b, steps[i], 0, 150, 8000);
    add_chirp(&synth[1].pcm, 300, 3300, 1200, 6000);
    add_noise(&synth[2].pcm, &r, 0.9, 5, 1500);
    add_noise(&synth[3].pcm, &r, -0.7, 5, 3000);
    static const double chords[][2] = {{697, 1209}, {852, 1477}, {770, 1336}, {941, 1633},
                                       {697, 1477}, {852, 1209}, {941, 1336}, {770, 1633}};
    for (size_t i = 0; i < 8; i++)
        add_tone(&synth[4].pcm, chords[i][0], chords[i][1], 120, 5000);
    /* a 3 s loop of plucked notes over a soft drone, seamless */
    struct sim_buf *m = &synth[5].pcm;
    sim_append(m, NULL, 24000, 1.0);
    static const double notes[] = {262, 330, 392, 494, 440, 392, 330, 294, 349, 440, 523, 440};
    for (size_t i = 0; i < 24000; i++) {
        double t = (double)i / SIM_RATE, v = 0.15 * sin(2 * PI * 131 * t);
        size_t k = i / 2000;
        double tk = (double)(i - k * 2000) / SIM_RATE;
        v += sin(2 * PI * notes[k] * tk) * exp(-tk / 0.12);
        m->pcm[i] = sim_clip(6000 * v);
    }
}

static int build(void)
{
    flite_init();
    voice = register_cmu_us_kal(NULL);
    if (!voice)
        return -1;
    for (size_t i = 0; i < N_SPEECH; i++)
        if (sim_tts(voice, speech[i].text, 1.0, &speech[i].pcm) < 0)
            return -1;
    make_synth();
    if (ms__hear_set_new(&set) < 0)
        return -1;
    for (size_t i = 0; i < N_SPEECH; i++)
        if (ms__hear_set_add(set, speech[i].name, speech[i].pcm.pcm, speech[i].pcm.n) < 0)
            return -1;
    for (size_t i = 0; i < N_SYNTH; i++)
        if (ms__hear_set_add(set, synth[i].name, synth[i].pcm.pcm, synth[i].pcm.n) < 0)
            return -1;
    return 0;
}

static void teardown(void)
{
    ms__hear_set_free(set);
    for (size_t i = 0; i < N_SPEECH; i++)
        sim_buf_free(&speech[i].pcm);
    for (size_t i = 0; i < N_SYNTH; i++)
        sim_buf_free(&synth[i].pcm);
    unregister_cmu_us_kal(voice);
}

/* ---- scenes: a stream and what must be heard in it ---- */

struct scene {
    struct sim_buf b;
    struct sim_rng r;
    double gain;
    size_t nt;
    struct {
        const char *name;
        uint64_t start_ms, end_ms;
        bool complete;
    } truth[24];
    struct sim_events ev;
};

static void scene_init(struct scene *s, uint64_t seed, double gain_db)
{
    memset(s, 0, sizeof(*s));
    s->r.s = seed;
    s->gain = sim_db(gain_db);
    sim_append(&s->b, NULL, sim_range(&s->r, 0, 12000), 1.0); /* any sub-frame offset */
}

static void scene_gap(struct scene *s, size_t ms)
{
    sim_append(&s->b, NULL, ms * 8, 1.0);
}

/* Plays a known sound, cut after `frac` of it (1: complete). */
static void scene_play(struct scene *s, const char *name, double frac)
{
    const struct sim_buf *p = pcm_of(name);
    size_t len = frac >= 1.0 ? p->n : (size_t)((double)p->n * frac);
    s->truth[s->nt].name = name;
    s->truth[s->nt].start_ms = s->b.n / 8;
    s->truth[s->nt].end_ms = (s->b.n + len) / 8;
    s->truth[s->nt].complete = frac >= 1.0;
    s->nt++;
    sim_append(&s->b, p->pcm, len, s->gain);
}

/* A stall `into_ms` after the start of truth item i: gap_ms of silence inserted,
 * then lost_ms of the audio that followed dropped; what comes later moves. */
static void scene_stall(struct scene *s, size_t i, size_t into_ms, size_t gap_ms, size_t lost_ms)
{
    size_t at = (size_t)(s->truth[i].start_ms + into_ms) * 8;
    if (sim_stall(&s->b, at, gap_ms * 8, lost_ms * 8) < 0)
        abort();
    long d = (long)gap_ms - (long)lost_ms;
    for (size_t j = 0; j < s->nt; j++) {
        if (s->truth[j].start_ms * 8 >= at)
            s->truth[j].start_ms += d;
        if (s->truth[j].end_ms * 8 >= at)
            s->truth[j].end_ms += d;
    }
}

/* The END of the occurrence reported with this START (index), or NULL. */
static const struct ms__hear_event *end_of(const struct scene *s, size_t start, size_t *at_ms)
{
    const struct ms__hear_event *e = &s->ev.e[start].ev;
    for (size_t j = start + 1; j < s->ev.n; j++) {
        const struct ms__hear_event *f = &s->ev.e[j].ev;
        if (f->kind == MS__HEAR_END && f->start_ms == e->start_ms &&
            strcmp(f->name, e->name) == 0) {
            *at_ms = s->ev.e[j].at_ms;
            return f;
        }
    }
    return NULL;
}

/* The k-th START. */
static size_t start_index(const struct scene *s, size_t k)
{
    for (size_t i = 0; i < s->ev.n; i++)
        if (s->ev.e[i].ev.kind == MS__HEAR_START && k-- == 0)
            return i;
    return s->ev.n;
}

/* Audio that must not be reported. */
static void scene_other(struct scene *s, const struct sim_buf *p, double db)
{
    sim_append(&s->b, p->pcm, p->n, s->gain * sim_db(db));
}

static void scene_run(struct scene *s, enum ms__codec_id codec, double loss)
{
    scene_gap(s, 500);
    sim_channel(&s->b, codec, loss, &s->r);
    struct ms__hear *h;
    if (ms__hear_new(&h, set, sim_on_event, &s->ev) < 0)
        abort();
    sim_feed(h, &s->ev, &s->b, 0);
    ms__hear_free(h);
}

static void scene_print(const struct scene *s)
{
    for (size_t i = 0; i < s->nt; i++)
        fprintf(stderr, "  truth %s %llu..%llu%s\n", s->truth[i].name,
                (unsigned long long)s->truth[i].start_ms, (unsigned long long)s->truth[i].end_ms,
                s->truth[i].complete ? "" : " (cut)");
    for (size_t i = 0; i < s->ev.n; i++)
        fprintf(stderr, "  event %s %s %llu..%llu complete %d at %llu\n",
                s->ev.e[i].ev.kind == MS__HEAR_START ? "START" : "END", s->ev.e[i].ev.name,
                (unsigned long long)s->ev.e[i].ev.start_ms,
                (unsigned long long)s->ev.e[i].ev.end_ms, s->ev.e[i].ev.complete,
                (unsigned long long)s->ev.e[i].at_ms);
}

/* Leading silence of a sound, ms. */
static uint64_t lead_ms(const struct sim_buf *p)
{
    size_t i = 0;
    while (i < p->n && abs(p->pcm[i]) < 300)
        i++;
    return i / 8;
}

static bool near(uint64_t a, uint64_t b, uint64_t tol)
{
    return a + tol >= b && b + tol >= a;
}

/* Exactly the truth, in order: a START then an END per occurrence, names right,
 * starts within 40 ms, complete flags right, cut ends within 60 ms; START of a
 * complete sound longer than 1 s at most max_latency ms after it began. */
static bool scene_ok(const struct scene *s, uint64_t max_latency)
{
    size_t t = 0;
    bool ok = true;
    for (size_t i = 0; i < s->ev.n && ok; i++) {
        const struct ms__hear_event *e = &s->ev.e[i].ev;
        if (e->kind != MS__HEAR_START)
            continue;
        if (t >= s->nt || strcmp(e->name, s->truth[t].name) != 0 ||
            !near(e->start_ms, s->truth[t].start_ms, 40)) {
            ok = false;
            break;
        }
        const struct sim_buf *p = pcm_of(e->name);
        uint64_t audible = s->truth[t].start_ms + lead_ms(p);
        uint64_t latency = s->ev.e[i].at_ms > audible ? s->ev.e[i].at_ms - audible : 0;
        if (s->truth[t].complete && p->n > SIM_RATE && latency > max_latency) {
            fprintf(stderr, "  latency %llu ms\n", (unsigned long long)latency);
            ok = false;
        }
        size_t j = i + 1;
        while (j < s->ev.n &&
               !(s->ev.e[j].ev.kind == MS__HEAR_END && s->ev.e[j].ev.start_ms == e->start_ms &&
                 strcmp(s->ev.e[j].ev.name, e->name) == 0))
            j++;
        if (j == s->ev.n || s->ev.e[j].ev.complete != s->truth[t].complete)
            ok = false;
        else if (!s->truth[t].complete && !near(s->ev.e[j].ev.end_ms, s->truth[t].end_ms, 60))
            ok = false;
        t++;
    }
    if (t != s->nt)
        ok = false;
    if (!ok)
        scene_print(s);
    return ok;
}

static size_t starts(const struct scene *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ev.n; i++)
        n += s->ev.e[i].ev.kind == MS__HEAR_START;
    return n;
}

/* ---- tests ---- */

static void test_bad_args(void)
{
    struct ms__hear_set *s = (struct ms__hear_set *)0x1;
    CHECK_EQ_INT(ms__hear_set_new(NULL), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_new(&s), 0);
    const struct sim_buf *one = pcm_of("digits/1");
    int16_t quiet[4000] = {0};
    for (size_t i = 0; i < 4000; i++)
        quiet[i] = (int16_t)(i % 2 ? 3 : -3); /* far below -60 dBFS */
    CHECK_EQ_INT(ms__hear_set_add(s, NULL, one->pcm, one->n), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_add(s, "", one->pcm, one->n), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_add(s, "x", NULL, 10), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_add(s, "x", NULL, 0), MS_EINVAL);       /* nothing audible */
    CHECK_EQ_INT(ms__hear_set_add(s, "x", one->pcm, 200), MS_EINVAL); /* too short */
    CHECK_EQ_INT(ms__hear_set_add(s, "x", quiet, 4000), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_add(NULL, "x", one->pcm, one->n), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_count(s), 0);
    CHECK_EQ_INT(ms__hear_set_add(s, "one", one->pcm, one->n), 0);
    CHECK_EQ_INT(ms__hear_set_add(s, "one", one->pcm, one->n), MS_EEXIST);
    CHECK_EQ_INT(ms__hear_set_count(s), 1);
    /* the same audio under another name, even 9 dB lower or 5 ms shorter: a twin */
    struct sim_buf twin = {0};
    sim_append(&twin, one->pcm, one->n - 40, 0.35);
    CHECK_EQ_INT(ms__hear_set_add(s, "uno", one->pcm, one->n), MS_EEXIST);
    CHECK_EQ_INT(ms__hear_set_add(s, "uno", twin.pcm, twin.n), MS_EEXIST);
    sim_buf_free(&twin);
    const struct sim_buf *two = pcm_of("digits/2");
    CHECK_EQ_INT(ms__hear_set_add(s, "two", two->pcm, two->n), 0);
    CHECK_EQ_INT(ms__hear_set_count(s), 2);
    CHECK_EQ_INT(ms__hear_set_count(NULL), 0);

    struct ms__hear *h = (struct ms__hear *)0x1;
    int ud = 0;
    CHECK_EQ_INT(ms__hear_new(&h, NULL, sim_on_event, &ud), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_new(&h, s, NULL, &ud), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_new(NULL, s, sim_on_event, &ud), MS_EINVAL);
    CHECK(h == (struct ms__hear *)0x1); /* untouched on failure */
    struct sim_events ev = {0};
    CHECK_EQ_INT(ms__hear_new(&h, s, sim_on_event, &ev), 0);
    ms__hear_feed(h, NULL, 160, 0); /* ignored */
    ms__hear_feed(h, one->pcm, 0, 0);
    ms__hear_finish(h, 0); /* nothing fed: nothing to say */
    ms__hear_feed(NULL, one->pcm, 160, 0);
    ms__hear_finish(NULL, 0);
    CHECK_EQ_INT(ev.n, 0);
    ms__hear_free(h);
    ms__hear_free(NULL);
    ms__hear_set_free(s);
    ms__hear_set_free(NULL);
}

static void test_synthetic(void)
{
    struct scene s;
    scene_init(&s, 1, -6);
    scene_play(&s, "tone/steps", 1);
    scene_gap(&s, 700);
    scene_play(&s, "noise/low", 1);
    scene_play(&s, "tone/chirp", 1); /* back to back */
    scene_gap(&s, 333);
    scene_play(&s, "noise/high", 1);
    scene_gap(&s, 1000);
    scene_play(&s, "tone/chords", 1);
    scene_run(&s, MS_CODEC_PCMU, 0.0);
    CHECK(scene_ok(&s, MAX_LATENCY));
    sim_buf_free(&s.b);
}

/* The real case: flite speech through PCMA at -6 dB with 1% of frames lost. */
static void test_speech_channel(void)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct scene s;
        scene_init(&s, seed * 7919, -6);
        scene_play(&s, "demo/welcome", 1);
        scene_gap(&s, 400);
        scene_play(&s, "demo/sales", 1);
        scene_play(&s, "demo/goodbye", 1); /* back to back */
        scene_gap(&s, 900);
        scene_play(&s, "digits/4", 1);
        scene_play(&s, "digits/2", 1);
        scene_gap(&s, 250);
        scene_play(&s, "digits/9", 1);
        scene_play(&s, "demo/hold", 1);
        scene_run(&s, seed == 2 ? MS_CODEC_PCMU : MS_CODEC_PCMA, 0.01);
        CHECK(scene_ok(&s, MAX_LATENCY));
        sim_buf_free(&s.b);
    }
}

static void test_every_digit(void)
{
    struct scene s;
    scene_init(&s, 99, 0);
    for (int d = 9; d >= 1; d--) {
        char name[24];
        snprintf(name, sizeof(name), "digits/%d", d);
        for (size_t i = 0; i < N_SPEECH; i++)
            if (strcmp(speech[i].name, name) == 0)
                scene_play(&s, speech[i].name, 1);
        if (d % 3 == 0)
            scene_gap(&s, 300);
    }
    scene_run(&s, MS_CODEC_PCMU, 0.0);
    CHECK(scene_ok(&s, MAX_LATENCY));
    sim_buf_free(&s.b);
}

/* "welcome" and "welcome back", "sales" and "support" start alike. */
static void test_shared_beginnings(void)
{
    struct scene s;
    scene_init(&s, 5, -6);
    scene_play(&s, "demo/welcome_back", 1);
    scene_gap(&s, 500);
    scene_play(&s, "demo/welcome", 1);
    scene_play(&s, "demo/welcome_back", 1);
    scene_gap(&s, 300);
    scene_play(&s, "demo/support", 1);
    scene_play(&s, "demo/sales", 1);
    scene_run(&s, MS_CODEC_PCMA, 0.01);
    CHECK(scene_ok(&s, MAX_LATENCY));
    sim_buf_free(&s.b);
}

/* Sounds that are exact prefixes of each other, or share their exact first second:
 * reported only once the audio tells them apart. */
static void test_exact_prefixes(void)
{
    struct ms__hear_set *ps;
    CHECK_EQ_INT(ms__hear_set_new(&ps), 0);
    const struct sim_buf *hold = pcm_of("demo/hold"), *sales = pcm_of("demo/sales");
    const struct sim_buf *goodbye = pcm_of("demo/goodbye");
    size_t head = SIM_RATE * 12 / 10; /* 1.2 s of "Please hold while we..." */
    struct sim_buf a = {0}, b = {0}, c = {0};
    sim_append(&a, hold->pcm, head, 1.0); /* a: the beginning of b */
    sim_append(&b, hold->pcm, hold->n, 1.0);
    sim_append(&c, hold->pcm, head, 1.0); /* c: a, then "you have reached sales" */
    sim_append(&c, sales->pcm, sales->n, 1.0);
    CHECK_EQ_INT(ms__hear_set_add(ps, "a", a.pcm, a.n), 0);
    CHECK_EQ_INT(ms__hear_set_add(ps, "b", b.pcm, b.n), 0);
    CHECK_EQ_INT(ms__hear_set_add(ps, "c", c.pcm, c.n), 0);
    const struct {
        const struct sim_buf *play[2];
        const char *expect;
    } cases[] = {
        {{&b, NULL}, "b"},
        {{&a, NULL}, "a"},
        {{&c, NULL}, "c"},
        {{&a, goodbye}, "a"}, /* a, then other audio after a's end: still a */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct sim_buf st = {0};
        struct sim_rng r = {k + 1};
        sim_append(&st, NULL, 3000 + 17 * k, 1.0);
        sim_append(&st, cases[k].play[0]->pcm, cases[k].play[0]->n, 0.5);
        if (cases[k].play[1])
            sim_append(&st, cases[k].play[1]->pcm, cases[k].play[1]->n, 0.5);
        sim_append(&st, NULL, 4000, 1.0);
        sim_channel(&st, MS_CODEC_PCMU, 0.0, &r);
        struct sim_events ev = {0};
        struct ms__hear *h;
        CHECK_EQ_INT(ms__hear_new(&h, ps, sim_on_event, &ev), 0);
        sim_feed(h, &ev, &st, 1000);
        ms__hear_free(h);
        sim_buf_free(&st);
        CHECK_EQ_INT(ev.n, 2);
        CHECK_EQ_STR(ev.e[0].ev.name, cases[k].expect);
        CHECK(near(ev.e[0].ev.start_ms, 1000 + (3000 + 17 * k) / 8, 40));
        CHECK(ev.e[1].ev.kind == MS__HEAR_END && ev.e[1].ev.complete);
        if (cases[k].expect[0] != 'a') /* not before the audio diverged */
            CHECK(ev.e[0].at_ms > ev.e[0].ev.start_ms + head / 8);
    }
    ms__hear_set_free(ps);
    sim_buf_free(&a);
    sim_buf_free(&b);
    sim_buf_free(&c);
}

/* Barge-in: a long prompt cut after 40%, then the next one at once. */
static void test_cut_short(void)
{
    struct scene s;
    scene_init(&s, 77, -6);
    scene_play(&s, "demo/hold", 0.4);
    scene_play(&s, "demo/goodbye", 1);
    scene_gap(&s, 600);
    scene_play(&s, "music/loop", 0.6);
    scene_gap(&s, 200);
    scene_play(&s, "demo/welcome", 1);
    scene_run(&s, MS_CODEC_PCMA, 0.0);
    CHECK(scene_ok(&s, MAX_LATENCY));
    sim_buf_free(&s.b);
}

/* Unknown speech and the caller's own voice echoed must not be reported. */
static void test_unknown_and_echo(void)
{
    struct sim_buf unknown[2], caller[3];
    for (size_t i = 0; i < 2; i++)
        CHECK(sim_tts(voice, unknown_text[i], 1.0, &unknown[i]) == 0);
    for (size_t i = 0; i < 3; i++)
        CHECK(sim_tts(voice, caller_text[i], 1.12, &caller[i]) == 0);
    struct scene s;
    scene_init(&s, 31, -6);
    scene_other(&s, &unknown[0], 0);
    scene_gap(&s, 300);
    scene_other(&s, &caller[0], -10); /* echo alone */
    scene_gap(&s, 200);
    scene_play(&s, "demo/sales", 1);
    scene_other(&s, &caller[1], 0); /* full level: an echo test */
    scene_other(&s, &unknown[1], 0);
    scene_gap(&s, 400);
    scene_other(&s, &caller[2], -6);
    scene_play(&s, "digits/4", 1);
    scene_play(&s, "digits/2", 1);
    scene_run(&s, MS_CODEC_PCMU, 0.01);
    CHECK(scene_ok(&s, MAX_LATENCY));
    /* the caller talking over a prompt at -20 dB does not hide it */
    struct scene o;
    scene_init(&o, 32, 0);
    size_t at = o.b.n;
    scene_play(&o, "demo/hold", 1);
    sim_mix(&o.b, at + 8000, caller[1].pcm, caller[1].n, sim_db(-20));
    scene_run(&o, MS_CODEC_PCMA, 0.0);
    CHECK(scene_ok(&o, MAX_LATENCY));
    for (size_t i = 0; i < 2; i++)
        sim_buf_free(&unknown[i]);
    for (size_t i = 0; i < 3; i++)
        sim_buf_free(&caller[i]);
    sim_buf_free(&s.b);
    sim_buf_free(&o.b);
}

/* The same sound twice in a row is two occurrences; music loops. */
static void test_twice_and_loop(void)
{
    struct scene s;
    scene_init(&s, 8, -3);
    scene_play(&s, "demo/goodbye", 1);
    scene_play(&s, "demo/goodbye", 1);
    scene_gap(&s, 500);
    scene_play(&s, "music/loop", 1);
    scene_play(&s, "music/loop", 1);
    scene_play(&s, "music/loop", 0.5);
    scene_gap(&s, 300);
    scene_play(&s, "tone/steps", 1);
    scene_play(&s, "tone/steps", 1);
    scene_run(&s, MS_CODEC_PCMU, 0.01);
    CHECK(scene_ok(&s, MAX_LATENCY));
    sim_buf_free(&s.b);
}

/* The jitter buffer repeats or drops a frame inside a prompt. */
static void test_frame_slip(void)
{
    for (int insert = 0; insert <= 1; insert++) {
        struct scene s;
        scene_init(&s, 50 + (uint64_t)insert, -6);
        scene_play(&s, "demo/hold", 1);
        scene_play(&s, "demo/welcome", 1);
        size_t at = (size_t)s.truth[0].start_ms * 8 + 11000;
        CHECK(sim_slip(&s.b, at, insert) == 0);
        long d = insert ? 20 : -20;
        s.truth[0].end_ms += d;
        s.truth[1].start_ms += d;
        s.truth[1].end_ms += d;
        scene_run(&s, MS_CODEC_PCMA, 0.0);
        CHECK(scene_ok(&s, MAX_LATENCY));
        sim_buf_free(&s.b);
    }
}

/* Stalls: the sender or the receiver stopped for a while, so a gap of silence
 * (100 ms .. 1.4 s) lies inside a prompt, which then goes on where it stopped or
 * further on (audio lost), even before it was identified. Not a cut: heard to its
 * end, at its real end. */
static void test_stall_not_cut(void)
{
    static const struct {
        const char *name;
        size_t into, gap, lost; /* ms */
    } cases[] = {
        {"demo/hold", 1500, 100, 0},    {"demo/hold", 2200, 300, 0},
        {"demo/hold", 1000, 500, 200},  {"demo/hold", 2600, 400, 400}, /* all lost */
        {"demo/hold", 1800, 200, 240},  {"demo/hold", 3000, 1400, 0},
        {"demo/hold", 500, 300, 0},     {"demo/hold", 400, 250, 100}, /* before START */
        {"demo/welcome", 600, 300, 0},  {"demo/welcome", 700, 200, 160},
        {"demo/sales", 900, 300, 0},    {"tone/steps", 500, 300, 60},
        {"music/loop", 1900, 300, 100}, {"demo/welcome", 1100, 150, 0},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct scene s;
        scene_init(&s, 200 + k, -6);
        scene_play(&s, cases[k].name, 1);
        scene_gap(&s, 300);
        scene_play(&s, "demo/goodbye", 1);
        scene_stall(&s, 0, lead_ms(pcm_of(cases[k].name)) + cases[k].into, cases[k].gap,
                    cases[k].lost);
        scene_run(&s, k % 2 ? MS_CODEC_PCMA : MS_CODEC_PCMU, 0.01);
        CHECK(scene_ok(&s, MAX_LATENCY + cases[k].gap));
        size_t at;
        const struct ms__hear_event *end = end_of(&s, start_index(&s, 0), &at);
        CHECK(end && end->complete);
        CHECK(near(end->end_ms, s.truth[0].end_ms, 40));
        sim_buf_free(&s.b);
    }
}

/* A real cut (barge-in) is still one, at the point the audio stopped: reported once
 * the silence outlasts a stall (1.5 s), or soon after other audio began. */
static void test_stall_or_cut(void)
{
    struct scene s;
    size_t at;
    const struct ms__hear_event *e;
    /* cut, then silence */
    scene_init(&s, 300, -6);
    scene_play(&s, "demo/hold", 0.4);
    scene_gap(&s, 2500);
    scene_play(&s, "demo/goodbye", 1);
    scene_run(&s, MS_CODEC_PCMU, 0.0);
    CHECK(scene_ok(&s, MAX_LATENCY));
    e = end_of(&s, start_index(&s, 0), &at);
    CHECK(e && !e->complete && near(e->end_ms, s.truth[0].end_ms, 20));
    CHECK(at >= s.truth[0].end_ms + 1400 && at <= s.truth[0].end_ms + 1700);
    sim_buf_free(&s.b);
    /* cut, a pause, another prompt */
    scene_init(&s, 301, -6);
    scene_play(&s, "demo/hold", 0.55);
    scene_gap(&s, 300);
    scene_play(&s, "demo/welcome", 1);
    scene_run(&s, MS_CODEC_PCMA, 0.0);
    CHECK(scene_ok(&s, MAX_LATENCY));
    e = end_of(&s, start_index(&s, 0), &at);
    CHECK(e && !e->complete && near(e->end_ms, s.truth[0].end_ms, 20));
    CHECK(at <= s.truth[1].start_ms + lead_ms(pcm_of("demo/welcome")) + 400);
    sim_buf_free(&s.b);
    /* a stall, then a cut and a long silence; the same before START */
    for (int early = 0; early <= 1; early++) {
        scene_init(&s, 302 + (uint64_t)early, -6);
        scene_play(&s, "demo/hold", early ? 0.25 : 0.7);
        scene_gap(&s, 2000);
        scene_play(&s, "demo/goodbye", 1);
        scene_stall(&s, 0, early ? 400 : 1200, 300, early ? 0 : 100);
        scene_run(&s, MS_CODEC_PCMU, 0.0);
        CHECK(scene_ok(&s, MAX_LATENCY));
        e = end_of(&s, start_index(&s, 0), &at);
        CHECK(e && !e->complete && near(e->end_ms, s.truth[0].end_ms, 20));
        sim_buf_free(&s.b);
    }
}

static void feed_frames(struct ms__hear *h, struct sim_events *ev, const struct sim_buf *b,
                        size_t from, size_t to, size_t chunk, uint64_t t0)
{
    for (size_t at = from; at < to; at += chunk) {
        size_t n = at + chunk <= to ? chunk : to - at;
        ev->now_ms = t0 + (at + n) / 8;
        ms__hear_feed(h, &b->pcm[at], n, t0 + at / 8);
    }
}

/* Frames of any size give the same events; a gap in at_ms is silence. */
static void test_frames_and_time(void)
{
    struct scene s;
    scene_init(&s, 3, -6);
    scene_play(&s, "demo/welcome", 1);
    scene_gap(&s, 300);
    scene_play(&s, "digits/7", 1);
    scene_gap(&s, 500);
    sim_channel(&s.b, MS_CODEC_PCMU, 0.0, &s.r);
    struct sim_events a = {0}, b = {0};
    struct ms__hear *h;
    CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &a), 0);
    feed_frames(h, &a, &s.b, 0, s.b.n, 160, 5000);
    ms__hear_finish(h, 0);
    ms__hear_free(h);
    CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &b), 0);
    feed_frames(h, &b, &s.b, 0, s.b.n, 37, 5000);
    ms__hear_finish(h, 0);
    ms__hear_free(h);
    CHECK_EQ_INT(a.n, 4);
    CHECK_EQ_INT(b.n, 4);
    for (size_t i = 0; i < a.n; i++) {
        CHECK_EQ_STR(a.e[i].ev.name, b.e[i].ev.name);
        CHECK(near(a.e[i].ev.start_ms, b.e[i].ev.start_ms, 2));
    }
    CHECK(near(a.e[0].ev.start_ms, 5000 + s.truth[0].start_ms, 40));
    CHECK(near(a.e[2].ev.start_ms, 5000 + s.truth[1].start_ms, 40));

    /* 400 ms of frames missing before "seven": at_ms jumps, the listener fills in */
    struct sim_events c = {0};
    size_t cut = ((size_t)s.truth[1].start_ms * 8 - 1600) / 160 * 160;
    CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &c), 0);
    feed_frames(h, &c, &s.b, 0, cut, 160, 5000);
    feed_frames(h, &c, &s.b, cut + 3200, s.b.n, 160, 5000);
    ms__hear_finish(h, 0);
    ms__hear_free(h);
    CHECK_EQ_INT(c.n, 4);
    CHECK_EQ_STR(c.e[2].ev.name, "digits/7");
    CHECK(near(c.e[2].ev.start_ms, 5000 + s.truth[1].start_ms, 40));
    sim_buf_free(&s.b);
}

/* Stalls of the receiver (wire mode): no frame for a while, so at_ms jumps and the
 * listener fills the gap with silence, marked missing; then the jitter buffer drops
 * some or most of what arrived meanwhile. Heard to its end, even when its last
 * audible part fell in the gap (it was played, only not heard); END at once then. */
static void test_stall_time_jump(void)
{
    const struct sim_buf *hold = pcm_of("demo/hold");
    size_t audio = lead_ms(hold), len = hold->n / 8;
    static const struct {
        size_t into, gap, lost; /* ms */
    } cases[] = {
        {2000, 300, 260}, {1000, 200, 0}, {0, 300, 100}, {0, 0, 0}, {0, 400, 380},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        size_t into = cases[k].into;
        if (k == 2)
            into = audio + 20; /* just as it becomes audible */
        if (k == 3 || k == 4)
            into = len - 240 - (k == 4 ? 100 : 0); /* its last audible part lost */
        size_t gap = k == 3 ? 300 : cases[k].gap, lost = k == 3 ? 220 : cases[k].lost;
        struct sim_buf b = {0};
        sim_append(&b, NULL, 1600, 1.0);
        sim_append(&b, hold->pcm, hold->n, 1.0);
        sim_append(&b, NULL, 8000, 1.0);
        struct sim_events ev = {0};
        struct ms__hear *h;
        CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &ev), 0);
        size_t cut = (1600 + into * 8) / SIM_FRAME * SIM_FRAME;
        feed_frames(h, &ev, &b, 0, cut, SIM_FRAME, 7000);
        /* sample cut + lost comes at stream time 7000 + cut / 8 + gap */
        feed_frames(h, &ev, &b, cut + lost * 8, b.n / SIM_FRAME * SIM_FRAME, SIM_FRAME,
                    7000 + gap - lost);
        ms__hear_finish(h, ev.now_ms);
        ms__hear_free(h);
        sim_buf_free(&b);
        /* when its end was not heard, as if it had played on through the gap */
        uint64_t end = 7200 + len + (k < 3 ? gap - lost : 0), late = k == 2 ? gap : 0;
        if (ev.n != 2 || !near(ev.e[1].ev.end_ms, end, 40))
            fprintf(stderr, "  case %zu: %zu events, end %llu (expected %llu)\n", k, ev.n,
                    (unsigned long long)(ev.n > 1 ? ev.e[1].ev.end_ms : 0),
                    (unsigned long long)end);
        CHECK_EQ_INT(ev.n, 2);
        CHECK_EQ_STR(ev.e[0].ev.name, "demo/hold");
        CHECK(near(ev.e[0].ev.start_ms, 7200, 40 + late)); /* see hear.h: a gap that early */
        CHECK(ev.e[1].ev.kind == MS__HEAR_END && ev.e[1].ev.complete);
        CHECK(near(ev.e[1].ev.end_ms, end, 40));
        CHECK(ev.e[1].at_ms <= 7200 + len + gap - lost + 200); /* not held up */
    }
}

/* A stall in a pause of the sound: "noise/low" is silent from 720 to 810 ms. The
 * sender stalls there (the pause gets longer), or the receiver does, and more than
 * the pause is lost (the audio comes back early). */
static void test_stall_in_pause(void)
{
    const struct sim_buf *noise = pcm_of("noise/low");
    for (int receiver = 0; receiver <= 1; receiver++) {
        struct sim_buf b = {0};
        sim_append(&b, NULL, 2400, 1.0);
        sim_append(&b, noise->pcm, noise->n, 0.7);
        sim_append(&b, NULL, 8000, 1.0);
        struct sim_rng r = {77};
        sim_channel(&b, MS_CODEC_PCMA, 0.0, &r);
        size_t at = 2400 + 725 * 8, gap = receiver ? 100 : 300, lost = receiver ? 150 : 0;
        if (!receiver)
            sim_stall(&b, at / SIM_FRAME * SIM_FRAME, gap * 8, 0);
        else
            sim_stall(&b, at / SIM_FRAME * SIM_FRAME, 0, lost * 8);
        struct sim_events ev = {0};
        struct ms__hear *h;
        CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &ev), 0);
        sim_feed_jump(h, &ev, &b, 0, at / SIM_FRAME * SIM_FRAME, receiver ? gap : 0);
        ms__hear_free(h);
        sim_buf_free(&b);
        uint64_t end = 300 + noise->n / 8 + gap - lost;
        if (ev.n != 2 || !ev.e[1].ev.complete)
            fprintf(stderr, "  receiver %d: %zu events, end %llu complete %d (expected %llu)\n",
                    receiver, ev.n, (unsigned long long)(ev.n > 1 ? ev.e[1].ev.end_ms : 0),
                    ev.n > 1 && ev.e[1].ev.complete, (unsigned long long)end);
        CHECK_EQ_INT(ev.n, 2);
        CHECK_EQ_STR(ev.e[0].ev.name, "noise/low");
        CHECK(near(ev.e[0].ev.start_ms, 300, 40));
        CHECK(ev.e[1].ev.complete && near(ev.e[1].ev.end_ms, end, 40));
    }
}

/* Two stalls in a row: the sender's (200 ms of silence), and 40 ms after the audio
 * came back, the receiver's (295 ms without frames, 240 ms of audio lost). */
static void test_two_stalls(void)
{
    const struct sim_buf *hold = pcm_of("demo/hold");
    struct sim_buf b = {0};
    sim_append(&b, NULL, 1600, 1.0);
    sim_append(&b, hold->pcm, hold->n, 1.0);
    sim_append(&b, NULL, 8000, 1.0);
    struct sim_rng r = {5};
    sim_channel(&b, MS_CODEC_PCMU, 0.0, &r);
    size_t at1 = 1600 + 1500 * 8, at2 = at1 + 240 * 8;
    CHECK(sim_stall(&b, at1, 200 * 8, 0) == 0);
    CHECK(sim_stall(&b, at2, 0, 240 * 8) == 0);
    struct sim_events ev = {0};
    struct ms__hear *h;
    CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &ev), 0);
    sim_feed_jump(h, &ev, &b, 0, at2, 295);
    ms__hear_free(h);
    sim_buf_free(&b);
    CHECK_EQ_INT(ev.n, 2);
    CHECK(near(ev.e[0].ev.start_ms, 200, 40));
    CHECK(ev.e[1].ev.complete);
    CHECK(near(ev.e[1].ev.end_ms, 200 + hold->n / 8 + 200 + 295 - 240, 40));
}

/* The stream ends in the middle of a prompt; then the listener hears a new one. */
static void test_finish_and_reuse(void)
{
    const struct sim_buf *hold = pcm_of("demo/hold");
    struct sim_events ev = {0};
    struct ms__hear *h;
    CHECK_EQ_INT(ms__hear_new(&h, set, sim_on_event, &ev), 0);
    struct sim_buf b = {0};
    sim_append(&b, NULL, 1000, 1.0);
    sim_append(&b, hold->pcm, SIM_RATE * 2, 1.0);
    feed_frames(h, &ev, &b, 0, b.n / 160 * 160, 160, 0);
    CHECK_EQ_INT(ev.n, 1); /* heard, still playing */
    CHECK(ev.e[0].ev.kind == MS__HEAR_START && !ev.e[0].ev.complete);
    ms__hear_finish(h, 2125);
    CHECK_EQ_INT(ev.n, 2);
    CHECK(ev.e[1].ev.kind == MS__HEAR_END && !ev.e[1].ev.complete);
    CHECK(near(ev.e[1].ev.end_ms, 2125, 60));
    ms__hear_finish(h, 3000); /* again: nothing */
    CHECK_EQ_INT(ev.n, 2);
    /* a new stream on the same listener, its own time */
    const struct sim_buf *two = pcm_of("digits/2");
    b.n = 0;
    sim_append(&b, NULL, 800, 1.0);
    sim_append(&b, two->pcm, two->n, 1.0);
    sim_append(&b, NULL, 1600, 1.0);
    sim_feed(h, &ev, &b, 10000);
    CHECK_EQ_INT(ev.n, 4);
    CHECK_EQ_STR(ev.e[2].ev.name, "digits/2");
    CHECK(near(ev.e[2].ev.start_ms, 10100, 40));
    CHECK(ev.e[3].ev.complete);
    struct ms__hear_stats st;
    ms__hear_get_stats(h, &st);
    CHECK(st.hops > 0 && st.hyps_made > 0);
    ms__hear_free(h);
    sim_buf_free(&b);
}

/* One set, two listeners fed in turn: independent. */
static void test_shared_set(void)
{
    struct scene s1, s2;
    scene_init(&s1, 11, 0);
    scene_play(&s1, "demo/support", 1);
    scene_init(&s2, 12, -6);
    scene_play(&s2, "tone/chirp", 1);
    scene_gap(&s1, 800);
    scene_gap(&s2, 800);
    while (s1.b.n < s2.b.n)
        scene_gap(&s1, 20);
    while (s2.b.n < s1.b.n)
        scene_gap(&s2, 20);
    struct ms__hear *h1, *h2;
    CHECK_EQ_INT(ms__hear_new(&h1, set, sim_on_event, &s1.ev), 0);
    CHECK_EQ_INT(ms__hear_new(&h2, set, sim_on_event, &s2.ev), 0);
    for (size_t at = 0; at + 160 <= s1.b.n; at += 160) { /* interleaved */
        feed_frames(h1, &s1.ev, &s1.b, at, at + 160, 160, 0);
        feed_frames(h2, &s2.ev, &s2.b, at, at + 160, 160, 0);
    }
    ms__hear_finish(h1, 0);
    ms__hear_finish(h2, 0);
    ms__hear_free(h1);
    ms__hear_free(h2);
    CHECK(scene_ok(&s1, MAX_LATENCY));
    CHECK(scene_ok(&s2, MAX_LATENCY));
    CHECK_EQ_INT(starts(&s1), 1);
    sim_buf_free(&s1.b);
    sim_buf_free(&s2.b);
}

/* ---- a set that grows while listeners run (wire callers learn TTS texts) ---- */

/* A stream: [0.3 s] hold [0.5 s] sales [0.5 s] goodbye [1 s], at 8 kHz from 0. */
static void grow_stream(struct sim_buf *b, size_t at[3])
{
    static const char *const names[] = {"demo/hold", "demo/sales", "demo/goodbye"};
    sim_append(b, NULL, 2400, 1.0);
    for (int i = 0; i < 3; i++) {
        const struct sim_buf *p = pcm_of(names[i]);
        at[i] = b->n;
        sim_append(b, p->pcm, p->n, 0.7);
        sim_append(b, NULL, i < 2 ? 4000 : 8000, 1.0);
    }
}

static size_t count_named(const struct sim_events *ev, enum ms__hear_kind kind, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->n; i++)
        n += ev->e[i].ev.kind == kind && strcmp(ev->e[i].ev.name, name) == 0;
    return n;
}

/* Sounds added while a listener runs: one that began less than a second before is
 * found, one that began earlier is not; a new listener over the same audio finds both. */
static void test_set_grows(void)
{
    struct ms__hear_set *g;
    CHECK_EQ_INT(ms__hear_set_new(&g), 0);
    CHECK_EQ_INT(
        ms__hear_set_add(g, "demo/goodbye", pcm_of("demo/goodbye")->pcm, pcm_of("demo/goodbye")->n),
        0);
    struct sim_buf b = {0};
    size_t at[3];
    grow_stream(&b, at);
    sim_channel(&b, MS_CODEC_PCMU, 0.0, &(struct sim_rng){7});
    struct sim_events ev = {0};
    struct ms__hear *h;
    CHECK_EQ_INT(ms__hear_new(&h, g, sim_on_event, &ev), 0);
    size_t hold_known = (at[0] + 3 * SIM_RATE) / 160 * 160;
    size_t sales_known = (at[1] + SIM_RATE / 2) / 160 * 160;
    feed_frames(h, &ev, &b, 0, hold_known, 160, 0);
    CHECK_EQ_INT(ev.n, 0);
    const struct sim_buf *hold = pcm_of("demo/hold"), *sales = pcm_of("demo/sales");
    CHECK_EQ_INT(ms__hear_set_add(g, "demo/hold", hold->pcm, hold->n), 0);
    feed_frames(h, &ev, &b, hold_known, sales_known, 160, 0);
    CHECK_EQ_INT(ms__hear_set_add(g, "demo/sales", sales->pcm, sales->n), 0);
    feed_frames(h, &ev, &b, sales_known, b.n / 160 * 160, 160, 0);
    ms__hear_finish(h, 0);
    ms__hear_free(h);
    CHECK_EQ_INT(count_named(&ev, MS__HEAR_START, "demo/hold"), 0); /* began 3 s before */
    CHECK_EQ_INT(count_named(&ev, MS__HEAR_START, "demo/sales"), 1);
    CHECK_EQ_INT(count_named(&ev, MS__HEAR_START, "demo/goodbye"), 1);
    CHECK_EQ_INT(ev.n, 4);
    CHECK_EQ_STR(ev.e[0].ev.name, "demo/sales");
    CHECK(near(ev.e[0].ev.start_ms, at[1] / 8, 40));
    CHECK(ev.e[1].ev.complete);
    /* the same audio again, from the start: every sound */
    struct sim_events all = {0};
    CHECK_EQ_INT(ms__hear_new(&h, g, sim_on_event, &all), 0);
    sim_feed(h, &all, &b, 0);
    ms__hear_free(h);
    CHECK_EQ_INT(all.n, 6);
    CHECK_EQ_STR(all.e[0].ev.name, "demo/hold");
    CHECK(near(all.e[0].ev.start_ms, at[0] / 8, 40));
    CHECK(all.e[1].ev.complete);
    CHECK_EQ_STR(all.e[2].ev.name, "demo/sales");
    CHECK_EQ_STR(all.e[4].ev.name, "demo/goodbye");
    ms__hear_set_free(g);
    sim_buf_free(&b);
}

/* ms__hear_set_twin: the sound a refused twin is the same audio as. */
static void test_set_twin(void)
{
    const struct sim_buf *one = pcm_of("digits/1"), *hold = pcm_of("demo/hold");
    const char *name = "untouched";
    struct sim_buf quieter = {0};
    sim_append(&quieter, hold->pcm, hold->n, 0.35);
    CHECK_EQ_INT(ms__hear_set_twin(set, quieter.pcm, quieter.n, &name), 0);
    CHECK_EQ_STR(name, "demo/hold");
    CHECK_EQ_INT(ms__hear_set_add(set, "hold-again", quieter.pcm, quieter.n), MS_EEXIST);
    sim_buf_free(&quieter);
    struct sim_buf other = {0};
    sim_append(&other, one->pcm, one->n, 1.0);
    sim_append(&other, pcm_of("digits/2")->pcm, pcm_of("digits/2")->n, 1.0); /* "one two" */
    name = "untouched";
    CHECK_EQ_INT(ms__hear_set_twin(set, other.pcm, other.n, &name), MS_ENOENT);
    CHECK_EQ_STR(name, "untouched");
    sim_buf_free(&other);
    /* the same words with other edges: cut close, or after 200 ms of faint noise */
    const struct sim_buf *hello = pcm_of("demo/welcome_back");
    size_t lead = 0; /* flite's pause before the words: cut 20 ms before the first one */
    while (lead < hello->n && abs(hello->pcm[lead]) < 2000)
        lead++;
    lead = lead > 160 ? lead - 160 : 0;
    CHECK(lead > 800);
    struct sim_buf cut = {0}, noisy = {0};
    sim_append(&cut, hello->pcm + lead, hello->n - lead, 1.0);
    struct sim_rng r = {5};
    for (size_t i = 0; i < 1600; i++) {
        int16_t v = (int16_t)((sim_uniform(&r) * 2 - 1) * 60); /* about -55 dBFS */
        sim_append(&noisy, &v, 1, 1.0);
    }
    sim_append(&noisy, cut.pcm, cut.n, 1.0);
    name = NULL;
    CHECK_EQ_INT(ms__hear_set_twin(set, cut.pcm, cut.n, &name), 0);
    CHECK_EQ_STR(name, "demo/welcome_back");
    name = NULL;
    CHECK_EQ_INT(ms__hear_set_twin(set, noisy.pcm, noisy.n, &name), 0);
    CHECK_EQ_STR(name, "demo/welcome_back");
    /* ... but a word more is another sound */
    sim_append(&noisy, pcm_of("digits/3")->pcm, pcm_of("digits/3")->n, 1.0);
    CHECK_EQ_INT(ms__hear_set_twin(set, noisy.pcm, noisy.n, &name), MS_ENOENT);
    sim_buf_free(&cut);
    sim_buf_free(&noisy);
    int16_t silence[1600] = {0};
    CHECK_EQ_INT(ms__hear_set_twin(set, silence, 1600, &name), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_twin(set, NULL, 10, &name), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_twin(NULL, one->pcm, one->n, &name), MS_EINVAL);
    CHECK_EQ_INT(ms__hear_set_twin(set, one->pcm, one->n, NULL), MS_EINVAL);
}

/* ---- the wire caller's ear: speech learnt after it played (sim/wire_ear.h) ---- */

#define HOLD_TEXT "Please hold while we transfer your call to the next available agent."

static void ear_feed(struct ms__wire_ear *e, const struct sim_buf *b, size_t from, size_t to)
{
    for (size_t at = from; at + 160 <= to; at += 160)
        ms__wire_ear_feed(e, &b->pcm[at], 1000 + at / 8);
}

static size_t heard_count(const struct ms__caller *c, enum ms__heard_kind kind, const char *name,
                          bool superseded)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nheard; i++)
        n += c->heard[i].kind == kind && strcmp(c->heard[i].name, name) == 0 &&
             c->heard[i].superseded == superseded;
    return n;
}

/* A text played, then a sound file; the text becomes known: it is found in the past
 * audio and inserted in its place, and the sound file the live listener took its
 * beginning for is superseded. Played again later, it is noted once. */
static void test_wire_ear_catch_up(void)
{
    const struct sim_buf *hold = pcm_of("demo/hold"), *bye = pcm_of("demo/goodbye");
    struct ms__hear_set *g;
    CHECK_EQ_INT(ms__hear_set_new(&g), 0);
    CHECK_EQ_INT(ms__hear_set_add(g, "demo/goodbye", bye->pcm, bye->n), 0);
    CHECK_EQ_INT(ms__hear_set_add(g, "hold/start", hold->pcm, SIM_RATE * 16 / 10), 0);
    struct sim_buf b = {0};
    sim_append(&b, NULL, 2400, 1.0);
    size_t x1 = b.n;
    sim_append(&b, hold->pcm, hold->n, 0.7);
    sim_append(&b, NULL, 4000, 1.0);
    sim_append(&b, bye->pcm, bye->n, 0.7);
    sim_append(&b, NULL, 8000, 1.0);
    size_t learnt = b.n / 160 * 160;
    sim_append(&b, NULL, 8000, 1.0);
    size_t x2 = b.n;
    sim_append(&b, hold->pcm, hold->n, 0.7);
    sim_append(&b, NULL, 8000, 1.0);
    sim_channel(&b, MS_CODEC_PCMA, 0.0, &(struct sim_rng){3});

    static const struct ms__caller_ops ops = {.mode = "test"};
    struct ms__caller c;
    ms__caller_init(&c, &ops, NULL, NULL, NULL);
    struct ms__wire_ear *e;
    CHECK_EQ_INT(ms__wire_ear_new(&e, NULL, &c), MS_EINVAL);
    CHECK_EQ_INT(ms__wire_ear_new(&e, g, &c), 0);
    ear_feed(e, &b, 0, learnt);
    /* live: the text's first words as the sound file, then goodbye */
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT, "hold/start", false), 1);
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT, "demo/goodbye", false), 1);
    size_t before = c.nheard;
    CHECK_EQ_INT(ms__hear_set_add(g, "/speech/kal/" HOLD_TEXT, hold->pcm, hold->n), 0);
    ms__wire_ear_catch_up(e, 1);
    CHECK_EQ_INT(c.nheard, before + 2);
    CHECK_EQ_INT(c.nmoves, 2);
    CHECK_EQ_INT(c.heard[c.moves[0]].kind, MS_HEARD_PROMPT);
    CHECK_EQ_STR(c.heard[c.moves[0]].name, HOLD_TEXT);
    CHECK_EQ_STR(c.heard[c.moves[0]].detail, "speech");
    CHECK(near(c.heard[c.moves[0]].at_ms, 1000 + x1 / 8, 40));
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT, "hold/start", true), 1);
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT_END, "hold/start", true), 1);
    /* in order, superseded entries aside: the text, its end (complete), goodbye */
    const struct ms__heard *seq[8];
    size_t n = 0;
    for (size_t i = 0; i < c.nheard && n < 8; i++)
        if (!c.heard[i].superseded)
            seq[n++] = &c.heard[i];
    CHECK_EQ_INT(n, 4);
    CHECK(seq[0]->kind == MS_HEARD_PROMPT && seq[1]->kind == MS_HEARD_PROMPT_END);
    CHECK_EQ_STR(seq[1]->name, HOLD_TEXT);
    CHECK(seq[1]->complete);
    CHECK_EQ_STR(seq[2]->name, "demo/goodbye");
    ms__wire_ear_catch_up(e, 1); /* nothing new: nothing done */
    CHECK_EQ_INT(c.nheard, before + 2);
    /* played again: both listeners hear it, noted once */
    ear_feed(e, &b, learnt, b.n);
    ms__wire_ear_finish(e);
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT, HOLD_TEXT, false), 2);
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT_END, HOLD_TEXT, false), 2);
    CHECK_EQ_INT(heard_count(&c, MS_HEARD_PROMPT, "hold/start", false), 0);
    const struct ms__heard *last = &c.heard[c.nheard - 2];
    CHECK_EQ_STR(last->name, HOLD_TEXT);
    CHECK(near(last->at_ms, 1000 + x2 / 8, 40));
    CHECK(c.heard[c.nheard - 1].complete);
    /* after the call: a later catch-up still looks (nothing new to find here) */
    CHECK_EQ_INT(
        ms__hear_set_add(g, "/speech/kal/Goodbye.", pcm_of("digits/9")->pcm, pcm_of("digits/9")->n),
        0);
    before = c.nheard;
    ms__wire_ear_catch_up(e, 2);
    CHECK_EQ_INT(c.nheard, before);
    ms__wire_ear_free(e);
    ms__wire_ear_free(NULL);
    ms__caller_fini(&c);
    ms__hear_set_free(g);
    sim_buf_free(&b);
}

int main(void)
{
    if (build() < 0) {
        fprintf(stderr, "cannot build the sounds\n");
        return 1;
    }
    RUN(test_bad_args);
    RUN(test_synthetic);
    RUN(test_speech_channel);
    RUN(test_every_digit);
    RUN(test_shared_beginnings);
    RUN(test_exact_prefixes);
    RUN(test_cut_short);
    RUN(test_unknown_and_echo);
    RUN(test_twice_and_loop);
    RUN(test_frame_slip);
    RUN(test_stall_not_cut);
    RUN(test_stall_or_cut);
    RUN(test_stall_time_jump);
    RUN(test_stall_in_pause);
    RUN(test_two_stalls);
    RUN(test_frames_and_time);
    RUN(test_finish_and_reuse);
    RUN(test_shared_set);
    RUN(test_set_grows);
    RUN(test_set_twin);
    RUN(test_wire_ear_catch_up);
    teardown();
    return test_summary();
}
