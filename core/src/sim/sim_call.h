/* The in-process simulated caller: an endpoint whose "phone" is a test.
 *
 * ms__sim_dial() creates a call exactly as an INVITE would (same engine,
 * dialplan, coroutine, media tick and timers) and keeps, on the caller's
 * side, a transcript of what the caller perceives: ringing, answer, each
 * prompt heard (by identity: the call's media events name the sound), echo,
 * and the hangup with its cause. The caller acts with ms__sim_press(),
 * ms__sim_send() and ms__sim_hangup().
 *
 * Ownership: the sim call lives as long as its ms_call (it is freed by the
 * endpoint's release op). The dialler receives one reference on the ms_call
 * (ms__sim_call_of()) and drops it with ms_call_unref() when done. */
#ifndef MS_SIM_CALL_H
#define MS_SIM_CALL_H

#include "moonswitch/call.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__engine;
struct ms__sim_call;

enum ms__heard_kind {
    MS_HEARD_RINGING,
    MS_HEARD_ANSWERED,
    MS_HEARD_PROMPT,     /* name: a sound started */
    MS_HEARD_PROMPT_END, /* name; complete = played to its end */
    MS_HEARD_ECHO,
    MS_HEARD_ECHO_END,
    MS_HEARD_PRESSED,    /* name: the digit, detail: method */
    MS_HEARD_SENT,       /* name: what the caller sent (speech, a file) */
    MS_HEARD_HANGUP,     /* name: cause; detail: "caller" or "server"; status: SIP-like */
};

struct ms__heard {
    uint64_t at_ms; /* on the loop clock */
    enum ms__heard_kind kind;
    char name[96];
    char detail[32];
    bool complete;
    int status;
};

struct ms__sim_dial_opts {
    const char *destination;
    const char *caller, *caller_name;
    const char *const *headers; /* name, value, ..., NULL: become sip_h_<name> variables */
    bool rfc4733;               /* the "phone" negotiated telephone-event (default true) */
};

/* Observer of transcript growth (the test runner resumes waiting tests). */
typedef void (*ms__sim_notify_cb)(void *ud, struct ms__sim_call *sc);

/* Starts a call. *call_out gets a reference the caller must drop. Returns 0 or
 * an error; a dialplan that does not compile still gives a call, refused at
 * once (its transcript ends with a hangup, status 500). */
int ms__sim_dial(struct ms__engine *engine, const struct ms__sim_dial_opts *o,
                 ms__sim_notify_cb notify, void *ud, struct ms_call **call_out);
/* The sim side of a call made by ms__sim_dial, or NULL for other calls. */
struct ms__sim_call *ms__sim_of(struct ms_call *call);
struct ms_call *ms__sim_call_of(struct ms__sim_call *sc);

size_t ms__sim_heard_count(const struct ms__sim_call *sc);
const struct ms__heard *ms__sim_heard_at(const struct ms__sim_call *sc, size_t i);
bool ms__sim_ended(const struct ms__sim_call *sc);
/* The call's CDR has been queued (set by the test runner from the engine). */
void ms__sim_set_done(struct ms__sim_call *sc);
bool ms__sim_done(const struct ms__sim_call *sc);
/* Loop time of the last non-silent frame the caller received (0 if none). */
uint64_t ms__sim_last_sound_ms(const struct ms__sim_call *sc);

enum ms__press_method { MS_PRESS_RFC4733, MS_PRESS_INFO, MS_PRESS_INBAND };
/* Presses a digit now: RFC 4733 and INFO reach the call at once, in-band is
 * sent as DTMF tones (duration_ms of tone, then 50 ms of silence) in the
 * caller's audio, through the call's in-band detector. */
int ms__sim_press(struct ms__sim_call *sc, char digit, enum ms__press_method m, int duration_ms);
/* Queues audio (8 kHz L16) for the caller to send; label goes in the transcript. */
int ms__sim_send(struct ms__sim_call *sc, const int16_t *pcm, size_t n, const char *label);
/* Milliseconds of queued audio not yet sent. */
uint64_t ms__sim_pending_ms(const struct ms__sim_call *sc);
/* The caller hangs up (a no-op once the call has ended). */
void ms__sim_hangup(struct ms__sim_call *sc);

#endif
