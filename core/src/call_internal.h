/* The inside of struct ms_call, shared by call.c (state, variables, digits),
 * call_media.c (the per-tick media pipeline and playback) and call_ops.c
 * (the pending operations). Nothing outside these files includes it. */
#ifndef MS_CALL_INTERNAL_H
#define MS_CALL_INTERNAL_H

#include "endpoint.h"
#include "media/dtmf_dedup.h"
#include "moonswitch/call.h"
#include "moonswitch/loop.h"

#include <stdbool.h>
#include <stdint.h>

struct ms__audio;
struct ms__audio_req;
struct ms__dtmf_inband;
struct ms__moh_class;
struct ms__tts_stream;
struct ms__tone_gen;
struct ms__tone_detect;

#define MS_MAX_FRAME   320 /* samples: 20 ms at 16 kHz */
#define MS_DIGIT_QUEUE 64
#define MS_DIGIT_LOG   256

enum ms__op_kind { OP_NONE, OP_PLAY, OP_SLEEP, OP_ECHO, OP_COLLECT, OP_MOH, OP_RECORD, OP_TONE };
enum ms__tx_source { TX_SILENCE, TX_PLAY, TX_ECHO, TX_MOH };

/* One item of a playlist (owned copies of the strings). */
struct ms__play_item {
    enum ms_play_kind kind;
    char *text; /* sound name, text to speak, tone spec or name */
    char *voice;
    uint32_t ms;
};

/* A playlist being played (by play, gather's prompt, say and speak). */
struct ms__playback {
    struct ms__play_item *items;
    size_t n, index;
    int loops_left; /* 0 = forever */
    bool active;
    bool started; /* the current item has begun sounding */
    /* the current item: one of */
    struct ms__audio *audio; /* a sound, referenced */
    size_t pos;
    struct ms__audio_req *req; /* a sound being loaded */
    size_t candidate;          /* which sound dir is being tried */
    struct ms__tts_stream *tts;
    struct ms__tone_gen *tone;
    bool pausing;
    size_t pause_left; /* samples */
};

struct ms__collect {
    struct ms_collect_opts opts;
    char terminators[17];
    char digits[65];
    size_t ndigits;
    bool prompt_done;
    /* speech (call_speech.c) */
    struct ms__asr_session *asr; /* listening; NULL once its result came or it was cancelled */
    bool speaking;               /* the caller began to speak: the digit timer is stopped */
    char speech[512];            /* the words recognised */
    bool has_speech;
    float confidence;
};

/* A recording in progress (call_record.c). */
struct ms__record {
    struct ms__recorder *rec; /* NULL before the beep has ended, and once finishing */
    struct ms_record_opts opts;
    char terminators[17];
    char path[1024];
    uint32_t silent_ms;
    bool finishing;
    const char *reason;
    char terminator;
    uint64_t duration_ms;
};

struct ms_call {
    int refs;
    enum ms_call_state state;
    char id[40];
    char *caller, *caller_name, *destination;
    const struct ms_call_env *env;
    const struct ms_endpoint_ops *ops;
    void *ep;

    /* variables: parallel arrays of owned strings */
    char **var_names, **var_values;
    size_t nvars, capvars;

    /* digits: a FIFO not yet consumed by the script, and the full log for the CDR */
    struct ms__dtmf_dedup dedup; /* one press reported by several paths counts once */
    char queue[MS_DIGIT_QUEUE];
    size_t qhead, qlen;
    struct ms_digit_record log[MS_DIGIT_LOG];
    size_t nlog;

    /* times (epoch ms) and hangup details */
    uint64_t start_ms, answer_ms, end_ms, start_loop_ms;
    char cause[40];
    bool by_remote;

    /* media */
    int rate;
    size_t frame;
    const struct ms_media_port_ops *port_ops;
    void *port;
    bool rfc4733;
    struct ms_tick_handler tick;
    enum ms__tx_source tx;
    struct ms__playback play;
    struct ms__moh_class *moh; /* TX_MOH: the class listened to */
    char moh_name[48];         /* "moh/<class>", for media events */
    struct ms__dtmf_inband *inband;
    int16_t rx[MS_MAX_FRAME];
    bool rx_valid;

    /* the one pending operation */
    enum ms__op_kind op;
    union {
        ms_play_cb play;
        ms_done_cb done;
        ms_collect_cb collect;
        ms_record_cb record;
        ms_tone_cb tone;
    } op_cb;
    struct ms__tone_detect *detector; /* OP_TONE: listening for tones */
    const char *tone_heard;
    void *op_ud;
    char op_interrupt[17];
    struct ms_timer op_timer;
    struct ms__collect collect;
    struct ms__record record;
    struct ms_deferred op_defer;
    struct ms_play_result play_result;
    int op_status;
    const char *op_reason; /* collect: "max", "terminator", "timeout", "hangup" */
    char op_failed[256];

    /* ended observer */
    ms_call_ended_cb ended_cb;
    void *ended_ud;
};

/* call_media.c */
void ms__media_start(struct ms_call *call);
void ms__media_stop(struct ms_call *call);

/* call_play.c: starts playing items (copied) as the transmit source; the end
 * is reported through ms__ops_playback_done(). */
int ms__playback_start(struct ms_call *call, const struct ms_play_item *items, size_t n, int loops);
void ms__playback_stop(struct ms_call *call);
void ms__playback_fill(struct ms_call *call, int16_t *out, size_t n);
/* Tells the endpoint what the call starts or stops sending. */
void ms__media_emit(struct ms_call *call, enum ms_media_event_kind kind, bool complete);

/* call_ops.c: the pending operation's life */
int ms__op_begin(struct ms_call *call, enum ms__op_kind kind, void *ud);
void ms__op_complete(struct ms_call *call, int status, const char *failed);
void ms__collect_finish(struct ms_call *call, const char *reason); /* a try ends: status 0 */

/* call_record.c */
void ms__record_frame(struct ms_call *call, const int16_t *pcm, size_t n);
bool ms__record_digit(struct ms_call *call, char digit); /* true: consumed */
void ms__record_stop(struct ms_call *call, const char *reason);
void ms__record_fire(struct ms_call *call);
void ms__record_playback_done(struct ms_call *call, int status);

/* call_ops.c: events from the media and digit paths to the pending op */
void ms__ops_playback_done(struct ms_call *call, int status, const char *failed);
void ms__ops_digit(struct ms_call *call);
void ms__ops_call_over(struct ms_call *call);

/* call_speech.c: speech input of a collect */
int ms__speech_start(struct ms_call *call, const struct ms_speech_opts *o);
void ms__speech_frame(struct ms_call *call); /* the tick's received frame */
void ms__speech_prompt_done(struct ms_call *call);
void ms__speech_stop(struct ms_call *call); /* cancels: no result */

/* call.c */
bool ms__call_pop_digit(struct ms_call *call, char *out);
void ms__call_flush_digits(struct ms_call *call);

#endif
