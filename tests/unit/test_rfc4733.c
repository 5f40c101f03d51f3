/* RFC 4733 telephone-event: payload, receiver state machine, sender. */
#include "moonswitch/error.h"
#include "rtp/rfc4733.h"
#include "test.h"

static size_t block(uint8_t *p, int event, bool end, uint16_t duration)
{
    struct ms__rfc4733_event ev = {
        .event = (uint8_t)event, .end = end, .volume = 10, .duration = duration};
    return (size_t)ms__rfc4733_write(p, 4, &ev);
}

/* Feeds one single-block packet; returns the notes count and the digit and flags of
 * the last note. */
static int feed(struct ms__rfc4733_rx *rx, uint32_t ts, int event, bool end, uint16_t dur,
                char *digit, int *flags)
{
    uint8_t p[4];
    block(p, event, end, dur);
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    int n = ms__rfc4733_rx_put(rx, 0x1234, ts, p, sizeof p, notes);
    *digit = n > 0 ? notes[n - 1].digit : 0;
    *flags = n > 0 ? notes[n - 1].flags : 0;
    return n;
}

static void test_digit_map(void)
{
    const char *all = "0123456789*#ABCD";
    for (int i = 0; i < 16; i++) {
        CHECK_EQ_INT(ms__rfc4733_digit(i), all[i]);
        CHECK_EQ_INT(ms__rfc4733_event_code(all[i]), i);
    }
    CHECK_EQ_INT(ms__rfc4733_event_code('a'), 12);
    CHECK_EQ_INT(ms__rfc4733_event_code('d'), 15);
    CHECK_EQ_INT(ms__rfc4733_event_code('E'), MS_EINVAL);
    CHECK_EQ_INT(ms__rfc4733_event_code('\0'), MS_EINVAL);
    CHECK_EQ_INT(ms__rfc4733_digit(16), 0);
    CHECK_EQ_INT(ms__rfc4733_digit(-1), 0);
}

static void test_payload_round_trip(void)
{
    uint8_t p[4];
    CHECK_EQ_INT(block(p, 11, true, 800), 4);
    CHECK_EQ_INT(p[0], 11);
    CHECK_EQ_INT(p[1], 0x80 | 10);
    CHECK_EQ_INT(p[2], 800 >> 8);
    CHECK_EQ_INT(p[3], 800 & 0xff);
    struct ms__rfc4733_event ev;
    CHECK_EQ_INT(ms__rfc4733_parse(p, 4, &ev), 0);
    CHECK_EQ_INT(ev.event, 11);
    CHECK(ev.end);
    CHECK_EQ_INT(ev.volume, 10);
    CHECK_EQ_INT(ev.duration, 800);
    CHECK_EQ_INT(ms__rfc4733_parse(p, 3, &ev), MS_EPROTO);
    CHECK_EQ_INT(ms__rfc4733_write(p, 3, &ev), MS_EMSGSIZE);
}

static void test_rx_once_despite_end_retransmits(void)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    char d;
    int f;
    CHECK_EQ_INT(feed(&rx, 1000, 5, false, 160, &d, &f), 1);
    CHECK_EQ_INT(d, '5');
    CHECK_EQ_INT(f, MS__RFC4733_BEGIN);
    CHECK_EQ_INT(feed(&rx, 1000, 5, false, 320, &d, &f), 0);
    CHECK_EQ_INT(feed(&rx, 1000, 5, false, 480, &d, &f), 0);
    CHECK_EQ_INT(feed(&rx, 1000, 5, true, 800, &d, &f), 1);
    CHECK_EQ_INT(f, MS__RFC4733_END);
    CHECK_EQ_INT(feed(&rx, 1000, 5, true, 800, &d, &f), 0);
    CHECK_EQ_INT(feed(&rx, 1000, 5, true, 800, &d, &f), 0);
    CHECK_EQ_INT(rx.digits, 1);
    CHECK_EQ_INT(rx.bogus, 0);
}

static void test_rx_lost_start(void)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    char d;
    int f;
    /* start and updates lost: an update alone yields the digit */
    CHECK_EQ_INT(feed(&rx, 5000, 10, false, 480, &d, &f), 1);
    CHECK_EQ_INT(d, '*');
    CHECK_EQ_INT(f, MS__RFC4733_BEGIN);
    /* everything but the end lost: begin and end at once, with the duration */
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    uint8_t p[4];
    block(p, 11, true, 640);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 0x1234, 9000, p, 4, notes), 1);
    CHECK_EQ_INT(notes[0].digit, '#');
    CHECK_EQ_INT(notes[0].flags, MS__RFC4733_BEGIN | MS__RFC4733_END);
    CHECK_EQ_INT(notes[0].duration, 640);
    CHECK_EQ_INT(rx.digits, 2);
}

static void test_rx_same_digit_twice(void)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    char d;
    int f;
    CHECK_EQ_INT(feed(&rx, 1000, 1, false, 160, &d, &f), 1);
    CHECK_EQ_INT(feed(&rx, 1000, 1, true, 800, &d, &f), 1);
    CHECK_EQ_INT(feed(&rx, 2600, 1, false, 160, &d, &f), 1);
    CHECK_EQ_INT(d, '1');
    CHECK_EQ_INT(f, MS__RFC4733_BEGIN);
    CHECK_EQ_INT(feed(&rx, 2600, 1, true, 800, &d, &f), 1);
    CHECK_EQ_INT(rx.digits, 2);
    /* a late retransmit of the first event is not a third press */
    CHECK_EQ_INT(feed(&rx, 1000, 1, true, 800, &d, &f), 0);
    CHECK_EQ_INT(rx.digits, 2);
    /* the timestamp across the 32-bit wrap is still newer */
    ms__rfc4733_rx_init(&rx);
    CHECK_EQ_INT(feed(&rx, 0xffffff00u, 2, false, 160, &d, &f), 1);
    CHECK_EQ_INT(feed(&rx, 0x00000100u, 3, false, 160, &d, &f), 1);
    CHECK_EQ_INT(d, '3');
}

static void test_rx_new_ssrc_resets(void)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    uint8_t p[4];
    block(p, 7, false, 160);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 5000, p, 4, notes), 1);
    /* another sender whose clock is "older" is still a new event */
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 2, 4000, p, 4, notes), 1);
    CHECK_EQ_INT(notes[0].digit, '7');
    CHECK_EQ_INT(rx.digits, 2);
}

static void test_rx_bogus(void)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    uint8_t p[8];
    block(p, 16, false, 160); /* flash: not a DTMF digit */
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 100, p, 4, notes), MS_EPROTO);
    block(p, 255, true, 160);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 100, p, 4, notes), MS_EPROTO);
    block(p, 3, true, 160);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 100, p, 3, notes), MS_EPROTO);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 100, p, 0, notes), MS_EPROTO);
    /* one bad block spoils the packet */
    block(p + 4, 99, true, 160);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 100, p, 8, notes), MS_EPROTO);
    CHECK_EQ_INT(rx.bogus, 5);
    CHECK_EQ_INT(rx.digits, 0);
    CHECK(!rx.active);
    /* trailing bytes after a whole block are ignored */
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 100, p, 6, notes), 1);
    CHECK_EQ_INT(notes[0].digit, '3');
}

static void test_rx_multiple_blocks(void)
{
    struct ms__rfc4733_rx rx;
    ms__rfc4733_rx_init(&rx);
    struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
    uint8_t p[8];
    /* '4' ended (800) packed with a new '2' starting at ts + 800 */
    block(p, 4, true, 800);
    block(p + 4, 2, false, 160);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 1000, p, 8, notes), 2);
    CHECK_EQ_INT(notes[0].digit, '4');
    CHECK_EQ_INT(notes[0].flags, MS__RFC4733_BEGIN | MS__RFC4733_END);
    CHECK_EQ_INT(notes[1].digit, '2');
    CHECK_EQ_INT(notes[1].flags, MS__RFC4733_BEGIN);
    /* the next packet carries only '2', with its own timestamp */
    block(p, 2, true, 480);
    CHECK_EQ_INT(ms__rfc4733_rx_put(&rx, 1, 1800, p, 4, notes), 1);
    CHECK_EQ_INT(notes[0].flags, MS__RFC4733_END);
    CHECK_EQ_INT(rx.digits, 2);
}

/* tx: one 100 ms digit at 8 kHz, 20 ms ticks. */
static void test_tx_sequence(void)
{
    struct ms__rfc4733_tx tx;
    ms__rfc4733_tx_init(&tx);
    CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, '9', 100), 0);
    CHECK(ms__rfc4733_tx_busy(&tx));
    uint32_t ts = 4000000000u;
    const uint16_t durations[] = {160, 320, 480, 640, 800, 800, 800};
    struct ms__rfc4733_tx_packet pk;
    for (int i = 0; i < 7; i++, ts += 160) {
        CHECK_EQ_INT(ms__rfc4733_tx_tick(&tx, ts, 160, 8000, &pk), 1);
        struct ms__rfc4733_event ev;
        ms__rfc4733_parse(pk.payload, 4, &ev);
        CHECK_EQ_INT(pk.marker, i == 0);
        CHECK_EQ_INT(pk.ts, 4000000000u);
        CHECK_EQ_INT(ev.event, 9);
        CHECK_EQ_INT(ev.duration, durations[i]);
        CHECK_EQ_INT(ev.end, i >= 4);
        CHECK_EQ_INT(ev.volume, MS__RFC4733_VOLUME);
    }
    /* audio resumes on the next tick; its timestamp is the tick's */
    CHECK_EQ_INT(ms__rfc4733_tx_tick(&tx, ts, 160, 8000, &pk), 0);
    CHECK_EQ_INT(ts, 4000000000u + 7 * 160);
    CHECK_EQ_INT(tx.sent, 1);
    CHECK(!ms__rfc4733_tx_busy(&tx));
}

static void test_tx_queue_gap_and_limits(void)
{
    struct ms__rfc4733_tx tx;
    ms__rfc4733_tx_init(&tx);
    CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, 'x', 100), MS_EINVAL);
    CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, '1', 10), 0); /* raised to 40 ms */
    CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, '2', 0), 0);  /* default 100 ms */
    struct ms__rfc4733_tx_packet pk;
    int events = 0, audio_between = 0, ticks = 0;
    uint32_t ts = 0, first_ts[2] = {0, 0};
    for (; ticks < 40; ticks++, ts += 160) {
        int r = ms__rfc4733_tx_tick(&tx, ts, 160, 8000, &pk);
        if (r == 1 && pk.marker)
            first_ts[events++] = pk.ts;
        if (r == 0 && events == 1)
            audio_between++;
    }
    CHECK_EQ_INT(events, 2);
    /* '1': 2 packets + 2 more ends = 4 ticks, then the gap */
    CHECK_EQ_INT(audio_between, MS__RFC4733_GAP_TICKS);
    CHECK_EQ_INT(first_ts[1] - first_ts[0], (4 + MS__RFC4733_GAP_TICKS) * 160);
    CHECK_EQ_INT(tx.sent, 2);
    for (int i = 0; i < MS__RFC4733_QUEUE; i++)
        CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, '#', 100), 0);
    CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, '#', 100), MS_ENOSPC);
    ms__rfc4733_tx_clear(&tx);
    CHECK(!ms__rfc4733_tx_busy(&tx));
    CHECK_EQ_INT(tx.sent, 2);
}

static void test_tx_long_digit_fits_16_bits(void)
{
    struct ms__rfc4733_tx tx;
    ms__rfc4733_tx_init(&tx);
    CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, '0', 60000), 0); /* clamped to 5 s */
    struct ms__rfc4733_tx_packet pk;
    struct ms__rfc4733_event ev = {0};
    int n = 0;
    while (ms__rfc4733_tx_tick(&tx, 0, 320, 16000, &pk) == 1 && n < 1000) {
        ms__rfc4733_parse(pk.payload, 4, &ev);
        n++;
    }
    /* 5 s at 16 kHz would be 80000: limited to 204 frames of 320 = 65280 */
    CHECK_EQ_INT(ev.duration, 65280);
    CHECK(ev.end);
    CHECK_EQ_INT(n, 204 + 2);
}

/* The receiver reports exactly one digit for the sender's packets. */
static void test_tx_rx_together(void)
{
    struct ms__rfc4733_tx tx;
    struct ms__rfc4733_rx rx;
    ms__rfc4733_tx_init(&tx);
    ms__rfc4733_rx_init(&rx);
    const char *digits = "159#D";
    for (const char *d = digits; *d; d++)
        CHECK_EQ_INT(ms__rfc4733_tx_queue(&tx, *d, 60), 0);
    char got[8] = {0};
    int ngot = 0;
    struct ms__rfc4733_tx_packet pk;
    for (uint32_t ts = 0, i = 0; i < 100; i++, ts += 160) {
        if (ms__rfc4733_tx_tick(&tx, ts, 160, 8000, &pk) != 1)
            continue;
        struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS];
        int n = ms__rfc4733_rx_put(&rx, 7, pk.ts, pk.payload, 4, notes);
        for (int k = 0; k < n; k++) {
            if ((notes[k].flags & MS__RFC4733_BEGIN) && ngot < 7)
                got[ngot++] = notes[k].digit;
        }
    }
    CHECK_EQ_STR(got, digits);
}

int main(void)
{
    RUN(test_digit_map);
    RUN(test_payload_round_trip);
    RUN(test_rx_once_despite_end_retransmits);
    RUN(test_rx_lost_start);
    RUN(test_rx_same_digit_twice);
    RUN(test_rx_new_ssrc_resets);
    RUN(test_rx_bogus);
    RUN(test_rx_multiple_blocks);
    RUN(test_tx_sequence);
    RUN(test_tx_queue_gap_and_limits);
    RUN(test_tx_long_digit_fits_16_bits);
    RUN(test_tx_rx_together);
    return test_summary();
}
