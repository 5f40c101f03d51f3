#include "asr/asr_vad.h"

#include <string.h>

void ms__asr_vad_init(struct ms__asr_vad *v)
{
    memset(v, 0, sizeof *v);
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

/* Drops follow at once; rises are slow and only while quiet. */
static void track_floor(struct ms__asr_vad *v, double level, int ms, bool quiet)
{
    if (v->seen_ms == 0 || level < v->floor_db) {
        v->floor_db = level;
        return;
    }
    if (!quiet)
        return;
    double rise = MS__VAD_RISE_DB_S * ms / 1000.0;
    v->floor_db += level - v->floor_db < rise ? level - v->floor_db : rise;
}

static enum ms__asr_vad_event before_speech(struct ms__asr_vad *v, double level, int ms)
{
    bool training = v->seen_ms < MS__VAD_TRAIN_MS;
    bool voiced = !training && level > max2(v->floor_db + MS__VAD_ONSET_DB, MS__VAD_MIN_DBFS);
    track_floor(v, level, ms, !voiced);
    v->seen_ms += ms;
    if (!voiced) {
        v->run_ms = 0;
        return MS__VAD_QUIET;
    }
    v->run_ms += ms;
    if (v->run_ms < MS__VAD_ONSET_MS)
        return MS__VAD_QUIET;
    v->in_speech = true;
    v->voiced_ms = v->run_ms;
    v->silence_ms = 0;
    return MS__VAD_ONSET;
}

enum ms__asr_vad_event ms__asr_vad_step(struct ms__asr_vad *v, double level, int ms)
{
    if (!v->in_speech)
        return before_speech(v, level, ms);
    bool voiced = level > max2(v->floor_db + MS__VAD_OFFSET_DB, MS__VAD_MIN_DBFS - 3.0);
    track_floor(v, level, ms, !voiced);
    v->seen_ms += ms;
    if (voiced) {
        v->voiced_ms += ms;
        v->silence_ms = 0;
        return MS__VAD_VOICE;
    }
    v->silence_ms += ms;
    return MS__VAD_PAUSE;
}
