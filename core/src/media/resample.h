/* Sample-rate conversion of L16 mono audio, on speexdsp.
 *
 * struct ms__resampler: a streaming converter, owned by its creator (one per
 *   stream: a call leg direction, a recognizer feed, a synthesis); not shared,
 *   not thread-safe; freed with ms__resampler_free.
 *
 * Timing. speex keeps input_latency samples of history in its filter, which
 * shows up as a delay at the start and as samples held back at the end.
 *  - Default (flags 0, "aligned"): the leading delay is skipped, so output
 *    sample k is the signal at time k/out_rate. The first process() call
 *    returns fewer samples than in*ratio (about input_latency*ratio fewer).
 *    ms__resampler_flush() then emits the held-back tail so the stream's
 *    total output is exactly ceil(total_in * out_rate / in_rate): the end is
 *    not cut and no silence is appended. Use for files, TTS, recognizers.
 *  - MS__RESAMPLE_KEEP_DELAY: every call with n inputs yields n*ratio outputs
 *    (for integer and most fractional ratios, e.g. 160 -> 320 every 20 ms
 *    frame), at the cost of a fixed delay of output_latency samples of filter
 *    warm-up at the start (about 4 ms at quality 4). flush() emits that many
 *    samples of tail. Use for frame-by-frame real-time legs.
 * After flush the object is reset and may start a new stream.
 *
 * No logging here: this file is also compiled into tools/ms-render.
 */
#ifndef MS_MEDIA_RESAMPLE_H
#define MS_MEDIA_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define MS__RESAMPLE_KEEP_DELAY 0x1u

#define MS__RESAMPLE_Q_STREAM  4 /* real-time streams: 3..5 */
#define MS__RESAMPLE_Q_ONESHOT 8 /* whole files, off the loop */

struct ms__resampler;

/* Rates 1000..192000, quality 0..10. 0, MS_EINVAL or MS_ENOMEM. */
int ms__resampler_new(struct ms__resampler **out, int in_rate, int out_rate, int quality,
                      unsigned flags);
void ms__resampler_free(struct ms__resampler *r); /* NULL is a no-op */

/* Upper bound of the samples one process() call with `in_samples` inputs
 * writes; size the output buffer with it. */
size_t ms__resampler_out_max(const struct ms__resampler *r, size_t in_samples);
/* Upper bound of what flush() writes. */
size_t ms__resampler_flush_max(const struct ms__resampler *r);

/* Consumes all `n` input samples; returns the count written to out, or
 * MS_ENOSPC if cap < ms__resampler_out_max(r, n) (nothing is consumed). */
int ms__resampler_process(struct ms__resampler *r, const int16_t *in, size_t n, int16_t *out,
                          size_t cap);
/* Ends the stream: writes the held-back tail (see above) and resets. Returns
 * the count written or MS_ENOSPC if cap < ms__resampler_flush_max(r). */
int ms__resampler_flush(struct ms__resampler *r, int16_t *out, size_t cap);

/* One shot: converts a whole buffer (aligned mode plus flush) into a new
 * malloc'd buffer *out of *out_n samples, owned by the caller (free()).
 * Equal rates copy. n == 0 gives *out == NULL, *out_n == 0. Sets the outputs
 * only on success. 0, MS_EINVAL or MS_ENOMEM. Thread-safe (no shared state). */
int ms__resample_buffer(const int16_t *in, size_t n, int in_rate, int out_rate, int quality,
                        int16_t **out, size_t *out_n);

#endif
