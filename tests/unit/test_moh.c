/* Music on hold classes: one shared timeline per class, files in order or a
 * fixed shuffle, decoded once, silence while loading. */
#include "fake_call.h"
#include "media/moh.h"
#include "test.h"

static struct fixture fx;

/* A WAV of ms milliseconds whose samples all equal `value` (easy to tell apart). */
static void write_flat(const char *name, int ms, short value)
{
    char path[256];
    snprintf(path, sizeof path, "%s/music/%s.wav", fx.dir, name);
    SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    short buf[80];
    for (int i = 0; i < 80; i++)
        buf[i] = value;
    for (int i = 0; i < ms / 10; i++)
        sf_write_short(f, buf, 80);
    sf_close(f);
}

static struct ms__moh *setup(bool shuffle)
{
    fixture_init(&fx);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/music", fx.dir);
    mkdir(dir, 0755);
    write_flat("a", 1000, 1000);
    write_flat("b", 500, 2000);
    write_flat("c", 500, 3000);
    struct ms__moh_class_config cls[] = {{"default", dir, shuffle}, {"empty", "/nonexistent", 0}};
    struct ms__moh *m = NULL;
    ms__moh_new(&m, fx.loop, fx.audio, cls, 2);
    return m;
}

static void teardown(struct ms__moh *m)
{
    ms__moh_free(m);
    fixture_free(&fx);
}

static short sample_at(struct ms__moh_class *c, uint64_t ms)
{
    int16_t frame[160];
    ms__moh_fill(c, 8000, ms, frame, 160);
    return frame[0];
}

static void test_shared_timeline_in_order(void)
{
    struct ms__moh *m = setup(false);
    struct ms__moh_class *c = ms__moh_find(m, "default");
    CHECK(c != NULL);
    CHECK(ms__moh_find(m, "nope") == NULL);
    CHECK_EQ_INT(sample_at(c, 0), 0); /* loading: silence, and the loads start */
    ms_loop_advance(fx.loop, 0);      /* the virtual clock waits for the decodes */
    CHECK_EQ_INT(ms__moh_files(c), 3);
    /* a 2 s loop: a (0-1 s), b (1-1.5 s), c (1.5-2 s) */
    CHECK_EQ_INT(sample_at(c, 100), 1000);
    CHECK_EQ_INT(sample_at(c, 1200), 2000);
    CHECK_EQ_INT(sample_at(c, 1700), 3000);
    CHECK_EQ_INT(sample_at(c, 2100), 1000); /* it loops */
    /* two listeners at the same moment hear the same samples */
    int16_t x[160], y[160];
    ms__moh_fill(c, 8000, 5990, x, 160);
    ms__moh_fill(c, 8000, 5990, y, 160);
    CHECK(memcmp(x, y, sizeof x) == 0);
    CHECK_EQ_INT(x[79], 3000); /* 5990 ms = 1990 into the loop: the last 10 ms of c ... */
    CHECK_EQ_INT(x[80], 1000); /* ... then a again, in the same frame */
    teardown(m);
}

static void test_shuffle_is_fixed_and_empty_class_is_silent(void)
{
    struct ms__moh *m = setup(true);
    struct ms__moh_class *c = ms__moh_find(m, "default");
    sample_at(c, 0);
    ms_loop_advance(fx.loop, 0);
    short order1[3] = {sample_at(c, 10), sample_at(c, 1010), sample_at(c, 1510)};
    short total = (short)(order1[0] + order1[1] + order1[2]);
    CHECK(total == 6000 || total == 5000 || total == 4000 || total == 7000); /* whole files */
    struct ms__moh_class *e = ms__moh_find(m, "empty");
    CHECK_EQ_INT(sample_at(e, 100), 0);
    CHECK_EQ_INT(ms__moh_files(e), 0);
    teardown(m);
    /* the same shuffle at the next start */
    m = setup(true);
    c = ms__moh_find(m, "default");
    sample_at(c, 0);
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(sample_at(c, 10), order1[0]);
    teardown(m);
}

static void test_free_while_loading(void)
{
    struct ms__moh *m = setup(false);
    sample_at(ms__moh_find(m, "default"), 0); /* loads under way */
    teardown(m);                              /* freed by the last load's callback */
}

int main(void)
{
    RUN(test_shared_timeline_in_order);
    RUN(test_shuffle_is_fixed_and_empty_class_is_silent);
    RUN(test_free_while_loading);
    return test_summary();
}
