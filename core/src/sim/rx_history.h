/* The last minute of what a wire caller received, kept so that the prompt
 * recogniser can look at it again for a sound it learns later (wire_ear.h).
 *
 * Frames of 20 ms (160 samples at 8 kHz) with the stream time each was fed at,
 * stored as G.711 mu-law (8 KB/s: a call's received audio is G.711 already;
 * PCMU audio comes back bit for bit, PCMA within a step of the coding). Grows
 * as needed up to MS__RX_HISTORY_MS, then drops the oldest frames.
 *
 * struct ms__rx_history: owned by its wire caller's ear; one thread; freed with
 * ms__rx_history_free.
 */
#ifndef MS_SIM_RX_HISTORY_H
#define MS_SIM_RX_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define MS__RX_FRAME      160
#define MS__RX_HISTORY_MS 60000

struct ms__rx_history;

/* 0 or MS_ENOMEM. */
int ms__rx_history_new(struct ms__rx_history **out);
void ms__rx_history_free(struct ms__rx_history *h); /* NULL is a no-op */
/* Keeps one frame (MS__RX_FRAME samples) fed at at_ms; out of memory, it is lost. */
void ms__rx_history_push(struct ms__rx_history *h, const int16_t *pcm, uint64_t at_ms);
/* Frames kept, oldest first. */
size_t ms__rx_history_count(const struct ms__rx_history *h);
/* Frame i (0: the oldest kept) into pcm (MS__RX_FRAME samples); returns its time. */
uint64_t ms__rx_history_get(const struct ms__rx_history *h, size_t i, int16_t *pcm);

#endif
