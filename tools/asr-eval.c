/* asr-eval: measures the speech recogniser (core/src/asr/) the way a call uses it.
 *
 *   asr-eval [-s SETS] [-a DIR] [-m MLLR] [-g GARBAGE] [-c MINCONF] [-l LEVEL]
 *            [-p PREROLL] [-t TAIL] [-V] [-w] [-N] [-S SNR] [-r STEPS] [-D ARGS] [-x]
 *            [-f] [-P POOL] [-v]
 *   asr-eval -L          the Asterisk files tested on (adaptation leaves them out)
 *   asr-eval -A DIR      writes adaptation audio (models/en-us-tel/adapt.sh)
 *
 * Every utterance goes through the real module on a virtual-clock loop: 20 ms
 * frames of 8 kHz audio that went through G.711 (PCMU) with line noise, the
 * energy endpointing, the decoder pool, the worker thread. Sets (-s, default
 * all three):
 *
 *  - "ast": real human telephone prompts at 8 kHz, Debian's
 *    asterisk-core-sounds-en-wav (Allison Smith; -a DIR, default
 *    /usr/share/asterisk/sounds/en): single-word files against five grammars
 *    (digits, numbers, calendar, phonetic alphabet, menu words). Out of grammar:
 *    the files of the other grammars and some phrases.
 *  - "ast16": the same recordings at 16 kHz from asterisk-core-sounds-en-g722,
 *    fed at 16 kHz without G.711: what the 8 kHz telephone band costs.
 *  - "flite": phrases rendered by flite (voices kal, slt, rms, awb) through G.711
 *    with white noise at 20 and 10 dB SNR (and without), against a menu grammar,
 *    a digits grammar and a keyword list; out-of-grammar sentences.
 *
 * Per grammar and condition: in-grammar utterances (N), top hypothesis right
 * whatever the confidence (acc), accepted and right (ok), accepted and wrong
 * (sub), rejected as nomatch (rej), missed by the endpointing (noin);
 * out-of-grammar utterances (oog) and those accepted (fa). Then the decode
 * real-time factor, decoder start cost and memory.
 *
 * Options: -m the MLLR transform (models/en-us-tel/mllr; default none); -g the
 * phone loop's per-phone probability (0: off); -c min_confidence; -l level
 * normalisation target in dBFS (0: off); -p/-t preroll/tail ms; -V telephone
 * pronunciation variants; -w wrap JSGF grammars in the phone loop; -N noise
 * suppression; -S noise adaptation below SNR dB (0: off); -r confidence
 * refinement decodes; -D more pocketsphinx options; -x skip the memory/start-up
 * measurements; -f no forced text; -P pool size; -v one line per utterance
 * (MISS: in grammar, not accepted; WRONG: top hypothesis wrong; FA: out of
 * grammar, accepted). Defaults are those of ms__asr_config_defaults.
 */
#include "asr/asr.h"
#include "media/audio_decode.h"
#include "media/codec.h"
#include "media/flite_voice.h"
#include "media/resample.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- test material ---- */

struct item {
    const char *src;  /* file stem (ast) or text (flite) */
    const char *want; /* expected text; NULL: out of grammar */
};

struct set {
    const char *name;
    const char *jsgf_items; /* alternatives of the public rule */
    const struct item *items;
};

static const struct item ast_digits[] = {
    {"digits/0", "zero"},  {"digits/1", "one"},  {"digits/2", "two"}, {"digits/3", "three"},
    {"digits/4", "four"},  {"digits/5", "five"}, {"digits/6", "six"}, {"digits/7", "seven"},
    {"digits/8", "eight"}, {"digits/9", "nine"}, {"digits/oh", "oh"}, {NULL, NULL}};

static const struct item ast_numbers[] = {
    {"digits/10", "ten"},          {"digits/11", "eleven"},         {"digits/12", "twelve"},
    {"digits/13", "thirteen"},     {"digits/14", "fourteen"},       {"digits/15", "fifteen"},
    {"digits/16", "sixteen"},      {"digits/17", "seventeen"},      {"digits/18", "eighteen"},
    {"digits/19", "nineteen"},     {"digits/20", "twenty"},         {"digits/30", "thirty"},
    {"digits/40", "forty"},        {"digits/50", "fifty"},          {"digits/60", "sixty"},
    {"digits/70", "seventy"},      {"digits/80", "eighty"},         {"digits/90", "ninety"},
    {"digits/hundred", "hundred"}, {"digits/thousand", "thousand"}, {NULL, NULL}};

static const struct item ast_calendar[] = {{"digits/day-0", "sunday"},
                                           {"digits/day-1", "monday"},
                                           {"digits/day-2", "tuesday"},
                                           {"digits/day-3", "wednesday"},
                                           {"digits/day-4", "thursday"},
                                           {"digits/day-5", "friday"},
                                           {"digits/day-6", "saturday"},
                                           {"digits/mon-0", "january"},
                                           {"digits/mon-1", "february"},
                                           {"digits/mon-2", "march"},
                                           {"digits/mon-3", "april"},
                                           {"digits/mon-4", "may"},
                                           {"digits/mon-5", "june"},
                                           {"digits/mon-6", "july"},
                                           {"digits/mon-7", "august"},
                                           {"digits/mon-8", "september"},
                                           {"digits/mon-9", "october"},
                                           {"digits/mon-10", "november"},
                                           {"digits/mon-11", "december"},
                                           {"digits/today", "today"},
                                           {"digits/tomorrow", "tomorrow"},
                                           {"digits/yesterday", "yesterday"},
                                           {NULL, NULL}};

static const struct item ast_alpha[] = {
    {"phonetic/a_p", "alpha"},  {"phonetic/b_p", "bravo"},    {"phonetic/c_p", "charlie"},
    {"phonetic/d_p", "delta"},  {"phonetic/e_p", "echo"},     {"phonetic/f_p", "foxtrot"},
    {"phonetic/g_p", "golf"},   {"phonetic/h_p", "hotel"},    {"phonetic/i_p", "india"},
    {"phonetic/j_p", "juliet"}, {"phonetic/k_p", "kilo"},     {"phonetic/l_p", "lima"},
    {"phonetic/m_p", "mike"},   {"phonetic/n_p", "november"}, {"phonetic/o_p", "oscar"},
    {"phonetic/p_p", "papa"},   {"phonetic/q_p", "quebec"},   {"phonetic/r_p", "romeo"},
    {"phonetic/s_p", "sierra"}, {"phonetic/t_p", "tango"},    {"phonetic/u_p", "uniform"},
    {"phonetic/v_p", "victor"}, {"phonetic/w_p", "whiskey"},  {"phonetic/x_p", "xray"},
    {"phonetic/y_p", "yankee"}, {"phonetic/z_p", "zulu"},     {NULL, NULL}};

static const struct item ast_menu[] = {{"activated", "activated"},
                                       {"added", "added"},
                                       {"calling", "calling"},
                                       {"cancelled", "cancelled"},
                                       {"disabled", "disabled"},
                                       {"enabled", "enabled"},
                                       {"extension", "extension"},
                                       {"goodbye", "goodbye"},
                                       {"hello", "hello"},
                                       {"hours", "hours"},
                                       {"minutes", "minutes"},
                                       {"number", "number"},
                                       {"removed", "removed"},
                                       {"seconds", "seconds"},
                                       {"time", "time"},
                                       {"pbx-transfer", "transfer"},
                                       {"dictate/pause", "pause"},
                                       {"dictate/playback", "playback"},
                                       {"dictate/record", "record"},
                                       {"vm-first", "first"},
                                       {"vm-last", "last"},
                                       {"vm-message", "message"},
                                       {"vm-no", "no"},
                                       {"vm-password", "password"},
                                       {"vm-saved", "saved"},
                                       {"vm-Urgent", "urgent"},
                                       {"vm-INBOX", "new"},
                                       {"vm-Old", "old"},
                                       {"vm-Family", "family"},
                                       {"vm-Friends", "friends"},
                                       {"vm-Work", "work"},
                                       {NULL, NULL}};

/* Out of every grammar above. */
static const struct item ast_phrases[] = {{"auth-thankyou", NULL},
                                          {"im-sorry", NULL},
                                          {"please-try-again", NULL},
                                          {"hello-world", NULL},
                                          {"one-moment-please", NULL},
                                          {"vm-goodbye", NULL},
                                          {"conf-onlyperson", NULL},
                                          {"vm-nobodyavail", NULL},
                                          {"pls-hold-while-try", NULL},
                                          {"vm-nomore", NULL},
                                          {"invalid", NULL},
                                          {"sorry", NULL},
                                          {"location", NULL},
                                          {"uppercase", NULL},
                                          {"speed-dial", NULL},
                                          {"vm-received", NULL},
                                          {"vm-from", NULL},
                                          {"vm-press", NULL},
                                          {"with", NULL},
                                          {"your", NULL},
                                          {NULL, NULL}};

static const struct item flite_menu[] = {{"sales", "sales"},
                                         {"support", "support"},
                                         {"operator", "operator"},
                                         {"billing", "billing"},
                                         {"repeat", "repeat"},
                                         {"cancel", "cancel"},
                                         {"account balance", "account balance"},
                                         {"customer service", "customer service"},
                                         {"what time is it", NULL},
                                         {"I want to talk to a real person", NULL},
                                         {"can you hear me", NULL},
                                         {"my name is John Smith", NULL},
                                         {"the weather is nice today", NULL},
                                         {"hello", NULL},
                                         {"goodbye", NULL},
                                         {"thank you very much", NULL},
                                         {"yes", NULL},
                                         {"no", NULL},
                                         {"pizza", NULL},
                                         {"insurance claim", NULL},
                                         {NULL, NULL}};

static const struct item flite_digits[] = {{"zero", "zero"},
                                           {"one", "one"},
                                           {"two", "two"},
                                           {"three", "three"},
                                           {"four", "four"},
                                           {"five", "five"},
                                           {"six", "six"},
                                           {"seven", "seven"},
                                           {"eight", "eight"},
                                           {"nine", "nine"},
                                           {"oh", "oh"},
                                           {"what time is it", NULL},
                                           {"sales", NULL},
                                           {"hello", NULL},
                                           {"thank you very much", NULL},
                                           {"yes", NULL},
                                           {"pizza", NULL},
                                           {"operator", NULL},
                                           {"my name is John Smith", NULL},
                                           {"goodbye", NULL},
                                           {NULL, NULL}};

/* Keyword spotting: a keyword anywhere in a sentence. */
static const char *const keywords[] = {"sales", "support", "operator", "billing"};
static const struct item flite_keywords[] = {{"sales please", "sales"},
                                             {"I need support", "support"},
                                             {"get me an operator", "operator"},
                                             {"I have a billing question", "billing"},
                                             {"support", "support"},
                                             {"um, sales", "sales"},
                                             {"what time is it", NULL},
                                             {"I want to talk to a real person", NULL},
                                             {"can you hear me", NULL},
                                             {"my name is John Smith", NULL},
                                             {"the weather is nice today", NULL},
                                             {"thank you very much", NULL},
                                             {NULL, NULL}};

static const char *digits_rule = "zero | oh | one | two | three | four | five | six | seven | "
                                 "eight | nine";
static const char *menu_rule = "sales | support | operator | billing | repeat | cancel | "
                               "account balance | customer service";

/* ---- options and state ---- */

static struct {
    const char *sets, *ast_dir, *export_dir;
    bool verbose, skip_memory, list;
    int pool;
    struct ms__asr_config cfg;
} opt = {"ast,ast16,flite", "/usr/share/asterisk/sounds/en", NULL, false, false, false, 2, {0}};

static uv_loop_t uv;
static struct ms_loop *loop;
static struct ms__asr *asr;
static uint32_t rng = 2024;

struct tally {
    int n, acc, ok, sub, rej, noin, oog, fa;
};

/* ---- audio ---- */

static double gauss(void)
{
    double u1, u2;
    do {
        rng = rng * 1664525u + 1013904223u;
        u1 = (rng >> 8) / 16777216.0;
    } while (u1 <= 1e-12);
    rng = rng * 1664525u + 1013904223u;
    u2 = (rng >> 8) / 16777216.0;
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* RMS of the 20 ms blocks within 20 dB of the loudest. */
static double active_rms(const int16_t *pcm, size_t n)
{
    double peak = 0, sum = 0;
    size_t count = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i + 160 <= n; i += 160) {
            double e = 0;
            for (size_t j = 0; j < 160; j++)
                e += (double)pcm[i + j] * pcm[i + j];
            e /= 160;
            if (pass == 0 && e > peak)
                peak = e;
            if (pass == 1 && e >= peak / 100) {
                sum += e;
                count++;
            }
        }
    return count ? sqrt(sum / count) : 0;
}

/* 400 ms of line, the speech, then `tail` samples of line; noise at `snr` dB
 * below the speech's active level (snr < 0: a quiet line, -65 dBFS). At 8 kHz
 * everything goes through PCMU; 16 kHz audio (G.722 sources) stays linear. The
 * caller frees. */
static int16_t *line_audio(const int16_t *speech, size_t n, int rate, double snr, size_t tail,
                           size_t *out_n)
{
    size_t lead = (size_t)rate * 2 / 5, total = lead + n + tail;
    int16_t *out = malloc(total * sizeof *out);
    double sigma =
        snr < 0 ? 32768 * pow(10, -65 / 20.0) : active_rms(speech, n) / pow(10, snr / 20);
    struct ms__codec *c = NULL;
    if (!out || (rate == 8000 && ms__codec_new(&c, MS_CODEC_PCMU) < 0)) {
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < total; i++) {
        double v = sigma * gauss() + (i >= lead && i - lead < n ? speech[i - lead] : 0);
        int16_t s = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        uint8_t b;
        out[i] = s;
        if (c) {
            ms__codec_encode(c, &s, 1, &b, 1);
            ms__codec_decode(c, &b, 1, &out[i], 1);
        }
    }
    ms__codec_free(c);
    *out_n = total;
    return out;
}

/* The line as a recognition session hears it: 10 s of line after the speech. */
static int16_t *telephone(const int16_t *speech, size_t n, int rate, double snr, size_t *out_n)
{
    return line_audio(speech, n, rate, snr, (size_t)rate * 10, out_n);
}

/* An Asterisk prompt as 16 kHz audio from its G.722 file (wideband). */
static int load_g722(const char *stem, int16_t **pcm, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.g722", opt.ast_dir, stem);
    FILE *f = fopen(path, "rb");
    if (!f)
        return MS_ENOENT;
    uint8_t *bytes = NULL;
    size_t len = 0, cap = 0, got;
    int rc = MS_ENOMEM;
    do {
        if (len == cap) {
            uint8_t *bigger = realloc(bytes, cap = cap ? cap * 2 : 65536);
            if (!bigger)
                goto done;
            bytes = bigger;
        }
        got = fread(bytes + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    struct ms__codec *c;
    int16_t *out = malloc((2 * len + 1) * sizeof *out);
    if (!out || ms__codec_new(&c, MS_CODEC_G722) < 0) {
        free(out);
        goto done;
    }
    rc = ms__codec_decode(c, bytes, len, out, 2 * len + 1);
    ms__codec_free(c);
    if (rc < 0) {
        free(out);
        goto done;
    }
    *pcm = out;
    *n = (size_t)rc;
    rc = 0;
done:
    free(bytes);
    fclose(f);
    return rc;
}

/* An Asterisk prompt at `rate`: the 8 kHz .wav, or the 16 kHz .g722. */
static int load_ast(const char *stem, int rate, int16_t **pcm, size_t *n)
{
    char path[512];
    if (rate == 16000)
        return load_g722(stem, pcm, n);
    snprintf(path, sizeof path, "%s/%s.wav", opt.ast_dir, stem);
    return ms__audio_decode_file(path, 8000, pcm, n);
}

/* ---- running one utterance ---- */

struct outcome {
    bool done;
    char reason[16], text[160];
    float conf;
};

static void on_result(void *ud, const struct ms__asr_result *r)
{
    struct outcome *o = ud;
    o->done = true;
    snprintf(o->reason, sizeof o->reason, "%s", r->reason);
    snprintf(o->text, sizeof o->text, "%s", r->text);
    o->conf = r->confidence;
}

static int recognise(struct ms__asr_grammar *g, const int16_t *pcm, size_t n, int rate,
                     struct outcome *o)
{
    size_t frame = (size_t)rate / 50;
    static const struct ms__asr_cb cb = {NULL, on_result};
    struct ms__asr_session *s;
    memset(o, 0, sizeof *o);
    int rc = ms__asr_start(asr, g, NULL, &cb, o, &s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; !o->done; i += frame) {
        if (i + frame <= n)
            ms__asr_feed(s, pcm + i, frame, rate);
        ms_loop_advance(loop, 20);
    }
    return 0;
}

static void score(struct tally *t, const struct item *it, const struct outcome *o,
                  const char *label)
{
    bool match = strcmp(o->reason, "match") == 0;
    if (it->want) {
        bool right = strcmp(o->text, it->want) == 0;
        t->n++;
        t->acc += right;
        t->ok += match && right;
        t->sub += match && !right;
        t->rej += strcmp(o->reason, "nomatch") == 0;
        t->noin += strcmp(o->reason, "noinput") == 0;
    } else {
        t->oog++;
        t->fa += match;
    }
    if (opt.verbose)
        printf("  %-8s %-22.22s %-8s %-22.22s %.2f%s%s\n", label, it->src, o->reason, o->text,
               o->conf,
               !it->want                    ? (match ? "  FA" : "")
               : !strcmp(o->text, it->want) ? ""
                                            : "  WRONG",
               it->want && !match ? "  MISS" : "");
}

static void print_tally(const char *name, const struct tally *t)
{
    printf("%-24s %4d %5.1f%% %5.1f%% %5.1f%% %5.1f%% %4d | %4d %5.1f%%\n", name, t->n,
           100.0 * t->acc / (t->n ? t->n : 1), 100.0 * t->ok / (t->n ? t->n : 1),
           100.0 * t->sub / (t->n ? t->n : 1), 100.0 * t->rej / (t->n ? t->n : 1), t->noin, t->oog,
           100.0 * t->fa / (t->oog ? t->oog : 1));
}

static void add_tally(struct tally *sum, const struct tally *t)
{
    sum->n += t->n;
    sum->acc += t->acc;
    sum->ok += t->ok;
    sum->sub += t->sub;
    sum->rej += t->rej;
    sum->noin += t->noin;
    sum->oog += t->oog;
    sum->fa += t->fa;
}

static struct ms__asr_grammar *grammar(const char *rule)
{
    char text[1024], err[160];
    snprintf(text, sizeof text, "#JSGF V1.0;\ngrammar eval;\npublic <item> = %s;\n", rule);
    struct ms__asr_grammar *g = NULL;
    if (ms__asr_grammar_jsgf(asr, text, &g, err, sizeof err) < 0)
        fprintf(stderr, "asr-eval: grammar: %s\n", err);
    return g;
}

/* ---- real voices ---- */

static int run_ast_file(struct ms__asr_grammar *g, const struct item *it, int rate, struct tally *t,
                        const char *label)
{
    int16_t *pcm, *tel;
    size_t n, tn;
    int rc = load_ast(it->src, rate, &pcm, &n);
    if (rc < 0) {
        fprintf(stderr, "asr-eval: %s/%s: %s\n", opt.ast_dir, it->src, ms_strerror(rc));
        return rc;
    }
    tel = telephone(pcm, n, rate, -1, &tn);
    free(pcm);
    struct outcome o;
    rc = tel ? recognise(g, tel, tn, rate, &o) : MS_ENOMEM;
    free(tel);
    if (rc == 0)
        score(t, it, &o, label);
    return rc;
}

static const struct {
    const char *name;
    const struct item *items;
} ast_sets[] = {{"digits", ast_digits},
                {"numbers", ast_numbers},
                {"calendar", ast_calendar},
                {"alphabet", ast_alpha},
                {"menu", ast_menu}};

/* rate 8000: the .wav prompts through PCMU; 16000: the same prompts from the
 * G.722 package, wideband, what the model was trained for. */
static void run_ast(int rate, struct tally *total)
{
    const size_t n_sets = sizeof ast_sets / sizeof *ast_sets;
    int16_t *probe;
    size_t probe_n;
    if (load_ast(ast_sets[0].items[0].src, rate, &probe, &probe_n) < 0) {
        printf("\nReal voice at %d Hz: skipped, no %s files in %s (%s)\n", rate,
               rate == 8000 ? ".wav" : ".g722", opt.ast_dir,
               rate == 8000 ? "asterisk-core-sounds-en-wav" : "asterisk-core-sounds-en-g722");
        return;
    }
    free(probe);
    if (rate == 8000)
        printf("\nReal voice (asterisk-core-sounds-en, 8 kHz, PCMU, quiet line)\n");
    else
        printf("\nReal voice, wideband (asterisk-core-sounds-en-g722, 16 kHz, quiet line)\n");
    printf("%-24s %4s %6s %6s %6s %6s %4s | %4s %6s\n", "grammar", "N", "acc", "ok", "sub", "rej",
           "noin", "oog", "fa");
    struct tally sum = {0};
    for (size_t k = 0; k < n_sets; k++) {
        char rule[2048] = "";
        for (const struct item *it = ast_sets[k].items; it->src; it++)
            snprintf(rule + strlen(rule), sizeof rule - strlen(rule), "%s%s", rule[0] ? " | " : "",
                     it->want);
        struct ms__asr_grammar *g = grammar(rule);
        if (!g)
            continue;
        struct tally t = {0};
        for (const struct item *it = ast_sets[k].items; it->src; it++)
            run_ast_file(g, it, rate, &t, ast_sets[k].name);
        /* out of grammar: the next two sets' files and the phrases */
        for (size_t j = 1; j <= 2; j++)
            for (const struct item *it = ast_sets[(k + j) % n_sets].items; it->src; it++) {
                struct item oog = {it->src, NULL};
                run_ast_file(g, &oog, rate, &t, ast_sets[k].name);
            }
        for (const struct item *it = ast_phrases; it->src; it++)
            run_ast_file(g, it, rate, &t, ast_sets[k].name);
        print_tally(ast_sets[k].name, &t);
        add_tally(&sum, &t);
        ms__asr_grammar_release(g);
    }
    print_tally(rate == 8000 ? "all real-voice" : "all real-voice 16 kHz", &sum);
    add_tally(total, &sum);
}

/* ---- synthetic voices ---- */

static void run_flite_set(const char *name, const char *rule, const struct item *items, double snr,
                          struct tally *sum)
{
    static const char *voices[] = {"kal", "slt", "rms", "awb"};
    struct ms__asr_grammar *g = NULL;
    if (rule)
        g = grammar(rule);
    else if (ms__asr_grammar_keywords(asr, keywords, sizeof keywords / sizeof *keywords, &g, NULL,
                                      0) < 0)
        g = NULL;
    if (!g)
        return;
    struct tally t = {0};
    for (size_t v = 0; v < sizeof voices / sizeof *voices; v++) {
        const struct ms__flite_voice *voice = ms__flite_voice_find(voices[v]);
        for (const struct item *it = items; it->src; it++) {
            int16_t *pcm, *tel;
            size_t n, tn;
            if (!voice || ms__flite_render_voice(voice, it->src, 8000, &pcm, &n) < 0)
                continue;
            tel = telephone(pcm, n, 8000, snr, &tn);
            free(pcm);
            struct outcome o;
            if (tel && recognise(g, tel, tn, 8000, &o) == 0)
                score(&t, it, &o, voices[v]);
            free(tel);
        }
    }
    char label[64];
    snprintf(label, sizeof label, "%s %s", name, snr < 0 ? "clean" : snr > 15 ? "20 dB" : "10 dB");
    print_tally(label, &t);
    add_tally(sum, &t);
    ms__asr_grammar_release(g);
}

static void run_flite(struct tally *total)
{
    printf("\nflite voices kal, slt, rms, awb (8 kHz, PCMU, white noise at SNR)\n");
    printf("%-24s %4s %6s %6s %6s %6s %4s | %4s %6s\n", "grammar", "N", "acc", "ok", "sub", "rej",
           "noin", "oog", "fa");
    const double snrs[] = {-1, 20, 10};
    struct tally sum = {0};
    for (size_t k = 0; k < 3; k++) {
        run_flite_set("menu", menu_rule, flite_menu, snrs[k], &sum);
        run_flite_set("digits", digits_rule, flite_digits, snrs[k], &sum);
        run_flite_set("keywords", NULL, flite_keywords, snrs[k], &sum);
    }
    print_tally("all flite", &sum);
    add_tally(total, &sum);
}

/* ---- adaptation data (models/en-us-tel/adapt.sh) ---- */

/* -L: the Asterisk files this benchmark tests on, so that adaptation leaves them out. */
static void list_test_files(void)
{
    for (size_t k = 0; k < sizeof ast_sets / sizeof *ast_sets; k++)
        for (const struct item *it = ast_sets[k].items; it->src; it++)
            printf("%s\n", it->src);
    for (const struct item *it = ast_phrases; it->src; it++)
        printf("%s\n", it->src);
}

/* One source as the decoder would get it: 8 kHz through PCMU on a quiet line,
 * 200 ms before and 300 ms after the speech, upsampled to 16 kHz. Sources:
 * "ast:STEM" (Asterisk prompt) or "flite:VOICE:TEXT". */
static int adapt_audio(const char *src, int16_t **out, size_t *out_n)
{
    int16_t *pcm = NULL, *tel;
    size_t n = 0, tn;
    int rc = MS_EINVAL;
    if (strncmp(src, "ast:", 4) == 0) {
        rc = load_ast(src + 4, 8000, &pcm, &n);
    } else if (strncmp(src, "flite:", 6) == 0 && strchr(src + 6, ':')) {
        char voice[32];
        const char *text = strchr(src + 6, ':') + 1;
        snprintf(voice, sizeof voice, "%.*s", (int)(text - 1 - (src + 6)), src + 6);
        const struct ms__flite_voice *v = ms__flite_voice_find(voice);
        rc = v ? ms__flite_render_voice(v, text, 8000, &pcm, &n) : MS_ENOENT;
    }
    if (rc < 0)
        return rc;
    tel = line_audio(pcm, n, 8000, -1, 8000 * 3 / 10, &tn);
    free(pcm);
    if (!tel)
        return MS_ENOMEM;
    /* 400 ms of lead in line_audio: keep the last 200 ms of it */
    rc =
        ms__resample_buffer(tel + 1600, tn - 1600, 8000, 16000, MS__RESAMPLE_Q_ONESHOT, out, out_n);
    free(tel);
    return rc;
}

/* -A DIR: for each line "ID<tab>SOURCE" of DIR/adapt.list, writes DIR/raw/ID.raw
 * (16 kHz, 16-bit, native byte order). */
static int export_adaptation(const char *dir)
{
    char path[4096], line[2048];
    snprintf(path, sizeof path, "%s/adapt.list", dir);
    FILE *list = fopen(path, "r");
    if (!list) {
        fprintf(stderr, "asr-eval: cannot read %s\n", path);
        return 1;
    }
    int written = 0, failed = 0;
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        int16_t *pcm;
        size_t n;
        snprintf(path, sizeof path, "%s/raw/%.200s.raw", dir, line);
        int rc = adapt_audio(tab + 1, &pcm, &n);
        if (rc < 0) {
            fprintf(stderr, "asr-eval: %s: %s\n", tab + 1, ms_strerror(rc));
            failed++;
            continue;
        }
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(pcm, sizeof *pcm, n, f) != n)
            failed++;
        else
            written++;
        if (f)
            fclose(f);
        free(pcm);
    }
    fclose(list);
    printf("asr-eval: %d files written to %s/raw, %d failed\n", written, dir, failed);
    return failed ? 1 : 0;
}

/* ---- costs ---- */

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void on_any(void *ud, const struct ms__asr_result *r)
{
    (void)ud;
    (void)r;
}

/* Memory per decoder: a recogniser of 4, each decoder made by a session. */
static void measure_memory(void)
{
    struct ms__asr_config c = opt.cfg;
    c.pool_size = 4;
    struct ms__asr *a;
    long before = rss_kb();
    uint64_t t0 = uv_hrtime();
    if (ms__asr_new(&a, loop, &c) < 0)
        return;
    printf("\nrecogniser start (dictionary load): %.1f ms\n", (double)(uv_hrtime() - t0) / 1e6);
    long with_dict = rss_kb();
    struct ms__asr_grammar *g = NULL;
    struct ms__asr_session *s[4];
    static const struct ms__asr_cb cb = {NULL, on_any};
    ms__asr_grammar_jsgf(a, "#JSGF V1.0;\ngrammar m;\npublic <c> = sales | support;\n", &g, NULL,
                         0);
    for (int i = 0; g && i < 4; i++)
        if (ms__asr_start(a, g, NULL, &cb, NULL, &s[i]) < 0)
            s[i] = NULL;
    ms_loop_advance(loop, 20); /* the loop waits for the decoders to be made */
    long with_decoders = rss_kb();
    struct ms__asr_stats st;
    ms__asr_stats(a, &st);
    printf("memory: dictionary %ld KB, decoders %ld KB each (%d made, %.1f ms each to make)\n",
           with_dict - before, (with_decoders - with_dict) / 4, (int)st.decoder_inits,
           st.decoder_inits ? st.init_ms_total / (double)st.decoder_inits : 0);
    for (int i = 0; i < 4; i++)
        if (s[i])
            ms__asr_cancel(s[i]);
    ms_loop_advance(loop, 20);
    /* a new grammar on an existing decoder: its words are added, a search built */
    struct ms__asr_grammar *g2 = NULL;
    ms__asr_grammar_jsgf(a,
                         "#JSGF V1.0;\ngrammar n;\npublic <c> = (one | two | three | four) "
                         "[hundred] | billing | operator;\n",
                         &g2, NULL, 0);
    double before_ms = st.init_ms_total;
    if (g2 && ms__asr_start(a, g2, NULL, &cb, NULL, &s[0]) == 0) {
        ms_loop_advance(loop, 20);
        ms__asr_stats(a, &st);
        printf("a new grammar on an existing decoder: %.2f ms (%llu words added, decoders made "
               "%llu)\n",
               st.init_ms_total - before_ms, (unsigned long long)st.words_added,
               (unsigned long long)st.decoder_inits);
        ms__asr_cancel(s[0]);
    }
    ms__asr_grammar_release(g2);
    ms__asr_grammar_release(g);
    ms__asr_free(a);
    uv_run(&uv, UV_RUN_NOWAIT);
}

/* ---- main ---- */

static void usage(void)
{
    fprintf(stderr, "usage: asr-eval [-s ast,ast16,flite] [-a DIR] [-m MLLR] [-g P] [-c C] "
                    "[-l DBFS] [-p MS] [-t MS] [-V] [-w] [-N] [-S DB] [-r N] [-D ARGS] [-x] [-f] "
                    "[-P POOL] [-v]\n"
                    "       asr-eval -L | -A DIR\n");
    exit(2);
}

static void parse(int argc, char **argv)
{
    ms__asr_config_defaults(&opt.cfg);
    int ch;
    while ((ch = getopt(argc, argv, "s:a:g:c:l:p:t:VwxfP:vD:NS:r:m:LA:")) != -1) {
        switch (ch) {
        case 's':
            opt.sets = optarg;
            break;
        case 'a':
            opt.ast_dir = optarg;
            break;
        case 'g':
            opt.cfg.tuning.garbage_prob = atof(optarg);
            break;
        case 'c':
            opt.cfg.min_confidence = (float)atof(optarg);
            break;
        case 'l':
            opt.cfg.tuning.level_dbfs = atof(optarg);
            break;
        case 'p':
            opt.cfg.tuning.preroll_ms = atoi(optarg);
            break;
        case 't':
            opt.cfg.tuning.tail_ms = atoi(optarg);
            break;
        case 'V':
            opt.cfg.tuning.tel_variants = true;
            break;
        case 'w':
            opt.cfg.tuning.wrap = true;
            break;
        case 'x':
            opt.skip_memory = true;
            break;
        case 'f':
            opt.cfg.tuning.forced_text = false;
            break;
        case 'P':
            opt.pool = atoi(optarg);
            break;
        case 'v':
            opt.verbose = true;
            break;
        case 'D':
            opt.cfg.tuning.decoder_args = optarg;
            break;
        case 'N':
            opt.cfg.tuning.denoise = !opt.cfg.tuning.denoise;
            break;
        case 'S':
            opt.cfg.tuning.snr_ref_db = atof(optarg);
            break;
        case 'r':
            opt.cfg.tuning.refine = atoi(optarg);
            break;
        case 'm':
            opt.cfg.mllr = optarg[0] ? optarg : NULL;
            break;
        case 'L':
            opt.list = true;
            break;
        case 'A':
            opt.export_dir = optarg;
            break;
        default:
            usage();
        }
    }
}

/* Whether the comma-separated list of sets names `name`. */
static bool has_set(const char *name)
{
    size_t len = strlen(name);
    for (const char *p = opt.sets; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
        if (strcspn(p, ",") == len && strncmp(p, name, len) == 0)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    if (opt.list) {
        list_test_files();
        return 0;
    }
    if (opt.export_dir)
        return export_adaptation(opt.export_dir);
    ms_log_set_level(MS_LOG_WARN);
    if (uv_loop_init(&uv) != 0 || ms_loop_new(&loop, &uv, MS_CLOCK_VIRTUAL) < 0)
        return 1;
    const struct ms__asr_tuning *t = &opt.cfg.tuning;
    printf("asr-eval: garbage %g, min_confidence %.2f, level %g dBFS, preroll %d ms, tail %d ms, "
           "variants %s, wrap %s, denoise %s, snr_ref %g, mllr %s%s%s\n",
           t->garbage_prob, opt.cfg.min_confidence, t->level_dbfs, t->preroll_ms, t->tail_ms,
           t->tel_variants ? "on" : "off", t->wrap ? "on" : "off", t->denoise ? "on" : "off",
           t->snr_ref_db, opt.cfg.mllr ? opt.cfg.mllr : "none", t->decoder_args ? ", decoder " : "",
           t->decoder_args ? t->decoder_args : "");
    if (!opt.skip_memory)
        measure_memory();
    struct ms__asr_config c = opt.cfg;
    c.pool_size = opt.pool;
    if (ms__asr_new(&asr, loop, &c) < 0)
        return 1;
    ms__asr_add_word(asr, "xray", "EH K S R EY"); /* the dictionary has only "x-ray" */
    struct tally total = {0};
    if (has_set("ast"))
        run_ast(8000, &total);
    if (has_set("ast16"))
        run_ast(16000, &total);
    if (has_set("flite"))
        run_flite(&total);
    struct ms__asr_stats st;
    ms__asr_stats(asr, &st);
    printf("\ntotal: %d in grammar, %.1f%% right, %.1f%% accepted right, %.1f%% false accepts "
           "of %d out of grammar\n",
           total.n, 100.0 * total.acc / (total.n ? total.n : 1),
           100.0 * total.ok / (total.n ? total.n : 1),
           100.0 * total.fa / (total.oog ? total.oog : 1), total.oog);
    printf("decoding: %llu utterances, %.1f s of audio, real-time factor %.3f; decoders made %llu, "
           "reused %llu\n",
           (unsigned long long)st.decodes, st.audio_ms_total / 1000,
           st.audio_ms_total > 0 ? st.decode_ms_total / st.audio_ms_total : 0,
           (unsigned long long)st.decoder_inits, (unsigned long long)st.decoder_reuses);
    ms__asr_free(asr);
    ms_loop_close(loop);
    uv_run(&uv, UV_RUN_DEFAULT);
    uv_loop_close(&uv);
    return 0;
}
