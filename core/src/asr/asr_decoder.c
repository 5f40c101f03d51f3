/* Worker side: a slot's pocketsphinx decoder, its dictionary words, and the
 * decoding of one utterance into a decision and a confidence. Runs on a
 * worker thread with the slot to itself (see asr_int.h).
 *
 * Out-of-grammar speech. A grammar search alone forces any speech onto some
 * grammar item, so the searches (asr_search.c) also hold a free loop of the
 * model's phones beside the grammar, scored in the same Viterbi search. The
 * result is accepted at the session's threshold level when the grammar's
 * words still win against the loop of that level; one more decode at the
 * next level of the grid (up after an accept, down after a reject) refines
 * the confidence reported.
 */
#define MS_LOG_MODULE "asr"
#include "asr/asr_int.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <ctype.h>
#include <math.h>
#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECODE_RATE 16000

static double ms_since(uint64_t t0)
{
    return (double)(uv_hrtime() - t0) / 1e6;
}

int ms__asr_job_fail(struct asr_job *job, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->err, sizeof job->err, fmt, ap);
    va_end(ap);
    job->status = rc;
    return rc;
}

/* ---- decoders ---- */

void ms__asr_slot_release_decoder(struct asr_slot *slot)
{
    if (slot->ps)
        ps_free(slot->ps);
    slot->ps = NULL;
    slot->n_searches = 0;
}

void ms__asr_garbage_word(const struct ms__asr_dict *d, int i, char phone[9], char word[24])
{
    uint64_t v = d->phones[i];
    int len = 0, k = snprintf(word, 24, ASR_GARBAGE_PREFIX);
    for (int shift = 56; shift >= 0; shift -= 8) {
        char c = (char)((v >> shift) & 0xff);
        if (c) {
            phone[len++] = c;
            word[k++] = (char)tolower((unsigned char)c);
        }
    }
    phone[len] = '\0';
    word[k] = '\0';
}

static int add_garbage_words(const struct ms__asr *a, ps_decoder_t *ps)
{
    for (int i = 0; i < a->dict.n_phones; i++) {
        char phone[9], word[24];
        ms__asr_garbage_word(&a->dict, i, phone, word);
        if (ps_add_word(ps, word, phone, FALSE) < 0)
            return MS_EIO;
    }
    return 0;
}

/* The decoder's configuration: ours (the model, its MLLR transform if any),
 * then the user's decoder_args. */
static cmd_ln_t *decoder_config(const char *hmm, const char *mllr, const char *args)
{
    char *copy = strdup(args ? args : ""), *argv[70] = {"-hmm", (char *)hmm, "-bestpath", "no"};
    int argc = 4;
    if (!copy)
        return NULL;
    if (mllr) {
        argv[argc++] = "-mllr";
        argv[argc++] = (char *)mllr;
    }
    for (char *save = NULL, *t = strtok_r(copy, " \t", &save); t && argc < 70;
         t = strtok_r(NULL, " \t", &save))
        argv[argc++] = t;
    cmd_ln_t *c = argc % 2 == 0 ? cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE) : NULL;
    free(copy);
    return c;
}

int ms__asr_check_decoder_args(const char *args)
{
    cmd_ln_t *c = decoder_config(MS__ASR_DEFAULT_HMM, NULL, args);
    if (!c)
        return MS_EINVAL;
    cmd_ln_free_r(c);
    return 0;
}

static int create_decoder(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job)
{
    uint64_t t0 = uv_hrtime();
    cmd_ln_t *c = decoder_config(a->hmm, a->mllr, a->decoder_args);
    ps_decoder_t *ps = c ? ps_init(c) : NULL;
    if (c)
        cmd_ln_free_r(c); /* the decoder keeps its own reference */
    if (!ps)
        return ms__asr_job_fail(job, MS_EIO, "cannot create a decoder: %s", ms__asr_sphinx_error());
    if (add_garbage_words(a, ps) < 0) {
        ps_free(ps);
        return ms__asr_job_fail(job, MS_EIO, "cannot add the phone loop: %s",
                                ms__asr_sphinx_error());
    }
    slot->ps = ps;
    slot->n_searches = 0;
    job->created = true;
    job->init_ms += ms_since(t0);
    return 0;
}

/* Adds the grammar's words the decoder lacks ("word", "word(2)", ...). */
static int ensure_words(struct asr_slot *slot, struct asr_job *job)
{
    const struct ms__asr_grammar *g = job->g;
    for (size_t i = 0; i < g->n_words; i++) {
        int alt = 0;
        for (const char *p = g->prons[i]; *p; alt++) {
            size_t len = strcspn(p, "\n");
            char name[ASR_MAX_WORD + 8], phones[512];
            if (alt == 0)
                snprintf(name, sizeof name, "%s", g->words[i]);
            else
                snprintf(name, sizeof name, "%s(%d)", g->words[i], alt + 1);
            snprintf(phones, sizeof phones, "%.*s", (int)len, p);
            p += len + (p[len] == '\n');
            char *have = ps_lookup_word(slot->ps, name);
            if (have) {
                ckd_free(have);
                continue;
            }
            if (ps_add_word(slot->ps, name, phones, FALSE) < 0)
                return ms__asr_job_fail(job, MS_EIO, "cannot add word '%s': %s", name,
                                        ms__asr_sphinx_error());
            job->words_added++;
        }
    }
    return 0;
}

/* ---- decoding ---- */

#define LEVEL_FORCED 0
static const int grid[] = {25, 50, 75, 100};

/* Silence, noises, and the null transitions some paths report as "(NULL)". */
static bool is_filler(const char *w)
{
    return !w[0] || w[0] == '<' || w[0] == '[' || w[0] == '(';
}

static bool is_garbage(const char *w)
{
    return strncmp(w, ASR_GARBAGE_PREFIX, strlen(ASR_GARBAGE_PREFIX)) == 0;
}

static int append_word(char **text, size_t *len, const char *w)
{
    size_t n = strcspn(w, "(");
    char *bigger = realloc(*text, *len + n + 2);
    if (!bigger)
        return MS_ENOMEM;
    *text = bigger;
    if (*len)
        bigger[(*len)++] = ' ';
    memcpy(bigger + *len, w, n);
    *len += n;
    bigger[*len] = '\0';
    return 0;
}

/* The grammar's words on the best path (NULL if none), in a new string. */
static int path_words(ps_decoder_t *ps, char **out)
{
    char *text = NULL;
    size_t len = 0;
    for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
        const char *w = ps_seg_word(seg);
        if (is_filler(w) || is_garbage(w))
            continue;
        if (append_word(&text, &len, w) < 0) {
            ps_seg_free(seg);
            free(text);
            return MS_ENOMEM;
        }
    }
    *out = text;
    return 0;
}

/* Decodes the utterance at `level`; *text gets the grammar words of the best
 * path (NULL: the phone loop won, or silence). */
static int decode_at(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job,
                     const int16_t *pcm, size_t n, int level, char **text)
{
    *text = NULL;
    if (level != LEVEL_FORCED) /* noisy line: a weaker phone loop (see asr.h) */
        level = level - job->level_shift > 1 ? level - job->level_shift : 1;
    if (ms__asr_use_search(a, slot, job, level) < 0)
        return job->status;
    if (ps_start_utt(slot->ps) < 0 || (n && ps_process_raw(slot->ps, pcm, n, FALSE, TRUE) < 0) ||
        ps_end_utt(slot->ps) < 0)
        return ms__asr_job_fail(job, MS_EIO, "decoding failed: %s", ms__asr_sphinx_error());
    if (path_words(slot->ps, text) < 0)
        return ms__asr_job_fail(job, MS_ENOMEM, "out of memory");
    return 0;
}

static void keep_text(struct asr_job *job, char **text)
{
    if (!*text)
        return;
    free(job->text);
    job->text = *text;
    *text = NULL;
}

/* Up to `refine` more decodes along the grid for the confidence: upwards from
 * the threshold t after an accept (while still accepted), downwards after a
 * reject (until accepted). */
static int refine_confidence(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job,
                             const int16_t *pcm, size_t n, int t)
{
    int steps = a->cfg.tuning.refine, n_grid = (int)(sizeof grid / sizeof *grid);
    bool up = job->found;
    for (int i = up ? 0 : n_grid - 1; i >= 0 && i < n_grid && steps > 0; i += up ? 1 : -1) {
        if (up ? grid[i] <= t : grid[i] >= t)
            continue;
        steps--;
        char *text;
        if (decode_at(a, slot, job, pcm, n, grid[i], &text) < 0)
            return job->status;
        bool ok = text != NULL;
        if (!up && ok)
            keep_text(job, &text); /* the closest item, for the logs */
        free(text);
        if (ok)
            job->confidence = (float)grid[i] / 100.0f;
        if (ok != up)
            break;
    }
    return 0;
}

/* The decision at the session's threshold, the confidence, and for a reject
 * the closest grammar item (forced decoding) if nothing better is known. */
static int judge(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job,
                 const int16_t *pcm, size_t n)
{
    int t = job->min_level;
    bool reject = t > 0 && a->cfg.tuning.garbage_prob > 0;
    char *text;
    if (decode_at(a, slot, job, pcm, n, reject ? t : LEVEL_FORCED, &text) < 0)
        return job->status;
    job->found = text != NULL;
    job->confidence = !job->found ? 0.0f : reject ? (float)t / 100.0f : 1.0f;
    keep_text(job, &text);
    if (reject && refine_confidence(a, slot, job, pcm, n, t) < 0)
        return job->status;
    if (reject && !job->found && !job->text && a->cfg.tuning.forced_text && n) {
        if (decode_at(a, slot, job, pcm, n, LEVEL_FORCED, &text) < 0)
            return job->status;
        keep_text(job, &text);
    }
    return 0;
}

static int decode(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    uint64_t t0 = uv_hrtime();
    int rc = ms__asr_prepare_audio(&a->cfg.tuning, job, &pcm, &n);
    if (rc < 0)
        return ms__asr_job_fail(job, rc, "cannot prepare the audio: %s", ms_strerror(rc));
    rc = judge(a, slot, job, pcm, n);
    job->decode_ms += ms_since(t0);
    job->audio_ms = (double)n * 1000.0 / DECODE_RATE;
    free(pcm);
    return rc;
}

void ms__asr_job_run(struct ms__asr *a, struct asr_job *job)
{
    struct asr_slot *slot = job->slot;
    ms__asr_sphinx_error_clear();
    job->status = 0;
    if (job->recreate)
        ms__asr_slot_release_decoder(slot);
    job->recreate = false;
    if (!slot->ps && create_decoder(a, slot, job) < 0)
        return;
    uint64_t t0 = uv_hrtime();
    int rc = ensure_words(slot, job);
    if (rc == 0 && job->kind == ASR_JOB_PREPARE)
        rc = ms__asr_use_search(a, slot, job, job->min_level);
    job->init_ms += ms_since(t0);
    if (rc == 0 && job->kind == ASR_JOB_DECODE)
        decode(a, slot, job);
}
