/* Reads a whole audio file into L16 mono at a given rate.
 *
 * Blocking (disk and CPU): call it on libuv's thread pool, never on a loop.
 * Thread-safe: no shared state. Any format libsndfile reads (WAV PCM 8/16/24/
 * 32, float, G.711 WAV, AIFF, FLAC, ...), any rate, any channel count; the
 * channels are averaged into one and the result resampled to `rate` with
 * speexdsp (aligned, flushed: no cut end, no added silence).
 */
#ifndef MS_MEDIA_AUDIO_DECODE_H
#define MS_MEDIA_AUDIO_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define MS__AUDIO_MAX_SECONDS 3600 /* longer files are refused with MS_ERANGE */

/* On success returns 0 and a malloc'd *pcm (caller frees; NULL when the file
 * holds no samples) of *samples samples. Errors: MS_ENOENT (no such file),
 * MS_EACCES, MS_EFORMAT (not audio, unsupported encoding, or not a regular
 * file), MS_ERANGE (too long), MS_EIO, MS_ENOMEM, MS_EINVAL (bad rate). */
int ms__audio_decode_file(const char *path, int rate, int16_t **pcm, size_t *samples);

#endif
