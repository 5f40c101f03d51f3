/* Recorder: writes a call's audio to a WAV file without blocking the loop.
 *
 * The file is written under a temporary name in the final directory,
 * "<dir>/.<name>.part-XXXXXX", created at open, and renamed to the final
 * path (atomically, replacing any file there) only when the recording is
 * finished, after an fsync; so a crash or a full disk never leaves a
 * truncated file under the final name. Formats: WAV PCM 16-bit, G.711 mu-law
 * or A-law (libsndfile), mono, at the rate of the audio given.
 *
 * Threads: ms__recorder_write() only copies samples (into 1 s chunks) on the
 * loop; creating, writing, trimming, closing and renaming run on libuv's
 * thread pool, one job at a time per recorder, in order. Results come back
 * in the uv_queue_work after-callback on the loop thread.
 *
 * Virtual clock: the recorder holds the loop (ms_loop_hold) while any of its
 * file jobs is running (creating, writing each second of audio, finishing,
 * aborting), so flow tests see the same outcome however fast the disk is and
 * however fast virtual time runs. No effect in real mode.
 *
 * Errors (unwritable or missing directory, disk full, the writer falling
 * more than 60 s behind) are sticky: ms__recorder_write() returns them from
 * the moment the loop learns of them, and the finish callback reports them
 * (status < 0, path NULL); the temporary file is then removed.
 *
 * struct ms__recorder: owned by its creator (the call's record operation)
 *   until it calls ms__recorder_finish() or ms__recorder_abort(); from then
 *   on the recorder owns itself and frees itself after the finish callback
 *   (or, for abort, once the temporary file is gone), so the creator must not
 *   touch it again. Loop thread only. The ms_loop and its uv loop must keep
 *   running until then.
 */
#ifndef MS_MEDIA_RECORDER_H
#define MS_MEDIA_RECORDER_H

#include "media/pcm_level.h"
#include "moonswitch/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ms__rec_format { MS__REC_PCM16, MS__REC_ULAW, MS__REC_ALAW };

#define MS__REC_TRIM_DBFS   MS__SILENCE_DBFS /* a 20 ms block above this is audible */
#define MS__REC_TRIM_MARGIN 200              /* ms of audio kept around the audible part */
#define MS__REC_MAX_BEHIND  60               /* s of audio queued before giving up */

/* status: 0 or a negative MS_E* code. path: the final path on success, NULL
 * on error (valid during the call only). duration_ms: the final file's length. */
typedef void (*ms__recorder_cb)(void *ud, int status, const char *path, uint64_t duration_ms);

struct ms__recorder;

/* Starts a recording to final_path (its directory must exist). rate 8000..
 * 48000. 0 with *out set, or MS_EINVAL (bad arguments, a path ending in '/'),
 * MS_ENOMEM. File errors come later (see above). */
int ms__recorder_open(struct ms__recorder **out, struct ms_loop *loop, const char *final_path,
                      enum ms__rec_format format, int rate);

/* Queues n samples at the recorder's rate. 0; the sticky error if the
 * recording has failed; MS_EINVAL; MS_ESTATE after finish or abort. */
int ms__recorder_write(struct ms__recorder *r, const int16_t *pcm, size_t n);

/* Audio accepted so far, in ms. */
uint64_t ms__recorder_duration_ms(const struct ms__recorder *r);
/* The sticky error known on the loop so far, or 0. */
int ms__recorder_status(const struct ms__recorder *r);

/* Ends the recording: writes what is queued; with trim, drops leading and
 * trailing silence (20 ms blocks below MS__REC_TRIM_DBFS), keeping
 * MS__REC_TRIM_MARGIN ms either side of the audible part (an all-silent
 * recording becomes an empty but valid WAV); closes, fsyncs and renames.
 * cb is called once, later (never from inside this function), on the loop
 * thread; the recorder is freed right after it returns. Returns 0, or
 * MS_EINVAL (no cb) / MS_ESTATE (already finishing) without calling cb. */
int ms__recorder_finish(struct ms__recorder *r, bool trim, ms__recorder_cb cb, void *ud);

/* Discards the recording: nothing is renamed, the temporary file is removed,
 * no callback. Not after finish. */
void ms__recorder_abort(struct ms__recorder *r);

#endif
