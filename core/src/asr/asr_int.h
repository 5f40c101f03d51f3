/* Internals shared by the files of core/src/asr/. Not for other folders.
 *
 * Threads. Everything is used from the loop thread except what a worker
 * touches while it runs a job: the job itself, the job's slot (its decoder and
 * search list: a slot is worked on by one worker at a time, see `working`) and
 * the job's grammar (immutable; the session's reference keeps it alive). The
 * queue, the done list and the `working` flags are guarded by `mu`.
 */
#ifndef MS_ASR_ASR_INT_H
#define MS_ASR_ASR_INT_H

#include "asr/asr.h"
#include "asr/asr_dict.h"
#include "asr/asr_vad.h"
#include "base/u64map.h"
#include "moonswitch/loop.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ps_decoder_s;
struct cmd_ln_s;

#define ASR_GARBAGE_PREFIX "_gb_" /* dictionary names of the phone loop's "words" */
#define ASR_MAX_SEARCHES   16     /* grammar searches kept per decoder */
#define ASR_MAX_DICT_WORDS 1500   /* above this a decoder is re-created */
#define ASR_MAX_WORD       64     /* longest word accepted */
#define ASR_PRIME_MS       600    /* audio before the preroll that primes the denoiser */

/* ---- grammars (asr_grammar.c) ---- */

struct ms__asr_arc {
    int from, to;
    int word;     /* index into words, or -1 for a null transition */
    double log_p; /* natural log of the transition probability */
};

struct ms__asr_grammar {
    unsigned refs;   /* loop thread only; the cache holds one while cached */
    uint32_t serial; /* unique per asr: names the decoder searches */
    struct ms__asr *asr;
    bool keywords; /* keyword list (always wrapped in the phone loop) */
    bool cached;
    uint64_t hash;
    char *key;                             /* cache key: kind and text */
    struct ms__asr_grammar *cprev, *cnext; /* cache LRU list, most recent first */
    /* the grammar as a finite-state graph over word indexes */
    int n_states, start, final;
    struct ms__asr_arc *arcs;
    size_t n_arcs;
    char **words; /* unique, lower case */
    char **prons; /* per word: pronunciations separated by '\n' */
    size_t n_words;
};

void ms__asr_cache_free_all(struct ms__asr *a);

/* ---- decoder pool slots (asr_pool.c, asr_decoder.c) ---- */

struct asr_search {
    uint32_t serial; /* grammar */
    int level;       /* confidence level 1..100, or 0: the grammar alone */
    uint64_t used;   /* LRU stamp */
};

struct asr_slot {
    int index;
    /* loop side */
    bool busy;               /* lent to a session */
    bool exists;             /* a decoder exists or its creation is queued */
    struct ms__u64map known; /* hashes of words the decoder has or will have */
    size_t n_known;
    /* worker side (one worker at a time: see working) */
    bool working; /* guarded by mu */
    struct ps_decoder_s *ps;
    struct asr_search searches[ASR_MAX_SEARCHES];
    int n_searches;
    uint64_t stamp;
};

/* ---- jobs (asr_worker.c runs them, asr_decoder.c does the work) ---- */

enum asr_job_kind { ASR_JOB_PREPARE, ASR_JOB_DECODE };

struct asr_job {
    struct asr_job *next;
    enum asr_job_kind kind;
    struct ms__asr_session *s;
    struct asr_slot *slot;
    struct ms__asr_grammar *g;
    bool recreate;   /* start from a fresh decoder (dictionary too big) */
    int min_level;   /* the session's min_confidence in hundredths */
    int level_shift; /* hundredths the phone loop is weakened by for noise */
    bool queued;     /* between submit and done handling (loop side) */
    /* decode input, owned by the job */
    int16_t *pcm;
    size_t n;
    size_t skip; /* leading samples that only prime the noise suppressor */
    int rate;
    /* output */
    int status; /* 0 or MS_E* */
    char err[160];
    char *text; /* malloc'd: the words, or the closest grammar item */
    bool found; /* accepted at min_level */
    float confidence;
    bool created; /* a decoder was (re)created */
    int words_added;
    double init_ms, decode_ms, audio_ms;
};

/* ---- sessions (asr_session.c) ---- */

enum asr_state { ASR_LISTENING, ASR_SPEECH, ASR_DECODING, ASR_DONE };

struct ms__asr_session {
    struct ms__asr *asr;
    struct ms__asr_session *prev, *next; /* asr's list of live sessions */
    struct ms__asr_grammar *g;           /* one reference */
    struct asr_slot *slot;               /* while lent */
    struct ms__asr_cb cb;
    void *ud;
    char call_id[64];
    int end_silence_ms, no_input_ms, max_ms;
    int min_level; /* min_confidence in hundredths */
    bool defer_no_input;
    enum asr_state state;
    bool cancelled;
    int inflight; /* jobs not yet handled on the loop */
    struct ms_timer t_noinput, t_max;
    struct ms_deferred d_speech;
    struct ms__asr_vad vad;
    int rate;             /* 0 until the first frame */
    double voiced_db_sum; /* levels of the voiced frames */
    int voiced_frames;
    /* audio before the start of speech: a ring of ring_cap samples */
    int16_t *ring;
    size_t ring_cap, ring_len, ring_pos;
    /* the utterance */
    int16_t *utt;
    size_t utt_n, utt_cap, utt_max, last_voice_end;
    size_t skip; /* priming samples at the start of utt */
    struct asr_job prep, dec;
};

/* ---- the recogniser (asr.c) ---- */

struct ms__asr {
    struct ms_loop *loop;
    struct ms__asr_config cfg;
    char *hmm, *dict_path, *mllr, *decoder_args;
    struct ms__asr_dict dict;
    void *lmath; /* logmath_t for compiling grammars (loop) */
    uint32_t next_serial;
    struct ms__asr_grammar *cache; /* LRU list */
    int n_cached;
    struct asr_slot *slots;
    struct ms__asr_session *sessions;
    struct ms__asr_stats st;
    /* workers */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t *threads;
    int n_threads;
    bool stopping;
    struct asr_job *queue, *queue_tail, *done;
    uv_async_t async;
    bool closing;
};

/* asr_worker.c */
int ms__asr_workers_start(struct ms__asr *a);
void ms__asr_workers_stop(struct ms__asr *a); /* joins; queued jobs go to done */
void ms__asr_submit(struct ms__asr *a, struct asr_job *job);
void ms__asr_async_cb(uv_async_t *h);
void ms__asr_drain_done(struct ms__asr *a); /* loop thread */

/* asr_decoder.c (worker side) */
int ms__asr_check_decoder_args(const char *args); /* 0 or MS_EINVAL */
/* Phone i of the dictionary ("AA") and its phone-loop word ("_gb_aa"). */
void ms__asr_garbage_word(const struct ms__asr_dict *d, int i, char phone[9], char word[24]);
/* Sets the job's status and message; returns rc. */
int ms__asr_job_fail(struct asr_job *job, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* asr_search.c (worker side) */
/* The phone loop's per-phone probability at confidence level 1..100. */
double ms__asr_level_prob(const struct ms__asr_tuning *t, int level);
/* Selects the search of the job's grammar at `level` (0: the grammar alone),
 * building it first if needed. 0 or the job's failure. */
int ms__asr_use_search(const struct ms__asr *a, struct asr_slot *slot, struct asr_job *job,
                       int level);
void ms__asr_job_run(struct ms__asr *a, struct asr_job *job);
void ms__asr_slot_release_decoder(struct asr_slot *slot);

/* asr_audio.c (worker side): the job's audio as 16 kHz samples to decode, in
 * a new buffer (*out NULL when there is none). 0 or MS_ENOMEM. */
int ms__asr_prepare_audio(const struct ms__asr_tuning *t, struct asr_job *job, int16_t **out,
                          size_t *out_n);

/* asr_pool.c (loop side) */
int ms__asr_pool_init(struct ms__asr *a);
void ms__asr_pool_free(struct ms__asr *a);
/* Lends an idle slot fit for g; sets *recreate when its decoder must be made
 * afresh. MS_EBUSY when every slot is lent. */
int ms__asr_pool_take(struct ms__asr *a, const struct ms__asr_grammar *g, struct asr_slot **out,
                      bool *recreate);
void ms__asr_pool_give(struct ms__asr *a, struct asr_slot *slot);

/* asr_session.c */
void ms__asr_job_done(struct ms__asr *a, struct asr_job *job); /* loop, from the async */
void ms__asr_session_abort(struct ms__asr_session *s);         /* at ms__asr_free */

/* asr_sphinx.c: sphinxbase's log into ours; the last error of this thread */
void ms__asr_sphinx_log_init(void);
void ms__asr_sphinx_error_clear(void);
const char *ms__asr_sphinx_error(void); /* "" if none */

/* FNV-1a, never 0 or UINT64_MAX (u64map keys) */
uint64_t ms__asr_hash(const char *s, size_t n);

#endif
