/* The recogniser of one loop: configuration, dictionary, life cycle. */
#define MS_LOG_MODULE "asr"
#include "asr/asr_int.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <errno.h>
#include <sphinxbase/logmath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ms__asr_config_defaults(struct ms__asr_config *c)
{
    *c = (struct ms__asr_config){
        .pool_size = 4,
        .threads = 1,
        .min_confidence = 0.5f,
        .max_cached_grammars = 64,
        .tuning =
            {
                .garbage_prob = 0.063,
                .refine = 1,
                .snr_ref_db = 30,
                .wrap = false,
                .level_dbfs = 0,
                .preroll_ms = 200,
                .tail_ms = 300,
                .tel_variants = false,
                .forced_text = true,
            },
    };
}

static int check_config(const struct ms__asr_config *c)
{
    const struct ms__asr_tuning *t = &c->tuning;
    if (c->pool_size < 1 || c->pool_size > 256 || c->threads < 1 || c->threads > 64)
        return MS_EINVAL;
    if (!(c->min_confidence >= 0 && c->min_confidence <= 1) || c->max_cached_grammars < 1)
        return MS_EINVAL;
    if (!(t->garbage_prob >= 0 && t->garbage_prob <= 1) || t->level_dbfs > 0 || t->level_dbfs < -90)
        return MS_EINVAL;
    if (t->preroll_ms < 0 || t->preroll_ms > 2000 || t->tail_ms < 0 || t->tail_ms > 5000 ||
        t->refine < 0 || t->refine > 4)
        return MS_EINVAL;
    return 0;
}

static int load_dicts(struct ms__asr *a, const char *extra)
{
    int rc = ms__asr_dict_load(&a->dict, a->dict_path);
    if (rc < 0) {
        ms_err(NULL, "asr: cannot load the dictionary %s: %s", a->dict_path, ms_strerror(rc));
        return rc;
    }
    int line = 0;
    rc = extra ? ms__asr_dict_load_extra(&a->dict, extra, &line) : 0;
    if (rc < 0)
        ms_err(NULL, "asr: %s%s%d: %s", extra, line ? " line " : "", line, ms_strerror(rc));
    return rc;
}

static void free_strings(struct ms__asr *a)
{
    free(a->hmm);
    free(a->dict_path);
    free(a->mllr);
    free(a->decoder_args);
}

/* The MLLR file must be readable and start with its number of classes. */
static int check_mllr(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        ms_err(NULL, "asr: cannot read the MLLR transform %s", path);
        return errno == ENOENT || errno == ENOTDIR ? MS_ENOENT : MS_EACCES;
    }
    int classes = 0;
    bool ok = fscanf(f, "%d", &classes) == 1 && classes > 0;
    fclose(f);
    if (!ok)
        ms_err(NULL, "asr: %s is not an MLLR transform", path);
    return ok ? 0 : MS_EFORMAT;
}

static void close_cb(uv_handle_t *h)
{
    free(h->data);
}

int ms__asr_new(struct ms__asr **out, struct ms_loop *loop, const struct ms__asr_config *c)
{
    struct ms__asr_config def;
    ms__asr_config_defaults(&def);
    if (!c)
        c = &def;
    if (!out || !loop || check_config(c) < 0)
        return MS_EINVAL;
    struct ms__asr *a = calloc(1, sizeof *a);
    if (!a)
        return MS_ENOMEM;
    a->loop = loop;
    a->cfg = *c;
    a->hmm = strdup(c->hmm ? c->hmm : MS__ASR_DEFAULT_HMM);
    a->dict_path = strdup(c->dict ? c->dict : MS__ASR_DEFAULT_DICT);
    a->cfg.hmm = a->hmm;
    a->cfg.dict = a->dict_path;
    a->cfg.extra_dict = NULL;
    int rc = MS_ENOMEM;
    if (!a->hmm || !a->dict_path || (c->mllr && !(a->mllr = strdup(c->mllr))))
        goto fail_strings;
    a->cfg.mllr = a->mllr;
    if (a->mllr && (rc = check_mllr(a->mllr)) < 0)
        goto fail_strings;
    if (c->tuning.decoder_args && !(a->decoder_args = strdup(c->tuning.decoder_args)))
        goto fail_strings;
    a->cfg.tuning.decoder_args = a->decoder_args;
    ms__asr_sphinx_log_init();
    rc = MS_EINVAL;
    if (ms__asr_check_decoder_args(a->decoder_args) < 0) {
        ms_err(NULL, "asr: bad decoder options \"%s\"", a->decoder_args);
        goto fail_strings;
    }
    if ((rc = load_dicts(a, c->extra_dict)) < 0)
        goto fail_dict;
    rc = MS_ENOMEM;
    if (!(a->lmath = logmath_init(1.0001, 0, 0)))
        goto fail_dict;
    if ((rc = ms__asr_pool_init(a)) < 0)
        goto fail_pool;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if ((rc = uv_async_init(ms_loop_uv(loop), &a->async, ms__asr_async_cb)) < 0)
        goto fail_async;
    a->async.data = a;
    if ((rc = ms__asr_workers_start(a)) < 0)
        goto fail_workers;
    a->st.pool_size = c->pool_size;
    *out = a;
    return 0;

fail_workers:
    a->closing = true;
    ms__asr_pool_free(a);
    logmath_free(a->lmath);
    ms__asr_dict_free(&a->dict);
    free_strings(a);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    uv_close((uv_handle_t *)&a->async, close_cb); /* frees a */
    return rc;
fail_async:
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    ms__asr_pool_free(a);
fail_pool:
    logmath_free(a->lmath);
fail_dict:
    ms__asr_dict_free(&a->dict);
fail_strings:
    free_strings(a);
    free(a);
    return rc;
}

void ms__asr_free(struct ms__asr *a)
{
    if (!a)
        return;
    a->closing = true;
    for (struct ms__asr_session *s = a->sessions, *next; s; s = next) {
        next = s->next;
        ms__asr_session_abort(s); /* may free s */
    }
    ms__asr_workers_stop(a);
    ms__asr_drain_done(a); /* frees the sessions that waited for a job */
    if (a->sessions)
        ms_err(NULL, "asr: sessions left at close");
    ms__asr_pool_free(a);
    ms__asr_cache_free_all(a);
    logmath_free(a->lmath);
    ms__asr_dict_free(&a->dict);
    free_strings(a);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    uv_close((uv_handle_t *)&a->async, close_cb);
}

int ms__asr_add_word(struct ms__asr *a, const char *word, const char *phones)
{
    if (!a)
        return MS_EINVAL;
    return ms__asr_dict_add(&a->dict, word, phones);
}

void ms__asr_stats(const struct ms__asr *a, struct ms__asr_stats *out)
{
    *out = a->st;
    out->decoders = out->busy = 0;
    for (int i = 0; i < a->cfg.pool_size; i++) {
        out->decoders += a->slots[i].exists;
        out->busy += a->slots[i].busy;
    }
}
