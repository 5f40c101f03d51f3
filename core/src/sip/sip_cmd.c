/* Commands from the loop to the sofia thread, as su_msg messages to the sofia root: built and
 * sent on the loop thread (never blocking), executed in the sofia thread. */
#define MS_LOG_MODULE "sip"
#include "moonswitch/log.h"
#include "moonswitch/error.h"
#include "sip/sip_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRS 5

/* ---- sofia thread ---- */

/* NUA keeps the phrase pointer (unlike tag values, which it copies) until it has sent the
 * response, after this command's memory is gone: a custom phrase is copied into the handle's
 * home, which lives as long as the handle. */
static const char *phrase_for(nua_handle_t *nh, int status, const char *phrase)
{
    const char *std = sip_status_phrase(status);
    if (phrase && *phrase && !(std && strcmp(std, phrase) == 0)) {
        const char *copy = nh ? su_strdup(nua_handle_home(nh), phrase) : NULL;
        if (copy)
            return copy;
    }
    return std ? std : "Unknown";
}

static void do_respond(struct ms__sip_call *c, const struct ms__sip_cmd *cmd)
{
    if (c->outgoing) {
        ms_debug(c->call_id, "respond %d on an outgoing call: ignored", cmd->status);
        return;
    }
    if (!c->answered && cmd->status >= 300)
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, "rejected", cmd->status);
    if (cmd->status >= 200 && cmd->status < 300)
        c->answered = true;
    nua_respond(c->nh, cmd->status, phrase_for(c->nh, cmd->status, cmd->phrase),
                TAG_IF(cmd->sdp, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(cmd->sdp, SIPTAG_PAYLOAD_STR(cmd->sdp)), TAG_END());
}

/* Also used at shutdown, with reason "shutdown". */
static void hangup_call(struct ms__sip_call *c, int status, const char *reason)
{
    if (c->answered) {
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, reason ? reason : "BYE", 200);
        nua_bye(c->nh, TAG_END());
    } else if (c->outgoing) {
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, reason ? reason : "CANCEL", 487);
        nua_cancel(c->nh, TAG_END());
    } else {
        if (status < 300 || status > 699)
            status = 480;
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, reason ? reason : "rejected", status);
        nua_respond(c->nh, status, phrase_for(NULL, status, NULL), TAG_END());
    }
}

static void hangup_for_shutdown(struct ms__sip_call *c)
{
    if (c->ended) /* not already on its way out */
        hangup_call(c, 503, "shutdown");
}

static void do_info(struct ms__sip_call *c, const struct ms__sip_cmd *cmd)
{
    if (!c->answered) {
        ms_debug(c->call_id, "INFO before the call is answered: ignored");
        return;
    }
    char body[64];
    snprintf(body, sizeof body, "Signal=%c\r\nDuration=%d\r\n", cmd->digit, cmd->duration_ms);
    nua_info(c->nh, SIPTAG_CONTENT_TYPE_STR("application/dtmf-relay"), SIPTAG_PAYLOAD_STR(body),
             TAG_END());
}

static void do_invite(struct ms__sip_agent *a, const struct ms__sip_cmd *cmd)
{
    struct ms__sip_call *c = calloc(1, sizeof *c);
    if (!c) {
        ms_err(NULL, "out of memory for an outgoing call");
        return; /* cannot even report: the ENDED node lives in the call */
    }
    c->id = cmd->call;
    c->outgoing = true;
    snprintf(c->call_id, sizeof c->call_id, "%016llx-%llu@moonswitch", (unsigned long long)a->seed,
             (unsigned long long)cmd->call);
    if (ms__sip_call_attach(a, c) < 0)
        return;
    c->nh = nua_handle(a->nua, c, NUTAG_URL(cmd->to), SIPTAG_TO_STR(cmd->to),
                       TAG_IF(cmd->from, SIPTAG_FROM_STR(cmd->from)),
                       SIPTAG_CALL_ID_STR(c->call_id), TAG_END());
    if (!c->nh || a->shutting_down) {
        ms__sip_call_record_end(c, MS_SIP_END_LOCAL, a->shutting_down ? "shutdown" : "error", 500);
        ms__sip_call_finish(a, c);
        return;
    }
    nua_invite(c->nh, TAG_IF(cmd->sdp, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
               TAG_IF(cmd->sdp, SIPTAG_PAYLOAD_STR(cmd->sdp)),
               TAG_IF(cmd->headers, SIPTAG_HEADER_STR(cmd->headers)), TAG_END());
}

static void on_cmd(struct ms__sip_agent *a, su_msg_r msg, struct ms__sip_cmd *cmd)
{
    (void)msg;
    if (cmd->type == MS_SIP_CMD_SHUTDOWN) {
        a->shutting_down = true;
        ms__sip_calls_foreach(&a->calls, hangup_for_shutdown);
        ms__sip_nua_begin_shutdown(a);
        return;
    }
    if (cmd->type == MS_SIP_CMD_INVITE) {
        do_invite(a, cmd);
        return;
    }
    struct ms__sip_call *c = ms__sip_calls_find(&a->calls, cmd->call);
    if (!c || !c->ended) {
        ms_debug(NULL, "command %d for unknown or ended call %llu: ignored", (int)cmd->type,
                 (unsigned long long)cmd->call);
        return;
    }
    switch (cmd->type) {
    case MS_SIP_CMD_RESPOND:
        do_respond(c, cmd);
        break;
    case MS_SIP_CMD_HANGUP:
        hangup_call(c, cmd->status, NULL);
        break;
    case MS_SIP_CMD_INFO:
        do_info(c, cmd);
        break;
    default:
        break;
    }
}

/* ---- loop thread ---- */

/* Allocates a command with room for the strings, copies them in, and sends it. */
static int send_cmd(struct ms__sip_agent *a, const struct ms__sip_cmd *tmpl,
                    const char *const strs[MAX_STRS])
{
    size_t extra = 0;
    for (int i = 0; i < MAX_STRS; i++)
        extra += strs[i] ? strlen(strs[i]) + 1 : 0;
    su_msg_r m = SU_MSG_R_INIT;
    if (su_msg_create(m, su_root_task(a->root), su_task_null, on_cmd,
                      (isize_t)(sizeof *tmpl + extra)) != 0)
        return MS_ENOMEM;
    struct ms__sip_cmd *cmd = su_msg_data(m);
    *cmd = *tmpl;
    char *cur = cmd->data;
    const char **dst[MAX_STRS] = {&cmd->phrase, &cmd->sdp, &cmd->to, &cmd->from, &cmd->headers};
    for (int i = 0; i < MAX_STRS; i++) {
        *dst[i] = NULL;
        if (!strs[i])
            continue;
        size_t n = strlen(strs[i]);
        memcpy(cur, strs[i], n + 1);
        *dst[i] = cur;
        cur += n + 1;
    }
    return su_msg_send(m) == 0 ? 0 : MS_EIO;
}

static bool usable(struct ms__sip_agent *a, uint64_t call, const char *what)
{
    if (!a || a->stopping) {
        ms_debug(NULL, "%s after stop: ignored", what);
        return false;
    }
    if (call == 0) {
        ms_debug(NULL, "%s for call 0: ignored", what);
        return false;
    }
    return true;
}

static bool has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

void ms__sip_respond(struct ms__sip_agent *a, uint64_t call, int status, const char *phrase,
                     const char *sdp_or_null)
{
    if (!usable(a, call, "respond"))
        return;
    if (status < 100 || status > 699 || has_crlf(phrase)) {
        ms_warn(NULL, "respond %d with a bad status or phrase: ignored", status);
        return;
    }
    struct ms__sip_cmd t = {.type = MS_SIP_CMD_RESPOND, .call = call, .status = status};
    const char *strs[MAX_STRS] = {phrase, sdp_or_null};
    if (send_cmd(a, &t, strs) < 0)
        ms_err(NULL, "cannot send a respond command");
}

void ms__sip_hangup(struct ms__sip_agent *a, uint64_t call, int status_if_unanswered)
{
    if (!usable(a, call, "hangup"))
        return;
    struct ms__sip_cmd t = {
        .type = MS_SIP_CMD_HANGUP, .call = call, .status = status_if_unanswered};
    const char *strs[MAX_STRS] = {0};
    if (send_cmd(a, &t, strs) < 0)
        ms_err(NULL, "cannot send a hangup command");
}

void ms__sip_info_dtmf(struct ms__sip_agent *a, uint64_t call, char digit, int duration_ms)
{
    if (!usable(a, call, "info"))
        return;
    if (!strchr("0123456789*#ABCD", digit) || digit == '\0') {
        ms_warn(NULL, "INFO with bad DTMF digit 0x%02x: ignored", (unsigned char)digit);
        return;
    }
    if (duration_ms <= 0 || duration_ms > 10000)
        duration_ms = 250;
    struct ms__sip_cmd t = {
        .type = MS_SIP_CMD_INFO, .call = call, .digit = digit, .duration_ms = duration_ms};
    const char *strs[MAX_STRS] = {0};
    if (send_cmd(a, &t, strs) < 0)
        ms_err(NULL, "cannot send an info command");
}

/* "Name: value\r\nName: value" from name, value, ..., NULL; NULL if there are none. */
static int join_headers(const char *const *headers, char **out)
{
    *out = NULL;
    if (!headers || !headers[0])
        return 0;
    size_t len = 0;
    for (size_t i = 0; headers[i]; i += 2) {
        const char *name = headers[i], *value = headers[i + 1];
        if (!value || !*name || strpbrk(name, ": \t\r\n") || has_crlf(value))
            return MS_EINVAL;
        len += strlen(name) + strlen(value) + 4;
    }
    char *s = malloc(len + 1), *p = s;
    if (!s)
        return MS_ENOMEM;
    for (size_t i = 0; headers[i]; i += 2)
        p += sprintf(p, "%s%s: %s", i ? "\r\n" : "", headers[i], headers[i + 1]);
    *out = s;
    return 0;
}

static bool uri_ok(const char *uri)
{
    return uri && (strncmp(uri, "sip:", 4) == 0 || strncmp(uri, "sips:", 5) == 0) &&
           !strpbrk(uri, " \t\r\n<>\"");
}

int ms__sip_invite(struct ms__sip_agent *a, const char *to_uri, const char *from_uri,
                   const char *sdp, const char *const *headers, uint64_t *call_out)
{
    if (!a || !call_out || !uri_ok(to_uri) || (from_uri && (!*from_uri || has_crlf(from_uri))))
        return MS_EINVAL;
    if (a->stopping)
        return MS_ESTATE;
    char *hdrs;
    int rc = join_headers(headers, &hdrs);
    if (rc < 0)
        return rc;
    uint64_t id = ms__sip_new_call_id(a);
    struct ms__sip_cmd t = {.type = MS_SIP_CMD_INVITE, .call = id};
    const char *strs[MAX_STRS] = {NULL, sdp, to_uri, from_uri, hdrs};
    rc = send_cmd(a, &t, strs);
    free(hdrs);
    if (rc < 0)
        return rc;
    *call_out = id;
    return 0;
}

void ms__sip_agent_stop(struct ms__sip_agent *a, void (*done)(void *ud), void *ud)
{
    if (!a || a->stopping)
        return;
    a->stopping = true;
    a->done = done;
    a->done_ud = ud;
    struct ms__sip_cmd t = {.type = MS_SIP_CMD_SHUTDOWN};
    const char *strs[MAX_STRS] = {0};
    if (send_cmd(a, &t, strs) < 0) {
        /* cannot happen short of malloc failing; without the message the thread never ends */
        ms_err(NULL, "cannot send the shutdown command to the SIP thread");
        abort();
    }
}
