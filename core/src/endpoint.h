/* The signalling side of a call: what a call needs from an endpoint (SIP
 * today, the in-process simulated caller next) and what an endpoint reports
 * back. Private to the core.
 *
 * An endpoint creates a call with ms__call_new(), holding the first
 * reference, and drops it after the call has ended (ms__call_ended) and the
 * endpoint has released its own resources. The call never frees endpoint
 * data: ops->release() is called when the call's memory goes away.
 */
#ifndef MS_ENDPOINT_H
#define MS_ENDPOINT_H

#include "moonswitch/call.h"

#include <stdint.h>

struct ms_loop;
struct ms__audio_cache;
struct ms__moh;
struct ms__tts;

/* Where a call's media comes from and goes to, as L16 frames at the call rate. */
struct ms_media_port_ops {
    /* One received frame of `n` samples: returns 1, or 0 when none arrived. */
    int (*read)(void *port, int16_t *pcm, size_t n);
    /* One frame to send. */
    void (*write)(void *port, const int16_t *pcm, size_t n);
};

/* What the call sends, as events: lets the in-process simulated caller know
 * which prompt it "hears" without analysing audio. */
enum ms_media_event_kind {
    MS_MEDIA_PLAY_START, /* a sound starts: name, samples */
    MS_MEDIA_PLAY_END,   /* it ended: complete = played to its last sample */
    MS_MEDIA_ECHO_START,
    MS_MEDIA_ECHO_END,
};
struct ms_media_event {
    enum ms_media_event_kind kind;
    const char *name;   /* the sound name as the script gave it, the text spoken, the tone */
    const char *source; /* "sound", "speech", "tone", "moh" */
    size_t samples;
    int rate;
    bool complete;
};

struct ms_endpoint_ops {
    const char *kind; /* "sip", "sim" */
    int (*ring)(void *ep, struct ms_call *call);
    int (*answer)(void *ep, struct ms_call *call);
    /* Ends the signalling; the endpoint calls ms__call_ended() when done.
     * sip_status is the response for an unanswered call (404, 480, ...). */
    void (*hangup)(void *ep, struct ms_call *call, const char *cause, int sip_status);
    /* The call's memory is going away: the endpoint forgets it. May be NULL. */
    void (*release)(void *ep, struct ms_call *call);
    /* What the call starts and stops sending. May be NULL. */
    void (*media_event)(void *ep, struct ms_call *call, const struct ms_media_event *ev);
};

/* Shared by all calls of a loop; owned by the server (or a test). */
struct ms_call_env {
    struct ms_loop *loop;
    struct ms__audio_cache *audio; /* prompt cache; NULL disables playback */
    const char *const *sound_dirs; /* searched in order */
    size_t nsound_dirs;
    int inband_dtmf;            /* 0 never, 1 always, 2 auto (only without RFC 4733) */
    struct ms__moh *moh;        /* music on hold classes; NULL: none */
    struct ms__tts *tts;        /* text to speech; NULL: none */
    const char *recordings_dir; /* call:record() writes only below it; NULL: refused */
    struct ms__asr *asr;        /* speech recognition; NULL: none (speech gathers refused) */
};

struct ms_call_params {
    const char *id; /* NULL: a fresh UUID */
    const char *caller, *caller_name, *destination;
    const struct ms_call_env *env;
    const struct ms_endpoint_ops *ops;
    void *ep;
};

int ms__call_new(struct ms_call **out, const struct ms_call_params *p);
void *ms__call_endpoint(const struct ms_call *call);
const struct ms_endpoint_ops *ms__call_ops(const struct ms_call *call);

/* Media: attach the port (and its rate) once media is negotiated; may be
 * called again (re-INVITE). rfc4733: the endpoint receives out-of-band digits,
 * which turns in-band detection off in "auto" mode. */
int ms__call_set_media(struct ms_call *call, int rate, bool rfc4733,
                       const struct ms_media_port_ops *ops, void *port);
/* Detaches the port (the endpoint is about to close it). */
void ms__call_clear_media(struct ms_call *call);

/* A digit arrived (already de-duplicated per source by the endpoint). */
void ms__call_dtmf(struct ms_call *call, char digit, enum ms_dtmf_source src);
/* The signalling is over. by_remote: the caller hung up (cause given), else
 * this completes our own ms_call_hangup. */
void ms__call_ended(struct ms_call *call, const char *cause, bool by_remote);

/* Epoch milliseconds of the call's milestones (0 if not reached), for the CDR. */
struct ms_call_times {
    uint64_t start_ms, answer_ms, end_ms;
};
void ms__call_times(const struct ms_call *call, struct ms_call_times *out);

#endif
