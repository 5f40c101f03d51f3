/* The timers of one digit-collection try (call:gather is built on it), on a
 * virtual clock: first-digit timeout from the end of the prompt, inter-digit
 * timeout, terminators, max digits, barge-in, type-ahead and hangup. */
#include "fake_call.h"
#include "test.h"

struct outcome {
    int done;
    uint64_t at;
    int status;
    char digits[65];
    char reason[16];
    char terminator;
};

static struct fixture fx;
static struct outcome out;

static void on_collect(void *ud, const struct ms_collect_result *r)
{
    (void)ud;
    out.done++;
    out.at = ms_loop_now(fx.loop);
    out.status = r->status;
    snprintf(out.digits, sizeof out.digits, "%s", r->digits);
    snprintf(out.reason, sizeof out.reason, "%s", r->reason);
    out.terminator = r->terminator;
}

static const struct ms_play_item prompt[] = {{MS_PLAY_SOUND, "prompt", NULL, 0}};

static int start(int min, int max, uint64_t timeout, uint64_t inter, const char *term,
                 bool with_prompt)
{
    memset(&out, 0, sizeof out);
    struct ms_collect_opts o = {
        .prompt = with_prompt ? prompt : NULL,
        .nprompt = with_prompt ? 1 : 0,
        .min = min,
        .max = max,
        .timeout_ms = timeout,
        .inter_digit_ms = inter,
        .terminators = term,
    };
    return ms_call_collect(fx.call, &o, on_collect, NULL);
}

static void setup(void)
{
    fixture_init(&fx);
    fixture_write_wav(&fx, "prompt", 1000);
    fixture_preload(&fx, "prompt");
    ms_call_answer(fx.call);
}

/* Presses digit at virtual time t (absolute). */
static void press_at(uint64_t t, char d)
{
    ms_loop_advance(fx.loop, t - ms_loop_now(fx.loop));
    ms__call_dtmf(fx.call, d, MS_DTMF_RFC4733);
}

static void test_first_digit_timeout_counts_from_prompt_end(void)
{
    setup();
    CHECK_EQ_INT(start(1, 4, 3000, 2000, "#", true), 0);
    ms_loop_advance(fx.loop, 3990);
    CHECK_EQ_INT(out.done, 0); /* prompt (1 s) + 3 s is not over yet */
    ms_loop_advance(fx.loop, 100);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_STR(out.reason, "timeout");
    CHECK_EQ_STR(out.digits, "");
    /* the prompt ends on the tick after its last sample: 1000-1020 ms */
    CHECK(out.at >= 4000 && out.at <= 4020);
    CHECK(fx.ep.nonsilent_writes >= 49 && fx.ep.nonsilent_writes <= 51);
    fixture_free(&fx);
}

static void test_timeout_without_prompt(void)
{
    setup();
    start(1, 4, 3000, 2000, "#", false);
    ms_loop_advance(fx.loop, 2999);
    CHECK_EQ_INT(out.done, 0);
    ms_loop_advance(fx.loop, 1);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_INT(out.at, 3000);
    CHECK_EQ_STR(out.reason, "timeout");
    fixture_free(&fx);
}

static void test_inter_digit_timeout(void)
{
    setup();
    start(1, 4, 3000, 2000, "#", false);
    press_at(1000, '1');
    press_at(2500, '2'); /* 1.5 s after the first: within the inter-digit time */
    ms_loop_advance(fx.loop, 1999);
    CHECK_EQ_INT(out.done, 0);
    ms_loop_advance(fx.loop, 1);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_INT(out.at, 4500);
    CHECK_EQ_STR(out.digits, "12");
    CHECK_EQ_STR(out.reason, "timeout");
    fixture_free(&fx);
}

static void test_terminator_ends_and_is_not_a_digit(void)
{
    setup();
    start(1, 10, 3000, 2000, "#*", false);
    press_at(100, '4');
    press_at(200, '2');
    press_at(300, '*');
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_INT(out.at, 300);
    CHECK_EQ_STR(out.digits, "42");
    CHECK_EQ_STR(out.reason, "terminator");
    CHECK_EQ_INT(out.terminator, '*');
    fixture_free(&fx);
}

static void test_max_digits_ends_at_once(void)
{
    setup();
    start(1, 3, 3000, 2000, "#", false);
    press_at(100, '1');
    press_at(200, '2');
    press_at(300, '3');
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_INT(out.at, 300);
    CHECK_EQ_STR(out.digits, "123");
    CHECK_EQ_STR(out.reason, "max");
    fixture_free(&fx);
}

static void test_barge_in_stops_the_prompt(void)
{
    setup();
    start(1, 2, 3000, 2000, "#", true);
    press_at(300, '7');
    int loud = fx.ep.nonsilent_writes;
    CHECK(loud >= 14 && loud <= 16); /* 300 ms of prompt were sent */
    ms_loop_advance(fx.loop, 500);
    CHECK_EQ_INT(fx.ep.nonsilent_writes, loud); /* then silence: the prompt stopped */
    CHECK_EQ_INT(out.done, 0);
    ms_loop_advance(fx.loop, 1500); /* inter-digit timer from the digit at 300 ms */
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_INT(out.at, 2300);
    CHECK_EQ_STR(out.digits, "7");
    fixture_free(&fx);
}

static void test_type_ahead_skips_prompt_and_flush_discards(void)
{
    setup();
    ms__call_dtmf(fx.call, '5', MS_DTMF_RFC4733); /* pressed before the gather */
    start(1, 1, 3000, 2000, "#", true);
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_STR(out.digits, "5");
    CHECK_EQ_STR(out.reason, "max");
    CHECK_EQ_INT(fx.ep.nonsilent_writes, 0);

    ms__call_dtmf(fx.call, '6', MS_DTMF_RFC4733);
    memset(&out, 0, sizeof out);
    struct ms_collect_opts o = {.min = 1,
                                .max = 1,
                                .timeout_ms = 1000,
                                .inter_digit_ms = 1000,
                                .terminators = "#",
                                .flush = true};
    ms_call_collect(fx.call, &o, on_collect, NULL);
    ms_loop_advance(fx.loop, 1000);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_STR(out.digits, "");
    CHECK_EQ_STR(out.reason, "timeout");
    fixture_free(&fx);
}

static void test_hangup_during_collect(void)
{
    setup();
    start(1, 4, 3000, 2000, "#", true);
    press_at(200, '1');
    ms_call_hangup(fx.call, "NORMAL_CLEARING");
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(out.done, 1);
    CHECK_EQ_INT(out.status, MS_EHANGUP);
    CHECK_EQ_STR(out.reason, "hangup");
    CHECK_EQ_STR(out.digits, "1");
    ms_loop_advance(fx.loop, 10000); /* no timer fires after the end */
    CHECK_EQ_INT(out.done, 1);
    fixture_free(&fx);
}

static void test_bad_options_refused(void)
{
    setup();
    CHECK_EQ_INT(start(3, 2, 1000, 1000, "#", false), MS_EINVAL);
    CHECK_EQ_INT(start(1, 65, 1000, 1000, "#", false), MS_EINVAL);
    fixture_free(&fx);
}

int main(void)
{
    RUN(test_first_digit_timeout_counts_from_prompt_end);
    RUN(test_timeout_without_prompt);
    RUN(test_inter_digit_timeout);
    RUN(test_terminator_ends_and_is_not_a_digit);
    RUN(test_max_digits_ends_at_once);
    RUN(test_barge_in_stops_the_prompt);
    RUN(test_type_ahead_skips_prompt_and_flush_discards);
    RUN(test_hangup_during_collect);
    RUN(test_bad_options_refused);
    return test_summary();
}
