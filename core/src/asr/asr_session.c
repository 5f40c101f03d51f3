/* Recognition sessions, loop side: listening, endpointing, handing the
 * utterance to a worker, delivering the result. */
#define MS_LOG_MODULE "asr"
#include "asr/asr_int.h"
#include "media/pcm_level.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_END_SILENCE_MS 800
#define DEFAULT_NO_INPUT_MS    5000
#define DEFAULT_MAX_MS         15000
#define MAX_RATE               16000

static size_t samples_of(int ms, int rate)
{
    return (size_t)ms * (size_t)rate / 1000;
}

/* ---- life cycle ---- */

static void session_free(struct ms__asr_session *s)
{
    struct ms__asr *a = s->asr;
    if (s->prev)
        s->prev->next = s->next;
    else
        a->sessions = s->next;
    if (s->next)
        s->next->prev = s->prev;
    if (s->slot)
        ms__asr_pool_give(a, s->slot);
    ms_timer_stop(a->loop, &s->t_noinput);
    ms_timer_stop(a->loop, &s->t_max);
    ms_defer_cancel(a->loop, &s->d_speech);
    ms__asr_grammar_release(s->g);
    free(s->ring);
    free(s->utt);
    free(s);
}

/* Frees the session once it is over and no worker holds a job of it. */
static void maybe_free(struct ms__asr_session *s)
{
    if ((s->cancelled || s->state == ASR_DONE) && s->inflight == 0)
        session_free(s);
}

static void stop_listening(struct ms__asr_session *s)
{
    ms_timer_stop(s->asr->loop, &s->t_noinput);
    ms_timer_stop(s->asr->loop, &s->t_max);
}

/* The one result; the session is gone after it (see maybe_free). */
static void deliver(struct ms__asr_session *s, const struct ms__asr_result *r)
{
    s->state = ASR_DONE;
    stop_listening(s);
    ms_defer_cancel(s->asr->loop, &s->d_speech);
    if (!s->cancelled)
        s->cb.on_result(s->ud, r);
}

static void deliver_simple(struct ms__asr_session *s, const char *reason, const char *error)
{
    struct ms__asr_result r = {.reason = reason, .text = "", .error = error};
    ms_info(s->call_id[0] ? s->call_id : NULL, "asr: %s%s%s", reason, error ? ": " : "",
            error ? error : "");
    deliver(s, &r);
}

void ms__asr_cancel(struct ms__asr_session *s)
{
    if (!s || s->cancelled || s->state == ASR_DONE)
        return;
    s->cancelled = true;
    stop_listening(s);
    ms_defer_cancel(s->asr->loop, &s->d_speech);
    maybe_free(s);
}

void ms__asr_session_abort(struct ms__asr_session *s)
{
    s->cancelled = true;
    stop_listening(s);
    ms_defer_cancel(s->asr->loop, &s->d_speech);
    maybe_free(s);
}

/* ---- the utterance ---- */

/* How much weaker the phone loop is for this utterance: noise (white noise
 * especially) fits the loop's phones better than the grammar's silence, so
 * below snr_ref_db the level drops by 1/60 per dB, at most 0.3, in steps of
 * 0.05. */
static int level_shift(const struct ms__asr_session *s)
{
    double ref = s->asr->cfg.tuning.snr_ref_db;
    if (ref <= 0 || s->voiced_frames == 0)
        return 0;
    double snr = s->voiced_db_sum / s->voiced_frames - s->vad.floor_db;
    double shift = (ref - snr) / 60.0;
    shift = shift < 0 ? 0 : shift > 0.3 ? 0.3 : shift;
    return (int)(shift * 20 + 0.5) * 5;
}

static void end_utterance(struct ms__asr_session *s)
{
    size_t keep = s->last_voice_end + samples_of(s->asr->cfg.tuning.tail_ms, s->rate);
    s->dec = (struct asr_job){.kind = ASR_JOB_DECODE, .s = s, .slot = s->slot, .g = s->g};
    s->dec.min_level = s->min_level;
    s->dec.level_shift = level_shift(s);
    s->dec.pcm = s->utt;
    s->dec.n = keep < s->utt_n ? keep : s->utt_n;
    s->dec.skip = s->skip;
    s->dec.rate = s->rate;
    s->utt = NULL;
    s->utt_n = s->utt_cap = 0;
    s->state = ASR_DECODING;
    stop_listening(s);
    ms__asr_submit(s->asr, &s->dec);
}

static int utt_append(struct ms__asr_session *s, const int16_t *pcm, size_t n)
{
    if (s->utt_n + n > s->utt_cap) {
        size_t cap = s->utt_cap ? s->utt_cap * 2 : samples_of(2000, s->rate);
        while (cap < s->utt_n + n)
            cap *= 2;
        int16_t *bigger = realloc(s->utt, cap * sizeof *bigger);
        if (!bigger)
            return MS_ENOMEM;
        s->utt = bigger;
        s->utt_cap = cap;
    }
    memcpy(s->utt + s->utt_n, pcm, n * sizeof *pcm);
    s->utt_n += n;
    return 0;
}

static void ring_push(struct ms__asr_session *s, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s->ring[s->ring_pos] = pcm[i];
        s->ring_pos = (s->ring_pos + 1) % s->ring_cap;
    }
    s->ring_len = s->ring_len + n < s->ring_cap ? s->ring_len + n : s->ring_cap;
}

static void speech_cb(void *ud)
{
    struct ms__asr_session *s = ud;
    if (!s->cancelled && s->state != ASR_DONE && s->cb.on_speech)
        s->cb.on_speech(s->ud);
}

/* Speech has started: the onset run and the preroll before it open the
 * utterance. */
static void begin_speech(struct ms__asr_session *s)
{
    struct ms__asr *a = s->asr;
    size_t speech = samples_of(a->cfg.tuning.preroll_ms + s->vad.run_ms, s->rate);
    size_t want = speech + (a->cfg.tuning.denoise ? samples_of(ASR_PRIME_MS, s->rate) : 0);
    size_t n = want < s->ring_len ? want : s->ring_len;
    s->skip = n > speech ? n - speech : 0;
    size_t start = (s->ring_pos + s->ring_cap - n) % s->ring_cap;
    s->state = ASR_SPEECH;
    ms_timer_stop(a->loop, &s->t_noinput);
    for (size_t i = 0; i < n; i++) {
        int16_t v = s->ring[(start + i) % s->ring_cap];
        if (utt_append(s, &v, 1) < 0)
            break;
    }
    s->last_voice_end = s->utt_n;
    ms_debug(s->call_id[0] ? s->call_id : NULL, "asr: speech started");
    ms_defer(a->loop, &s->d_speech, speech_cb, s);
}

static bool accept_rate(struct ms__asr_session *s, int rate)
{
    if (s->rate)
        return rate == s->rate;
    if (rate != 8000 && rate != 16000) {
        ms_warn(s->call_id[0] ? s->call_id : NULL, "asr: frames at %d Hz ignored", rate);
        return false;
    }
    s->rate = rate;
    s->utt_max = samples_of(s->max_ms, rate);
    return true;
}

void ms__asr_feed(struct ms__asr_session *s, const int16_t *pcm, size_t n, int rate)
{
    if (!s || s->cancelled || n == 0 || !pcm ||
        (s->state != ASR_LISTENING && s->state != ASR_SPEECH) || !accept_rate(s, rate))
        return;
    int ms = (int)(n * 1000 / (size_t)rate);
    enum ms__asr_vad_event ev = ms__asr_vad_step(&s->vad, ms__pcm_level_dbfs(pcm, n), ms);
    if (s->state == ASR_LISTENING) {
        ring_push(s, pcm, n < s->ring_cap ? n : s->ring_cap);
        if (ev == MS__VAD_ONSET)
            begin_speech(s);
        return;
    }
    if (utt_append(s, pcm, n) < 0) {
        end_utterance(s);
        return;
    }
    if (ev == MS__VAD_VOICE) {
        s->last_voice_end = s->utt_n;
        s->voiced_db_sum += ms__pcm_level_dbfs(pcm, n);
        s->voiced_frames++;
    }
    if (s->vad.silence_ms >= s->end_silence_ms || s->utt_n >= s->utt_max)
        end_utterance(s);
}

/* ---- timers ---- */

static void noinput_cb(void *ud)
{
    struct ms__asr_session *s = ud;
    if (s->state != ASR_LISTENING)
        return;
    deliver_simple(s, "noinput", NULL);
    maybe_free(s);
}

static void max_cb(void *ud)
{
    struct ms__asr_session *s = ud;
    if (s->state == ASR_SPEECH) {
        end_utterance(s);
    } else if (s->state == ASR_LISTENING) {
        deliver_simple(s, "noinput", NULL);
        maybe_free(s);
    }
}

void ms__asr_start_input_timer(struct ms__asr_session *s)
{
    if (!s || s->cancelled || s->state != ASR_LISTENING || ms_timer_active(&s->t_noinput))
        return;
    ms_timer_start(s->asr->loop, &s->t_noinput, (uint64_t)s->no_input_ms);
    if (!ms_timer_active(&s->t_max))
        ms_timer_start(s->asr->loop, &s->t_max, (uint64_t)s->max_ms);
}

/* ---- start ---- */

static void apply_opts(struct ms__asr_session *s, const struct ms__asr_opts *o)
{
    const struct ms__asr_opts def = MS__ASR_OPTS_INIT;
    if (!o)
        o = &def;
    s->end_silence_ms = o->end_silence_ms > 0 ? o->end_silence_ms : DEFAULT_END_SILENCE_MS;
    s->no_input_ms = o->no_input_ms > 0 ? o->no_input_ms : DEFAULT_NO_INPUT_MS;
    s->max_ms = o->max_ms > 0 ? o->max_ms : DEFAULT_MAX_MS;
    float c = o->min_confidence >= 0 ? o->min_confidence : s->asr->cfg.min_confidence;
    s->min_level = (int)(fminf(c, 1.0f) * 100.0f + 0.5f);
    s->defer_no_input = o->defer_no_input;
    snprintf(s->call_id, sizeof s->call_id, "%s", o->call_id ? o->call_id : "");
}

static struct ms__asr_session *session_new(struct ms__asr *a, struct ms__asr_grammar *g,
                                           const struct ms__asr_opts *o)
{
    struct ms__asr_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->asr = a;
    apply_opts(s, o);
    int prime = a->cfg.tuning.denoise ? ASR_PRIME_MS : 0;
    s->ring_cap = samples_of(a->cfg.tuning.preroll_ms + prime + MS__VAD_ONSET_MS + 40, MAX_RATE);
    if (!(s->ring = malloc(s->ring_cap * sizeof *s->ring))) {
        free(s);
        return NULL;
    }
    s->g = g;
    g->refs++;
    ms__asr_vad_init(&s->vad);
    ms_timer_init(&s->t_noinput, noinput_cb, s);
    ms_timer_init(&s->t_max, max_cb, s);
    s->next = a->sessions;
    if (a->sessions)
        a->sessions->prev = s;
    a->sessions = s;
    return s;
}

int ms__asr_start(struct ms__asr *a, struct ms__asr_grammar *g, const struct ms__asr_opts *o,
                  const struct ms__asr_cb *cb, void *ud, struct ms__asr_session **out)
{
    if (!a || !g || g->asr != a || !cb || !cb->on_result || !out || a->closing)
        return MS_EINVAL;
    struct asr_slot *slot;
    bool recreate;
    int rc = ms__asr_pool_take(a, g, &slot, &recreate);
    if (rc == MS_EBUSY)
        a->st.busy_refusals++;
    if (rc < 0)
        return rc;
    struct ms__asr_session *s = session_new(a, g, o);
    if (!s) {
        ms__asr_pool_give(a, slot);
        return MS_ENOMEM;
    }
    s->slot = slot;
    s->cb = *cb;
    s->ud = ud;
    s->prep = (struct asr_job){.kind = ASR_JOB_PREPARE,
                               .s = s,
                               .slot = slot,
                               .g = g,
                               .recreate = recreate,
                               .min_level = s->min_level};
    ms__asr_submit(a, &s->prep);
    if (!s->defer_no_input) { /* deferred: both start at ms__asr_start_input_timer */
        ms_timer_start(a->loop, &s->t_max, (uint64_t)s->max_ms);
        ms_timer_start(a->loop, &s->t_noinput, (uint64_t)s->no_input_ms);
    }
    a->st.sessions++;
    *out = s;
    return 0;
}

/* ---- results from the workers ---- */

static void count(struct ms__asr *a, const struct asr_job *job)
{
    a->st.decoder_inits += job->created;
    a->st.init_ms_total += job->init_ms;
    a->st.words_added += (uint64_t)job->words_added;
    if (job->kind == ASR_JOB_PREPARE && !job->created && job->status == 0)
        a->st.decoder_reuses++;
    if (job->kind == ASR_JOB_DECODE && job->status == 0) {
        a->st.decodes++;
        a->st.decode_ms_total += job->decode_ms;
        a->st.audio_ms_total += job->audio_ms;
    }
}

static void decoded(struct ms__asr_session *s, struct asr_job *job)
{
    struct ms__asr_result r = {
        .reason = job->found ? "match" : "nomatch",
        .text = job->text ? job->text : "",
        .confidence = job->confidence,
        .speech_ms = (int)job->audio_ms,
        .decode_ms = (int)(job->decode_ms + 0.5),
    };
    ms_info(s->call_id[0] ? s->call_id : NULL, "asr: %s \"%s\" confidence %.2f (%d ms, %d ms)",
            r.reason, r.text, r.confidence, r.speech_ms, r.decode_ms);
    deliver(s, &r);
}

void ms__asr_job_done(struct ms__asr *a, struct asr_job *job)
{
    struct ms__asr_session *s = job->s;
    job->queued = false;
    s->inflight--;
    ms_loop_release(a->loop);
    count(a, job);
    if (job->kind == ASR_JOB_DECODE) {
        ms__asr_pool_give(a, s->slot);
        s->slot = NULL;
        free(job->pcm);
        job->pcm = NULL;
    }
    bool live = !s->cancelled && s->state != ASR_DONE;
    if (live && job->status < 0 && job->status != MS_ECANCELED)
        deliver_simple(s, "error", job->err[0] ? job->err : ms_strerror(job->status));
    else if (live && job->status < 0)
        deliver_simple(s, "error", "recogniser closed");
    else if (live && job->kind == ASR_JOB_DECODE)
        decoded(s, job);
    free(job->text);
    job->text = NULL;
    maybe_free(s);
}
