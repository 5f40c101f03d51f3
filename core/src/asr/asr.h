/* Speech recognition with pocketsphinx (en-us model), for call:gather{speech=...}.
 *
 * Shape. One struct ms__asr per media loop. A script's grammar (JSGF text or a
 * keyword list) is compiled on the loop, once: grammars are cached by their
 * text and shared. A recognition is a struct ms__asr_session: the loop feeds
 * it the caller's 20 ms frames (8 or 16 kHz), a cheap energy detector on the
 * loop finds the start and the end of speech, and the utterance is decoded on
 * the asr's worker thread(s) by a decoder taken from a bounded pool. Results
 * and "speech started" come back as callbacks on the loop thread.
 *
 * No pocketsphinx or sphinxbase type appears here: only core/src/asr/ sees
 * them (and never in a file that includes spandsp headers).
 *
 * struct ms__asr: owned by the loop's media context; used from the loop's
 *   thread only (every function here). It owns the dictionary, the grammar
 *   cache, the decoder pool, the worker threads and a uv_async handle.
 *   ms__asr_free works like closing a libuv handle: it cancels the sessions
 *   still running (their callbacks are not called), joins the workers, frees
 *   the decoders, and releases the last memory in the async handle's close
 *   callback: keep running the uv loop until uv_run returns (until then the
 *   async handle keeps the loop alive). Every grammar reference must have
 *   been released before (grammars point to their asr).
 *
 * struct ms__asr_grammar: immutable once compiled, reference-counted on the
 *   loop thread. Each successful ms__asr_grammar_* call returns one reference,
 *   given back with ms__asr_grammar_release. A session holds its own reference
 *   while it runs, so a grammar may be released right after ms__asr_start.
 *
 * struct ms__asr_session: owned by the asr. Valid from ms__asr_start until
 *   either its on_result callback has returned (exactly one result, never from
 *   inside ms__asr_start or ms__asr_feed) or ms__asr_cancel was called (then no
 *   callback at all). Do not touch it after either. It holds a pool decoder
 *   from ms__asr_start until its utterance is decoded.
 *
 * Virtual clock: while a session has work on a worker thread (preparing its
 * decoder, decoding), the loop is held (ms_loop_hold), so flow tests on a
 * virtual clock see the result at the same virtual time on every run.
 */
#ifndef MS_ASR_ASR_H
#define MS_ASR_ASR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms_loop;
struct ms__asr;
struct ms__asr_grammar;
struct ms__asr_session;

#define MS__ASR_DEFAULT_HMM  "/usr/share/pocketsphinx/model/en-us/en-us"
#define MS__ASR_DEFAULT_DICT "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

/* Knobs measured by tools/asr-eval (see docs/benchmarks.md). The defaults from
 * ms__asr_config_defaults are the measured best; change them to measure. */
struct ms__asr_tuning {
    /* Out-of-grammar rejection: a free loop of the model's phones competes
     * with the grammar in the same search. At confidence level c each of its
     * phones costs garbage_prob * 100^(c - 0.5): the result is accepted at
     * min_confidence when the grammar still wins against the loop of that
     * level. 0 turns the loop off (everything is forced onto the grammar). */
    double garbage_prob;
    /* After the decision, up to this many more decodes at the levels 0.25,
     * 0.5, 0.75, 1 (upwards after an accept, downwards after a reject) refine
     * the reported confidence. */
    int refine;
    /* Noise: on a line whose speech-to-noise ratio (as the endpointing
     * measured it) is below this many dB, the phone loop is weakened by 1/60
     * of a level per dB, at most 0.3 (noise fits its phones better than the
     * grammar's silence). 0: off. */
    double snr_ref_db;
    /* JSGF: let the phone loop also explain speech before and after the
     * grammar's phrase ("uh, sales please"). Keyword lists always do this. */
    bool wrap;
    /* Scale each utterance so its active speech level is this many dBFS
     * (0: leave the level alone). */
    double level_dbfs;
    /* Suppress stationary noise (speexdsp) before decoding; it learns the
     * noise from the audio that came before the speech. */
    bool denoise;
    int preroll_ms; /* audio kept from before the detected start of speech */
    int tail_ms;    /* silence kept after the last voiced frame */
    /* Add pronunciations without a leading weak fricative (F, TH, V, DH, HH,
     * S, Z, SH): telephone band-limiting (300-3400 Hz) all but removes them. */
    bool tel_variants;
    /* When the phone loop wins, decode again with the grammar alone so the
     * nomatch result still names the closest grammar item (for logs). */
    bool forced_text;
    /* More pocketsphinx decoder options, "-name value" pairs separated by
     * blanks (e.g. "-beam 1e-60"); NULL for none. Checked by ms__asr_new. */
    const char *decoder_args;
};

struct ms__asr_config {
    const char *hmm;        /* acoustic model directory; NULL: MS__ASR_DEFAULT_HMM */
    const char *dict;       /* pronunciation dictionary; NULL: MS__ASR_DEFAULT_DICT */
    const char *extra_dict; /* optional file of "word PH PH ..." lines, taking precedence */
    /* Optional MLLR transform of the model's means (sphinxtrain's mllr_solve output), e.g.
     * models/en-us-tel/mllr: adapts the wideband en-us model to telephone audio (see
     * docs/asr.md). NULL: none. Checked (read) by ms__asr_new. */
    const char *mllr;
    int pool_size;           /* decoders at most (each ~6 MB); a session holds one from
                                ms__asr_start to its result; default 4 */
    int threads;             /* decoding threads; default 1 */
    float min_confidence;    /* default threshold for "match"; default 0.5 */
    int max_cached_grammars; /* grammar cache bound; default 64 */
    struct ms__asr_tuning tuning;
};

/* Fills every field with its default. */
void ms__asr_config_defaults(struct ms__asr_config *c);

/* Loads the dictionary (blocking: ~60 ms, 4 MB; call at start-up) and starts the
 * worker threads. c NULL: defaults. 0, MS_EINVAL (bad value), MS_ENOENT /
 * MS_EACCES / MS_EFORMAT (dictionary), MS_ENOMEM. Decoders are created
 * lazily, on the workers. */
int ms__asr_new(struct ms__asr **out, struct ms_loop *loop, const struct ms__asr_config *c);
void ms__asr_free(struct ms__asr *a); /* NULL is a no-op; see above */

/* Adds a pronunciation (phones of the model, e.g. "EH K S R EY") for a word,
 * before the dictionary's. For grammars compiled afterwards. 0, MS_EINVAL
 * (empty word, unknown phone) or MS_ENOMEM. */
int ms__asr_add_word(struct ms__asr *a, const char *word, const char *phones);

/* Compiles (or finds in the cache) a JSGF grammar given as text; its public
 * rule is what callers may say; words are case-insensitive. On failure a
 * message goes to err (if errlen > 0): "line N: ..." for syntax errors, "word
 * 'xyz' has no pronunciation", "no public rule", ... 0, MS_EFORMAT (bad
 * grammar), MS_ENOENT (a word without pronunciation), MS_EINVAL, MS_ENOMEM. */
int ms__asr_grammar_jsgf(struct ms__asr *a, const char *jsgf, struct ms__asr_grammar **out,
                         char *err, size_t errlen);
/* A keyword list: each entry a word or phrase ("customer service") to spot
 * anywhere in what the caller says. Same errors as above. */
int ms__asr_grammar_keywords(struct ms__asr *a, const char *const *words, size_t n,
                             struct ms__asr_grammar **out, char *err, size_t errlen);
void ms__asr_grammar_release(struct ms__asr_grammar *g); /* NULL is a no-op */

struct ms__asr_result {
    const char *reason; /* "match", "nomatch" (below min_confidence or out of grammar),
                           "noinput", "error" */
    const char *text;   /* the words recognised, "" if none; for nomatch the closest
                           grammar item when known (for logs only) */
    float confidence;   /* 0..1: the strongest phone loop the grammar was found to beat
                           (see struct ms__asr_tuning), in steps of 0.25 around the
                           threshold; >= min_confidence exactly when "match" */
    int speech_ms;      /* length of the decoded utterance (0 for noinput) */
    int decode_ms;      /* worker time spent on it */
    const char *error;  /* reason "error": what failed; else NULL */
};

/* Both run on the loop thread. text and error are valid during the call only. */
struct ms__asr_cb {
    void (*on_speech)(void *ud); /* speech began (barge-in); at most once; may be NULL */
    void (*on_result)(void *ud, const struct ms__asr_result *r);
};

struct ms__asr_opts {
    int end_silence_ms;   /* silence that ends the utterance; <= 0: 800 */
    int no_input_ms;      /* no speech by then: "noinput"; <= 0: 5000 */
    int max_ms;           /* whole session (with defer_no_input: from the input timer's
                             start), and the longest utterance; speech still going is then
                             decoded; <= 0: 15000 */
    float min_confidence; /* < 0: the asr's */
    bool defer_no_input;  /* the no-input and session timers start at
                             ms__asr_start_input_timer (e.g. when the prompt ends), not at
                             ms__asr_start; speech before then is still heard */
    const char *call_id;  /* for log lines; copied; may be NULL */
};
#define MS__ASR_OPTS_INIT                                                                          \
    {                                                                                              \
        0, 0, 0, -1.0f, false, NULL                                                                \
    }

/* Starts listening. o NULL: MS__ASR_OPTS_INIT. 0; MS_EBUSY at once when every
 * decoder of the pool is in use; MS_EINVAL; MS_ENOMEM. Callbacks never run
 * when this fails. */
int ms__asr_start(struct ms__asr *a, struct ms__asr_grammar *g, const struct ms__asr_opts *o,
                  const struct ms__asr_cb *cb, void *ud, struct ms__asr_session **out);
/* One frame of the caller's audio (normally 20 ms) at 8000 (upsampled to
 * 16 kHz for decoding) or 16000 Hz; one rate per session (frames at another
 * rate are dropped). Ignored once the utterance has ended. Cheap: level
 * detection and a copy; never blocks. */
void ms__asr_feed(struct ms__asr_session *s, const int16_t *pcm, size_t n, int rate);
/* Starts the no-input timer of a session started with defer_no_input (no-op
 * otherwise, or once speech has begun). */
void ms__asr_start_input_timer(struct ms__asr_session *s);
/* No callback after this; the session is gone. */
void ms__asr_cancel(struct ms__asr_session *s);

/* Counters for benchmarks and logs. */
struct ms__asr_stats {
    int pool_size, decoders, busy; /* decoders created / in use now */
    uint64_t sessions, busy_refusals, decodes;
    uint64_t decoder_inits, decoder_reuses, words_added;
    double init_ms_total;   /* worker time creating decoders */
    double decode_ms_total; /* worker time decoding */
    double audio_ms_total;  /* audio decoded */
    uint64_t grammars_compiled, grammar_cache_hits;
};
void ms__asr_stats(const struct ms__asr *a, struct ms__asr_stats *out);

#endif
