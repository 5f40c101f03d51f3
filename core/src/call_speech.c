/* Speech input of one collect try (call:gather{speech = ...}): a recognition
 * session (asr/asr.h) listens to the caller from the start of the prompt.
 *
 * Whichever comes first wins: a digit cancels the recognition (an in-band
 * DTMF tone may well have looked like speech), and speech that begins stops
 * the prompt (barge-in) and the first-digit timer; the try then ends with the
 * recognition's result. The session's own no-input timer is a backstop only:
 * the collect's timeout (from the end of the prompt) decides "timeout".
 *
 * Ownership: call->collect.asr is the session, owned by the asr; this file
 * forgets it when its result comes and cancels it when the try ends any other
 * way (ms__speech_stop from ms__op_complete). */
#define MS_LOG_MODULE "speech"
#include "asr/asr.h"
#include "call_internal.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <string.h>

#define BACKSTOP_MS 60000 /* the session's no-input timer, past the collect's timeout */

static void on_speech(void *ud)
{
    struct ms_call *call = ud;
    struct ms__collect *c = &call->collect;
    if (call->op != OP_COLLECT || call->op_defer.queued)
        return;
    c->speaking = true;
    ms_timer_stop(call->env->loop, &call->op_timer);
    if (!c->prompt_done) { /* barge-in */
        ms__playback_stop(call);
        c->prompt_done = true;
    }
}

static void on_result(void *ud, const struct ms__asr_result *r)
{
    struct ms_call *call = ud;
    struct ms__collect *c = &call->collect;
    c->asr = NULL; /* the session is gone once this returns */
    if (call->op != OP_COLLECT || call->op_defer.queued)
        return;
    ms_info(call->id, "speech: %s '%s' confidence %.2f (%d ms, decoded in %d ms)", r->reason,
            r->text, (double)r->confidence, r->speech_ms, r->decode_ms);
    if (strcmp(r->reason, "error") == 0) {
        call->op_reason = "error";
        ms__op_complete(call, MS_EIO, r->error ? r->error : "speech recognition failed");
        return;
    }
    c->confidence = r->confidence;
    if (strcmp(r->reason, "match") == 0) {
        snprintf(c->speech, sizeof c->speech, "%s", r->text);
        c->has_speech = true;
        ms__collect_finish(call, "speech");
    } else if (strcmp(r->reason, "nomatch") == 0) {
        ms__collect_finish(call, "nomatch");
    } else if (c->speaking || c->prompt_done) {
        ms__collect_finish(call, "timeout"); /* a noise that was not speech after all */
    }
}

static int compile(struct ms_call *call, const struct ms_speech_opts *o, struct ms__asr_grammar **g)
{
    char dummy[1];
    char *err = o->err && o->errlen ? o->err : dummy;
    size_t errlen = o->err && o->errlen ? o->errlen : sizeof dummy;
    if (o->grammar)
        return ms__asr_grammar_jsgf(call->env->asr, o->grammar, g, err, errlen);
    if (o->nkeywords)
        return ms__asr_grammar_keywords(call->env->asr, o->keywords, o->nkeywords, g, err, errlen);
    snprintf(err, errlen, "a grammar or keywords are needed");
    return MS_EINVAL;
}

int ms__speech_start(struct ms_call *call, const struct ms_speech_opts *o)
{
    if (!call->env->asr)
        return MS_ENOSYS;
    struct ms__asr_grammar *g;
    int rc = compile(call, o, &g);
    if (rc < 0)
        return rc;
    struct ms__asr_opts ao = MS__ASR_OPTS_INIT;
    ao.end_silence_ms = (int)o->end_silence_ms;
    ao.max_ms = (int)o->max_ms;
    ao.no_input_ms = (int)call->collect.opts.timeout_ms + BACKSTOP_MS;
    ao.min_confidence = o->min_confidence;
    ao.defer_no_input = true;
    ao.call_id = call->id;
    static const struct ms__asr_cb cb = {on_speech, on_result};
    rc = ms__asr_start(call->env->asr, g, &ao, &cb, call, &call->collect.asr);
    ms__asr_grammar_release(g); /* the session holds its own reference */
    return rc;
}

void ms__speech_frame(struct ms_call *call)
{
    static const int16_t silence[MS_MAX_FRAME];
    if (call->collect.asr && call->op == OP_COLLECT && !call->op_defer.queued)
        ms__asr_feed(call->collect.asr, call->rx_valid ? call->rx : silence, call->frame,
                     call->rate);
}

void ms__speech_prompt_done(struct ms_call *call)
{
    if (call->collect.asr)
        ms__asr_start_input_timer(call->collect.asr);
}

void ms__speech_stop(struct ms_call *call)
{
    if (call->collect.asr) {
        ms__asr_cancel(call->collect.asr);
        call->collect.asr = NULL;
    }
    call->collect.speaking = false;
}
