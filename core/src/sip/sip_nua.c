/* The sofia thread's side of the agent: creating NUA, its event callback, call bookkeeping and
 * shutdown. Everything here runs in the sofia thread. */
#define MS_LOG_MODULE "sip"
#include "moonswitch/log.h"
#include "moonswitch/error.h"
#include "sip/sip_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/nta_tag.h>

#define PORT_QUERY_STEPS 200 /* x 10 ms */

/* What we handle; NUA answers 405 to the rest. Listing REFER or UPDATE would make NUA accept
 * them (202, 200) on our behalf. */
#define ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"

/* ---- calls ---- */

int ms__sip_call_attach(struct ms__sip_agent *a, struct ms__sip_call *c)
{
    c->ended = ms__sip_ev_build(MS_SIP_EV_ENDED, c, NULL, false);
    if (!c->ended) {
        free(c);
        return MS_ENOMEM;
    }
    ms__sip_calls_add(&a->calls, c);
    return 0;
}

void ms__sip_call_record_end(struct ms__sip_call *c, enum ms__sip_end_by by, const char *reason,
                             int status)
{
    if (c->end_known)
        return; /* the first cause wins */
    c->end_known = true;
    c->end_by = by;
    c->end_reason = reason;
    c->end_status = status;
}

void ms__sip_call_deliver_end(struct ms__sip_agent *a, struct ms__sip_call *c)
{
    if (!c->ended)
        return; /* already delivered */
    if (!c->end_known)
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "error", 500);
    struct ms__sip_evnode *n = c->ended;
    c->ended = NULL;
    n->ev.status = c->end_status;
    n->ev.end_by = c->end_by;
    n->ev.end_reason = c->end_reason;
    ms_debug(c->call_id, "call %llu ended: %s %d by %s", (unsigned long long)c->id, c->end_reason,
             c->end_status, c->end_by == MS_SIP_END_LOCAL ? "us" : "remote");
    ms__sip_push(a, n);
}

void ms__sip_call_finish(struct ms__sip_agent *a, struct ms__sip_call *c)
{
    ms__sip_call_deliver_end(a, c);
    ms__sip_calls_remove(&a->calls, c);
    if (c->nh) {
        nua_handle_bind(c->nh, NULL); /* late events for the handle then name no call */
        nua_handle_destroy(c->nh);
    }
    free(c);
}

static void push_ev(struct ms__sip_agent *a, enum ms__sip_ev_type type,
                    const struct ms__sip_call *c, const sip_t *sip, bool headers, int status)
{
    if (!c->ended) {
        ms_debug(c->call_id, "event %d after ENDED: dropped", (int)type);
        return; /* ENDED stays the last event */
    }
    struct ms__sip_evnode *n = ms__sip_ev_build(type, c, sip, headers);
    if (n) {
        n->ev.status = status;
        ms__sip_push(a, n);
    }
}

/* ---- incoming requests ---- */

static void respond_this(struct ms__sip_agent *a, nua_handle_t *nh, int status)
{
    nua_respond(nh, status, sip_status_phrase(status), NUTAG_WITH_THIS(a->nua), TAG_END());
}

/* Answers a request on a handle NUA made for it, and drops the handle. */
static void reject_new(struct ms__sip_agent *a, nua_handle_t *nh, int status)
{
    respond_this(a, nh, status);
    nua_handle_destroy(nh);
}

static void on_invite(struct ms__sip_agent *a, nua_handle_t *nh, struct ms__sip_call *c,
                      const sip_t *sip)
{
    if (c && !c->ended) {
        respond_this(a, nh, 481); /* over for the loop already */
        return;
    }
    if (c) {
        push_ev(a, MS_SIP_EV_REINVITE, c, sip, true, 0);
        return;
    }
    if (a->shutting_down) {
        reject_new(a, nh, 503);
        return;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        reject_new(a, nh, 500);
        return;
    }
    c->id = ms__sip_new_call_id(a);
    if (sip && sip->sip_call_id && sip->sip_call_id->i_id)
        snprintf(c->call_id, sizeof c->call_id, "%s", sip->sip_call_id->i_id);
    if (ms__sip_call_attach(a, c) < 0) {
        reject_new(a, nh, 500);
        return;
    }
    c->nh = nh;
    nua_handle_bind(nh, c);
    ms_debug(c->call_id, "incoming call %llu", (unsigned long long)c->id);
    push_ev(a, MS_SIP_EV_INVITE, c, sip, true, 0);
}

static void on_info(struct ms__sip_agent *a, nua_handle_t *nh, struct ms__sip_call *c,
                    const sip_t *sip)
{
    if (!c) {
        reject_new(a, nh, 481);
        return;
    }
    if (!c->ended) {
        respond_this(a, nh, 481);
        return;
    }
    const sip_payload_t *pl = sip ? sip->sip_payload : NULL;
    if (!pl || !pl->pl_data || pl->pl_len == 0) {
        respond_this(a, nh, 200); /* an empty INFO is a keep-alive */
        return;
    }
    const char *ct =
        sip->sip_content_type && sip->sip_content_type->c_type ? sip->sip_content_type->c_type : "";
    char digit;
    int dur;
    int rc = ms__sip_dtmf_parse(ct, pl->pl_data, pl->pl_len, &digit, &dur);
    respond_this(a, nh, rc == 0 ? 200 : rc == MS_ENOSYS ? 415 : 400);
    if (rc < 0) {
        ms_debug(c->call_id, "INFO with %s body refused: %s", ct, ms_err_name(rc));
        return;
    }
    struct ms__sip_evnode *n = ms__sip_ev_build(MS_SIP_EV_INFO, c, NULL, false);
    if (n) {
        n->ev.dtmf_digit = digit;
        n->ev.dtmf_duration_ms = dur;
        ms__sip_push(a, n);
    }
}

/* ---- state and responses ---- */

static void on_state(struct ms__sip_agent *a, struct ms__sip_call *c, int status, tagi_t tags[])
{
    int state = nua_callstate_init;
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    ms_debug(c->call_id, "call %llu state %s (%d)", (unsigned long long)c->id,
             nua_callstate_name((enum nua_callstate)state), status);
    if (state == nua_callstate_ready) {
        c->answered = true;
        if (!c->outgoing && !c->confirmed) {
            c->confirmed = true;
            push_ev(a, MS_SIP_EV_CONFIRMED, c, NULL, false, 0);
        }
    } else if (state == nua_callstate_terminating) {
        /* our BYE is out (or NUA sent one after an ACK timeout): the call is over for the loop,
         * though the handle lives on until the BYE transaction ends */
        ms__sip_call_deliver_end(a, c);
    } else if (state == nua_callstate_terminated) {
        if (status == 408)
            ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "timeout", 408);
        ms__sip_call_finish(a, c);
    }
}

static void on_r_invite(struct ms__sip_agent *a, struct ms__sip_call *c, int status,
                        const sip_t *sip)
{
    if (status < 200) {
        if (status > 100)
            push_ev(a, MS_SIP_EV_PROGRESS, c, sip, false, status);
        return;
    }
    if (status < 300) {
        if (!c->answered) {
            c->answered = true;
            push_ev(a, MS_SIP_EV_ANSWERED, c, sip, false, status);
        }
        return;
    }
    /* responses sofia makes up itself (Timer B 408, 503 "No transport") carry neither Server
     * nor User-Agent; a real peer's 408/503 nearly always carries one of them */
    bool made_up = !sip || ((status == 408 || status == 503 || status >= 900) && !sip->sip_server &&
                            !sip->sip_user_agent);
    bool remote = !made_up;
    if (remote)
        ms__sip_call_record_end(c, MS_SIP_END_REMOTE, "rejected", status);
    else if (status == 408)
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "timeout", status);
    else if (status == 503)
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "transport error", status);
    else
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "error", status);
}

static void on_params(struct ms__sip_agent *a, tagi_t tags[])
{
    const tagi_t *t = tl_find(tags, ntatag_contact);
    const sip_contact_t *m = t ? (const sip_contact_t *)t->t_value : NULL;
    if (!m)
        return;
    const char *port = m->m_url->url_port;
    a->port = port && *port ? atoi(port) : 5060;
}

/* ---- shutdown ---- */

static void drop_all_calls(struct ms__sip_agent *a)
{
    struct ms__sip_call *c;
    while ((c = ms__sip_calls_any(&a->calls)) != NULL) {
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "shutdown", 503);
        ms__sip_call_finish(a, c);
    }
}

static void on_shutdown(struct ms__sip_agent *a, int status)
{
    if (status < 200)
        return;
    ms_debug(NULL, "NUA shut down (%d)", status);
    a->shutdown_done = true;
    drop_all_calls(a);
    if (a->stop_timer)
        su_timer_destroy(a->stop_timer);
    a->stop_timer = NULL;
    su_root_break(a->root);
}

static void on_hard_timer(struct ms__sip_agent *root_magic, su_timer_t *t, struct ms__sip_agent *a)
{
    (void)root_magic;
    (void)t;
    ms_err(NULL, "NUA did not shut down in %d ms: leaving it behind", MS_SIP_STOP_HARD_MS);
    a->nua_abandoned = true;
    su_root_break(a->root);
}

static void on_stop_timer(struct ms__sip_agent *root_magic, su_timer_t *t, struct ms__sip_agent *a)
{
    (void)root_magic;
    ms_warn(NULL, "SIP shutdown still busy after %d ms: dropping %zu calls", MS_SIP_STOP_GRACE_MS,
            a->calls.count);
    drop_all_calls(a); /* every ENDED is out now; NUA may still wait for transactions */
    su_timer_set_interval(t, on_hard_timer, a, MS_SIP_STOP_HARD_MS - MS_SIP_STOP_GRACE_MS);
}

void ms__sip_nua_begin_shutdown(struct ms__sip_agent *a)
{
    nua_shutdown(a->nua);
    a->stop_timer = su_timer_create(su_root_task(a->root), MS_SIP_STOP_GRACE_MS);
    if (a->stop_timer)
        su_timer_set(a->stop_timer, on_stop_timer, a);
}

/* ---- the callback ---- */

static void nua_cb(nua_event_t event, int status, char const *phrase, nua_t *nua,
                   struct ms__sip_agent *a, nua_handle_t *nh, struct ms__sip_call *c,
                   sip_t const *sip, tagi_t tags[])
{
    (void)nua;
    ms_debug(c ? c->call_id : NULL, "%s %d %s", nua_event_name(event), status,
             phrase ? phrase : "");
    switch (event) {
    case nua_i_invite:
        on_invite(a, nh, c, sip);
        break;
    case nua_i_state:
        if (c)
            on_state(a, c, status, tags);
        break;
    case nua_i_cancel:
        if (c)
            ms__sip_call_record_end(c, MS_SIP_END_REMOTE, "CANCEL", 487);
        break;
    case nua_i_bye:
        if (c)
            ms__sip_call_record_end(c, MS_SIP_END_REMOTE, "BYE", 200);
        break;
    case nua_i_info:
        on_info(a, nh, c, sip);
        break;
    case nua_r_invite:
        if (c)
            on_r_invite(a, c, status, sip);
        break;
    case nua_r_bye:
        if (c)
            ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "BYE", status);
        break;
    case nua_r_get_params:
        on_params(a, tags);
        break;
    case nua_r_shutdown:
        on_shutdown(a, status);
        break;
    case nua_i_error:
        ms_warn(c ? c->call_id : NULL, "NUA error %d %s", status, phrase ? phrase : "");
        if (c && status == 408) /* "ACK Timeout": NUA sends BYE itself */
            ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "timeout", 408);
        break;
    default:
        /* a handle NUA made for an out-of-dialog request we do not keep */
        if (!c && nh && nua_event_is_incoming_request(event))
            nua_handle_destroy(nh);
        break;
    }
}

/* ---- start ---- */

static int from_errno(int e)
{
    switch (e) {
    case EADDRINUSE:
        return MS_EADDRINUSE;
    case EACCES:
    case EPERM:
        return MS_EACCES;
    case ENOMEM:
        return MS_ENOMEM;
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
    case EINVAL:
    case ENOENT:
        return MS_EINVAL;
    default:
        return MS_EIO;
    }
}

static void make_url(const struct ms__sip_agent *a, char *buf, size_t cap)
{
    bool v6 = strchr(a->ip, ':') != NULL;
    /* no parameter binds both UDP and TCP; ";transport=udp,tcp" crashes a second NUA of the
     * process inside tport_tbind (sofia-sip 1.12.11) */
    const char *transport = a->udp && a->tcp ? "" : a->udp ? ";transport=udp" : ";transport=tcp";
    snprintf(buf, cap, "sip:%s%s%s:%d%s", v6 ? "[" : "", a->ip, v6 ? "]" : "", a->cfg_port,
             transport);
}

/* Used only when start fails after nua_create: shut NUA down before destroying it. */
static void shutdown_now(struct ms__sip_agent *a)
{
    a->shutting_down = true;
    nua_shutdown(a->nua);
    for (int i = 0; i < PORT_QUERY_STEPS && !a->shutdown_done; i++)
        su_root_step(a->root, 10);
}

int ms__sip_nua_start(struct ms__sip_agent *a)
{
    int rc = ms__sip_calls_init(&a->calls);
    if (rc < 0)
        return rc;
    char url[128];
    make_url(a, url, sizeof url);
    errno = 0;
    a->nua = nua_create(a->root, nua_cb, a, NUTAG_URL(url), NUTAG_MEDIA_ENABLE(0),
                        NUTAG_AUTOANSWER(0), NUTAG_AUTOACK(1), NUTAG_AUTOALERT(0),
                        NUTAG_APPL_METHOD("INFO"), SIPTAG_ALLOW_STR(ALLOW), NUTAG_SESSION_TIMER(0),
                        NUTAG_OUTBOUND("no-validate no-natify no-options-keepalive"),
                        SIPTAG_SUPPORTED_STR(""), SIPTAG_USER_AGENT_STR(a->user_agent), TAG_END());
    if (!a->nua) {
        rc = from_errno(errno);
        ms_err(NULL, "cannot listen on %s: %s", url, ms_strerror(rc));
        return rc;
    }
    a->port = a->cfg_port;
    if (a->port != 0)
        return 0;
    nua_get_params(a->nua, TAG_ANY(), TAG_END());
    for (int i = 0; i < PORT_QUERY_STEPS && a->port == 0; i++)
        su_root_step(a->root, 10);
    if (a->port != 0)
        return 0;
    ms_err(NULL, "cannot learn the port NUA bound for %s", url);
    shutdown_now(a);
    return MS_EIO;
}
