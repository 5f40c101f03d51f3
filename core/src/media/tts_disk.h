/* The on-disk cache of synthesised sentences: DIR/<voice>/<hash>.wav, PCM16
 * mono WAV at the call rate, <hash> being ms__tts_key_hash() in 16 hex
 * digits. The file's comment string holds the full key ("ms-tts-1 VOICE
 * RATE TEXT") and is checked on every read, so a hash collision or a foreign
 * file is a miss, never wrong audio. Files are written to a unique temporary
 * name in the same directory and renamed, so readers (other loops, other
 * processes, a later run) never see a partial file; the cache survives
 * restarts. Nothing is ever deleted: the directory is the operator's to
 * prune (any file may be removed at any time).
 *
 * Blocking I/O: call from the TTS worker thread only. Stateless and
 * thread-safe. Disk errors are reported, never fatal to the caller: a failed
 * read is a miss, a failed write just is not cached.
 */
#ifndef MS_MEDIA_TTS_DISK_H
#define MS_MEDIA_TTS_DISK_H

#include "media/flite_voice.h"

#include <stddef.h>
#include <stdint.h>

/* 0 and a malloc'd *pcm of *n samples (NULL and 0 for an empty sentence);
 * MS_ENOENT on a miss (no file, another key, another rate, unreadable),
 * MS_ENOMEM. Outputs set only on 0. */
int ms__tts_disk_read(const char *dir, const struct ms__flite_voice *voice, int rate,
                      const char *text, uint64_t hash, int16_t **pcm, size_t *n);

/* Creates DIR (one level) and DIR/<voice> as needed. 0, MS_EIO, MS_EACCES,
 * MS_ENOSPC, MS_ENOENT (DIR's parent missing) or MS_EMSGSIZE (path or key too
 * long to store). */
int ms__tts_disk_write(const char *dir, const struct ms__flite_voice *voice, int rate,
                       const char *text, uint64_t hash, const int16_t *pcm, size_t n);

#endif
