/* The SIP agent: sofia-sip's NUA in its own thread, seen from the libuv loop as a stream of
 * events and a set of non-blocking commands. No sofia-sip type crosses this header.
 *
 * Ownership: the server owns the agent (ms__sip_agent_start creates it); it is freed by
 * ms__sip_agent_stop once its `done` callback has run. Calls are named by a uint64_t id that the
 * agent assigns and never reuses (0 is never a call); nobody holds pointers into the agent. A call
 * id stays valid until its MS_SIP_EV_ENDED event, which is delivered exactly once per call and is
 * the last event of that call; commands naming an ended or unknown id are ignored.
 *
 * Threads: every function here must be called on the loop thread; the event callback runs on the
 * loop thread. The sofia thread never touches loop objects except through a mutex-protected queue
 * and uv_async_send.
 *
 * SIP behaviour (measured with sofia-sip 1.12.11, media disabled in NUA): NUA sends 100 Trying,
 * answers CANCEL (200, then 487 to the INVITE), BYE (200), OPTIONS (200) and PRACK (481) itself,
 * ACKs 2xx to our INVITEs and sends BYE when our 2xx gets no ACK (ENDED "timeout" 408). Allow is
 * INVITE, ACK, BYE, CANCEL, OPTIONS, INFO: everything else gets 405 (listing REFER or UPDATE
 * would make NUA accept them on our behalf). Supported is empty: no session timers, no 100rel, so
 * a Session-Expires below NUA's Min-SE is not refused with 422. A re-INVITE arrives as INVITE on
 * the dialog's handle and is delivered as REINVITE. Late offers (INVITE or re-INVITE without
 * SDP) are delivered with sdp NULL; answering them needs an offer in the 200 and the answer from
 * the ACK, which this API does not carry yet (respond 488).
 */
#ifndef MS_SIP_AGENT_H
#define MS_SIP_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

struct ms__sip_agent;

struct ms__sip_config {
    const char *ip;         /* address to bind, e.g. "127.0.0.1" (IPv6 without brackets) */
    int port;               /* 0 = pick a free port (see ms__sip_agent_port) */
    bool udp, tcp;          /* at least one; both share the port */
    const char *user_agent; /* NULL = "moonswitch" */
};

enum ms__sip_ev_type {
    MS_SIP_EV_INVITE,    /* new incoming call (initial INVITE); respond with ms__sip_respond */
    MS_SIP_EV_REINVITE,  /* in-dialog INVITE with (or without) SDP: respond with 200+SDP */
    MS_SIP_EV_CONFIRMED, /* ACK received for our 2xx to the initial INVITE (once per call) */
    MS_SIP_EV_INFO,      /* DTMF by SIP INFO (application/dtmf-relay or application/dtmf);
                            already answered 200 by the agent */
    MS_SIP_EV_PROGRESS,  /* outgoing call: 18x received (status, sdp if any) */
    MS_SIP_EV_ANSWERED,  /* outgoing call: 2xx received (sdp); the agent has ACKed */
    MS_SIP_EV_ENDED,     /* the call is over: exactly once per call, last event; for a BYE we
                            send it comes when the BYE goes out, not when it is answered */
};

enum ms__sip_end_by { MS_SIP_END_REMOTE, MS_SIP_END_LOCAL };

/* An event. It and every string it points to are valid only during the callback. Strings that
 * are unknown or absent are NULL, except `headers`, which is never NULL. */
struct ms__sip_event {
    enum ms__sip_ev_type type;
    uint64_t call;
    const char *call_id;      /* SIP Call-ID (set on every event) */
    const char *from_user;    /* user part of From's URI */
    const char *from_display; /* From's display name, unquoted */
    const char *from_uri;     /* From's URI ("sip:alice@host") */
    const char *to_user;      /* user part of To's URI */
    const char *request_user; /* user part of the Request-URI (the dialled number) */
    const char *contact;      /* first Contact URI */
    const char *sdp;          /* application/sdp body, NUL-terminated; NULL if none */
    /* INVITE/REINVITE: the request's headers that sofia-sip does not know (X-* and other
     * non-standard ones), as name, value, name, value, ..., NULL */
    const char *const *headers;
    char dtmf_digit;            /* INFO: '0'-'9', '*', '#', 'A'-'D' */
    int dtmf_duration_ms;       /* INFO: from Duration=, 250 if absent */
    int status;                 /* PROGRESS/ANSWERED: response status; ENDED: final status */
    enum ms__sip_end_by end_by; /* ENDED: who ended it */
    const char *end_reason;     /* ENDED: "BYE", "CANCEL", "rejected", "timeout",
                                   "transport error", "shutdown", "error" */
};

typedef void (*ms__sip_event_cb)(void *ud, const struct ms__sip_event *ev);

/* Starts the sofia thread and binds ip:port on the configured transports. Blocks the calling
 * thread only until the bind has succeeded or failed. Returns 0 and sets *out, or MS_EINVAL (bad
 * config), MS_EADDRINUSE, MS_EACCES, MS_ENOMEM, MS_EIO. On failure nothing is left running, but
 * the loop must run once more for the agent's handle to be closed and freed. */
int ms__sip_agent_start(struct ms__sip_agent **out, uv_loop_t *loop,
                        const struct ms__sip_config *cfg, ms__sip_event_cb cb, void *ud);

/* The bound port (the chosen one if the config said 0). */
int ms__sip_agent_port(const struct ms__sip_agent *a);

/* Responds 100..699 to the pending INVITE or re-INVITE of `call`; sdp_or_null becomes an
 * application/sdp body. phrase NULL = the standard one. A final non-2xx to the initial INVITE
 * ends the call (ENDED follows, end_by LOCAL, reason "rejected"). */
void ms__sip_respond(struct ms__sip_agent *a, uint64_t call, int status, const char *phrase,
                     const char *sdp_or_null);

/* Ends a call: answered -> BYE; incoming not yet answered -> final response
 * status_if_unanswered (300..699, else 480); outgoing not yet answered -> CANCEL. ENDED follows
 * with end_by LOCAL. */
void ms__sip_hangup(struct ms__sip_agent *a, uint64_t call, int status_if_unanswered);

/* Places an outgoing call. to_uri is a plain SIP URI (the Request-URI and To); from_uri may be a
 * URI or a name-addr ("\"Alice\" <sip:alice@host>"), NULL = the agent's own address; sdp is the
 * offer (NULL = none); headers is NULL or name, value, ..., NULL. Returns 0 and sets *call_out,
 * or MS_EINVAL, MS_ENOMEM, MS_ESTATE (stopping). Failures after this return arrive as ENDED. */
int ms__sip_invite(struct ms__sip_agent *a, const char *to_uri, const char *from_uri,
                   const char *sdp, const char *const *headers, uint64_t *call_out);

/* Sends INFO application/dtmf-relay "Signal=<digit>\r\nDuration=<ms>\r\n" in the call's dialog.
 * Invalid digits are ignored (logged). */
void ms__sip_info_dtmf(struct ms__sip_agent *a, uint64_t call, char digit, int duration_ms);

/* Ends every live call (BYE, final response or CANCEL) and shuts NUA down. ENDED for every live
 * call is delivered within MS_SIP_STOP_GRACE_MS (at once if the peers answer). NUA itself may
 * wait for transactions with silent peers (up to 32 s; we give up on it after
 * MS_SIP_STOP_HARD_MS and leak it). Then the thread is joined, done(ud) is called on the loop
 * thread and the agent is freed. No function may be called on the agent after this one. */
void ms__sip_agent_stop(struct ms__sip_agent *a, void (*done)(void *ud), void *ud);

#define MS_SIP_STOP_GRACE_MS 2000  /* then ENDED for every call still up */
#define MS_SIP_STOP_HARD_MS  40000 /* then NUA is abandoned (its own limit is 30 s) */

/* Parses an INFO body carrying DTMF: content type "application/dtmf-relay" (Signal= and
 * Duration= lines, case-insensitive, events 10/11 = '*'/'#') or "application/dtmf" (the digit
 * alone). Returns 0 and sets *digit and *duration_ms (250 if absent), MS_ENOSYS for another
 * content type, MS_EFORMAT for a malformed body. The body need not be NUL-terminated. */
int ms__sip_dtmf_parse(const char *content_type, const char *body, size_t len, char *digit,
                       int *duration_ms);

#endif
