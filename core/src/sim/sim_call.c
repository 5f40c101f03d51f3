/* The in-process simulated caller (see sim_call.h). */
#define MS_LOG_MODULE "sim"
#include "sim/sim_call.h"
#include "endpoint.h"
#include "engine.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <stdlib.h>

struct sim_call {
    struct ms__caller base; /* first */
    struct ms_call *call;
};

/* ---- the endpoint, as the call sees it ---- */

static int sim_ring(void *ep, struct ms_call *call)
{
    (void)call;
    ms__caller_note(ep, MS_HEARD_RINGING, NULL, NULL, false, 180);
    return 0;
}

static int sim_answer(void *ep, struct ms_call *call)
{
    (void)call;
    ms__caller_note(ep, MS_HEARD_ANSWERED, NULL, NULL, false, 200);
    return 0;
}

static void sim_hangup(void *ep, struct ms_call *call, const char *cause, int sip_status)
{
    struct ms_call_times t;
    ms__call_times(call, &t);
    bool answered = t.answer_ms != 0;
    ms__caller_note(ep, MS_HEARD_HANGUP, cause, "server", false, answered ? 0 : sip_status);
    ms__call_ended(call, NULL, false);
}

static void sim_release(void *ep, struct ms_call *call)
{
    (void)call;
    struct sim_call *sc = ep;
    ms__caller_fini(&sc->base);
    free(sc);
}

static void sim_media_event(void *ep, struct ms_call *call, const struct ms_media_event *ev)
{
    (void)call;
    static const enum ms__heard_kind kinds[] = {MS_HEARD_PROMPT, MS_HEARD_PROMPT_END, MS_HEARD_ECHO,
                                                MS_HEARD_ECHO_END};
    ms__caller_note(ep, kinds[ev->kind], ev->name, ev->source, ev->complete, 0);
}

static const struct ms_endpoint_ops sim_ops = {
    .kind = "sim",
    .ring = sim_ring,
    .answer = sim_answer,
    .hangup = sim_hangup,
    .release = sim_release,
    .media_event = sim_media_event,
};

/* ---- the media port: the caller's audio in, the call's audio out ---- */

static int port_read(void *port, int16_t *pcm, size_t n)
{
    return ms__caller_take(port, pcm, n) ? 1 : 0;
}

static void port_write(void *port, const int16_t *pcm, size_t n)
{
    ms__caller_hear(port, pcm, n);
}

static const struct ms_media_port_ops sim_port = {port_read, port_write};

/* ---- the caller's side ---- */

static int c_press(struct ms__caller *c, char digit, enum ms__press_method m, int duration_ms)
{
    struct sim_call *sc = (struct sim_call *)c;
    if (!ms__caller_valid_digit(digit))
        return MS_EINVAL;
    if (c->ended)
        return MS_EHANGUP;
    char d[2] = {digit, 0};
    ms__caller_note(c, MS_HEARD_PRESSED, d, ms__press_method_name(m), false, 0);
    if (m == MS_PRESS_INBAND)
        return ms__caller_queue_tone(c, digit, duration_ms > 0 ? duration_ms : 100);
    ms__call_dtmf(sc->call, digit, m == MS_PRESS_INFO ? MS_DTMF_INFO : MS_DTMF_RFC4733);
    return 0;
}

static void c_hangup(struct ms__caller *c)
{
    if (c->ended)
        return;
    ms__caller_note(c, MS_HEARD_HANGUP, "NORMAL_CLEARING", "caller", false, 0);
    ms__call_ended(((struct sim_call *)c)->call, "NORMAL_CLEARING", true);
}

static const char *c_id(struct ms__caller *c)
{
    return ms_call_id(((struct sim_call *)c)->call);
}

static const char *c_sip_call_id(struct ms__caller *c)
{
    (void)c;
    return NULL;
}

static const char *c_var(struct ms__caller *c, const char *name)
{
    return ms_call_var_get(((struct sim_call *)c)->call, name);
}

static void c_unref(struct ms__caller *c)
{
    ms_call_unref(((struct sim_call *)c)->call); /* may free c */
}

static const struct ms__caller_ops caller_ops = {
    .mode = "inprocess",
    .grace_ms = 0,
    .press = c_press,
    .hangup = c_hangup,
    .id = c_id,
    .sip_call_id = c_sip_call_id,
    .var = c_var,
    .unref = c_unref,
};

int ms__sim_dial(struct ms__engine *engine, const struct ms__sim_dial_opts *o,
                 ms__caller_notify_cb notify, void *ud, struct ms__caller **out)
{
    struct sim_call *sc = calloc(1, sizeof *sc);
    if (!sc)
        return MS_ENOMEM;
    const struct ms_call_env *env = ms__engine_env(engine);
    ms__caller_init(&sc->base, &caller_ops, env->loop, notify, ud);
    struct ms_call_params p = {
        .caller = o->caller ? o->caller : "anonymous",
        .caller_name = o->caller_name,
        .destination = o->destination,
        .env = env,
        .ops = &sim_ops,
        .ep = sc,
    };
    int rc = ms__call_new(&sc->call, &p);
    if (rc < 0) {
        free(sc);
        return rc;
    }
    for (const char *const *h = o->headers; h && h[0] && h[1]; h += 2) {
        char name[128];
        snprintf(name, sizeof name, "sip_h_%s", h[0]);
        ms_call_var_set(sc->call, name, h[1]);
    }
    ms__call_set_media(sc->call, 8000, o->rfc4733, &sim_port, sc);
    /* The first reference (the endpoint's) becomes the caller's: a simulated
     * phone has nothing to release after the call. */
    rc = ms__engine_accept_call(engine, sc->call);
    if (rc < 0) { /* refused as SIP would refuse it */
        ms__caller_note(&sc->base, MS_HEARD_HANGUP, "NORMAL_TEMPORARY_FAILURE", "server", false,
                        rc == MS_EFORMAT ? 500 : 503);
        ms__call_ended(sc->call, "NORMAL_TEMPORARY_FAILURE", false);
    }
    *out = &sc->base;
    return 0;
}

struct ms__caller *ms__sim_of(struct ms_call *call)
{
    return call && ms__call_ops(call) == &sim_ops ? ms__call_endpoint(call) : NULL;
}
