/* Simulated callers over the wire: each one a real SIP user agent with real
 * RTP (PCMU/PCMA, RFC 4733) calling a running server, recognising the
 * prompts it hears from the audio itself (hear/hear.h) against the known
 * sounds of the configured sound directories.
 *
 * struct ms__wire: shared by all wire callers of a run; owns the SIP agent
 * (a UAC on an ephemeral port), the RTP port range and the set of known
 * sounds: every sound file, and the TTS texts tests expect (sim/speech_set.h),
 * added as they are asked for (caller ops->want_speech). ms__wire_close() waits
 * for renders still running, hangs up what is left, stops the agent and calls
 * done; the callers still referenced keep their transcripts (and may no longer
 * want speech). */
#ifndef MS_SIM_WIRE_CALL_H
#define MS_SIM_WIRE_CALL_H

#include "sim/caller.h"
#include "sim/sim_call.h"

struct ms_config;
struct ms__wire;

struct ms__wire_config {
    struct ms_loop *loop; /* real clock */
    const char *server;   /* "HOST:PORT" */
    const char *local_ip; /* for SIP and RTP, e.g. "127.0.0.1" */
    int rtp_lo, rtp_hi;   /* the callers' RTP ports */
    const char *const *sound_dirs;
    size_t nsound_dirs;
    const char *record_path; /* if set: the first call's received audio as WAV */
    /* runs when a TTS text a caller wants recognised has been rendered (or failed) */
    void (*changed)(void *ud);
    void *changed_ud;
};

int ms__wire_open(struct ms__wire **out, const struct ms__wire_config *cfg);
size_t ms__wire_sounds(const struct ms__wire *w); /* known sounds loaded */
int ms__wire_dial(struct ms__wire *w, const struct ms__sim_dial_opts *o,
                  ms__caller_notify_cb notify, void *ud, struct ms__caller **out);
void ms__wire_close(struct ms__wire *w, void (*done)(void *ud), void *ud);

#endif
