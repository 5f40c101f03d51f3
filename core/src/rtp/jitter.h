/* Fixed-depth jitter buffer for 20 ms frames of encoded audio.
 *
 * A plain struct embedded by its owner (an RTP stream), used from one
 * thread; it allocates nothing (frames are copied into preallocated
 * slots), holds no references and needs no close.
 *
 * Playout starts once `depth` frames are buffered (default 2 = 40 ms);
 * then ms__jitter_get returns one frame per tick in sequence order, or
 * "missing" for a frame that has not arrived (counted as lost; a frame that
 * arrives after its turn is dropped as late). After MS__JB_REBUFFER_TICKS
 * consecutive ticks with nothing buffered (the sender paused, or a long
 * outage), the misses of that run are uncounted and the buffer waits for
 * `depth` frames again; frames missing across the pause are then counted
 * when playout resumes. A new SSRC or a sequence jump of more than
 * MS__JB_RESYNC_GAP restarts the buffer. When more than depth +
 * MS__JB_EXCESS frames are buffered (a burst after a stall, a sender
 * clock running fast) the oldest are discarded down to `depth`.
 */
#ifndef MS_RTP_JITTER_H
#define MS_RTP_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__JB_SLOTS          16  /* capacity; a power of two */
#define MS__JB_MAX_PAYLOAD    320 /* 20 ms of L16 at 8 kHz, G.711/G.722 fit */
#define MS__JB_DEFAULT_DEPTH  2
#define MS__JB_RESYNC_GAP     100
#define MS__JB_REBUFFER_TICKS 5
#define MS__JB_EXCESS         3

struct ms__jb_slot {
    bool used;
    uint16_t seq;
    uint16_t len; /* 0: a placeholder (a sequence number used by a non-audio packet) */
    uint8_t data[MS__JB_MAX_PAYLOAD];
};

struct ms__jitter_stats {
    uint64_t played;    /* frames returned */
    uint64_t lost;      /* frames missing at their playout time */
    uint64_t late;      /* dropped: arrived after their playout time */
    uint64_t duplicate; /* dropped: already buffered */
    uint64_t oversize;  /* dropped: payload larger than MS__JB_MAX_PAYLOAD */
    uint64_t discarded; /* dropped to bring the buffer back to its depth */
    uint64_t resyncs;   /* restarts on a new SSRC or a sequence jump */
};

struct ms__jitter {
    struct ms__jb_slot slots[MS__JB_SLOTS];
    int depth;
    bool have_ref; /* ssrc and next_seq are valid */
    bool playing;  /* false: buffering until `depth` frames are in */
    bool fresh;    /* nothing played since the last (re)start */
    uint32_t ssrc;
    uint16_t next_seq;  /* next sequence number to play */
    uint16_t top_seq;   /* highest buffered sequence number, if count > 0 */
    unsigned count;     /* slots in use */
    unsigned empty_run; /* consecutive ticks missed with nothing buffered */
    struct ms__jitter_stats stats;
};

/* depth is clamped to 1..MS__JB_SLOTS/2; 0 means MS__JB_DEFAULT_DEPTH. */
void ms__jitter_init(struct ms__jitter *jb, int depth);
/* Drops every buffered frame and restarts; the statistics are kept. */
void ms__jitter_reset(struct ms__jitter *jb);
/* Stores a frame (copied). len 0 marks seq as used by a non-audio packet
 * (an RFC 4733 event): its tick returns "missing" without counting a
 * loss. Returns 0, or MS_EEXIST (duplicate), MS_ERANGE (late) or
 * MS_EMSGSIZE (too large) for a dropped frame, each counted. */
int ms__jitter_put(struct ms__jitter *jb, uint32_t ssrc, uint16_t seq, const uint8_t *payload,
                   size_t len);
/* Once per tick. Returns 1 with the next frame copied to buf (*len set),
 * 0 for "missing" (buffering, lost, or a placeholder), MS_EMSGSIZE if the
 * frame is larger than cap (the frame is consumed). */
int ms__jitter_get(struct ms__jitter *jb, uint8_t *buf, size_t cap, size_t *len);

#endif
