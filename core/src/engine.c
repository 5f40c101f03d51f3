/* The engine: runtime + prompt cache + CDRs + per-call bookkeeping. */
#define MS_LOG_MODULE "engine"
#include "engine.h"
#include "asr/asr.h"
#include "cdr.h"
#include "media/audio_cache.h"
#include "media/moh.h"
#include "media/tts.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

struct ms__engine {
    struct ms__audio_cache *audio;
    struct ms__moh *moh;
    struct ms__tts *tts;
    struct ms__asr *asr; /* NULL: speech recognition off */
    struct ms_runtime *rt;
    struct ms__cdr_writer *cdr;
    struct ms_call_env env;
    char *db_path;
    int tracked;
    ms__engine_done_cb done_cb;
    void *done_ud;
};

/* A call between its start and its CDR. */
struct track {
    struct ms__engine *e;
    struct ms_call *call; /* referenced */
    bool script_done, ended;
};

static void maybe_finish(struct track *t)
{
    if (!t->script_done || !t->ended)
        return;
    struct ms__engine *e = t->e;
    ms__cdr_submit(e->cdr, t->call);
    e->tracked--;
    if (e->done_cb)
        e->done_cb(e->done_ud, t->call);
    ms_call_unref(t->call);
    free(t);
}

static void on_call_ended(void *ud, struct ms_call *call)
{
    (void)call;
    struct track *t = ud;
    t->ended = true;
    maybe_finish(t);
}

static void on_script_done(void *ud, struct ms_call *call)
{
    (void)call;
    struct track *t = ud;
    t->script_done = true;
    maybe_finish(t);
}

int ms__engine_accept_call(struct ms__engine *e, struct ms_call *call)
{
    struct track *t = calloc(1, sizeof *t);
    if (!t)
        return MS_ENOMEM;
    t->e = e;
    t->call = call;
    ms_call_ref(call);
    e->tracked++;
    ms_call_on_ended(call, on_call_ended, t);
    int rc = ms_runtime_start_call(e->rt, call, on_script_done, t);
    if (rc < 0)
        t->script_done = true; /* the CDR is written once the refusal has ended the call */
    return rc;
}

void ms__engine_on_call_done(struct ms__engine *e, ms__engine_done_cb cb, void *ud)
{
    e->done_cb = cb;
    e->done_ud = ud;
}

const struct ms_call_env *ms__engine_env(const struct ms__engine *e)
{
    return &e->env;
}

bool ms__engine_busy(const struct ms__engine *e)
{
    return e->tracked > 0 || ms_runtime_running(e->rt) > 0;
}

size_t ms__engine_scripts(const struct ms__engine *e)
{
    return ms_runtime_running(e->rt);
}

void ms__engine_flush_cdrs(struct ms__engine *e)
{
    ms__cdr_flush(e->cdr);
}

const char *ms__engine_db_path(const struct ms__engine *e)
{
    return e->db_path;
}

struct ms_runtime *ms__engine_runtime(const struct ms__engine *e)
{
    return e->rt;
}

/* Speech recognition is optional: without it (off, or no model) speech gathers
 * are refused with ENOSYS and everything else works. */
static void open_asr(struct ms__engine *e, const struct ms_config *cfg, struct ms_loop *loop)
{
    if (!cfg->asr.enabled)
        return;
    struct ms__asr_config ac;
    ms__asr_config_defaults(&ac);
    ac.pool_size = cfg->asr.pool;
    ac.threads = cfg->asr.threads;
    ac.min_confidence = (float)cfg->asr.min_confidence;
    if (cfg->asr.model)
        ac.hmm = cfg->asr.model;
    if (cfg->asr.dict)
        ac.dict = cfg->asr.dict;
    ac.extra_dict = cfg->asr.extra_dict;
    ac.mllr = cfg->asr.mllr;
    int rc = ms__asr_new(&e->asr, loop, &ac);
    if (rc < 0 && ac.mllr) { /* recognition without the telephone adaptation beats none */
        ms_warn(NULL, "asr.mllr %s: %s; recognising without it", ac.mllr, ms_strerror(rc));
        ac.mllr = NULL;
        rc = ms__asr_new(&e->asr, loop, &ac);
    }
    if (rc < 0) {
        e->asr = NULL;
        ms_warn(NULL, "speech recognition off: %s (model %s, dictionary %s)", ms_strerror(rc),
                ac.hmm ? ac.hmm : MS__ASR_DEFAULT_HMM, ac.dict ? ac.dict : MS__ASR_DEFAULT_DICT);
    }
}

int ms__engine_open(struct ms__engine **out, const struct ms_config *cfg, struct ms_loop *loop)
{
    struct ms__engine *e = calloc(1, sizeof *e);
    if (!e)
        return MS_ENOMEM;
    int rc = MS_ENOMEM;
    if (!(e->db_path = strdup(cfg->db_path)))
        goto fail;
    if ((rc = ms__audio_cache_new(&e->audio, ms_loop_uv(loop), cfg->audio_cache_bytes)) < 0)
        goto fail;
    struct ms__moh_class_config moh[MS_MAX_MOH];
    for (size_t i = 0; i < cfg->nmoh; i++)
        moh[i] =
            (struct ms__moh_class_config){cfg->moh[i].name, cfg->moh[i].dir, cfg->moh[i].shuffle};
    if ((rc = ms__moh_new(&e->moh, loop, e->audio, moh, cfg->nmoh)) < 0)
        goto fail;
    struct ms__tts_config tc = {.cache_dir = cfg->tts_cache_dir,
                                .memory_bytes = cfg->tts_memory_bytes,
                                .threads = cfg->tts_threads};
    if ((rc = ms__tts_new(&e->tts, loop, &tc)) < 0)
        goto fail;
    open_asr(e, cfg, loop);
    e->env = (struct ms_call_env){
        .loop = loop,
        .audio = e->audio,
        .sound_dirs = (const char *const *)cfg->sound_dirs,
        .nsound_dirs = cfg->nsound_dirs,
        .inband_dtmf = cfg->inband_dtmf,
        .moh = e->moh,
        .tts = e->tts,
        .recordings_dir = cfg->recordings_dir,
        .asr = e->asr,
    };
    struct ms_runtime_config rc_cfg = {
        .scripts_dir = cfg->scripts_dir,
        .entry = cfg->entry,
        .loop = loop,
        .prompts_dir = cfg->prompts_dir,
        .language = cfg->language,
        .sound_dirs = (const char *const *)cfg->sound_dirs,
        .nsound_dirs = cfg->nsound_dirs,
        .trust = (const char *const *)cfg->trust,
        .ntrust = cfg->ntrust,
        .error_prompt = cfg->error_prompt,
        .error_transfer = cfg->error_transfer,
        .budget_instructions = cfg->budget.instructions,
        .budget_wall_ms = cfg->budget.wall_ms,
        .budget_memory_mb = cfg->budget.memory_mb,
        .budget_total_mb = cfg->budget.total_mb,
    };
    if ((rc = ms_runtime_new(&e->rt, &rc_cfg)) < 0)
        goto fail;
    ms_runtime_prepare(e->rt); /* a broken dialplan is logged now; calls get 500 until fixed */
    if ((rc = ms__cdr_open(&e->cdr, cfg->db_path)) < 0)
        goto fail;
    *out = e;
    return 0;
fail:
    if (e->rt)
        ms_runtime_free(e->rt);
    if (e->moh)
        ms__moh_free(e->moh);
    ms__tts_free(e->tts);
    ms__asr_free(e->asr);
    if (e->audio)
        ms__audio_cache_free(e->audio);
    free(e->db_path);
    free(e);
    return rc;
}

void ms__engine_close(struct ms__engine *e)
{
    if (e->tracked)
        ms_warn(NULL, "%d calls still tracked at exit", e->tracked);
    ms__cdr_close(e->cdr);
    ms_runtime_free(e->rt);
    ms__moh_free(e->moh);
    ms__tts_free(e->tts);
    ms__asr_free(e->asr);
    ms__audio_cache_free(e->audio);
    free(e->db_path);
    free(e);
}
