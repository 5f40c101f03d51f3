/* Call-progress cadence detection (busy, congestion/reorder, ringback) on
 * 8 kHz L16, for media/tone_detect.c.
 *
 * How: a bank of three Goertzel filters (440, 480, 620 Hz) over blocks of
 * 200 samples (25 ms; 440 and 480 Hz then fall on orthogonal bins). A block
 * counts as a tone pair when each of its two frequencies holds at least 15%
 * of the block's energy, the pair together at least 70% (this is what keeps
 * speech and music out), and the level is above -42 dBFS. Runs of blocks of
 * one class (480+620, 440+480, anything else) are debounced by two blocks;
 * their lengths are matched against the North American cadences:
 *   busy        480+620  on 380..650 ms, off 380..650 ms   (0.5 / 0.5 s)
 *   congestion  480+620  on 180..370 ms, off 150..370 ms   (0.25 / 0.25 s)
 *   ringback    440+480  on 1600..2500 ms, off 3000..5000 ms (2 / 4 s)
 * A pattern is reported at the end of its second burst with a matching gap
 * in between (busy about 1.5 s after it starts, ringback about 8 s), once;
 * it re-arms when the pattern breaks (a run out of range, for instance the
 * long silence or speech after the tone stops).
 *
 * struct ms__cadence: owned by the tone detector; one thread; freed with
 * ms__cadence_free. The callback must not free it.
 */
#ifndef MS_MEDIA_TONE_CADENCE_H
#define MS_MEDIA_TONE_CADENCE_H

#include <stddef.h>
#include <stdint.h>

enum ms__cadence_kind { MS__CAD_BUSY, MS__CAD_CONGESTION, MS__CAD_RINGBACK, MS__CAD_COUNT };

/* at_sample: samples fed so far when the pattern was recognised. */
typedef void (*ms__cadence_cb)(void *ud, enum ms__cadence_kind kind, uint64_t at_sample);

struct ms__cadence;

/* 0, MS_EINVAL (no callback) or MS_ENOMEM. */
int ms__cadence_new(struct ms__cadence **out, ms__cadence_cb cb, void *ud);
void ms__cadence_free(struct ms__cadence *c); /* NULL is a no-op */
/* Analyses n samples of 8 kHz audio (any count per call). */
void ms__cadence_feed(struct ms__cadence *c, const int16_t *pcm, size_t n);

#endif
