#include "media/tone_detect.h"
#include "media/resample.h"
#include "media/spandsp_sub.h"
#include "media/tone_cadence.h"
#include "moonswitch/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TD_RATE      8000
#define TD_CHUNK     160 /* samples given to spandsp at a time: event time resolution */
#define TD_CNG_SEEN  415 /* ms of tone spandsp needs before it reports CNG */
#define TD_CNG_MAX   800 /* longest burst still taken for CNG (nominal 500 ms) */
#define TD_CNG_REARM 8000
#define TD_CED_REARM 5000

static const struct {
    const char *name;
    unsigned bit;
} td_events[] = {
    {"fax-cng", MS__TD_FAX_CNG},       {"fax-ced", MS__TD_FAX_CED},   {"busy", MS__TD_BUSY},
    {"congestion", MS__TD_CONGESTION}, {"ringback", MS__TD_RINGBACK},
};

/* One repeating signal's "once per onset" bookkeeping. */
struct onset {
    bool reported;
    uint64_t last_seen_ms; /* when the signal was last present */
};

struct ms__tone_detect {
    unsigned mask;
    ms__tone_event_cb cb;
    void *ud;
    uint64_t pos; /* 8 kHz samples analysed */
    modem_connect_tones_rx_state_t *cng, *ced;
    struct ms__cadence *cadence;
    struct ms__resampler *down; /* 16000 -> 8000, or NULL */
    int64_t cng_seen_at;        /* ms when spandsp reported a CNG burst, or -1 */
    bool ced_on;
    struct onset cng_onset, ced_onset;
};

unsigned ms__tone_detect_bit(const char *name)
{
    for (size_t i = 0; name && i < sizeof(td_events) / sizeof(td_events[0]); i++)
        if (strcmp(td_events[i].name, name) == 0)
            return td_events[i].bit;
    return 0;
}

static const char *td_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof(td_events) / sizeof(td_events[0]); i++)
        if (td_events[i].bit == bit)
            return td_events[i].name;
    return "?";
}

static uint64_t now_ms(const struct ms__tone_detect *d)
{
    return d->pos * 1000 / TD_RATE;
}

static void emit(struct ms__tone_detect *d, unsigned bit, uint64_t at_ms)
{
    if (d->mask & bit)
        d->cb(d->ud, td_name(bit), at_ms);
}

/* Reports a signal seen now unless it was already reported for this onset
 * (seen again within `rearm_ms` of its last appearance). */
static void onset_seen(struct ms__tone_detect *d, struct onset *o, uint64_t rearm_ms, unsigned bit)
{
    uint64_t now = now_ms(d);
    bool fresh = !o->reported || now - o->last_seen_ms >= rearm_ms;
    o->reported = true;
    o->last_seen_ms = now;
    if (fresh)
        emit(d, bit, now);
}

static void on_cng(void *user_data, int code, int level, int delay)
{
    struct ms__tone_detect *d = user_data;
    (void)level;
    (void)delay;
    if (code == MODEM_CONNECT_TONES_FAX_CNG) {
        d->cng_seen_at = (int64_t)now_ms(d);
        return;
    }
    if (code != MODEM_CONNECT_TONES_NONE || d->cng_seen_at < 0)
        return;
    uint64_t burst = now_ms(d) - (uint64_t)d->cng_seen_at + TD_CNG_SEEN;
    d->cng_seen_at = -1;
    if (burst <= TD_CNG_MAX)
        onset_seen(d, &d->cng_onset, TD_CNG_REARM, MS__TD_FAX_CNG);
}

static void on_ced(void *user_data, int code, int level, int delay)
{
    struct ms__tone_detect *d = user_data;
    (void)level;
    (void)delay;
    switch (code) {
    case MODEM_CONNECT_TONES_ANS:
    case MODEM_CONNECT_TONES_ANS_PR:
    case MODEM_CONNECT_TONES_ANSAM:
    case MODEM_CONNECT_TONES_ANSAM_PR:
    case MODEM_CONNECT_TONES_FAX_PREAMBLE:
        if (!d->ced_on)
            onset_seen(d, &d->ced_onset, TD_CED_REARM, MS__TD_FAX_CED);
        d->ced_on = true;
        break;
    case MODEM_CONNECT_TONES_NONE:
        if (d->ced_on)
            d->ced_onset.last_seen_ms = now_ms(d);
        d->ced_on = false;
        break;
    default:
        break;
    }
}

static void on_cadence(void *ud, enum ms__cadence_kind kind, uint64_t at_sample)
{
    struct ms__tone_detect *d = ud;
    static const unsigned bits[MS__CAD_COUNT] = {
        [MS__CAD_BUSY] = MS__TD_BUSY,
        [MS__CAD_CONGESTION] = MS__TD_CONGESTION,
        [MS__CAD_RINGBACK] = MS__TD_RINGBACK,
    };
    emit(d, bits[kind], at_sample * 1000 / TD_RATE);
}

static int td_create_parts(struct ms__tone_detect *d, int rate)
{
    if ((d->mask & MS__TD_FAX_CNG) &&
        !(d->cng = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_FAX_CNG, on_cng, d)))
        return MS_ENOMEM;
    if ((d->mask & MS__TD_FAX_CED) &&
        !(d->ced = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_FAX_CED_OR_PREAMBLE,
                                               on_ced, d)))
        return MS_ENOMEM;
    if (d->mask & (MS__TD_BUSY | MS__TD_CONGESTION | MS__TD_RINGBACK)) {
        int rc = ms__cadence_new(&d->cadence, on_cadence, d);
        if (rc < 0)
            return rc;
    }
    if (rate == 16000)
        return ms__resampler_new(&d->down, 16000, TD_RATE, MS__RESAMPLE_Q_STREAM,
                                 MS__RESAMPLE_KEEP_DELAY);
    return 0;
}

int ms__tone_detect_new(struct ms__tone_detect **out, int rate, unsigned mask, ms__tone_event_cb cb,
                        void *ud)
{
    if (!out || !cb || (rate != 8000 && rate != 16000) || !(mask & MS__TD_ALL) ||
        (mask & ~MS__TD_ALL))
        return MS_EINVAL;
    struct ms__tone_detect *d = calloc(1, sizeof(*d));
    if (!d)
        return MS_ENOMEM;
    d->mask = mask;
    d->cb = cb;
    d->ud = ud;
    d->cng_seen_at = -1;
    int rc = td_create_parts(d, rate);
    if (rc < 0) {
        ms__tone_detect_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void ms__tone_detect_free(struct ms__tone_detect *d)
{
    if (!d)
        return;
    if (d->cng)
        modem_connect_tones_rx_free(d->cng);
    if (d->ced)
        modem_connect_tones_rx_free(d->ced);
    ms__cadence_free(d->cadence);
    ms__resampler_free(d->down);
    free(d);
}

/* Analyses at most TD_CHUNK samples of 8 kHz audio. */
static void td_chunk(struct ms__tone_detect *d, const int16_t *pcm, size_t n)
{
    if (d->cadence)
        ms__cadence_feed(d->cadence, pcm, n);
    d->pos += n;
    if (d->cng)
        modem_connect_tones_rx(d->cng, pcm, (int)n);
    if (d->ced)
        modem_connect_tones_rx(d->ced, pcm, (int)n);
}

static void td_feed_8k(struct ms__tone_detect *d, const int16_t *pcm, size_t n)
{
    for (size_t off = 0; off < n; off += TD_CHUNK)
        td_chunk(d, pcm + off, n - off < TD_CHUNK ? n - off : TD_CHUNK);
}

int ms__tone_detect_feed(struct ms__tone_detect *d, const int16_t *pcm, size_t n)
{
    if (!d || (n && !pcm))
        return MS_EINVAL;
    if (!d->down) {
        td_feed_8k(d, pcm, n);
        return 0;
    }
    int16_t low[2 * TD_CHUNK];
    for (size_t off = 0; off < n; off += 2 * TD_CHUNK) {
        size_t m = n - off < 2 * TD_CHUNK ? n - off : 2 * TD_CHUNK;
        int got = ms__resampler_process(d->down, pcm + off, m, low, 2 * TD_CHUNK);
        if (got < 0)
            return got;
        td_feed_8k(d, low, (size_t)got);
    }
    return 0;
}
