/* The per-call media pipeline, run once per 20 ms loop tick while the call
 * is answered: read a frame from the port, detect in-band DTMF, produce the
 * transmit frame from the current source (silence, playback, echo) and write
 * it to the port. Playback resolves sound names through the sound search
 * path and takes decoded audio from the loop's shared cache. */
#define MS_LOG_MODULE "media"
#include "call_internal.h"
#include "media/audio_cache.h"
#include "media/dtmf_inband.h"
#include "media/moh.h"
#include "media/tone_detect.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_inband_digit(void *ud, char digit)
{
    ms__call_dtmf(ud, digit, MS_DTMF_INBAND);
}

static bool want_inband(const struct ms_call *call)
{
    int mode = call->env->inband_dtmf;
    return call->rate == 8000 && (mode == 1 || (mode == 2 && !call->rfc4733));
}

static void update_inband(struct ms_call *call)
{
    bool want = want_inband(call) && call->port_ops;
    if (want && !call->inband) {
        if (ms__dtmf_inband_new(&call->inband, call->rate, on_inband_digit, call) < 0)
            call->inband = NULL;
    } else if (!want && call->inband) {
        ms__dtmf_inband_free(call->inband);
        call->inband = NULL;
    }
}

int ms__call_set_media(struct ms_call *call, int rate, bool rfc4733,
                       const struct ms_media_port_ops *ops, void *port)
{
    if (rate != 8000 && rate != 16000)
        return MS_EINVAL;
    if (rate != call->rate && call->play.active) {
        /* decoded audio is per rate: restart the current item at the new rate */
        ms_warn(call->id, "media rate changed %d -> %d during playback", call->rate, rate);
    }
    call->rate = rate;
    call->frame = (size_t)rate / (1000 / MS_TICK_MS);
    call->rfc4733 = rfc4733;
    call->port_ops = ops;
    call->port = port;
    update_inband(call);
    return 0;
}

void ms__call_clear_media(struct ms_call *call)
{
    call->port_ops = NULL;
    call->port = NULL;
    update_inband(call);
}

/* ---- what the call sends, as events ---- */

void ms__media_emit(struct ms_call *call, enum ms_media_event_kind kind, bool complete)
{
    if (!call->ops->media_event)
        return;
    const struct ms__playback *pb = &call->play;
    const struct ms__play_item *it = pb->items && pb->index < pb->n ? &pb->items[pb->index] : NULL;
    static const char *const sources[] = {"sound", "speech", "tone", "pause"};
    struct ms_media_event ev = {
        .kind = kind,
        .name = "",
        .source = "sound",
        .samples = pb->audio ? pb->audio->samples : 0,
        .rate = call->rate,
        .complete = complete,
    };
    if (kind == MS_MEDIA_ECHO_START || kind == MS_MEDIA_ECHO_END) {
        ev.name = "echo";
    } else if (call->tx == TX_MOH && call->moh) {
        ev.name = call->moh_name;
        ev.source = "moh";
    } else if (it) {
        ev.name = it->text;
        ev.source = sources[it->kind];
    }
    call->ops->media_event(call->ep, call, &ev);
}

/* ---- the tick ---- */

static void media_tick(void *ud, uint64_t tick_ms)
{
    struct ms_call *call = ud;
    int16_t tx[MS_MAX_FRAME];
    size_t n = call->frame;
    call->rx_valid = call->port_ops && call->port_ops->read(call->port, call->rx, n) == 1;
    if (call->rx_valid && call->inband)
        ms__dtmf_inband_feed(call->inband, call->rx, n);
    if (call->detector && call->rx_valid && !call->op_defer.queued)
        ms__tone_detect_feed(call->detector, call->rx, n);
    if (call->op == OP_COLLECT)
        ms__speech_frame(call);
    if (call->op == OP_RECORD) {
        if (!call->rx_valid)
            memset(call->rx, 0, n * sizeof *call->rx); /* nothing came: silence is recorded */
        ms__record_frame(call, call->rx, n);
    }
    if (!ms_call_is_over(call) && call->tx == TX_PLAY)
        ms__playback_fill(call, tx, n);
    else if (!ms_call_is_over(call) && call->tx == TX_MOH)
        ms__moh_fill(call->moh, call->rate, tick_ms, tx, n);
    else if (call->tx == TX_ECHO && call->rx_valid)
        memcpy(tx, call->rx, n * sizeof *tx);
    else
        memset(tx, 0, n * sizeof *tx);
    if (call->port_ops && !ms_call_is_over(call))
        call->port_ops->write(call->port, tx, n);
}

void ms__media_start(struct ms_call *call)
{
    ms_tick_add(call->env->loop, &call->tick, media_tick, call);
}

void ms__media_stop(struct ms_call *call)
{
    ms_tick_remove(call->env->loop, &call->tick);
    ms__playback_stop(call);
    call->tx = TX_SILENCE;
    if (call->inband) {
        ms__dtmf_inband_free(call->inband);
        call->inband = NULL;
    }
}
