/* Energy speech detector for the recogniser's endpointing, run on the loop
 * for every frame fed: cheap (one level per frame) and deterministic (a flow
 * test on a virtual clock sees speech start and end at the same frames on
 * every run, whatever the decoder's speed).
 *
 * It tracks the noise floor (follows drops at once, rises slowly while nobody
 * speaks); speech starts after onset_ms of frames above floor + onset_db (and
 * above an absolute minimum), and inside speech a frame is voiced when above
 * floor + offset_db. The caller counts the trailing silence and decides when
 * the utterance ends.
 *
 * struct ms__asr_vad: plain state embedded in its owner; no allocation.
 */
#ifndef MS_ASR_ASR_VAD_H
#define MS_ASR_ASR_VAD_H

#include <stdbool.h>

#define MS__VAD_ONSET_DB  9.0     /* dB above the floor to start speech */
#define MS__VAD_OFFSET_DB 6.0     /* dB above the floor to stay voiced */
#define MS__VAD_MIN_DBFS  (-50.0) /* quieter is never speech */
#define MS__VAD_ONSET_MS  60      /* voiced run that starts speech */
#define MS__VAD_TRAIN_MS  100     /* first audio only measures the floor */
#define MS__VAD_RISE_DB_S 10.0    /* floor rise while quiet, dB per second */

struct ms__asr_vad {
    double floor_db;
    int seen_ms;
    bool in_speech;
    int run_ms;     /* voiced run before onset */
    int silence_ms; /* unvoiced run in speech */
    int voiced_ms;  /* voiced total in speech */
};

enum ms__asr_vad_event {
    MS__VAD_QUIET, /* no speech yet */
    MS__VAD_ONSET, /* speech starts: the last run_ms of audio belong to it */
    MS__VAD_VOICE, /* in speech, voiced frame */
    MS__VAD_PAUSE, /* in speech, unvoiced frame (silence_ms counts them) */
};

void ms__asr_vad_init(struct ms__asr_vad *v);
/* One frame of `ms` milliseconds at `level_dbfs`. */
enum ms__asr_vad_event ms__asr_vad_step(struct ms__asr_vad *v, double level_dbfs, int ms);

#endif
