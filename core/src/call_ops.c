/* The pending operation of a call: play, sleep, echo and one try of digit
 * collection. One at a time; completion is always delivered from a deferred
 * callback, never from inside the function that started the operation. */
#define MS_LOG_MODULE "call"
#include "call_internal.h"
#include "moonswitch/error.h"
#include "media/moh.h"
#include "media/tone_detect.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <string.h>

static void fire(void *ud)
{
    struct ms_call *call = ud;
    enum ms__op_kind kind = call->op;
    call->op = OP_NONE;
    void *oud = call->op_ud;
    switch (kind) {
    case OP_PLAY:
    case OP_MOH:
        call->play_result.failed = call->op_failed[0] ? call->op_failed : NULL;
        call->op_cb.play(oud, &call->play_result);
        break;
    case OP_SLEEP:
    case OP_ECHO:
        call->op_cb.done(oud, call->op_status);
        break;
    case OP_RECORD:
        ms__record_fire(call);
        break;
    case OP_TONE: /* freed here, not in complete(): that may run inside its own callback */
        ms__tone_detect_free(call->detector);
        call->detector = NULL;
        call->op_cb.tone(oud, call->op_status, call->tone_heard);
        break;
    case OP_COLLECT: {
        struct ms__collect *c = &call->collect;
        struct ms_collect_result r = {
            .status = call->op_status,
            .digits = c->digits,
            .reason = call->op_reason ? call->op_reason : "error",
            .terminator = call->play_result.digit,
            .failed = call->op_failed[0] ? call->op_failed : NULL,
            .speech = c->has_speech ? c->speech : NULL,
            .confidence = c->confidence,
        };
        call->op_cb.collect(oud, &r);
        break;
    }
    case OP_NONE:
        break;
    }
    ms_call_unref(call);
}

/* Ends the pending op with a status; the callback runs from the loop later. */
void ms__op_complete(struct ms_call *call, int status, const char *failed)
{
    if (call->op == OP_NONE || call->op_defer.queued)
        return;
    ms_timer_stop(call->env->loop, &call->op_timer);
    call->op_status = status;
    call->play_result.status = status;
    snprintf(call->op_failed, sizeof call->op_failed, "%s", failed ? failed : "");
    if (call->op == OP_PLAY || call->op == OP_COLLECT)
        ms__playback_stop(call);
    if (call->op == OP_COLLECT)
        ms__speech_stop(call);
    if (call->op == OP_MOH && call->tx == TX_MOH) {
        ms__media_emit(call, MS_MEDIA_PLAY_END, false);
        call->tx = TX_SILENCE;
        call->moh = NULL;
    }
    if (call->op == OP_ECHO && call->tx == TX_ECHO) {
        call->tx = TX_SILENCE;
        ms__media_emit(call, MS_MEDIA_ECHO_END, status == 0);
    }
    ms_defer(call->env->loop, &call->op_defer, fire, call);
}

int ms__op_begin(struct ms_call *call, enum ms__op_kind kind, void *ud)
{
    if (ms_call_is_over(call))
        return MS_EHANGUP;
    if (call->op != OP_NONE)
        return MS_EBUSY;
    if (call->state != MS_CALL_ANSWERED && kind != OP_SLEEP) {
        int rc = ms_call_answer(call); /* media verbs answer first, as FreeSWITCH apps do */
        if (rc < 0)
            return rc;
    }
    call->op = kind;
    call->op_ud = ud;
    call->op_failed[0] = 0;
    call->op_reason = NULL;
    call->play_result = (struct ms_play_result){0};
    ms_call_ref(call);
    return 0;
}

void ms_call_cancel_op(struct ms_call *call)
{
    if (call->op == OP_RECORD) { /* a recording is kept, never thrown away */
        ms__record_stop(call, "cancelled");
        return;
    }
    ms__op_complete(call, MS_ECANCELED, NULL);
}

void ms__ops_call_over(struct ms_call *call)
{
    if (call->op == OP_RECORD) { /* keep what was said: complete once the file is renamed */
        ms__record_stop(call, "hangup");
        return;
    }
    if (call->op == OP_COLLECT)
        call->op_reason = "hangup";
    ms__op_complete(call, MS_EHANGUP, NULL);
}

static void on_op_timer(void *ud)
{
    struct ms_call *call = ud;
    if (call->op == OP_COLLECT)
        call->op_reason = "timeout";
    ms__op_complete(call, call->op == OP_TONE ? MS_ETIMEDOUT : 0, NULL);
}

/* ---- play ---- */

int ms_call_play(struct ms_call *call, const struct ms_play_item *items, size_t n,
                 const struct ms_play_opts *opts, ms_play_cb cb, void *ud)
{
    int rc = ms__op_begin(call, OP_PLAY, ud);
    if (rc < 0)
        return rc;
    call->op_cb.play = cb;
    snprintf(call->op_interrupt, sizeof call->op_interrupt, "%s",
             opts && opts->interrupt ? opts->interrupt : "");
    char d;
    if (call->op_interrupt[0] && call->qlen &&
        strchr(call->op_interrupt, call->queue[call->qhead])) {
        ms__call_pop_digit(call, &d); /* typed ahead: do not play at all */
        call->play_result.digit = d;
        ms__op_complete(call, 0, NULL);
        return 0;
    }
    rc = ms__playback_start(call, items, n, opts ? opts->loops : 1);
    if (rc < 0)
        ms__op_complete(call, rc, NULL);
    return 0;
}

/* ---- music on hold ---- */

int ms_call_moh(struct ms_call *call, const char *cls, const struct ms_moh_opts *opts,
                ms_play_cb cb, void *ud)
{
    struct ms__moh_class *c = call->env->moh ? ms__moh_find(call->env->moh, cls) : NULL;
    if (!c)
        return MS_ENOENT;
    int rc = ms__op_begin(call, OP_MOH, ud);
    if (rc < 0)
        return rc;
    call->op_cb.play = cb;
    snprintf(call->op_interrupt, sizeof call->op_interrupt, "%s",
             opts && opts->interrupt ? opts->interrupt : "");
    ms__playback_stop(call);
    call->moh = c;
    snprintf(call->moh_name, sizeof call->moh_name, "moh/%s", cls);
    call->tx = TX_MOH;
    ms__media_emit(call, MS_MEDIA_PLAY_START, false);
    if (opts && opts->ms > 0) {
        call->op_timer.cb = on_op_timer;
        ms_timer_start(call->env->loop, &call->op_timer, opts->ms);
    }
    return 0;
}

/* ---- listening for tones ---- */

unsigned ms_tone_event_bit(const char *name)
{
    return ms__tone_detect_bit(name);
}

static void on_tone(void *ud, const char *name, uint64_t at_ms)
{
    (void)at_ms;
    struct ms_call *call = ud;
    if (call->op != OP_TONE || call->op_defer.queued)
        return;
    ms_debug(call->id, "tone heard: %s", name);
    call->tone_heard = name; /* a static string */
    ms__op_complete(call, 0, NULL);
}

int ms_call_wait_tone(struct ms_call *call, unsigned mask, uint64_t timeout_ms, ms_tone_cb cb,
                      void *ud)
{
    if (!mask || (mask & ~MS__TD_ALL))
        return MS_EINVAL;
    int rc = ms__op_begin(call, OP_TONE, ud);
    if (rc < 0)
        return rc;
    call->op_cb.tone = cb;
    call->tone_heard = NULL;
    rc = ms__tone_detect_new(&call->detector, call->rate, mask, on_tone, call);
    if (rc < 0) {
        ms__op_complete(call, rc, NULL);
        return 0;
    }
    if (timeout_ms) {
        call->op_timer.cb = on_op_timer;
        ms_timer_start(call->env->loop, &call->op_timer, timeout_ms);
    }
    return 0;
}

/* ---- sleep and echo ---- */

int ms_call_sleep(struct ms_call *call, uint64_t ms, ms_done_cb cb, void *ud)
{
    int rc = ms__op_begin(call, OP_SLEEP, ud);
    if (rc < 0)
        return rc;
    call->op_cb.done = cb;
    call->op_timer.cb = on_op_timer;
    ms_timer_start(call->env->loop, &call->op_timer, ms);
    return 0;
}

int ms_call_echo(struct ms_call *call, uint64_t ms, ms_done_cb cb, void *ud)
{
    int rc = ms__op_begin(call, OP_ECHO, ud);
    if (rc < 0)
        return rc;
    call->op_cb.done = cb;
    call->tx = TX_ECHO;
    ms__media_emit(call, MS_MEDIA_ECHO_START, false);
    if (ms > 0) {
        call->op_timer.cb = on_op_timer;
        ms_timer_start(call->env->loop, &call->op_timer, ms);
    }
    return 0;
}

/* ---- collect ---- */

void ms__collect_finish(struct ms_call *call, const char *reason)
{
    call->op_reason = reason;
    ms__op_complete(call, 0, NULL);
}

static void collect_arm(struct ms_call *call, uint64_t ms)
{
    call->op_timer.cb = on_op_timer;
    ms_timer_start(call->env->loop, &call->op_timer, ms);
}

/* Consumes queued digits; returns true when the try has ended. */
static bool collect_take_digits(struct ms_call *call)
{
    struct ms__collect *c = &call->collect;
    char d;
    while (ms__call_pop_digit(call, &d)) {
        ms__speech_stop(call); /* a digit first: no speech this try */
        if (!c->prompt_done) { /* barge-in */
            ms__playback_stop(call);
            c->prompt_done = true;
        }
        if (strchr(c->terminators, d)) {
            call->play_result.digit = d;
            ms__collect_finish(call, "terminator");
            return true;
        }
        c->digits[c->ndigits++] = d;
        c->digits[c->ndigits] = 0;
        if (c->ndigits >= (size_t)c->opts.max) {
            ms__collect_finish(call, "max");
            return true;
        }
        collect_arm(call, c->opts.inter_digit_ms);
    }
    return false;
}

int ms_call_collect(struct ms_call *call, const struct ms_collect_opts *opts, ms_collect_cb cb,
                    void *ud)
{
    if (opts->max < 1 || opts->max > 64 || opts->min < 0 || opts->min > opts->max)
        return MS_EINVAL;
    if (opts->terminators && strlen(opts->terminators) > 16)
        return MS_EINVAL;
    int rc = ms__op_begin(call, OP_COLLECT, ud);
    if (rc < 0)
        return rc;
    call->op_cb.collect = cb;
    struct ms__collect *c = &call->collect;
    memset(c, 0, sizeof *c);
    c->opts = *opts;
    snprintf(c->terminators, sizeof c->terminators, "%s",
             opts->terminators ? opts->terminators : "");
    c->opts.terminators = c->terminators;
    c->opts.prompt = NULL;
    c->opts.speech = NULL; /* used below, not kept */
    if (opts->flush)
        ms__call_flush_digits(call);
    c->prompt_done = call->qlen > 0 || opts->nprompt == 0;
    if (collect_take_digits(call))
        return 0;
    if (opts->speech && c->ndigits == 0 && (rc = ms__speech_start(call, opts->speech)) < 0) {
        call->op = OP_NONE; /* refused at once: no callback */
        ms_call_unref(call);
        return rc;
    }
    if (!c->prompt_done) {
        rc = ms__playback_start(call, opts->prompt, opts->nprompt, 1);
        if (rc < 0)
            ms__op_complete(call, rc, NULL);
    } else if (c->ndigits == 0) {
        collect_arm(call, opts->timeout_ms);
        ms__speech_prompt_done(call);
    }
    return 0;
}

/* ---- events ---- */

void ms__ops_playback_done(struct ms_call *call, int status, const char *failed)
{
    if (call->op == OP_RECORD) {
        ms__record_playback_done(call, status);
    } else if (call->op == OP_PLAY) {
        ms__op_complete(call, status, failed);
    } else if (call->op == OP_COLLECT && !call->collect.prompt_done) {
        call->collect.prompt_done = true;
        if (status < 0) {
            call->op_reason = "error";
            ms__op_complete(call, status, failed);
        } else if (!call->collect.speaking) {
            collect_arm(call, call->collect.opts.timeout_ms);
            ms__speech_prompt_done(call);
        }
    }
}

void ms__ops_digit(struct ms_call *call)
{
    if (call->op_defer.queued)
        return;
    if (call->op == OP_RECORD) {
        char d = call->queue[(call->qhead + call->qlen - 1) % MS_DIGIT_QUEUE];
        if (ms__record_digit(call, d))
            call->qlen--;
    } else if ((call->op == OP_PLAY || call->op == OP_MOH) && call->op_interrupt[0]) {
        char d = call->queue[(call->qhead + call->qlen - 1) % MS_DIGIT_QUEUE];
        if (strchr(call->op_interrupt, d)) {
            call->qlen--; /* consume the interrupting digit */
            call->play_result.digit = d;
            ms__op_complete(call, 0, NULL);
        }
    } else if (call->op == OP_COLLECT) {
        collect_take_digits(call);
    }
}
