/* Grammars: JSGF text or keyword lists compiled on the loop into a small
 * word graph (states, arcs, words with their pronunciations) that any decoder
 * can turn into a search; cached by text. */
#define MS_LOG_MODULE "asr"
#include "asr/asr_int.h"
#include "asr/asr_jsgf.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <ctype.h>
#include <math.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>
#include <sphinxbase/logmath.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void grammar_free(struct ms__asr_grammar *g)
{
    for (size_t i = 0; i < g->n_words; i++) {
        free(g->words[i]);
        if (g->prons)
            free(g->prons[i]);
    }
    free(g->words);
    free(g->prons);
    free(g->arcs);
    free(g->key);
    free(g);
}

void ms__asr_grammar_release(struct ms__asr_grammar *g)
{
    if (g && --g->refs == 0)
        grammar_free(g);
}

/* ---- cache ---- */

static void cache_unlink(struct ms__asr *a, struct ms__asr_grammar *g)
{
    if (g->cprev)
        g->cprev->cnext = g->cnext;
    else
        a->cache = g->cnext;
    if (g->cnext)
        g->cnext->cprev = g->cprev;
    g->cprev = g->cnext = NULL;
    g->cached = false;
    a->n_cached--;
}

static void cache_push(struct ms__asr *a, struct ms__asr_grammar *g)
{
    g->cnext = a->cache;
    if (a->cache)
        a->cache->cprev = g;
    a->cache = g;
    g->cached = true;
    a->n_cached++;
}

static struct ms__asr_grammar *cache_find(struct ms__asr *a, const char *key, uint64_t hash)
{
    for (struct ms__asr_grammar *g = a->cache; g; g = g->cnext) {
        if (g->hash == hash && strcmp(g->key, key) == 0) {
            cache_unlink(a, g);
            cache_push(a, g);
            return g;
        }
    }
    return NULL;
}

static void cache_add(struct ms__asr *a, struct ms__asr_grammar *g)
{
    g->refs++; /* the cache's */
    cache_push(a, g);
    while (a->n_cached > a->cfg.max_cached_grammars) {
        struct ms__asr_grammar *last = a->cache;
        while (last->cnext)
            last = last->cnext;
        cache_unlink(a, last);
        ms__asr_grammar_release(last);
    }
}

void ms__asr_cache_free_all(struct ms__asr *a)
{
    while (a->cache) {
        struct ms__asr_grammar *g = a->cache;
        cache_unlink(a, g);
        ms__asr_grammar_release(g);
    }
}

/* ---- building ---- */

static struct ms__asr_grammar *grammar_new(struct ms__asr *a, const char *key)
{
    struct ms__asr_grammar *g = calloc(1, sizeof *g);
    if (!g || !(g->key = strdup(key))) {
        free(g);
        return NULL;
    }
    g->refs = 1;
    g->asr = a;
    g->serial = ++a->next_serial;
    g->hash = ms__asr_hash(key, strlen(key));
    return g;
}

/* Index of word w in g (added if new), or MS_ENOMEM. */
static int word_index(struct ms__asr_grammar *g, const char *w, size_t n)
{
    for (size_t i = 0; i < g->n_words; i++)
        if (strlen(g->words[i]) == n && memcmp(g->words[i], w, n) == 0)
            return (int)i;
    char **bigger = realloc(g->words, (g->n_words + 1) * sizeof *bigger);
    if (!bigger)
        return MS_ENOMEM;
    g->words = bigger;
    if (!(g->words[g->n_words] = strndup(w, n)))
        return MS_ENOMEM;
    return (int)g->n_words++;
}

static int add_arc(struct ms__asr_grammar *g, int from, int to, int word, double log_p)
{
    if ((g->n_arcs & 15) == 0) {
        struct ms__asr_arc *bigger = realloc(g->arcs, (g->n_arcs + 16) * sizeof *bigger);
        if (!bigger)
            return MS_ENOMEM;
        g->arcs = bigger;
    }
    g->arcs[g->n_arcs++] = (struct ms__asr_arc){from, to, word, log_p};
    return 0;
}

/* Looks every word up; the first without a pronunciation is an error. */
static int find_prons(struct ms__asr *a, struct ms__asr_grammar *g, char *err, size_t errlen)
{
    g->prons = calloc(g->n_words ? g->n_words : 1, sizeof *g->prons);
    if (!g->prons)
        return MS_ENOMEM;
    for (size_t i = 0; i < g->n_words; i++) {
        int rc =
            ms__asr_dict_prons(&a->dict, g->words[i], a->cfg.tuning.tel_variants, &g->prons[i]);
        if (rc == MS_ENOENT)
            set_err(err, errlen, "word '%s' has no pronunciation", g->words[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The sphinxbase FSG as our graph (word ids map to our word indexes). */
static int copy_fsg(struct ms__asr *a, struct ms__asr_grammar *g, fsg_model_t *fsg)
{
    g->n_states = fsg_model_n_state(fsg);
    g->start = fsg_model_start_state(fsg);
    g->final = fsg_model_final_state(fsg);
    for (int s = 0; s < g->n_states; s++) {
        for (fsg_arciter_t *it = fsg_model_arcs(fsg, s); it; it = fsg_arciter_next(it)) {
            fsg_link_t *l = fsg_arciter_get(it);
            int w = -1;
            if (fsg_link_wid(l) >= 0) {
                const char *ws = fsg_model_word_str(fsg, fsg_link_wid(l));
                if ((w = word_index(g, ws, strlen(ws))) < 0) {
                    fsg_arciter_free(it);
                    return w;
                }
            }
            double lp = logmath_log_to_ln(a->lmath, fsg_link_logs2prob(l));
            if (add_arc(g, fsg_link_from_state(l), fsg_link_to_state(l), w, lp) < 0) {
                fsg_arciter_free(it);
                return MS_ENOMEM;
            }
        }
    }
    return 0;
}

static int parse_jsgf(struct ms__asr *a, struct ms__asr_grammar *g, const char *text, char *err,
                      size_t errlen)
{
    ms__asr_sphinx_error_clear();
    jsgf_t *j = jsgf_parse_string(text, NULL);
    jsgf_rule_t *rule = j ? jsgf_get_public_rule(j) : NULL;
    fsg_model_t *fsg = rule ? jsgf_build_fsg(j, rule, a->lmath, 1.0f) : NULL;
    int rc = fsg ? copy_fsg(a, g, fsg) : MS_EFORMAT;
    if (!fsg)
        set_err(err, errlen, "JSGF: %s",
                *ms__asr_sphinx_error() ? ms__asr_sphinx_error() : "cannot parse the grammar");
    else if (rc == 0 && g->n_words == 0)
        set_err(err, errlen, "the grammar has no words"), rc = MS_EFORMAT;
    if (fsg)
        fsg_model_free(fsg);
    if (j)
        jsgf_grammar_free(j);
    return rc;
}

int ms__asr_grammar_jsgf(struct ms__asr *a, const char *jsgf, struct ms__asr_grammar **out,
                         char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (!a || !jsgf || !out)
        return MS_EINVAL;
    size_t n = strlen(jsgf);
    char *key = malloc(n + 3);
    if (!key)
        return MS_ENOMEM;
    memcpy(key, "j\n", 2);
    memcpy(key + 2, jsgf, n + 1);
    struct ms__asr_grammar *g = cache_find(a, key, ms__asr_hash(key, n + 2));
    if (g) {
        a->st.grammar_cache_hits++;
        g->refs++;
        free(key);
        *out = g;
        return 0;
    }
    char *text = strdup(jsgf); /* the check lower-cases its words */
    int rc = text ? ms__asr_jsgf_check(text, err, errlen) : MS_ENOMEM;
    if (rc == 0 && !(g = grammar_new(a, key)))
        rc = MS_ENOMEM;
    if (rc == 0)
        rc = parse_jsgf(a, g, text, err, errlen);
    if (rc == 0)
        rc = find_prons(a, g, err, errlen);
    free(text);
    free(key);
    if (rc < 0) {
        if (g)
            grammar_free(g);
        return rc;
    }
    a->st.grammars_compiled++;
    cache_add(a, g);
    *out = g;
    return 0;
}

/* ---- keyword lists ---- */

/* "Customer  Service" -> "customer service" (out has room for strlen(in) + 1);
 * MS_EINVAL for bad input. */
static int clean_phrase(const char *in, char *out)
{
    size_t k = 0;
    for (const char *p = in + strspn(in, " \t"); *p;) {
        size_t n = strcspn(p, " \t");
        if (*p == '_' || n > ASR_MAX_WORD)
            return MS_EINVAL;
        if (k)
            out[k++] = ' ';
        for (size_t i = 0; i < n; i++) {
            if (strchr(";=|*+<>()[]{}/\"\n\r", p[i]))
                return MS_EINVAL;
            out[k++] = (char)tolower((unsigned char)p[i]);
        }
        p += n;
        p += strspn(p, " \t");
    }
    out[k] = '\0';
    return k ? 0 : MS_EINVAL;
}

/* Phrases from state 0 to state 1, each a chain of words. */
static int keyword_graph(struct ms__asr_grammar *g, char **phrases, size_t n)
{
    g->start = 0;
    g->final = 1;
    g->n_states = 2;
    double lp = -log((double)n);
    for (size_t i = 0; i < n; i++) {
        int from = 0;
        for (const char *p = phrases[i]; *p;) {
            size_t len = strcspn(p, " ");
            int w = word_index(g, p, len);
            if (w < 0)
                return w;
            bool last = p[len] == '\0';
            int to = last ? 1 : g->n_states++;
            if (add_arc(g, from, to, w, from == 0 ? lp : 0.0) < 0)
                return MS_ENOMEM;
            from = to;
            p += len + !last;
        }
    }
    return 0;
}

static char *keywords_key(char **phrases, size_t n)
{
    size_t len = 3;
    for (size_t i = 0; i < n; i++)
        len += strlen(phrases[i]) + 1;
    char *key = malloc(len), *w = key;
    if (!key)
        return NULL;
    w += sprintf(w, "k");
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "\n%s", phrases[i]);
    return key;
}

static void free_phrases(char **phrases, size_t n)
{
    for (size_t i = 0; i < n && phrases; i++)
        free(phrases[i]);
    free(phrases);
}

int ms__asr_grammar_keywords(struct ms__asr *a, const char *const *words, size_t n,
                             struct ms__asr_grammar **out, char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (!a || !out || (!words && n) || n == 0 || n > 1000) {
        set_err(err, errlen, n == 0 ? "no keywords" : "bad keyword list");
        return MS_EINVAL;
    }
    char **phrases = calloc(n, sizeof *phrases);
    if (!phrases)
        return MS_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t cap = (words[i] ? strlen(words[i]) : 0) + 1;
        if (!(phrases[i] = malloc(cap)))
            rc = MS_ENOMEM;
        else if (!words[i] || clean_phrase(words[i], phrases[i]) < 0) {
            set_err(err, errlen, "keyword %zu: not a word or phrase", i + 1);
            rc = MS_EINVAL;
        }
    }
    char *key = rc == 0 ? keywords_key(phrases, n) : NULL;
    struct ms__asr_grammar *g = NULL;
    if (rc == 0 && !key)
        rc = MS_ENOMEM;
    if (rc == 0 && (g = cache_find(a, key, ms__asr_hash(key, strlen(key))))) {
        a->st.grammar_cache_hits++;
        g->refs++;
    } else if (rc == 0) {
        rc = (g = grammar_new(a, key)) ? 0 : MS_ENOMEM;
        if (rc == 0) {
            g->keywords = true;
            rc = keyword_graph(g, phrases, n);
        }
        if (rc == 0)
            rc = find_prons(a, g, err, errlen);
        if (rc < 0 && g) {
            grammar_free(g);
            g = NULL;
        } else if (rc == 0) {
            a->st.grammars_compiled++;
            cache_add(a, g);
        }
    }
    free(key);
    free_phrases(phrases, n);
    if (rc == 0)
        *out = g;
    return rc;
}
