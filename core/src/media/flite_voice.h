/* Text to 16-bit mono PCM with flite's English voices.
 *
 * Voices (name, native rate): "kal" 8000 (diphone), "kal16" 16000 (diphone),
 * "slt", "rms", "awb" 16000 (clustergen). Audio at another rate than the
 * voice's own is resampled with speexdsp (never flite's cst_wave_resample,
 * which appends silence and lowers the level).
 *
 * Synchronous and CPU-bound: call these off the loop (the TTS worker, the
 * test runner's caller voice, the build's ms-render).
 *
 * Threads: every voice is registered once per process (pthread_once) on first
 * use and kept until exit; after that, flite synthesis with the same voice
 * from several threads at once is safe (checked with valgrind's helgrind on
 * kal and slt: no shared writable state on the synthesis path). Two caveats:
 * the clustergen voices draw their noise excitation from rand(), so their
 * output differs from run to run of the same text (kal and kal16 are
 * bit-exact); and flite handles an internal error by exit() unless a global
 * jmp_buf is set, which cannot be made thread-safe: we never set it.
 *
 * No logging here: this file is also compiled into tools/ms-render.
 */
#ifndef MS_MEDIA_FLITE_VOICE_H
#define MS_MEDIA_FLITE_VOICE_H

#include <stddef.h>
#include <stdint.h>

/* A voice: static, immutable, valid for the life of the process. */
struct ms__flite_voice {
    const char *name; /* "kal", ... */
    int rate;         /* native sample rate */
};

/* Registers every voice with flite, once per process (later calls return at
 * once; the first takes ~0.1 ms). Rendering does it when needed; call it
 * before starting threads that render, so they only ever read flite's
 * voice data. */
void ms__flite_voices_load(void);

/* The voice called `name` (NULL or "" give kal), or NULL if unknown. Does not
 * load it. */
const struct ms__flite_voice *ms__flite_voice_find(const char *name);

/* Synthesises `text` with `voice` into a malloc'd buffer *pcm of *n samples at
 * `rate` (1000..192000); the caller frees it. Sets the outputs only on
 * success. 0, MS_EINVAL (empty text, bad rate), MS_EFORMAT (flite produced no
 * audio, e.g. nothing speakable) or MS_ENOMEM. */
int ms__flite_render_voice(const struct ms__flite_voice *voice, const char *text, int rate,
                           int16_t **pcm, size_t *n);

/* Streaming synthesis at the voice's native rate: cb receives the audio in
 * order, in chunks as flite produces it, with `bound` an upper bound of the
 * total (known from the first chunk on). The clustergen voices (slt, rms,
 * awb) deliver their first chunk after about a third of the synthesis time;
 * kal and kal16 deliver everything at the end. The chunks put together are
 * the audio flite_text_to_wave gives (bit for bit for kal and kal16; the
 * clustergen voices differ from run to run anyway, see above). A negative
 * return from cb stops the synthesis and is returned. 0, MS_EINVAL,
 * MS_EFORMAT (no audio) or MS_ENOMEM. */
typedef int (*ms__flite_chunk_cb)(void *ud, const int16_t *pcm, size_t n, size_t bound);
int ms__flite_synth_stream(const struct ms__flite_voice *voice, const char *text,
                           ms__flite_chunk_cb cb, void *ud);

/* The same with kal (kept for its users: ms-render, the simulated caller). */
int ms__flite_render(const char *text, int rate, int16_t **pcm, size_t *n);

#endif
