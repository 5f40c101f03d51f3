/* ms_call: creation, references, state, variables and digits. */
#define MS_LOG_MODULE "call"
#include "call_internal.h"
#include "cause.h"
#include "media/tone_detect.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const state_names[] = {"new", "ringing", "answered", "hanging up", "ended"};
static const char *const source_names[] = {"rfc4733", "info", "inband", "sim"};

const char *ms_call_state_name(enum ms_call_state s)
{
    return (unsigned)s <= MS_CALL_ENDED ? state_names[s] : "?";
}

const char *ms_dtmf_source_name(enum ms_dtmf_source s)
{
    return (unsigned)s <= MS_DTMF_SIM ? source_names[s] : "?";
}

/* xorshift128+ seeded once per thread from the OS; call ids need uniqueness, not secrecy. */
static uint64_t next_random(void)
{
    static _Thread_local uint64_t s[2];
    if (!s[0] && !s[1]) {
        if (uv_random(NULL, NULL, s, sizeof s, 0, NULL) != 0 || (!s[0] && !s[1])) {
            s[0] = (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15ull;
            s[1] = (uint64_t)(uintptr_t)&s;
        }
    }
    uint64_t a = s[0], b = s[1];
    s[0] = b;
    a ^= a << 23;
    s[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    return s[1] + b;
}

static void make_uuid(char out[40])
{
    uint64_t hi = next_random(), lo = next_random();
    hi = (hi & ~0xf000ull) | 0x4000ull;             /* version 4 */
    lo = (lo & ~(0xc0ull << 56)) | (0x80ull << 56); /* variant 10 */
    snprintf(out, 40, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
             (unsigned)((hi >> 16) & 0xffff), (unsigned)(hi & 0xffff), (unsigned)(lo >> 48),
             (unsigned long long)(lo & 0xffffffffffffull));
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

int ms__call_new(struct ms_call **out, const struct ms_call_params *p)
{
    struct ms_call *call = calloc(1, sizeof *call);
    if (!call)
        return MS_ENOMEM;
    call->refs = 1;
    call->state = MS_CALL_NEW;
    if (p->id)
        snprintf(call->id, sizeof call->id, "%s", p->id);
    else
        make_uuid(call->id);
    call->caller = dup_or_empty(p->caller);
    call->caller_name = dup_or_empty(p->caller_name);
    call->destination = dup_or_empty(p->destination);
    if (!call->caller || !call->caller_name || !call->destination) {
        free(call->caller);
        free(call->caller_name);
        free(call->destination);
        free(call);
        return MS_ENOMEM;
    }
    call->env = p->env;
    call->ops = p->ops;
    call->ep = p->ep;
    call->start_ms = ms_loop_epoch_ms(p->env->loop);
    call->start_loop_ms = ms_loop_now(p->env->loop);
    call->rate = 8000;
    call->frame = 160;
    ms_timer_init(&call->op_timer, NULL, call);
    ms__dtmf_dedup_init(&call->dedup, MS_DTMF_DEDUP_WINDOW_MS);
    *out = call;
    return 0;
}

void *ms__call_endpoint(const struct ms_call *call)
{
    return call->ep;
}

const struct ms_endpoint_ops *ms__call_ops(const struct ms_call *call)
{
    return call->ops;
}

void ms_call_ref(struct ms_call *call)
{
    call->refs++;
}

static void call_free(struct ms_call *call)
{
    ms__tone_detect_free(call->detector);
    if (call->ops && call->ops->release)
        call->ops->release(call->ep, call);
    for (size_t i = 0; i < call->nvars; i++) {
        free(call->var_names[i]);
        free(call->var_values[i]);
    }
    free(call->var_names);
    free(call->var_values);
    free(call->caller);
    free(call->caller_name);
    free(call->destination);
    free(call);
}

void ms_call_unref(struct ms_call *call)
{
    if (--call->refs > 0)
        return;
    if (call->state != MS_CALL_ENDED)
        ms_warn(call->id, "call freed in state %s", ms_call_state_name(call->state));
    ms__media_stop(call);
    call_free(call);
}

const char *ms_call_id(const struct ms_call *call)
{
    return call->id;
}

const char *ms_call_caller(const struct ms_call *call)
{
    return call->caller;
}

const char *ms_call_caller_name(const struct ms_call *call)
{
    return call->caller_name;
}

const char *ms_call_destination(const struct ms_call *call)
{
    return call->destination;
}

int ms_call_set_destination(struct ms_call *call, const char *dest)
{
    char *d = strdup(dest);
    if (!d)
        return MS_ENOMEM;
    free(call->destination);
    call->destination = d;
    return 0;
}

enum ms_call_state ms_call_state(const struct ms_call *call)
{
    return call->state;
}

bool ms_call_is_over(const struct ms_call *call)
{
    return call->state >= MS_CALL_HANGING_UP;
}

struct ms_loop *ms_call_loop(const struct ms_call *call)
{
    return call->env->loop;
}

int ms_call_rate(const struct ms_call *call)
{
    return call->rate;
}

/* ---- variables ---- */

static ssize_t var_find(const struct ms_call *call, const char *name)
{
    for (size_t i = 0; i < call->nvars; i++)
        if (strcmp(call->var_names[i], name) == 0)
            return (ssize_t)i;
    return -1;
}

static void var_delete(struct ms_call *call, size_t i)
{
    free(call->var_names[i]);
    free(call->var_values[i]);
    call->nvars--;
    memmove(&call->var_names[i], &call->var_names[i + 1], (call->nvars - i) * sizeof(char *));
    memmove(&call->var_values[i], &call->var_values[i + 1], (call->nvars - i) * sizeof(char *));
}

static int var_grow(struct ms_call *call)
{
    size_t cap = call->capvars ? call->capvars * 2 : 8;
    char **n = realloc(call->var_names, cap * sizeof *n);
    if (!n)
        return MS_ENOMEM;
    call->var_names = n;
    char **v = realloc(call->var_values, cap * sizeof *v);
    if (!v)
        return MS_ENOMEM;
    call->var_values = v;
    call->capvars = cap;
    return 0;
}

int ms_call_var_set(struct ms_call *call, const char *name, const char *value)
{
    if (!name || !*name)
        return MS_EINVAL;
    ssize_t i = var_find(call, name);
    if (!value) {
        if (i >= 0)
            var_delete(call, (size_t)i);
        return 0;
    }
    char *v = strdup(value);
    if (!v)
        return MS_ENOMEM;
    if (i >= 0) {
        free(call->var_values[i]);
        call->var_values[i] = v;
        return 0;
    }
    char *n = strdup(name);
    if (!n || (call->nvars == call->capvars && var_grow(call) < 0)) {
        free(n);
        free(v);
        return MS_ENOMEM;
    }
    call->var_names[call->nvars] = n;
    call->var_values[call->nvars++] = v;
    return 0;
}

const char *ms_call_var_get(const struct ms_call *call, const char *name)
{
    ssize_t i = var_find(call, name);
    return i >= 0 ? call->var_values[i] : NULL;
}

bool ms_call_var_at(const struct ms_call *call, size_t i, const char **name, const char **value)
{
    if (i >= call->nvars)
        return false;
    *name = call->var_names[i];
    *value = call->var_values[i];
    return true;
}

/* ---- signalling verbs ---- */

int ms_call_ring(struct ms_call *call)
{
    if (ms_call_is_over(call))
        return MS_EHANGUP;
    if (call->state != MS_CALL_NEW)
        return call->state == MS_CALL_RINGING ? 0 : MS_ESTATE;
    int rc = call->ops->ring ? call->ops->ring(call->ep, call) : 0;
    if (rc == 0)
        call->state = MS_CALL_RINGING;
    return rc;
}

int ms_call_answer(struct ms_call *call)
{
    if (ms_call_is_over(call))
        return MS_EHANGUP;
    if (call->state == MS_CALL_ANSWERED)
        return 0;
    int rc = call->ops->answer(call->ep, call);
    if (rc < 0)
        return rc;
    call->state = MS_CALL_ANSWERED;
    call->answer_ms = call->start_ms + (ms_loop_now(call->env->loop) - call->start_loop_ms);
    ms__media_start(call);
    ms_debug(call->id, "answered");
    return 0;
}

static void set_over(struct ms_call *call, const char *cause, bool by_remote)
{
    snprintf(call->cause, sizeof call->cause, "%s", cause);
    call->by_remote = by_remote;
    call->end_ms = call->start_ms + (ms_loop_now(call->env->loop) - call->start_loop_ms);
    ms__media_stop(call);
    ms__ops_call_over(call);
}

int ms_call_hangup(struct ms_call *call, const char *cause)
{
    if (!cause)
        cause = "NORMAL_CLEARING";
    const struct ms__cause *c = ms__cause_find(cause);
    if (!c)
        return MS_EINVAL;
    if (ms_call_is_over(call))
        return 0;
    call->state = MS_CALL_HANGING_UP;
    set_over(call, c->name, false);
    ms_info(call->id, "hangup %s by server", c->name);
    call->ops->hangup(call->ep, call, c->name, c->sip_status);
    return 0;
}

void ms__call_ended(struct ms_call *call, const char *cause, bool by_remote)
{
    if (call->state == MS_CALL_ENDED)
        return;
    if (!ms_call_is_over(call)) {
        call->state = MS_CALL_HANGING_UP;
        set_over(call, cause ? cause : "NORMAL_CLEARING", by_remote);
        ms_info(call->id, "hangup %s by %s", call->cause, by_remote ? "caller" : "server");
    }
    call->state = MS_CALL_ENDED;
    if (call->ended_cb) {
        ms_call_ended_cb cb = call->ended_cb;
        call->ended_cb = NULL;
        cb(call->ended_ud, call);
    }
}

void ms_call_on_ended(struct ms_call *call, ms_call_ended_cb cb, void *ud)
{
    call->ended_cb = cb;
    call->ended_ud = ud;
}

const char *ms_call_hangup_cause(const struct ms_call *call)
{
    return call->cause[0] ? call->cause : NULL;
}

const char *ms_call_hangup_by(const struct ms_call *call)
{
    if (!call->cause[0])
        return NULL;
    return call->by_remote ? "caller" : "server";
}

void ms__call_times(const struct ms_call *call, struct ms_call_times *out)
{
    out->start_ms = call->start_ms;
    out->answer_ms = call->answer_ms;
    out->end_ms = call->end_ms;
}

/* ---- digits ---- */

void ms__call_dtmf(struct ms_call *call, char digit, enum ms_dtmf_source src)
{
    if (digit >= 'a' && digit <= 'd')
        digit = (char)(digit - 'a' + 'A');
    uint64_t now = ms_loop_now(call->env->loop);
    if (ms_call_is_over(call) || !ms__dtmf_dedup_accept(&call->dedup, digit, src, now)) {
        ms_debug(call->id, "dtmf %c (%s) ignored", digit, ms_dtmf_source_name(src));
        return;
    }
    if (call->nlog < MS_DIGIT_LOG) {
        struct ms_digit_record *r = &call->log[call->nlog++];
        r->digit = digit;
        r->source = src;
        r->at_ms = now - call->start_loop_ms;
    }
    ms_debug(call->id, "dtmf %c (%s)", digit, ms_dtmf_source_name(src));
    if (call->qlen == MS_DIGIT_QUEUE) { /* oldest type-ahead is dropped */
        call->qhead = (call->qhead + 1) % MS_DIGIT_QUEUE;
        call->qlen--;
    }
    call->queue[(call->qhead + call->qlen) % MS_DIGIT_QUEUE] = digit;
    call->qlen++;
    ms__ops_digit(call);
}

bool ms__call_pop_digit(struct ms_call *call, char *out)
{
    if (!call->qlen)
        return false;
    *out = call->queue[call->qhead];
    call->qhead = (call->qhead + 1) % MS_DIGIT_QUEUE;
    call->qlen--;
    return true;
}

void ms__call_flush_digits(struct ms_call *call)
{
    call->qhead = call->qlen = 0;
}

size_t ms_call_digit_count(const struct ms_call *call)
{
    return call->nlog;
}

const struct ms_digit_record *ms_call_digit_at(const struct ms_call *call, size_t i)
{
    return i < call->nlog ? &call->log[i] : NULL;
}
