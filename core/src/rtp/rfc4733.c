#include "rtp/rfc4733.h"

#include "moonswitch/error.h"
#include "rtp/rtp_packet.h"

#include <string.h>

/* Older events than this (in RTP units) are taken as a restarted clock, not
 * as stale retransmits: about 131 s at 8 kHz. */
#define STALE_WINDOW (1 << 20)

static const char digits_[] = "0123456789*#ABCD";

char ms__rfc4733_digit(int event)
{
    return event >= 0 && event < 16 ? digits_[event] : 0;
}

int ms__rfc4733_event_code(char digit)
{
    if (digit >= 'a' && digit <= 'd')
        digit = (char)(digit - 'a' + 'A');
    for (int i = 0; digit && i < 16; i++) {
        if (digits_[i] == digit)
            return i;
    }
    return MS_EINVAL;
}

int ms__rfc4733_parse(const uint8_t *p, size_t len, struct ms__rfc4733_event *out)
{
    if (len < MS__RFC4733_BLOCK_LEN)
        return MS_EPROTO;
    out->event = p[0];
    out->end = p[1] & 0x80;
    out->volume = p[1] & 0x3f;
    out->duration = ms__rd16(p + 2);
    return 0;
}

int ms__rfc4733_write(uint8_t *p, size_t cap, const struct ms__rfc4733_event *ev)
{
    if (cap < MS__RFC4733_BLOCK_LEN)
        return MS_EMSGSIZE;
    p[0] = ev->event;
    p[1] = (uint8_t)((ev->end ? 0x80 : 0) | (ev->volume & 0x3f));
    ms__wr16(p + 2, ev->duration);
    return MS__RFC4733_BLOCK_LEN;
}

/* ---- Receiver ---- */

void ms__rfc4733_rx_init(struct ms__rfc4733_rx *rx)
{
    memset(rx, 0, sizeof *rx);
}

static bool is_stale(const struct ms__rfc4733_rx *rx, uint32_t ts)
{
    int32_t d = ms__rtp_ts_diff(ts, rx->ts);
    return d < 0 && d > -STALE_WINDOW;
}

/* One block of timestamp ts; returns 1 and fills *note if it says something. */
static int rx_block(struct ms__rfc4733_rx *rx, uint32_t ts, const struct ms__rfc4733_event *ev,
                    struct ms__rfc4733_note *note)
{
    uint8_t flags = 0;
    if (!rx->active || ts != rx->ts) {
        if (rx->active && is_stale(rx, ts))
            return 0;
        rx->active = true;
        rx->ended = false;
        rx->ts = ts;
        rx->event = ev->event;
        rx->digits++;
        flags = MS__RFC4733_BEGIN;
    } else if (ev->event != rx->event) {
        return 0; /* same timestamp, other code: not a valid update */
    }
    if (ev->end && !rx->ended) {
        rx->ended = true;
        flags |= MS__RFC4733_END;
    }
    if (!flags)
        return 0;
    note->digit = ms__rfc4733_digit(ev->event);
    note->flags = flags;
    note->duration = ev->duration;
    return 1;
}

static size_t block_count(size_t len)
{
    size_t nb = len / MS__RFC4733_BLOCK_LEN;
    return nb > MS__RFC4733_MAX_BLOCKS ? MS__RFC4733_MAX_BLOCKS : nb;
}

bool ms__rfc4733_valid(const uint8_t *p, size_t len)
{
    size_t nb = block_count(len);
    for (size_t i = 0; i < nb; i++) {
        if (p[i * MS__RFC4733_BLOCK_LEN] > 15)
            return false;
    }
    return nb > 0;
}

int ms__rfc4733_rx_put(struct ms__rfc4733_rx *rx, uint32_t ssrc, uint32_t ts, const uint8_t *p,
                       size_t len, struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS])
{
    if (!ms__rfc4733_valid(p, len)) {
        rx->bogus++;
        return MS_EPROTO;
    }
    if (rx->active && ssrc != rx->ssrc)
        rx->active = false;
    rx->ssrc = ssrc;
    int n = 0;
    for (size_t i = 0, nb = block_count(len); i < nb; i++) {
        struct ms__rfc4733_event ev;
        ms__rfc4733_parse(p + i * MS__RFC4733_BLOCK_LEN, MS__RFC4733_BLOCK_LEN, &ev);
        n += rx_block(rx, ts, &ev, &notes[n]);
        ts += ev.duration;
    }
    return n;
}

/* ---- Sender ---- */

void ms__rfc4733_tx_init(struct ms__rfc4733_tx *tx)
{
    memset(tx, 0, sizeof *tx);
}

int ms__rfc4733_tx_queue(struct ms__rfc4733_tx *tx, char digit, int duration_ms)
{
    int code = ms__rfc4733_event_code(digit);
    if (code < 0)
        return code;
    if (tx->count == MS__RFC4733_QUEUE)
        return MS_ENOSPC;
    if (duration_ms <= 0)
        duration_ms = MS__RFC4733_DEFAULT_MS;
    if (duration_ms < MS__RFC4733_MIN_MS)
        duration_ms = MS__RFC4733_MIN_MS;
    if (duration_ms > MS__RFC4733_MAX_MS)
        duration_ms = MS__RFC4733_MAX_MS;
    struct ms__rfc4733_tx_digit *d = &tx->queue[(tx->head + tx->count) % MS__RFC4733_QUEUE];
    d->event = (uint8_t)code;
    d->duration_ms = (uint16_t)duration_ms;
    tx->count++;
    return 0;
}

/* Event duration in RTP units: whole frames, at least one, fits 16 bits. */
static uint32_t event_units(uint32_t ms, uint32_t frame, uint32_t clock_rate)
{
    uint64_t units = ((uint64_t)ms * clock_rate + 999) / 1000;
    uint64_t frames = (units + frame - 1) / frame;
    uint64_t max_frames = UINT16_MAX / frame;
    if (frames > max_frames)
        frames = max_frames;
    if (frames == 0)
        frames = 1;
    return (uint32_t)(frames * frame);
}

static void start_event(struct ms__rfc4733_tx *tx, uint32_t tick_ts, uint32_t frame,
                        uint32_t clock_rate)
{
    const struct ms__rfc4733_tx_digit *d = &tx->queue[tx->head];
    tx->head = (tx->head + 1) % MS__RFC4733_QUEUE;
    tx->count--;
    tx->sending = true;
    tx->event = d->event;
    tx->start_ts = tick_ts;
    tx->duration = event_units(d->duration_ms, frame, clock_rate);
    tx->elapsed = 0;
    tx->ends_sent = 0;
}

int ms__rfc4733_tx_tick(struct ms__rfc4733_tx *tx, uint32_t tick_ts, uint32_t frame,
                        uint32_t clock_rate, struct ms__rfc4733_tx_packet *out)
{
    if (!tx->sending) {
        if (tx->gap > 0) {
            tx->gap--;
            return 0;
        }
        if (tx->count == 0 || frame == 0 || frame > UINT16_MAX)
            return 0;
        start_event(tx, tick_ts, frame, clock_rate);
    }
    out->marker = false;
    if (tx->elapsed < tx->duration) {
        out->marker = tx->elapsed == 0;
        tx->elapsed += frame;
    }
    bool end = tx->elapsed >= tx->duration;
    if (end)
        tx->ends_sent++;
    struct ms__rfc4733_event ev = {.event = tx->event,
                                   .end = end,
                                   .volume = MS__RFC4733_VOLUME,
                                   .duration = (uint16_t)tx->elapsed};
    ms__rfc4733_write(out->payload, sizeof out->payload, &ev);
    out->ts = tx->start_ts;
    if (tx->ends_sent == MS__RFC4733_END_REPEAT) {
        tx->sending = false;
        tx->sent++;
        tx->gap = MS__RFC4733_GAP_TICKS;
    }
    return 1;
}

bool ms__rfc4733_tx_busy(const struct ms__rfc4733_tx *tx)
{
    return tx->sending || tx->count > 0;
}

void ms__rfc4733_tx_clear(struct ms__rfc4733_tx *tx)
{
    uint64_t sent = tx->sent;
    ms__rfc4733_tx_init(tx);
    tx->sent = sent;
}
