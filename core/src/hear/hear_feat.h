/* Audio features for the prompt recogniser (hear.h): one analysis every 10 ms.
 *
 * A hop is MS__HEAR_HOP samples; the window is the last MS__HEAR_WIN samples (Hann),
 * analysed by a real FFT into MS__HEAR_BANDS mel-spaced band energies between 200
 * and 3800 Hz. Energies are stored as uint8 in half-dB steps above 20 dB
 * (MS__HEAR_DB(x)); the sum of the bands is `tot`.
 *
 * struct ms__hear_fft: constant tables, filled once by ms__hear_fft_init, then
 * read-only (shared by a set and all its listeners). Plain data, nothing to free.
 */
#ifndef MS_HEAR_FEAT_H
#define MS_HEAR_FEAT_H

#include <stdbool.h>
#include <stdint.h>

#define MS__HEAR_HOP   80  /* 10 ms */
#define MS__HEAR_WIN   256 /* 32 ms */
#define MS__HEAR_BANDS 16
#define MS__HEAR_HALF  (MS__HEAR_WIN / 2)

/* Feature units: 2 per dB, 0 = 20 dB (power of the unnormalised FFT). */
#define MS__HEAR_DB(db) ((int)(2 * ((db)-20)))

#define MS__HEAR_SILENCE MS__HEAR_DB(70) /* tot at or below: silent (-62 dBFS) */

/* Frame flags. */
#define MS__HEAR_LOUD 0x1u /* tot above the silence floor (about -62 dBFS) */
#define MS__HEAR_EDGE 0x2u /* (sounds) window reaches before the start: not compared */
/* (received) no audio came for this hop: filled with silence (hear.c) */
#define MS__HEAR_MISSING 0x4u

struct ms__hear_frame {
    uint8_t band[MS__HEAR_BANDS];
    uint8_t tot;
    uint8_t flags;
};

struct ms__hear_fft {
    float window[MS__HEAR_WIN];
    float cos_t[MS__HEAR_HALF / 2], sin_t[MS__HEAR_HALF / 2]; /* complex FFT of HALF */
    float rcos[MS__HEAR_HALF], rsin[MS__HEAR_HALF];           /* real-split twiddles */
    uint8_t bitrev[MS__HEAR_HALF];
    uint8_t edge[MS__HEAR_BANDS + 1]; /* band b = bins [edge[b], edge[b+1]) */
};

void ms__hear_fft_init(struct ms__hear_fft *t);
/* Analyses MS__HEAR_WIN samples (oldest first) into *out (flags: LOUD only). */
void ms__hear_analyse(const struct ms__hear_fft *t, const float *samples,
                      struct ms__hear_frame *out);

/* Index key of a frame given the previous one (same phase): 16 bits. weak[] gets the
 * two bits closest to flipping (for extra probes). */
uint32_t ms__hear_key(const struct ms__hear_frame *prev, const struct ms__hear_frame *cur,
                      uint8_t weak[2]);

/* Distance between a received frame x and a sound frame y under gain g (x ~ y + g,
 * feature units): sum over bands of |x - (y + g)| after flooring both at 30 dB below
 * the louder peak (and an absolute floor), plus 4 times the difference of their
 * totals beyond 6 dB (floored 30 dB below the louder). Units: half dB. */
unsigned ms__hear_dist(const struct ms__hear_frame *x, const struct ms__hear_frame *y, int g);

#endif
