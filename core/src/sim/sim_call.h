/* The in-process simulated caller: an endpoint whose "phone" is a test.
 *
 * ms__sim_dial() creates a call exactly as an INVITE would (same engine,
 * dialplan, coroutine, media tick and timers) and keeps, on the caller's
 * side, the transcript of sim/caller.h: ringing, answer, each prompt heard
 * (by identity: the call's media events name the sound), echo, and the
 * hangup with its cause.
 *
 * Ownership: the sim call lives as long as its ms_call (it is freed by the
 * endpoint's release op). The returned caller holds one reference on the
 * call, dropped by ops->unref. */
#ifndef MS_SIM_CALL_H
#define MS_SIM_CALL_H

#include "moonswitch/call.h"
#include "sim/caller.h"

struct ms__engine;

struct ms__sim_dial_opts {
    const char *destination;
    const char *caller, *caller_name;
    const char *const *headers; /* name, value, ..., NULL: become sip_h_<name> variables */
    bool rfc4733;               /* the "phone" negotiated telephone-event */
};

/* Starts a call. A dialplan that does not compile still gives a caller,
 * refused at once (its transcript ends with a hangup, status 500). */
int ms__sim_dial(struct ms__engine *engine, const struct ms__sim_dial_opts *o,
                 ms__caller_notify_cb notify, void *ud, struct ms__caller **out);
/* The caller side of a call made by ms__sim_dial, or NULL for other calls. */
struct ms__caller *ms__sim_of(struct ms_call *call);

#endif
