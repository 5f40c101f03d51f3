/* hear-eval: measures the prompt recogniser (core/src/hear/) on simulated calls.
 *
 *   hear-eval [-n PROMPTS] [-m CHANNELS] [-s SEED] [-t STALL%] [-d DIR]... [-v | -c CHANNEL]
 *
 * Renders PROMPTS known prompts with flite (a fixed list of IVR phrases, then
 * generated "for DEPT, press DIGIT" variants), adds every *.wav of each DIR (name =
 * file stem; e.g. the build's sounds/en/8000/demo and sounds/8000/music), and
 * simulates CHANNELS received calls with random parameters: leading silence
 * 0-2 s at any sample offset, level -12..0 dB, PCMU or PCMA, 1% frames lost
 * (silence or repeated), 3-6 items each: a known prompt (15% cut at 30-70%), the
 * same prompt twice back to back, an unknown prompt (many share words or a
 * beginning with known ones), the caller's voice echoed (alone at -10..-25 dB, or at -15..-30 dB
 * over a prompt), gaps of 0 (back to back) to 1.5 s; in 20% of calls the jitter
 * buffer slips once inside a prompt (20 ms repeated or dropped); in STALL% of calls
 * (default 30) a stall of 100-500 ms inside a known prompt: of the sender (silence,
 * then the prompt goes on where it stopped) or of the receiver (no frames: at_ms
 * jumps, and 0 .. the stall's length of the audio that came meanwhile is lost). Reports
 * accuracy (START with the right name in order and start within 40 ms), false
 * accepts, the complete flag (also of the stalled prompts), latency (report time -
 * true start), how late a cut is reported, and CPU per 20 ms frame.
 */
#include "hear/hear.h"
#include "hear_sim.h"
#include "media/audio_decode.h"
#include "moonswitch/error.h"

#include <dirent.h>
#include <stdio.h>
#include <time.h>

static const char *known_text[] = {
    "Welcome to moonswitch.",
    "Welcome back.",
    "You have reached sales.",
    "You have reached support.",
    "Thank you for calling.",
    "Goodbye.",
    "Please enter your account number, followed by the pound key.",
    "Please hold while we transfer your call.",
    "Your call is important to us.",
    "All of our agents are busy helping other customers.",
    "You are caller number",
    "The estimated wait time is",
    "minutes",
    "Please leave a message after the tone.",
    "To repeat this menu, press star.",
    "That is not a valid option.",
    "Please try again.",
    "Your message has been saved.",
    "You have",
    "new messages",
    "Main menu.",
    "To speak to an operator, press zero.",
    "Please say yes or no.",
    "Press one to confirm, or two to cancel.",
    "You entered",
    "The number you have dialed is not in service.",
    "This call may be recorded for quality purposes.",
    "Please enter your pin.",
    "Invalid pin. Please try again.",
    "Your balance is",
    "dollars and",
    "cents",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
};
#define N_KNOWN_TEXT (sizeof(known_text) / sizeof(known_text[0]))

static const char *depts[] = {
    "billing",      "sales",          "support",         "shipping",          "returns",
    "accounts",     "the front desk", "human resources", "technical support", "claims",
    "reservations", "the pharmacy",   "appointments",    "the operator",      "customer service",
    "orders",       "repairs",        "parts",           "the directory",     "security",
};
static const char *digit_words[] = {"zero", "one", "two",   "three", "four",
                                    "five", "six", "seven", "eight", "nine"};

/* Unknown prompts; the first N_SHARED begin with the first words of a known one. */
static const char *unknown_text[] = {
    "Welcome to our store.",
    "You have reached the billing department.",
    "Thank you for your patience.",
    "Please hold.",
    "Please enter your date of birth.",
    "Your call will be answered shortly.",
    "For sales and marketing, press seven.",
    "Main office hours are nine to five.",
    "Goodbye for now.",
    "The weather today is sunny with a chance of rain.",
    "Hello, and welcome.",
    "We are closed for the holidays.",
    "Sorry, I did not understand that.",
    "Visit our web site for more information.",
    "Our records show a payment was received.",
};
#define N_SHARED  9
#define N_UNKNOWN (sizeof(unknown_text) / sizeof(unknown_text[0]))

static const char *caller_text[] = {
    "Sales.",
    "Support.",
    "Yes.",
    "No.",
    "Operator.",
    "One.",
    "Two.",
    "I want to speak to someone.",
    "My account number is one two three four.",
    "Billing, please.",
};
#define N_CALLER (sizeof(caller_text) / sizeof(caller_text[0]))

struct sound {
    char name[64];
    struct sim_buf pcm;
    unsigned lead_ms; /* leading silence (below about -40 dBFS) */
};

struct library {
    struct sound *known, *unknown, *caller;
    size_t n_known, n_unknown, n_caller;
};

struct truth {
    size_t sound;
    uint64_t start_ms, end_ms;
    bool complete;
    bool matched;
    int stall; /* 0 none, 1 a stall in it, 2 in its first 0.6 s of audio */
};

struct jump { /* the receiver stalled: frames from sample `at` on come `ms` later */
    size_t at;
    uint64_t ms;
};

enum other_kind { O_SHARED, O_UNKNOWN, O_ECHO, O_KINDS };
static const char *other_name[O_KINDS] = {"unknown prompts sharing a beginning",
                                          "other unknown prompts", "caller echo"};

struct other { /* audio that must not be reported */
    enum other_kind kind;
    uint64_t start_ms, end_ms;
};

struct totals {
    size_t items, cut_items, correct, cut_correct, missed, false_accepts, order_errors;
    size_t others[O_KINDS], fa_other[O_KINDS];
    size_t complete_ok, complete_bad, end_far, slips;
    size_t stalls, stalls_early, stalled_heard, stalled_early_heard, stalled_complete;
    double *cut_delay; /* END of a cut one: report time - true end, ms */
    size_t n_cut_delay;
    size_t frames;
    double cpu_s, frame_max_us; /* CPU of the slowest frame (plus two clock reads) */
    size_t frames_slow;         /* frames that took over 200 us */
    double *lat_long, *lat_all, *lat_audible, *start_err;
    size_t n_long, n_all, n_audible, n_err, cap_lat;
    uint64_t hops, key_hits, hyps_made, hyps_evals, hyps_max, hyps_full;
};

static int usage(void)
{
    fprintf(stderr, "usage: hear-eval [-n PROMPTS] [-m CHANNELS] [-s SEED] [-t STALL%%] "
                    "[-d DIR]... [-v | -c CHANNEL]\n");
    return 2;
}

static void prompt_text(size_t i, char *buf, size_t cap)
{
    if (i < N_KNOWN_TEXT) {
        snprintf(buf, cap, "%s", known_text[i]);
        return;
    }
    i -= N_KNOWN_TEXT;
    snprintf(buf, cap, "For %s, press %s.", depts[i / 10 % 20], digit_words[i % 10]);
}

static int render(cst_voice *v, const char *text, double speed, struct sound *out, const char *name)
{
    snprintf(out->name, sizeof(out->name), "%s", name);
    if (sim_tts(v, text, speed, &out->pcm) < 0) {
        fprintf(stderr, "hear-eval: flite failed on \"%s\"\n", text);
        return -1;
    }
    return 0;
}

static int load_dir(const char *dir, struct library *lib, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hear-eval: cannot open %s\n", dir);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) && lib->n_known < cap) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".wav") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct sound *s = &lib->known[lib->n_known];
        memset(s, 0, sizeof(*s));
        int16_t *pcm;
        size_t n;
        if (ms__audio_decode_file(path, SIM_RATE, &pcm, &n) < 0) {
            fprintf(stderr, "hear-eval: cannot decode %s\n", path);
            continue;
        }
        snprintf(s->name, sizeof(s->name), "%.*s", (int)(len - 4), de->d_name);
        s->pcm.pcm = pcm;
        s->pcm.n = s->pcm.cap = n;
        lib->n_known++;
    }
    closedir(d);
    return 0;
}

static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

/* Feeds the stream to a second listener, timing each frame (the clock reads would
 * weigh on the average: that is measured around the whole stream). */
static void time_frames(const struct ms__hear_set *set, const struct sim_buf *b,
                        const struct jump *jump, struct totals *t)
{
    static struct sim_events ev;
    memset(&ev, 0, sizeof(ev));
    struct ms__hear *h;
    if (ms__hear_new(&h, set, sim_on_event, &ev) < 0)
        abort();
    for (size_t at = 0; at + SIM_FRAME <= b->n; at += SIM_FRAME) {
        double a = cpu_us();
        ms__hear_feed(h, &b->pcm[at], SIM_FRAME, at / 8 + (at >= jump->at ? jump->ms : 0));
        double us = cpu_us() - a;
        t->frame_max_us = us > t->frame_max_us ? us : t->frame_max_us;
        t->frames_slow += us > 200;
    }
    ms__hear_free(h);
}

/* Shifts what starts or ends at or after sample `at` by d ms. */
static void shift_after(struct truth *truth, size_t nt, struct other *other, size_t no, size_t at,
                        long d)
{
    for (size_t j = 0; j < nt; j++) {
        if (truth[j].start_ms * 8 >= at)
            truth[j].start_ms += d;
        if (truth[j].end_ms * 8 >= at)
            truth[j].end_ms += d;
    }
    for (size_t o = 0; o < no; o++) {
        if (other[o].start_ms * 8 >= at)
            other[o].start_ms += d;
        if (other[o].end_ms * 8 >= at)
            other[o].end_ms += d;
    }
}

/* A stall inside a known prompt: of the sender (a gap of silence) or of the
 * receiver (a jump in time, and maybe audio lost after it). */
static void stall(const struct library *lib, struct sim_buf *b, struct truth *truth, size_t nt,
                  struct other *other, size_t no, struct sim_rng *r, struct totals *t,
                  struct jump *jump, bool verbose)
{
    struct truth *tr = &truth[sim_range(r, 0, nt - 1)];
    unsigned lead = lib->known[tr->sound].lead_ms;
    size_t from = (size_t)tr->start_ms * 8, to = (size_t)tr->end_ms * 8;
    size_t audible = from + (lead + 20) * 8; /* not in its leading silence: that moves its start */
    if (audible + 800 >= to)
        return;
    size_t at = (audible + (size_t)((double)(to - 800 - audible) * sim_uniform(r))) / 160 * 160;
    size_t gap = sim_range(r, 5, 25) * 160, lost = 0;
    bool receiver = sim_rand(r) & 1;
    if (receiver)
        lost = sim_range(r, 0, gap / 160) * 160;
    if (at + lost + 800 > to)
        lost = 0;
    if (at <= from || at >= to || sim_stall(b, at, receiver ? 0 : gap, lost) < 0)
        return;
    if (receiver)
        *jump = (struct jump){at, gap / 8};
    long d = ((long)gap - (long)lost) / 8;
    tr->stall = at < from + (lead + 600) * 8 ? 2 : 1;
    t->stalls++;
    t->stalls_early += tr->stall == 2;
    if (verbose)
        printf("  %s stall in %s at %zu: %zu ms, %zu ms lost\n", receiver ? "receiver" : "sender",
               lib->known[tr->sound].name, at / 8, gap / 8, lost / 8);
    shift_after(truth, nt, other, no, at, d);
}

/* One simulated call: builds the stream, feeds it, scores the events. */
static void channel(const struct library *lib, const struct ms__hear_set *set, struct sim_rng *r,
                    struct totals *t, double stall_p, bool verbose)
{
    struct sim_buf b = {0};
    struct truth truth[32];
    struct other other[32];
    size_t nt = 0, no = 0;
    sim_append(&b, NULL, sim_range(r, 0, 16000), 1.0);
    double level = sim_db(-12.0 * sim_uniform(r));
    size_t items = sim_range(r, 3, 6);
    for (size_t i = 0; i < items && nt < 30; i++) {
        double u = sim_uniform(r);
        if (u < 0.62 || (u >= 0.85 && u < 0.92)) {
            size_t k = sim_range(r, 0, lib->n_known - 1);
            const struct sim_buf *s = &lib->known[k].pcm;
            int reps = u >= 0.85 ? 2 : 1;
            for (int rep = 0; rep < reps; rep++) {
                bool cut = reps == 1 && sim_uniform(r) < 0.15;
                size_t len = cut ? (size_t)(s->n * (0.3 + 0.4 * sim_uniform(r))) : s->n;
                truth[nt] = (struct truth){k, b.n / 8, (b.n + len) / 8, !cut, false, 0};
                nt++;
                size_t at = b.n;
                sim_append(&b, s->pcm, len, level);
                if (sim_uniform(r) < 0.15) { /* the caller talks over it */
                    const struct sim_buf *c = &lib->caller[sim_range(r, 0, lib->n_caller - 1)].pcm;
                    size_t mix_at = at + sim_range(r, 0, len / 2);
                    double db = -15.0 - 15.0 * sim_uniform(r);
                    if (verbose)
                        printf("  caller over it at %zu, %.0f dB\n", mix_at / 8, db);
                    sim_mix(&b, mix_at, c->pcm, c->n, level * sim_db(db));
                }
            }
        } else if (u < 0.77) {
            size_t k = sim_range(r, 0, lib->n_unknown - 1);
            if (verbose)
                printf("  unknown %zu at %zu\n", k, b.n / 8);
            other[no++] = (struct other){k < N_SHARED ? O_SHARED : O_UNKNOWN, b.n / 8,
                                         (b.n + lib->unknown[k].pcm.n) / 8};
            sim_append(&b, lib->unknown[k].pcm.pcm, lib->unknown[k].pcm.n, level);
        } else if (u < 0.85 || u >= 0.92) {
            const struct sim_buf *c = &lib->caller[sim_range(r, 0, lib->n_caller - 1)].pcm;
            if (verbose)
                printf("  caller echo at %zu\n", b.n / 8);
            other[no++] = (struct other){O_ECHO, b.n / 8, (b.n + c->n) / 8};
            sim_append(&b, c->pcm, c->n, level * sim_db(-10.0 - 15.0 * sim_uniform(r)));
        }
        if (sim_uniform(r) >= 0.3)
            sim_append(&b, NULL, sim_range(r, 800, 12000), 1.0);
    }
    sim_append(&b, NULL, 4000, 1.0);
    if (nt > 0 && sim_uniform(r) < 0.2) { /* a jitter-buffer slip inside a prompt */
        struct truth *tr = &truth[sim_range(r, 0, nt - 1)];
        size_t at = (size_t)(tr->start_ms + (tr->end_ms - tr->start_ms) * sim_uniform(r)) * 8;
        bool insert = sim_rand(r) & 1;
        if (sim_slip(&b, at, insert) == 0) {
            long d = insert ? 20 : -20;
            if (verbose)
                printf("  slip %+ld ms at %zu\n", d, at / 8);
            t->slips++;
            shift_after(truth, nt, other, no, at, d);
        }
    }
    struct jump jump = {0, 0};
    if (nt > 0 && sim_uniform(r) < stall_p)
        stall(lib, &b, truth, nt, other, no, r, t, &jump, verbose);
    sim_channel(&b, sim_uniform(r) < 0.5 ? MS_CODEC_PCMU : MS_CODEC_PCMA, 0.01, r);
    if (!set) {
        sim_buf_free(&b);
        return;
    }

    static struct sim_events ev;
    memset(&ev, 0, sizeof(ev));
    struct ms__hear *h;
    if (ms__hear_new(&h, set, sim_on_event, &ev) < 0)
        abort();
    double c0 = cpu_us();
    sim_feed_jump(h, &ev, &b, 0, jump.at, jump.ms);
    t->cpu_s += (cpu_us() - c0) * 1e-6;
    t->frames += b.n / SIM_FRAME;
    struct ms__hear_stats st;
    ms__hear_get_stats(h, &st);
    t->hops += st.hops;
    t->key_hits += st.key_hits;
    t->hyps_made += st.hyps_made;
    t->hyps_evals += st.hyps_evals;
    t->hyps_full += st.hyps_full;
    if (st.hyps_max > t->hyps_max)
        t->hyps_max = st.hyps_max;
    ms__hear_free(h);
    time_frames(set, &b, &jump, t);
    if (verbose) {
        for (size_t j = 0; j < nt; j++)
            printf("  truth %s %llu..%llu%s\n", lib->known[truth[j].sound].name,
                   (unsigned long long)truth[j].start_ms, (unsigned long long)truth[j].end_ms,
                   truth[j].complete ? "" : " (cut)");
        for (size_t i = 0; i < ev.n; i++)
            printf("  event %s %s %llu..%llu complete %d score %.2f at %llu\n",
                   ev.e[i].ev.kind == MS__HEAR_START ? "START" : "END", ev.e[i].ev.name,
                   (unsigned long long)ev.e[i].ev.start_ms, (unsigned long long)ev.e[i].ev.end_ms,
                   ev.e[i].ev.complete, ev.e[i].ev.score, (unsigned long long)ev.e[i].at_ms);
    }

    size_t last_matched = 0;
    bool any = false;
    for (size_t i = 0; i < ev.n; i++) {
        const struct ms__hear_event *e = &ev.e[i].ev;
        if (e->kind != MS__HEAR_START)
            continue;
        size_t j;
        for (j = 0; j < nt; j++) {
            long long d = (long long)e->start_ms - (long long)truth[j].start_ms;
            if (!truth[j].matched && strcmp(lib->known[truth[j].sound].name, e->name) == 0 &&
                d >= -40 && d <= 40)
                break;
        }
        if (j == nt) {
            t->false_accepts++;
            for (size_t o = 0; o < no; o++) {
                if (e->start_ms + 100 >= other[o].start_ms && e->start_ms <= other[o].end_ms) {
                    t->fa_other[other[o].kind]++;
                    break;
                }
            }
            if (verbose)
                printf("  FALSE %s start %llu at %llu\n", e->name, (unsigned long long)e->start_ms,
                       (unsigned long long)ev.e[i].at_ms);
            continue;
        }
        truth[j].matched = true;
        if (any && j < last_matched)
            t->order_errors++;
        any = true;
        last_matched = j;
        double lat = (double)ev.e[i].at_ms - (double)truth[j].start_ms;
        if (t->n_err < t->cap_lat)
            t->start_err[t->n_err++] = fabs((double)e->start_ms - (double)truth[j].start_ms);
        if (t->n_all < t->cap_lat)
            t->lat_all[t->n_all++] = lat;
        if (lib->known[truth[j].sound].pcm.n > SIM_RATE && truth[j].complete &&
            t->n_long < t->cap_lat) {
            t->lat_long[t->n_long++] = lat;
            t->lat_audible[t->n_audible++] = lat - lib->known[truth[j].sound].lead_ms;
        }
        if (truth[j].complete)
            t->correct++;
        else
            t->cut_correct++;
        t->stalled_heard += truth[j].stall != 0;
        t->stalled_early_heard += truth[j].stall == 2;
        for (size_t q = i + 1; q < ev.n; q++) {
            const struct ms__hear_event *f = &ev.e[q].ev;
            if (f->kind != MS__HEAR_END || f->start_ms != e->start_ms ||
                strcmp(f->name, e->name) != 0)
                continue;
            if (f->complete == truth[j].complete)
                t->complete_ok++;
            else
                t->complete_bad++;
            if (truth[j].stall && f->complete == truth[j].complete)
                t->stalled_complete++;
            if (!truth[j].complete && !f->complete && t->n_cut_delay < t->cap_lat)
                t->cut_delay[t->n_cut_delay++] = (double)ev.e[q].at_ms - (double)truth[j].end_ms;
            long long de = (long long)f->end_ms - (long long)truth[j].end_ms;
            if (de < -60 || de > 60)
                t->end_far++;
            if (verbose && (f->complete != truth[j].complete || de < -60 || de > 60))
                printf("  END %s complete %d (truth %d) end %llu (truth %llu)\n", f->name,
                       f->complete, truth[j].complete, (unsigned long long)f->end_ms,
                       (unsigned long long)truth[j].end_ms);
            break;
        }
    }
    for (size_t o = 0; o < no; o++)
        t->others[other[o].kind]++;
    for (size_t j = 0; j < nt; j++) {
        t->items++;
        t->cut_items += !truth[j].complete;
        if (!truth[j].matched) {
            t->missed++;
            if (verbose)
                printf("  MISSED %s start %llu %s%s\n", lib->known[truth[j].sound].name,
                       (unsigned long long)truth[j].start_ms, truth[j].complete ? "" : "(cut)",
                       truth[j].stall ? " (stalled)" : "");
        }
    }
    sim_buf_free(&b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i];
}

static void report(const struct totals *t, size_t n_sounds, size_t channels)
{
    size_t complete_items = t->items - t->cut_items;
    printf("sounds %zu, channels %zu, stream %.1f min, items %zu (%zu cut short), %zu frame "
           "slips\n",
           n_sounds, channels, t->frames * 0.02 / 60, t->items, t->cut_items, t->slips);
    printf("accuracy (complete items): %zu/%zu = %.1f%%\n", t->correct, complete_items,
           complete_items ? 100.0 * t->correct / complete_items : 0);
    printf("cut-short items reported: %zu/%zu\n", t->cut_correct, t->cut_items);
    printf("missed %zu, false accepts %zu, order errors %zu\n", t->missed, t->false_accepts,
           t->order_errors);
    for (int k = 0; k < O_KINDS; k++)
        printf("  false accepts on %s: %zu of %zu\n", other_name[k], t->fa_other[k], t->others[k]);
    printf("END complete flag right %zu, wrong %zu; end time off by >60 ms: %zu\n", t->complete_ok,
           t->complete_bad, t->end_far);
    printf("stalls %zu: stalled prompts heard %zu (stalled in their first 0.6 s of audio: %zu of "
           "%zu), with the right END (complete or cut) %zu\n",
           t->stalls, t->stalled_heard, t->stalled_early_heard, t->stalls_early,
           t->stalled_complete);
    printf("cut END reported after the audio stopped: median %.0f ms, p95 %.0f ms, max %.0f ms "
           "(n=%zu)\n",
           pct(t->cut_delay, t->n_cut_delay, 0.5), pct(t->cut_delay, t->n_cut_delay, 0.95),
           pct(t->cut_delay, t->n_cut_delay, 1.0), t->n_cut_delay);
    printf("latency, sounds > 1 s: median %.0f ms, p95 %.0f ms (n=%zu); from their first "
           "audible sample: median %.0f ms, p95 %.0f ms\n",
           pct(t->lat_long, t->n_long, 0.5), pct(t->lat_long, t->n_long, 0.95), t->n_long,
           pct(t->lat_audible, t->n_audible, 0.5), pct(t->lat_audible, t->n_audible, 0.95));
    printf("latency, all: median %.0f ms, p95 %.0f ms (n=%zu)\n", pct(t->lat_all, t->n_all, 0.5),
           pct(t->lat_all, t->n_all, 0.95), t->n_all);
    printf("start_ms error: median %.0f ms, p95 %.0f ms, max %.0f ms\n",
           pct(t->start_err, t->n_err, 0.5), pct(t->start_err, t->n_err, 0.95),
           pct(t->start_err, t->n_err, 1.0));
    printf("CPU: %.2f us per 20 ms frame (%.3f%% of a core per caller); slowest frame %.0f us, "
           "%zu frames over 200 us\n",
           t->cpu_s * 1e6 / (double)t->frames, t->cpu_s * 1e6 / (double)t->frames / 200.0,
           t->frame_max_us, t->frames_slow);
    printf("per 10 ms hop: %.2f index entries looked at, %.3f hypotheses made, %.2f compares; "
           "most hypotheses at once %llu; candidates dropped for room %llu\n",
           (double)t->key_hits / (double)t->hops, (double)t->hyps_made / (double)t->hops,
           (double)t->hyps_evals / (double)t->hops, (unsigned long long)t->hyps_max,
           (unsigned long long)t->hyps_full);
}

int main(int argc, char **argv)
{
    size_t n_prompts = N_KNOWN_TEXT, channels = 200;
    uint64_t seed = 1;
    double stall_p = 0.3;
    bool verbose = false;
    long only = -1; /* -c: details of this channel only */
    const char *dirs[8];
    size_t n_dirs = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else if (i + 1 < argc && strcmp(argv[i], "-n") == 0)
            n_prompts = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "-m") == 0)
            channels = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "-s") == 0)
            seed = strtoull(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "-t") == 0)
            stall_p = strtod(argv[++i], NULL) / 100.0;
        else if (i + 1 < argc && strcmp(argv[i], "-c") == 0)
            only = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "-d") == 0 && n_dirs < 8)
            dirs[n_dirs++] = argv[++i];
        else
            return usage();
    }
    if (n_prompts < 1 || n_prompts > N_KNOWN_TEXT + 200 || channels < 1)
        return usage();

    flite_init();
    cst_voice *v = register_cmu_us_kal(NULL);
    struct library lib = {0};
    size_t cap = n_prompts + 256;
    lib.known = calloc(cap, sizeof(*lib.known));
    lib.unknown = calloc(N_UNKNOWN, sizeof(*lib.unknown));
    lib.caller = calloc(N_CALLER, sizeof(*lib.caller));
    struct timespec r0, r1;
    clock_gettime(CLOCK_MONOTONIC, &r0);
    for (size_t i = 0; i < n_prompts; i++) {
        char text[256], name[64];
        prompt_text(i, text, sizeof(text));
        snprintf(name, sizeof(name), "p%03zu", i);
        if (render(v, text, 1.0, &lib.known[lib.n_known++], name) < 0)
            return 1;
    }
    for (size_t i = 0; i < N_UNKNOWN; i++)
        if (render(v, unknown_text[i], 1.0, &lib.unknown[lib.n_unknown++], "unknown") < 0)
            return 1;
    for (size_t i = 0; i < N_CALLER; i++)
        if (render(v, caller_text[i], 1.12, &lib.caller[lib.n_caller++], "caller") < 0)
            return 1;
    for (size_t i = 0; i < n_dirs; i++)
        load_dir(dirs[i], &lib, cap);
    clock_gettime(CLOCK_MONOTONIC, &r1);
    double render_s = (double)(r1.tv_sec - r0.tv_sec) + (r1.tv_nsec - r0.tv_nsec) * 1e-9;

    struct ms__hear_set *set;
    if (ms__hear_set_new(&set) < 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &r0);
    double audio_s = 0;
    size_t kept = 0;
    for (size_t i = 0; i < lib.n_known; i++) {
        int rc = ms__hear_set_add(set, lib.known[i].name, lib.known[i].pcm.pcm, lib.known[i].pcm.n);
        if (rc < 0) { /* e.g. the same audio as a prompt already there: not played */
            printf("not added: %s (%s)\n", lib.known[i].name, ms_err_name(rc));
            sim_buf_free(&lib.known[i].pcm);
            continue;
        }
        audio_s += (double)lib.known[i].pcm.n / SIM_RATE;
        lib.known[kept++] = lib.known[i];
    }
    lib.n_known = kept;
    clock_gettime(CLOCK_MONOTONIC, &r1);
    double build_s = (double)(r1.tv_sec - r0.tv_sec) + (r1.tv_nsec - r0.tv_nsec) * 1e-9;
    printf("rendered in %.2f s; set of %zu sounds (%.0f s of audio) built in %.3f s\n", render_s,
           lib.n_known, audio_s, build_s);

    struct totals t = {.cap_lat = channels * 32};
    t.lat_long = calloc(t.cap_lat, sizeof(double));
    t.lat_all = calloc(t.cap_lat, sizeof(double));
    t.lat_audible = calloc(t.cap_lat, sizeof(double));
    t.start_err = calloc(t.cap_lat, sizeof(double));
    t.cut_delay = calloc(t.cap_lat, sizeof(double));
    for (size_t i = 0; i < lib.n_known; i++) {
        const struct sim_buf *p = &lib.known[i].pcm;
        size_t k = 0;
        while (k < p->n && abs(p->pcm[k]) < 300)
            k++;
        lib.known[i].lead_ms = (unsigned)(k / 8);
    }
    struct sim_rng r = {seed * 0x9E3779B97F4A7C15ull + 1};
    for (size_t c = 0; c < channels; c++) {
        bool v1 = verbose || only == (long)c;
        if (v1)
            printf("channel %zu\n", c);
        if (only >= 0 && !v1) { /* same random draws, no feeding */
            struct totals skip = {0};
            channel(&lib, NULL, &r, &skip, stall_p, false);
            continue;
        }
        channel(&lib, set, &r, &t, stall_p, v1);
    }
    report(&t, lib.n_known, channels);

    ms__hear_set_free(set);
    for (size_t i = 0; i < lib.n_known; i++)
        sim_buf_free(&lib.known[i].pcm);
    for (size_t i = 0; i < lib.n_unknown; i++)
        sim_buf_free(&lib.unknown[i].pcm);
    for (size_t i = 0; i < lib.n_caller; i++)
        sim_buf_free(&lib.caller[i].pcm);
    free(lib.known);
    free(lib.unknown);
    free(lib.caller);
    free(t.lat_long);
    free(t.lat_all);
    free(t.lat_audible);
    free(t.start_err);
    free(t.cut_delay);
    unregister_cmu_us_kal(v);
    return 0;
}
