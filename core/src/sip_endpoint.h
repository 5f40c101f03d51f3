/* The SIP endpoint: turns the SIP agent's events into calls, and a call's
 * verbs into SIP. Each SIP call ("leg") owns its RTP stream and codecs and
 * holds one reference on its ms_call until the dialog has ended.
 *
 * Owned by the server. ms__sip_endpoint_stop() hangs up every call, stops
 * the agent and calls `done` once the last leg is gone. */
#ifndef MS_SIP_ENDPOINT_H
#define MS_SIP_ENDPOINT_H

#include "endpoint.h"

struct ms__sip_endpoint;

/* A new call is ready for its script. Returns 0, or an error: the call is then
 * refused with 500 (MS_EFORMAT: the dialplan does not compile) or 503. */
typedef int (*ms__sip_new_call_cb)(void *ud, struct ms_call *call);

struct ms__sip_endpoint_config {
    const struct ms_call_env *env;
    const char *sip_ip;
    int sip_port; /* 0: any free port */
    bool udp, tcp;
    const char *user_agent;
    const char *rtp_ip;
    int rtp_lo, rtp_hi;
    const char *const *codecs;
    int ncodecs;
    int max_calls;
    ms__sip_new_call_cb on_new_call;
    void *ud;
};

int ms__sip_endpoint_start(struct ms__sip_endpoint **out, const struct ms__sip_endpoint_config *c);
int ms__sip_endpoint_port(const struct ms__sip_endpoint *e);
size_t ms__sip_endpoint_calls(const struct ms__sip_endpoint *e);
void ms__sip_endpoint_stop(struct ms__sip_endpoint *e, void (*done)(void *ud), void *ud);

#endif
