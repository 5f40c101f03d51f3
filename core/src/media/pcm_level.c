#include "media/pcm_level.h"

#include <math.h>

double ms__pcm_level_dbfs(const int16_t *pcm, size_t n)
{
    if (!pcm || n == 0)
        return MS__PCM_FLOOR_DBFS;
    double acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += (double)pcm[i] * pcm[i];
    double ms = acc / ((double)n * 32768.0 * 32768.0);
    if (ms <= 0)
        return MS__PCM_FLOOR_DBFS;
    double db = 10.0 * log10(ms);
    return db < MS__PCM_FLOOR_DBFS ? MS__PCM_FLOOR_DBFS : db;
}

bool ms__pcm_is_silence(const int16_t *pcm, size_t n, double threshold_dbfs)
{
    return ms__pcm_level_dbfs(pcm, n) < threshold_dbfs;
}
