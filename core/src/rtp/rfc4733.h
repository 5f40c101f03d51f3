/* RFC 4733 telephone-event payload: wire format, receiver and sender.
 *
 * Both state machines are plain structs embedded by their owner (an RTP
 * stream); they allocate nothing, hold no references and need no close.
 * Only DTMF events 0-15 ("0123456789*#ABCD") are supported; any other
 * event code is "bogus".
 */
#ifndef MS_RTP_RFC4733_H
#define MS_RTP_RFC4733_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__RFC4733_BLOCK_LEN  4
#define MS__RFC4733_VOLUME     10  /* -10 dBm0, what we send */
#define MS__RFC4733_DEFAULT_MS 100 /* digit duration when none is given */
#define MS__RFC4733_MIN_MS     40
#define MS__RFC4733_MAX_MS     5000
#define MS__RFC4733_END_REPEAT 3 /* end packet sent 3 times (sec 2.5.1.4) */
#define MS__RFC4733_GAP_TICKS  3 /* ticks of audio between two queued digits */
#define MS__RFC4733_QUEUE      32

/* One 4-byte event block. duration is in RTP clock units. */
struct ms__rfc4733_event {
    uint8_t event;
    bool end;
    uint8_t volume; /* 0..63, -dBm0 */
    uint16_t duration;
};

/* '0'..'9', '*', '#', 'A'..'D' for events 0..15, 0 for anything else. */
char ms__rfc4733_digit(int event);
/* Event code of a digit (case-insensitive for A-D), or MS_EINVAL. */
int ms__rfc4733_event_code(char digit);

/* Parses the first block. Returns 0, or MS_EPROTO if len < 4. The event
 * code is not checked. */
int ms__rfc4733_parse(const uint8_t *p, size_t len, struct ms__rfc4733_event *out);
/* Writes one block; returns 4 or MS_EMSGSIZE. */
int ms__rfc4733_write(uint8_t *p, size_t cap, const struct ms__rfc4733_event *ev);

/* ---- Receiver ----
 * An event is identified by its RTP timestamp (per SSRC). Updates and
 * retransmitted end packets of a known event are ignored; a new timestamp
 * is a new event even for the same digit; a lost start packet still yields
 * the digit from an update or the end packet; packets of an event older
 * than the current one (reordered retransmits) are ignored. A packet
 * carrying several blocks (sec 2.5.1.5) is taken as consecutive events, the
 * k-th starting at ts + the durations of the blocks before it. */
struct ms__rfc4733_rx {
    bool active;     /* an event has been seen since reset */
    bool ended;      /* the current event's end has been seen */
    uint8_t event;   /* current event code */
    uint32_t ssrc;   /* SSRC of the current event */
    uint32_t ts;     /* RTP timestamp of the current event */
    uint64_t bogus;  /* packets dropped: short payload or event code > 15 */
    uint64_t digits; /* digits reported */
};

#define MS__RFC4733_MAX_BLOCKS 8 /* blocks looked at in one packet */

/* What a packet told about one event. */
enum {
    MS__RFC4733_BEGIN = 1, /* a new digit: report it now */
    MS__RFC4733_END = 2,   /* the digit's end was seen; duration is final */
};

struct ms__rfc4733_note {
    char digit;
    uint8_t flags;     /* MS__RFC4733_BEGIN and/or MS__RFC4733_END */
    uint32_t duration; /* RTP clock units; valid with END */
};

void ms__rfc4733_rx_init(struct ms__rfc4733_rx *rx);
/* True if a payload is acceptable: at least one whole block, and every
 * block looked at (up to MS__RFC4733_MAX_BLOCKS) has a DTMF code 0..15. */
bool ms__rfc4733_valid(const uint8_t *p, size_t len);
/* Feeds one telephone-event payload of RTP timestamp ts from ssrc (a new
 * SSRC resets the state). Fills notes (in event order) and returns how many
 * (0 if nothing new), or MS_EPROTO for a bogus packet (dropped, counted in
 * rx->bogus, state unchanged). */
int ms__rfc4733_rx_put(struct ms__rfc4733_rx *rx, uint32_t ssrc, uint32_t ts, const uint8_t *p,
                       size_t len, struct ms__rfc4733_note notes[MS__RFC4733_MAX_BLOCKS]);

/* ---- Sender ----
 * Queue digits with ms__rfc4733_tx_queue; call ms__rfc4733_tx_tick once per
 * 20 ms tick with the audio timestamp of that tick. While it returns 1 the
 * caller sends the event packet it describes instead of audio. An event of
 * N ticks gives N packets (first with the marker bit, all with the event's
 * start timestamp, duration rising by one frame each) whose last has the E
 * bit, then the end packet twice more, then MS__RFC4733_GAP_TICKS of audio
 * before the next queued digit. */
struct ms__rfc4733_tx_digit {
    uint8_t event;
    uint16_t duration_ms;
};

struct ms__rfc4733_tx {
    struct ms__rfc4733_tx_digit queue[MS__RFC4733_QUEUE];
    unsigned head, count;
    bool sending;       /* an event is in progress */
    uint8_t event;      /* current event */
    uint32_t start_ts;  /* its RTP timestamp */
    uint32_t duration;  /* target duration, RTP units, a whole number of frames */
    uint32_t elapsed;   /* duration sent so far, RTP units */
    unsigned ends_sent; /* end packets sent so far */
    unsigned gap;       /* audio ticks still to send before the next event */
    uint64_t sent;      /* events completed */
};

struct ms__rfc4733_tx_packet {
    bool marker;
    uint32_t ts;
    uint8_t payload[MS__RFC4733_BLOCK_LEN];
};

void ms__rfc4733_tx_init(struct ms__rfc4733_tx *tx);
/* Queues a digit. duration_ms <= 0 means the default (100 ms); shorter
 * than 40 ms is raised to 40, longer than 5000 lowered to 5000. Returns 0,
 * MS_EINVAL for a bad digit, MS_ENOSPC if the queue is full. */
int ms__rfc4733_tx_queue(struct ms__rfc4733_tx *tx, char digit, int duration_ms);
/* One tick. tick_ts is this tick's audio timestamp, frame the samples per
 * tick, clock_rate the RTP clock. Returns 1 and fills out when an event
 * packet replaces this tick's audio, 0 when the tick is audio. */
int ms__rfc4733_tx_tick(struct ms__rfc4733_tx *tx, uint32_t tick_ts, uint32_t frame,
                        uint32_t clock_rate, struct ms__rfc4733_tx_packet *out);
/* True while an event is being sent or digits are queued. */
bool ms__rfc4733_tx_busy(const struct ms__rfc4733_tx *tx);
/* Drops queued digits and any event in progress (no end packet is sent). */
void ms__rfc4733_tx_clear(struct ms__rfc4733_tx *tx);

#endif
