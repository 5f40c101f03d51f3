/* The in-process simulated caller (see sim_call.h). */
#define MS_LOG_MODULE "sim"
#include "sim/sim_call.h"
#include "endpoint.h"
#include "engine.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SILENCE_LEVEL 64 /* |sample| above this is sound */

struct ms__sim_call {
    struct ms_call *call;
    struct ms_loop *loop;
    ms__sim_notify_cb notify;
    void *notify_ud;
    struct ms__heard *heard;
    size_t nheard, capheard;
    bool ended, done;
    uint64_t last_sound_ms;
    /* audio the caller sends: a FIFO of 8 kHz samples */
    int16_t *tx;
    size_t txlen, txpos, txcap;
};

static void note(struct ms__sim_call *sc, enum ms__heard_kind kind, const char *name,
                 const char *detail, bool complete, int status)
{
    if (sc->nheard == sc->capheard) {
        size_t cap = sc->capheard ? sc->capheard * 2 : 16;
        struct ms__heard *h = realloc(sc->heard, cap * sizeof *h);
        if (!h)
            return; /* the transcript loses a line; the test will say what it missed */
        sc->heard = h;
        sc->capheard = cap;
    }
    struct ms__heard *h = &sc->heard[sc->nheard++];
    h->at_ms = ms_loop_now(sc->loop);
    h->kind = kind;
    snprintf(h->name, sizeof h->name, "%s", name ? name : "");
    snprintf(h->detail, sizeof h->detail, "%s", detail ? detail : "");
    h->complete = complete;
    h->status = status;
    if (sc->notify)
        sc->notify(sc->notify_ud, sc);
}

/* ---- the endpoint, as the call sees it ---- */

static int sim_ring(void *ep, struct ms_call *call)
{
    (void)call;
    note(ep, MS_HEARD_RINGING, NULL, NULL, false, 180);
    return 0;
}

static int sim_answer(void *ep, struct ms_call *call)
{
    (void)call;
    note(ep, MS_HEARD_ANSWERED, NULL, NULL, false, 200);
    return 0;
}

static void sim_hangup(void *ep, struct ms_call *call, const char *cause, int sip_status)
{
    struct ms__sim_call *sc = ep;
    sc->ended = true;
    note(sc, MS_HEARD_HANGUP, cause, "server", false, sip_status);
    ms__call_ended(call, NULL, false);
}

static void sim_release(void *ep, struct ms_call *call)
{
    (void)call;
    struct ms__sim_call *sc = ep;
    free(sc->heard);
    free(sc->tx);
    free(sc);
}

static void sim_media_event(void *ep, struct ms_call *call, const struct ms_media_event *ev)
{
    (void)call;
    struct ms__sim_call *sc = ep;
    switch (ev->kind) {
    case MS_MEDIA_PLAY_START: note(sc, MS_HEARD_PROMPT, ev->name, NULL, false, 0); break;
    case MS_MEDIA_PLAY_END: note(sc, MS_HEARD_PROMPT_END, ev->name, NULL, ev->complete, 0); break;
    case MS_MEDIA_ECHO_START: note(sc, MS_HEARD_ECHO, "echo", NULL, false, 0); break;
    case MS_MEDIA_ECHO_END: note(sc, MS_HEARD_ECHO_END, "echo", NULL, ev->complete, 0); break;
    }
}

static const struct ms_endpoint_ops sim_ops = {
    .kind = "sim",
    .ring = sim_ring,
    .answer = sim_answer,
    .hangup = sim_hangup,
    .release = sim_release,
    .media_event = sim_media_event,
};

/* ---- the media port ---- */

static int port_read(void *port, int16_t *pcm, size_t n)
{
    struct ms__sim_call *sc = port;
    if (sc->txpos >= sc->txlen)
        return 0; /* the caller is silent */
    size_t take = sc->txlen - sc->txpos < n ? sc->txlen - sc->txpos : n;
    memcpy(pcm, sc->tx + sc->txpos, take * sizeof *pcm);
    memset(pcm + take, 0, (n - take) * sizeof *pcm);
    sc->txpos += take;
    if (sc->txpos == sc->txlen)
        sc->txpos = sc->txlen = 0;
    return 1;
}

static void port_write(void *port, const int16_t *pcm, size_t n)
{
    struct ms__sim_call *sc = port;
    for (size_t i = 0; i < n; i++) {
        if (pcm[i] > SILENCE_LEVEL || pcm[i] < -SILENCE_LEVEL) {
            sc->last_sound_ms = ms_loop_now(sc->loop);
            return;
        }
    }
}

static const struct ms_media_port_ops sim_port = {port_read, port_write};

/* ---- the caller's side ---- */

int ms__sim_dial(struct ms__engine *engine, const struct ms__sim_dial_opts *o,
                 ms__sim_notify_cb notify, void *ud, struct ms_call **call_out)
{
    struct ms__sim_call *sc = calloc(1, sizeof *sc);
    if (!sc)
        return MS_ENOMEM;
    const struct ms_call_env *env = ms__engine_env(engine);
    sc->loop = env->loop;
    sc->notify = notify;
    sc->notify_ud = ud;
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
    struct ms_call *call = sc->call;
    ms_call_ref(call); /* the dialler's reference; the first one is the endpoint's */
    rc = ms__engine_accept_call(engine, call);
    if (rc < 0) { /* refused as SIP would refuse it */
        sc->ended = true;
        note(sc, MS_HEARD_HANGUP, "NORMAL_TEMPORARY_FAILURE", "server", false,
             rc == MS_EFORMAT ? 500 : 503);
        ms__call_ended(call, "NORMAL_TEMPORARY_FAILURE", false);
    }
    ms_call_unref(call); /* the endpoint's reference: the call lives on through the others */
    *call_out = call;
    return 0;
}

struct ms__sim_call *ms__sim_of(struct ms_call *call)
{
    return call && ms__call_ops(call) == &sim_ops ? ms__call_endpoint(call) : NULL;
}

struct ms_call *ms__sim_call_of(struct ms__sim_call *sc)
{
    return sc->call;
}

size_t ms__sim_heard_count(const struct ms__sim_call *sc)
{
    return sc->nheard;
}

const struct ms__heard *ms__sim_heard_at(const struct ms__sim_call *sc, size_t i)
{
    return i < sc->nheard ? &sc->heard[i] : NULL;
}

bool ms__sim_ended(const struct ms__sim_call *sc)
{
    return sc->ended;
}

void ms__sim_set_done(struct ms__sim_call *sc)
{
    sc->done = true;
    if (sc->notify)
        sc->notify(sc->notify_ud, sc);
}

bool ms__sim_done(const struct ms__sim_call *sc)
{
    return sc->done;
}

uint64_t ms__sim_last_sound_ms(const struct ms__sim_call *sc)
{
    return sc->last_sound_ms;
}

static int tx_append(struct ms__sim_call *sc, const int16_t *pcm, size_t n)
{
    if (sc->txlen + n > sc->txcap) {
        size_t cap = sc->txcap ? sc->txcap : 8000;
        while (cap < sc->txlen + n)
            cap *= 2;
        int16_t *t = realloc(sc->tx, cap * sizeof *t);
        if (!t)
            return MS_ENOMEM;
        sc->tx = t;
        sc->txcap = cap;
    }
    if (pcm)
        memcpy(sc->tx + sc->txlen, pcm, n * sizeof *pcm);
    else
        memset(sc->tx + sc->txlen, 0, n * sizeof *pcm);
    sc->txlen += n;
    return 0;
}

/* DTMF tone pairs (Hz): rows 697 770 852 941, columns 1209 1336 1477 1633. */
static int dtmf_freqs(char d, double *lo, double *hi)
{
    static const char keys[] = "123A456B789C*0#D";
    const char *k = strchr(keys, d);
    if (!d || !k)
        return MS_EINVAL;
    static const double rows[] = {697, 770, 852, 941}, cols[] = {1209, 1336, 1477, 1633};
    *lo = rows[(k - keys) / 4];
    *hi = cols[(k - keys) % 4];
    return 0;
}

static int send_tone(struct ms__sim_call *sc, char digit, int ms)
{
    double lo, hi;
    if (dtmf_freqs(digit, &lo, &hi) < 0)
        return MS_EINVAL;
    size_t n = (size_t)ms * 8;
    int16_t *buf = malloc(n * sizeof *buf);
    if (!buf)
        return MS_ENOMEM;
    for (size_t i = 0; i < n; i++) { /* -7 dBFS per tone */
        double t = (double)i / 8000.0;
        buf[i] = (int16_t)(7000.0 * (sin(2 * M_PI * lo * t) + sin(2 * M_PI * hi * t)));
    }
    int rc = tx_append(sc, buf, n);
    free(buf);
    return rc < 0 ? rc : tx_append(sc, NULL, 400); /* 50 ms pause */
}

int ms__sim_press(struct ms__sim_call *sc, char digit, enum ms__press_method m, int duration_ms)
{
    static const char *const names[] = {"rfc4733", "info", "inband"};
    double lo, hi;
    if (dtmf_freqs(digit, &lo, &hi) < 0)
        return MS_EINVAL;
    if (sc->ended)
        return MS_EHANGUP;
    char d[2] = {digit, 0};
    note(sc, MS_HEARD_PRESSED, d, names[m], false, 0);
    if (m == MS_PRESS_INBAND)
        return send_tone(sc, digit, duration_ms > 0 ? duration_ms : 100);
    ms__call_dtmf(sc->call, digit, m == MS_PRESS_INFO ? MS_DTMF_INFO : MS_DTMF_RFC4733);
    return 0;
}

int ms__sim_send(struct ms__sim_call *sc, const int16_t *pcm, size_t n, const char *label)
{
    if (sc->ended)
        return MS_EHANGUP;
    note(sc, MS_HEARD_SENT, label, NULL, false, 0);
    return tx_append(sc, pcm, n);
}

uint64_t ms__sim_pending_ms(const struct ms__sim_call *sc)
{
    return (sc->txlen - sc->txpos) / 8;
}

void ms__sim_hangup(struct ms__sim_call *sc)
{
    if (sc->ended)
        return;
    sc->ended = true;
    note(sc, MS_HEARD_HANGUP, "NORMAL_CLEARING", "caller", false, 0);
    ms__call_ended(sc->call, "NORMAL_CLEARING", true);
}
