/* Tone generator: renders a tone spec (media/tone_spec.h) or a named tone into
 * L16 mono frames at the call's rate.
 *
 * Synthesis is our own (spandsp's tone_gen is 8 kHz only and two frequencies
 * at most): one phase rotator per frequency, phase-continuous across items
 * that run into each other (OFF 0 with the same number of frequencies and
 * level, e.g. dial tone or a melody), and a 5 ms raised-cosine ramp wherever
 * the tone starts or stops (including a duration cut), so there are no clicks.
 *
 * struct ms__tone_gen: owned by its creator (the call's media pipeline, one
 *   per playing tone); it keeps its own copy of the parsed spec; used from
 *   one thread; freed with ms__tone_gen_free. Cheap: a few hundred bytes.
 */
#ifndef MS_MEDIA_TONE_GEN_H
#define MS_MEDIA_TONE_GEN_H

#include "media/tone_spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__tone_gen_opts {
    int repeat;           /* plays of the script: 0 = the spec's L=/loops= (forever if it
                             has none), n >= 1, or MS__TONE_FOREVER */
    uint32_t duration_ms; /* 0 = no limit; else the tone ends after this long, ramped */
};

struct ms__tone_gen;

/* `spec` is a spec or a tone name (see tone_spec.h); opts may be NULL (all 0).
 * rate 8000..48000. 0 with *out set; MS_EINVAL with a message in err (bad
 * spec, a frequency at or above rate/2, bad rate or options); MS_ENOMEM. */
int ms__tone_gen_new(struct ms__tone_gen **out, const char *spec, int rate,
                     const struct ms__tone_gen_opts *opts, char *err, size_t err_len);
void ms__tone_gen_free(struct ms__tone_gen *g); /* NULL is a no-op */

/* Fills pcm[0..n) (a 20 ms frame is rate/50 samples) and returns how many of
 * them are tone; after the end the rest is zeros, and once done it returns 0. */
size_t ms__tone_gen_read(struct ms__tone_gen *g, int16_t *pcm, size_t n);
/* True once every sample of the tone has been read (never for a tone that
 * plays forever without a duration). */
bool ms__tone_gen_done(const struct ms__tone_gen *g);
int ms__tone_gen_rate(const struct ms__tone_gen *g);

#endif
