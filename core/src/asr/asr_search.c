/* Worker side: the searches of a decoder. Each (grammar, confidence level)
 * pair is one pocketsphinx FSG search built from the grammar's word graph:
 * a new start and final state around it and, at levels above 0, a loop of the
 * model's phones beside it (and, for keyword lists or with wrap, before and
 * after it). A decoder keeps ASR_MAX_SEARCHES of them, least recently used
 * out first. */
#include "asr/asr_int.h"
#include "moonswitch/error.h"

#include <math.h>
#include <pocketsphinx.h>
#include <sphinxbase/fsg_model.h>
#include <stdio.h>
#include <stdlib.h>

/* Confidence levels. A search at level c (1..100, in hundredths) holds the
 * phone loop at probability garbage_prob * 100^(c/100 - 0.5) per phone: the
 * grammar must beat a stronger loop to be accepted at a higher level. Level 0
 * is the grammar alone. */
double ms__asr_level_prob(const struct ms__asr_tuning *t, int level)
{
    if (level <= 0 || t->garbage_prob <= 0)
        return 0;
    return fmin(1.0, t->garbage_prob * pow(100.0, level / 100.0 - 0.5));
}

static int32 log_of(logmath_t *lm, float lw, double p)
{
    return (int32)(logmath_log(lm, p) * lw);
}

static void add_phone_loop(fsg_model_t *fsg, int state, const int32 *gb, int n_gb, int32 lp)
{
    for (int k = 0; k < n_gb; k++)
        fsg_model_trans_add(fsg, state, state, lp, gb[k]);
}

/* Adds the phone loop P (S -> P -> F beside the grammar) and, with wrap, L
 * before and T after the grammar. */
static void add_garbage(const struct ms__asr *a, fsg_model_t *fsg, const struct ms__asr_grammar *g,
                        int32 *gb, double prob, bool wrap)
{
    logmath_t *lm = fsg->lmath;
    float lw = fsg->lw;
    int N = g->n_states, S = N, F = N + 1, P = N + 2, L = N + 3, T = N + 4;
    int32 lp = log_of(lm, lw, prob);
    int n_gb = 0;
    for (int i = 0; i < a->dict.n_phones; i++) {
        char phone[9], word[24];
        ms__asr_garbage_word(&a->dict, i, phone, word);
        gb[n_gb++] = fsg_model_word_add(fsg, word);
    }
    fsg_model_null_trans_add(fsg, S, P, log_of(lm, lw, 0.5));
    add_phone_loop(fsg, P, gb, n_gb, lp);
    fsg_model_null_trans_add(fsg, P, F, 0);
    if (!wrap)
        return;
    fsg_model_null_trans_add(fsg, S, L, log_of(lm, lw, 0.25));
    add_phone_loop(fsg, L, gb, n_gb, lp);
    fsg_model_null_trans_add(fsg, L, g->start, 0);
    fsg_model_null_trans_add(fsg, g->final, T, log_of(lm, lw, 0.5));
    add_phone_loop(fsg, T, gb, n_gb, lp);
    fsg_model_null_trans_add(fsg, T, F, 0);
}

/* The grammar's graph with a new start S and final F, and the phone loop at
 * `prob` (0: none). */
static fsg_model_t *build_fsg(const struct ms__asr *a, ps_decoder_t *ps,
                              const struct ms__asr_grammar *g, const char *name, double prob)
{
    logmath_t *lm = ps_get_logmath(ps);
    float lw = cmd_ln_float32_r(ps_get_config(ps), "-lw");
    bool garbage = prob > 0, wrap = garbage && (g->keywords || a->cfg.tuning.wrap);
    int N = g->n_states, S = N, F = N + 1;
    int32 *wid = calloc(g->n_words + (size_t)a->dict.n_phones + 1, sizeof *wid);
    fsg_model_t *fsg = wid ? fsg_model_init(name, lm, lw, N + (garbage ? 5 : 2)) : NULL;
    if (!fsg) {
        free(wid);
        return NULL;
    }
    fsg->start_state = S;
    fsg->final_state = F;
    for (size_t i = 0; i < g->n_words; i++)
        wid[i] = fsg_model_word_add(fsg, g->words[i]);
    for (size_t i = 0; i < g->n_arcs; i++) {
        const struct ms__asr_arc *arc = &g->arcs[i];
        int32 lp = (int32)(logmath_ln_to_log(lm, arc->log_p) * lw);
        if (arc->word < 0)
            fsg_model_null_trans_add(fsg, arc->from, arc->to, lp);
        else
            fsg_model_trans_add(fsg, arc->from, arc->to, lp, wid[arc->word]);
    }
    double in = !garbage ? 1.0 : wrap ? 0.25 : 0.5;
    fsg_model_null_trans_add(fsg, S, g->start, log_of(lm, lw, in));
    fsg_model_null_trans_add(fsg, g->final, F, log_of(lm, lw, wrap ? 0.5 : 1.0));
    if (garbage)
        add_garbage(a, fsg, g, wid + g->n_words, prob, wrap);
    free(wid);
    glist_free(fsg_model_null_trans_closure(fsg, NULL));
    return fsg;
}

/* Selects the grammar's search at `level`, creating it (and evicting the
 * least recently used) if needed. */
int ms__asr_use_search(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job,
                       int level)
{
    char name[32];
    snprintf(name, sizeof name, "g%u_%d", (unsigned)job->g->serial, level);
    struct asr_search *found = NULL, *lru = NULL;
    for (int i = 0; i < slot->n_searches; i++) {
        struct asr_search *s = &slot->searches[i];
        if (s->serial == job->g->serial && s->level == level)
            found = s;
        if (!lru || s->used < lru->used)
            lru = s;
    }
    if (!found) {
        if (slot->n_searches == ASR_MAX_SEARCHES) {
            char old[32];
            snprintf(old, sizeof old, "g%u_%d", (unsigned)lru->serial, lru->level);
            ps_unset_search(slot->ps, old);
            found = lru;
        } else {
            found = &slot->searches[slot->n_searches++];
        }
        double prob = ms__asr_level_prob(&a->cfg.tuning, level);
        fsg_model_t *fsg = build_fsg(a, slot->ps, job->g, name, prob);
        int rc = fsg ? ps_set_fsg(slot->ps, name, fsg) : -1;
        if (fsg)
            fsg_model_free(fsg); /* the search keeps its own reference */
        if (rc < 0) {
            *found = slot->searches[--slot->n_searches];
            return ms__asr_job_fail(job, MS_EIO, "cannot set up the grammar: %s",
                                    ms__asr_sphinx_error());
        }
        found->serial = job->g->serial;
        found->level = level;
    }
    found->used = ++slot->stamp;
    if (ps_set_search(slot->ps, name) < 0)
        return ms__asr_job_fail(job, MS_EIO, "cannot select the grammar: %s",
                                ms__asr_sphinx_error());
    return 0;
}
