/* Text to 16-bit mono PCM with flite's kal voice (8 kHz native), resampled
 * with speexdsp when another rate is asked for. Synchronous: call it off the
 * loop or where blocking is fine (the test runner, the build's ms-render).
 * The voice is registered once per process and kept. Not thread-safe. */
#ifndef MS_MEDIA_FLITE_VOICE_H
#define MS_MEDIA_FLITE_VOICE_H

#include <stddef.h>
#include <stdint.h>

/* 0 with *pcm (malloc'd, caller frees) and *n set; MS_EINVAL (empty text),
 * MS_EFORMAT (flite produced nothing) or MS_ENOMEM. */
int ms__flite_render(const char *text, int rate, int16_t **pcm, size_t *n);

#endif
