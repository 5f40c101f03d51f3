/* ms_call: one call leg.
 *
 * A call has a state machine (new -> ringing -> answered -> hanging up ->
 * ended), channel variables, a digit queue, a media pipeline and at most one
 * pending operation (play, collect, sleep, echo) started by its script. It
 * does not know SIP: the signalling side is an endpoint (struct
 * ms_endpoint_ops) that the call drives and that reports events back through
 * the ms_call_remote_* functions in endpoint.h.
 *
 * Ownership: reference-counted. The creator (an endpoint) holds the first
 * reference; the script runtime and each Lua call object hold one more.
 * Ending a call (ms_call_hangup, or the remote side hanging up) is a state
 * change, not a free: the pending operation completes with MS_EHANGUP, media
 * stops, and every later operation fails with MS_EHANGUP. The memory is
 * freed when the last reference is dropped.
 *
 * Threading: a call belongs to one ms_loop and is used from its thread only.
 */
#ifndef MOONSWITCH_CALL_H
#define MOONSWITCH_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms_call;
struct ms_loop;

enum ms_call_state {
    MS_CALL_NEW,
    MS_CALL_RINGING,
    MS_CALL_ANSWERED,
    MS_CALL_HANGING_UP,
    MS_CALL_ENDED,
};
const char *ms_call_state_name(enum ms_call_state s);

enum ms_dtmf_source { MS_DTMF_RFC4733, MS_DTMF_INFO, MS_DTMF_INBAND, MS_DTMF_SIM };
const char *ms_dtmf_source_name(enum ms_dtmf_source s);

void ms_call_ref(struct ms_call *call);
void ms_call_unref(struct ms_call *call);

const char *ms_call_id(const struct ms_call *call);
const char *ms_call_caller(const struct ms_call *call);
const char *ms_call_caller_name(const struct ms_call *call);
const char *ms_call_destination(const struct ms_call *call);
/* A transfer (call:transfer) routes the call again to another destination. */
int ms_call_set_destination(struct ms_call *call, const char *dest);
enum ms_call_state ms_call_state(const struct ms_call *call);
bool ms_call_is_over(const struct ms_call *call); /* hanging up or ended */
struct ms_loop *ms_call_loop(const struct ms_call *call);
int ms_call_rate(const struct ms_call *call); /* media sample rate, Hz */

/* Channel variables (copied strings; NULL value deletes). They end up in the CDR. */
int ms_call_var_set(struct ms_call *call, const char *name, const char *value);
const char *ms_call_var_get(const struct ms_call *call, const char *name);
/* Iteration: index from 0; returns false past the end. */
bool ms_call_var_at(const struct ms_call *call, size_t i, const char **name, const char **value);

/* Signalling verbs. Both return 0, MS_EHANGUP (call over) or MS_ESTATE. */
int ms_call_ring(struct ms_call *call);
int ms_call_answer(struct ms_call *call);
/* Hangs up with a cause name ("NORMAL_CLEARING", "USER_BUSY", ...). Unknown
 * names are MS_EINVAL. Hanging up an ended call is a no-op returning 0. */
int ms_call_hangup(struct ms_call *call, const char *cause);

/* Received digits, in order, each with its source (for the CDR). */
struct ms_digit_record {
    char digit;
    enum ms_dtmf_source source;
    uint64_t at_ms; /* since the call started */
};
size_t ms_call_digit_count(const struct ms_call *call);
const struct ms_digit_record *ms_call_digit_at(const struct ms_call *call, size_t i);

/* ---- pending operations: at most one at a time; completion is never
 * synchronous (the callback runs later from the loop). ---- */

/* What a playlist item is: a sound name (resolved through the sound
 * directories), text to speak (voice: a TTS voice, NULL for the default), or
 * a tone (a spec such as "%(500,500,480,620)" or a name: "busy", "ringback",
 * "congestion", "dial", "beep"; ms limits its length, 0: the spec's own). */
enum ms_play_kind { MS_PLAY_SOUND, MS_PLAY_SPEAK, MS_PLAY_TONE, MS_PLAY_PAUSE /* ms of silence */ };
struct ms_play_item {
    enum ms_play_kind kind;
    const char *text;
    const char *voice;
    uint32_t ms;
};

struct ms_play_result {
    int status;         /* 0, MS_ENOENT (with `failed` naming the file), MS_EHANGUP, MS_ECANCELED */
    char digit;         /* the digit that interrupted, or 0 */
    const char *failed; /* valid during the callback */
};
typedef void (*ms_play_cb)(void *ud, const struct ms_play_result *r);
struct ms_play_opts {
    const char *interrupt; /* digits that stop playback ("" none, NULL none) */
    int loops;             /* 1 = once; 0 = until stopped */
};
int ms_call_play(struct ms_call *call, const struct ms_play_item *items, size_t n,
                 const struct ms_play_opts *opts, ms_play_cb cb, void *ud);

/* Music on hold of a class (a directory of files shared by every listener,
 * heard from where the class currently is) until ms elapse (0: until a digit
 * of opts->interrupt or the end of the call). MS_ENOENT: no such class. */
struct ms_moh_opts {
    const char *interrupt;
    uint64_t ms;
};
int ms_call_moh(struct ms_call *call, const char *cls, const struct ms_moh_opts *opts,
                ms_play_cb cb, void *ud);

typedef void (*ms_done_cb)(void *ud, int status); /* 0, MS_EHANGUP or MS_ECANCELED */
int ms_call_sleep(struct ms_call *call, uint64_t ms, ms_done_cb cb, void *ud);
/* Echoes the caller's audio back until ms elapse (0 = until hangup). */
int ms_call_echo(struct ms_call *call, uint64_t ms, ms_done_cb cb, void *ud);

/* Speech input for one try of collection: the caller may say a phrase of a
 * grammar instead of pressing digits (needs speech recognition: env->asr). */
struct ms_speech_opts {
    const char *grammar;         /* JSGF text, or NULL for: */
    const char *const *keywords; /* words or phrases to spot */
    size_t nkeywords;
    uint32_t end_silence_ms;     /* silence that ends what was said; 0: 800 */
    uint32_t max_ms;             /* longest utterance; 0: 15000 */
    float min_confidence;        /* below it: "nomatch"; < 0: the configured one */
    char *err;                   /* a grammar's error message goes here */
    size_t errlen;
};

/* One try of digit collection (gather is built on it). See docs/lua-api.md. */
struct ms_collect_opts {
    const struct ms_play_item *prompt; /* played first, interruptible by any digit */
    size_t nprompt;
    int min, max;
    uint64_t timeout_ms;     /* first digit, counted from the end of the prompt */
    uint64_t inter_digit_ms; /* between digits */
    const char *terminators; /* e.g. "#" */
    bool flush;              /* discard digits typed ahead before this try */
    const struct ms_speech_opts *speech; /* NULL: digits only */
};
struct ms_collect_result {
    int status;         /* 0, MS_ENOENT (prompt missing: `failed`), MS_EHANGUP, MS_EIO
                           (recognition failed: `failed`) */
    const char *digits; /* valid during the callback */
    const char *reason; /* "max", "terminator", "timeout", "hangup", "speech" (recognised),
                           "nomatch" (speech not recognised confidently) */
    char terminator;    /* the terminator pressed, or 0 */
    const char *failed;
    const char *speech; /* "speech": the words recognised; else NULL */
    float confidence;   /* "speech" and "nomatch": 0..1 */
};
typedef void (*ms_collect_cb)(void *ud, const struct ms_collect_result *r);
/* MS_EINVAL (options), MS_ENOSYS (speech without recognition configured),
 * MS_EFORMAT / MS_ENOENT (grammar: message in speech->err), MS_EBUSY (every
 * recogniser of the pool in use), MS_EHANGUP. */
int ms_call_collect(struct ms_call *call, const struct ms_collect_opts *opts, ms_collect_cb cb,
                    void *ud);

/* Records what the caller says. path: relative to the recordings directory,
 * or absolute inside it (anything else is MS_EACCES); its directories are
 * created. Written to a temporary name and renamed when complete; on hangup
 * what was said so far is kept. */
struct ms_record_opts {
    uint32_t max_ms;         /* 0: no limit */
    uint32_t silence_ms;     /* ends after this much silence; 0: never */
    const char *terminators; /* digits that end it (not recorded as digits) */
    bool beep;               /* a beep first */
    bool trim;               /* drop leading and trailing silence */
    int format;              /* 0 PCM16 WAV, 1 G.711 u-law WAV, 2 G.711 A-law WAV */
};
struct ms_record_result {
    int status;       /* 0, or the error (disk, path) */
    const char *path; /* the final file (valid during the callback) */
    uint64_t duration_ms;
    const char *reason; /* "terminator", "silence", "max", "hangup" */
    char terminator;
};
typedef void (*ms_record_cb)(void *ud, const struct ms_record_result *r);
int ms_call_record(struct ms_call *call, const char *path, const struct ms_record_opts *opts,
                   ms_record_cb cb, void *ud);

/* Listens to the caller's audio for in-band tones: mask of "fax-cng",
 * "fax-ced", "busy", "congestion", "ringback" (media/tone_detect.h bits).
 * cb gets the name heard, or MS_ETIMEDOUT after timeout_ms (0: no limit). */
typedef void (*ms_tone_cb)(void *ud, int status, const char *name);
/* The mask bit of a tone event name, 0 if unknown. */
unsigned ms_tone_event_bit(const char *name);
int ms_call_wait_tone(struct ms_call *call, unsigned mask, uint64_t timeout_ms, ms_tone_cb cb,
                      void *ud);

/* Cancels the pending operation: its callback runs with MS_ECANCELED. */
void ms_call_cancel_op(struct ms_call *call);

/* Observer notified once when the call reaches ENDED (the script runtime uses it). */
typedef void (*ms_call_ended_cb)(void *ud, struct ms_call *call);
void ms_call_on_ended(struct ms_call *call, ms_call_ended_cb cb, void *ud);

/* Hangup details, valid once the call is over. */
const char *ms_call_hangup_cause(const struct ms_call *call);
const char *ms_call_hangup_by(const struct ms_call *call); /* "caller", "server" */

#endif
