/* Internals of the prompt recogniser shared by hear_set.c (the known sounds and
 * their index) and hear.c (the listener). See hear.h for the contract.
 *
 * A sound's frames are analysed at MS__HEAR_PHASES sub-hop phases: frame (k, p) is
 * the window that ends at sample (k + 1) * HOP - p * HOP / PHASES of the sound.
 * A received hop n (window ending at stream sample (n + 1) * HOP) lines up with
 * frame (n - n0, p) when the sound's sample 0 is at stream sample n0 * HOP + p * PSTEP.
 */
#ifndef MS_HEAR_INT_H
#define MS_HEAR_INT_H

#include "hear/hear.h"
#include "hear/hear_feat.h"

#define MS__HEAR_PHASES   2
#define MS__HEAR_PSTEP    (MS__HEAR_HOP / MS__HEAR_PHASES) /* samples between phases */
#define MS__HEAR_KEY_BITS 16
#define MS__HEAR_IDX_HOPS 100 /* the first second of each sound is indexed */

struct ms__hear_sound {
    char *name;
    uint32_t samples;
    uint32_t hops;                /* frames per phase */
    struct ms__hear_frame *frame; /* [k * PHASES + p] */
    int peak;                     /* the loudest frame's tot */
    int thr; /* tot above this: an audible frame (LOUD): within 35 dB of the peak */
    uint32_t first_loud[MS__HEAR_PHASES], last_loud[MS__HEAR_PHASES];
    uint32_t n_loud[MS__HEAR_PHASES];
};

struct ms__hear_entry {
    uint32_t sound;
    uint16_t k;
    uint8_t p;
};

struct ms__hear_bucket {
    struct ms__hear_entry *e;
    uint32_t n, cap;
};

struct ms__hear_set {
    struct ms__hear_fft fft;
    struct ms__hear_sound *sounds;
    size_t n, cap;
    struct ms__hear_bucket *buckets; /* [1 << KEY_BITS] */
    size_t entries;
};

static inline const struct ms__hear_frame *ms__hear_sound_frame(const struct ms__hear_sound *s,
                                                                uint32_t k, unsigned p)
{
    return &s->frame[(size_t)k * MS__HEAR_PHASES + p];
}

#endif
