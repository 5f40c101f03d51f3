/* Level of a block of L16 audio, for silence detection while recording and
 * for the recorder's trimming. Pure functions, thread-safe. */
#ifndef MS_MEDIA_PCM_LEVEL_H
#define MS_MEDIA_PCM_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS__PCM_FLOOR_DBFS (-96.0) /* what digital silence (and n == 0) measures */
/* Default threshold: below it a 20 ms block counts as silence. Line noise on
 * a quiet phone line is around -60..-50 dBFS, soft speech -35..-25. */
#define MS__SILENCE_DBFS (-45.0)

/* RMS level in dBFS (0 = a full-scale square wave; a full-scale sine is
 * -3 dBFS), never below MS__PCM_FLOOR_DBFS. */
double ms__pcm_level_dbfs(const int16_t *pcm, size_t n);
/* Whether the block's level is below threshold_dbfs. */
bool ms__pcm_is_silence(const int16_t *pcm, size_t n, double threshold_dbfs);

#endif
