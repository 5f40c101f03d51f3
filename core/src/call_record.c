/* call:record(): what the caller says, written to a file off the loop (the
 * recorder), ended by a terminator digit, silence, a maximum length or the
 * hangup — which keeps what was said. */
#define MS_LOG_MODULE "record"
#include "base/path.h"
#include "call_internal.h"
#include "media/pcm_level.h"
#include "media/recorder.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The file for a script's path: inside the recordings directory, or refused. */
static int resolve(const struct ms_call *call, const char *path, char *out, size_t cap)
{
    return ms__path_inside(call->env->recordings_dir, path, out, cap);
}

static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
        *p = '/';
        if (rc < 0)
            return rc;
    }
    return 0;
}

static void on_max(void *ud)
{
    ms__record_stop(ud, "max");
}

static void start_recorder(struct ms_call *call)
{
    struct ms__record *r = &call->record;
    static const enum ms__rec_format formats[] = {MS__REC_PCM16, MS__REC_ULAW, MS__REC_ALAW};
    int rc =
        ms__recorder_open(&r->rec, call->env->loop, r->path, formats[r->opts.format], call->rate);
    if (rc < 0) {
        ms_warn(call->id, "cannot record to %s: %s", r->path, ms_strerror(rc));
        r->finishing = true;
        ms__op_complete(call, rc, r->path);
        return;
    }
    if (r->opts.max_ms) {
        call->op_timer.cb = on_max;
        ms_timer_start(call->env->loop, &call->op_timer, r->opts.max_ms);
    }
}

int ms_call_record(struct ms_call *call, const char *path, const struct ms_record_opts *opts,
                   ms_record_cb cb, void *ud)
{
    char full[1024];
    int rc = resolve(call, path, full, sizeof full);
    if (rc < 0)
        return rc;
    if (opts->format < 0 || opts->format > 2 ||
        (opts->terminators && strlen(opts->terminators) > 16))
        return MS_EINVAL;
    if ((rc = make_dirs(full)) < 0)
        return rc;
    if ((rc = ms__op_begin(call, OP_RECORD, ud)) < 0)
        return rc;
    call->op_cb.record = cb;
    struct ms__record *r = &call->record;
    memset(r, 0, sizeof *r);
    r->opts = *opts;
    snprintf(r->terminators, sizeof r->terminators, "%s",
             opts->terminators ? opts->terminators : "");
    snprintf(r->path, sizeof r->path, "%s", full);
    if (opts->beep) {
        struct ms_play_item beep = {MS_PLAY_TONE, "beep", NULL, 0};
        if (ms__playback_start(call, &beep, 1, 1) == 0)
            return 0; /* the recording starts when the beep ends */
    }
    start_recorder(call);
    return 0;
}

void ms__record_playback_done(struct ms_call *call, int status)
{
    (void)status; /* a beep that could not play is no reason not to record */
    if (!call->record.finishing && !call->record.rec)
        start_recorder(call);
}

void ms__record_frame(struct ms_call *call, const int16_t *pcm, size_t n)
{
    struct ms__record *r = &call->record;
    if (!r->rec || r->finishing)
        return;
    ms__recorder_write(r->rec, pcm, n);
    bool quiet = ms__pcm_is_silence(pcm, n, MS__SILENCE_DBFS);
    r->silent_ms = quiet ? r->silent_ms + (uint32_t)(n * 1000 / (size_t)call->rate) : 0;
    if (r->opts.silence_ms && r->silent_ms >= r->opts.silence_ms)
        ms__record_stop(call, "silence");
}

bool ms__record_digit(struct ms_call *call, char digit)
{
    struct ms__record *r = &call->record;
    if (r->finishing || !r->terminators[0] || !strchr(r->terminators, digit))
        return false;
    r->terminator = digit;
    ms__record_stop(call, "terminator");
    return true;
}

static void finished(void *ud, int status, const char *path, uint64_t duration_ms)
{
    struct ms_call *call = ud;
    struct ms__record *r = &call->record;
    r->duration_ms = duration_ms;
    if (status < 0)
        ms_warn(call->id, "recording %s failed: %s", r->path, ms_strerror(status));
    else
        ms_debug(call->id, "recorded %s (%llu ms, %s)", path, (unsigned long long)duration_ms,
                 r->reason);
    ms__op_complete(call, status, status < 0 ? r->path : NULL);
}

void ms__record_stop(struct ms_call *call, const char *reason)
{
    struct ms__record *r = &call->record;
    if (r->finishing)
        return;
    r->finishing = true;
    r->reason = reason;
    ms_timer_stop(call->env->loop, &call->op_timer);
    ms__playback_stop(call); /* a beep still playing */
    struct ms__recorder *rec = r->rec;
    r->rec = NULL;
    if (!rec || ms__recorder_finish(rec, r->opts.trim, finished, call) < 0)
        ms__op_complete(call, 0, NULL); /* nothing was recorded yet */
}

void ms__record_fire(struct ms_call *call)
{
    struct ms__record *r = &call->record;
    struct ms_record_result res = {
        .status = call->op_status,
        .path = r->path,
        .duration_ms = r->duration_ms,
        .reason = r->reason ? r->reason : "error",
        .terminator = r->terminator,
    };
    call->op_cb.record(call->op_ud, &res);
}
