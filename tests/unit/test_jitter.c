/* Jitter buffer: ordering, loss, duplicates, late frames, wrap, resync,
 * rebuffering, limits. Frames carry their sequence number as payload. */
#include "moonswitch/error.h"
#include "rtp/jitter.h"
#include "test.h"

#define SSRC 0xabcdef01u

static int put(struct ms__jitter *jb, uint16_t seq)
{
    uint8_t p[2] = {(uint8_t)(seq >> 8), (uint8_t)seq};
    return ms__jitter_put(jb, SSRC, seq, p, sizeof p);
}

/* Next tick: the sequence number of the frame played, or -1 for missing. */
static int get(struct ms__jitter *jb)
{
    uint8_t buf[MS__JB_MAX_PAYLOAD];
    size_t len = 99;
    int r = ms__jitter_get(jb, buf, sizeof buf, &len);
    if (r != 1)
        return r == 0 && len == 0 ? -1 : -100;
    return len == 2 ? (buf[0] << 8) | buf[1] : -200;
}

static void test_in_order(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 0);
    CHECK_EQ_INT(jb.depth, MS__JB_DEFAULT_DEPTH);
    CHECK_EQ_INT(get(&jb), -1); /* nothing yet */
    /* steady state: one frame in, one frame out per tick */
    CHECK_EQ_INT(put(&jb, 100), 0);
    CHECK_EQ_INT(get(&jb), -1); /* buffering: 1 < depth */
    for (uint16_t s = 101; s < 150; s++) {
        CHECK_EQ_INT(put(&jb, s), 0);
        CHECK_EQ_INT(get(&jb), s - 1);
    }
    CHECK_EQ_INT(get(&jb), 149);
    CHECK_EQ_INT(jb.stats.played, 50);
    CHECK_EQ_INT(jb.stats.lost, 0);
}

static void test_reorder_within_depth(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    /* arrives 2, 1 (before playout starts), then 4, 3 */
    put(&jb, 2);
    CHECK_EQ_INT(get(&jb), -1);
    put(&jb, 1);
    CHECK_EQ_INT(get(&jb), 1);
    put(&jb, 4);
    CHECK_EQ_INT(get(&jb), 2);
    put(&jb, 3);
    CHECK_EQ_INT(get(&jb), 3);
    put(&jb, 5);
    CHECK_EQ_INT(get(&jb), 4);
    CHECK_EQ_INT(get(&jb), 5);
    CHECK_EQ_INT(jb.stats.lost, 0);
    CHECK_EQ_INT(jb.stats.late, 0);
}

static void test_duplicate(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    CHECK_EQ_INT(put(&jb, 10), 0);
    CHECK_EQ_INT(put(&jb, 10), MS_EEXIST);
    CHECK_EQ_INT(put(&jb, 11), 0);
    CHECK_EQ_INT(put(&jb, 11), MS_EEXIST);
    CHECK_EQ_INT(get(&jb), 10);
    CHECK_EQ_INT(get(&jb), 11);
    /* a copy of a frame already played is late, not played twice */
    CHECK_EQ_INT(put(&jb, 11), MS_ERANGE);
    CHECK_EQ_INT(jb.stats.duplicate, 2);
    CHECK_EQ_INT(jb.stats.played, 2);
}

static void test_loss_and_late(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    put(&jb, 1);
    put(&jb, 2);
    CHECK_EQ_INT(get(&jb), 1);
    put(&jb, 4); /* 3 is missing */
    CHECK_EQ_INT(get(&jb), 2);
    put(&jb, 5);
    CHECK_EQ_INT(get(&jb), -1); /* 3 lost */
    CHECK_EQ_INT(jb.stats.lost, 1);
    CHECK_EQ_INT(put(&jb, 3), MS_ERANGE); /* too late */
    CHECK_EQ_INT(jb.stats.late, 1);
    CHECK_EQ_INT(get(&jb), 4);
    CHECK_EQ_INT(get(&jb), 5);
    CHECK_EQ_INT(jb.stats.lost, 1);
}

static void test_seq_wrap(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    put(&jb, 65533);
    CHECK_EQ_INT(get(&jb), -1);
    uint16_t s = 65534;
    int expect = 65533;
    for (int i = 0; i < 6; i++, s++) {
        if (s == 1)
            continue; /* lose 1 */
        CHECK_EQ_INT(put(&jb, s), 0);
        CHECK_EQ_INT(get(&jb), expect);
        expect = (uint16_t)(expect + 1);
        if (expect == 1)
            expect = -1;
    }
    /* played 65533, 65534, 65535, 0, missing(1) */
    CHECK_EQ_INT(jb.stats.lost, 1);
    CHECK_EQ_INT(get(&jb), 2);
    CHECK_EQ_INT(jb.stats.resyncs, 0);
    CHECK_EQ_INT(put(&jb, 65535), MS_ERANGE);
}

static void test_resync_on_jump_and_ssrc(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    put(&jb, 1000);
    put(&jb, 1001);
    CHECK_EQ_INT(get(&jb), 1000);
    /* re-INVITE: the sender jumps far ahead (and behind) */
    CHECK_EQ_INT(put(&jb, 30000), 0);
    CHECK_EQ_INT(jb.stats.resyncs, 1);
    CHECK_EQ_INT(get(&jb), -1); /* buffering again: 1001 was dropped */
    put(&jb, 30001);
    CHECK_EQ_INT(get(&jb), 30000);
    CHECK_EQ_INT(put(&jb, 5), 0);
    CHECK_EQ_INT(jb.stats.resyncs, 2);
    /* a new SSRC restarts even with a nearby sequence number */
    uint8_t p[2] = {0, 6};
    CHECK_EQ_INT(ms__jitter_put(&jb, SSRC + 1, 6, p, 2), 0);
    CHECK_EQ_INT(jb.stats.resyncs, 3);
    CHECK_EQ_INT(jb.stats.late, 0);
    CHECK_EQ_INT(jb.stats.lost, 0);
}

static void test_rebuffer_after_silence(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    for (uint16_t s = 1; s <= 5; s++) {
        put(&jb, s);
        get(&jb);
    }
    CHECK_EQ_INT(get(&jb), 5);
    /* the sender pauses (DTX, hold): missing, then rebuffering */
    for (int i = 0; i < 20; i++)
        CHECK_EQ_INT(get(&jb), -1);
    CHECK(!jb.playing);
    CHECK_EQ_INT(jb.stats.lost, 0); /* a pause is not a loss */
    /* it resumes where it stopped: buffered again before playing */
    put(&jb, 6);
    CHECK_EQ_INT(get(&jb), -1);
    put(&jb, 7);
    CHECK_EQ_INT(get(&jb), 6);
    CHECK_EQ_INT(get(&jb), 7);
    CHECK_EQ_INT(jb.stats.late, 0);
    /* a long outage: frames missing across it are counted when playout resumes */
    for (int i = 0; i < 20; i++)
        get(&jb);
    put(&jb, 18);
    put(&jb, 19);
    CHECK_EQ_INT(get(&jb), 18);
    CHECK_EQ_INT(jb.stats.lost, 10); /* 8..17 */
}

static void test_burst_is_trimmed(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    put(&jb, 1);
    put(&jb, 2);
    CHECK_EQ_INT(get(&jb), 1);
    /* a stall then a burst of 9 frames: too much latency, trimmed to depth */
    for (uint16_t s = 3; s <= 11; s++)
        put(&jb, s);
    CHECK_EQ_INT(get(&jb), 10);
    CHECK_EQ_INT(jb.stats.discarded, 8); /* 2..9 */
    CHECK_EQ_INT(get(&jb), 11);
    /* a frame further ahead than the capacity moves the window */
    put(&jb, 12);
    put(&jb, 12 + MS__JB_SLOTS + 3);
    CHECK_EQ_INT(jb.stats.discarded, 9); /* 12 */
    CHECK_EQ_INT(jb.stats.lost, 3);      /* 13..15 */
}

static void test_placeholder_and_oversize(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 2);
    put(&jb, 1);
    CHECK_EQ_INT(ms__jitter_put(&jb, SSRC, 2, NULL, 0), 0); /* a DTMF packet's seq */
    put(&jb, 3);
    CHECK_EQ_INT(get(&jb), 1);
    CHECK_EQ_INT(get(&jb), -1);
    CHECK_EQ_INT(get(&jb), 3);
    CHECK_EQ_INT(jb.stats.lost, 0);
    uint8_t big[MS__JB_MAX_PAYLOAD + 1] = {0};
    CHECK_EQ_INT(ms__jitter_put(&jb, SSRC, 4, big, sizeof big), MS_EMSGSIZE);
    CHECK_EQ_INT(ms__jitter_put(&jb, SSRC, 4, big, MS__JB_MAX_PAYLOAD), 0);
    CHECK_EQ_INT(jb.stats.oversize, 1);
    put(&jb, 5);
    uint8_t small[10];
    size_t len;
    CHECK_EQ_INT(ms__jitter_get(&jb, small, sizeof small, &len), MS_EMSGSIZE);
    CHECK_EQ_INT(get(&jb), 5);
}

static void test_depth_limits(void)
{
    struct ms__jitter jb;
    ms__jitter_init(&jb, 100);
    CHECK_EQ_INT(jb.depth, MS__JB_SLOTS / 2);
    ms__jitter_init(&jb, 1);
    put(&jb, 7);
    CHECK_EQ_INT(get(&jb), 7);
    ms__jitter_reset(&jb);
    CHECK_EQ_INT(get(&jb), -1);
}

int main(void)
{
    RUN(test_in_order);
    RUN(test_reorder_within_depth);
    RUN(test_duplicate);
    RUN(test_loss_and_late);
    RUN(test_seq_wrap);
    RUN(test_resync_on_jump_and_ssrc);
    RUN(test_rebuffer_after_silence);
    RUN(test_burst_is_trimmed);
    RUN(test_placeholder_and_oversize);
    RUN(test_depth_limits);
    return test_summary();
}
