/* ms-render: renders the demo sounds at build time.
 *
 *   ms-render tts   OUT.wav RATE "text"    flite voice kal (8 kHz) -> PCM16 WAV at RATE
 *   ms-render music OUT.wav RATE SECONDS   a synthesised hold-music loop
 *
 * RATE is 8000..48000 (the build uses 8000 and 16000). Resampling is
 * speexdsp through core/src/media/resample.c (flite's cst_wave_resample adds
 * silence and lowers the level).
 *
 * Speech edges. flite surrounds every utterance with a pause segment: about
 * 220 ms of low noise before the first phone and 100-200 ms after the last,
 * which makes words played one after another ("one" "hundred" "twenty")
 * sound slow. ms-render cuts the audio from flite's own segmentation, not
 * from a level threshold alone (which would eat the weak start of "six" or
 * "hundred"): it keeps EDGE_LEAD_MS before the first phone (before its
 * onset, when it starts with the silent closure of a stop: "twenty") and
 * EDGE_TAIL_MS after the last one (the release of a final consonant), and
 * fades the first and last FADE_MS in and out so the cut never clicks. Pauses inside the
 * text (between sentences, at commas) are phones of the utterance and stay.
 *
 * The music is our own synthesis: a I-vi-IV-V progression of seventh chords,
 * a soft pad, a plucked arpeggio and a bass, mixed circularly so the file
 * loops without a seam. Output is written to OUT.wav.tmp and renamed, so an
 * interrupted build never leaves a truncated sound.
 */
#include "media/resample.h"

#include <flite/flite.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No flite header declares it. */
cst_voice *register_cmu_us_kal(const char *voxdir);

#define PI 3.14159265358979323846

static int usage(void)
{
    fprintf(stderr, "usage: ms-render tts OUT.wav RATE \"text\"\n"
                    "       ms-render music OUT.wav RATE SECONDS\n");
    return 2;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int write_wav(const char *path, int rate, const int16_t *pcm, size_t n)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    SF_INFO info = {.samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(tmp, SFM_WRITE, &info);
    if (!sf) {
        fprintf(stderr, "ms-render: %s: %s\n", tmp, sf_strerror(NULL));
        return -1;
    }
    sf_count_t wrote = sf_write_short(sf, pcm, (sf_count_t)n);
    int err = sf_close(sf);
    if (wrote != (sf_count_t)n || err != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "ms-render: cannot write %s\n", path);
        remove(tmp);
        return -1;
    }
    return 0;
}

/* ---- speech ---- */

#define EDGE_LEAD_MS 20
#define EDGE_TAIL_MS 30
#define FADE_MS      10
#define ONSET_DBFS   -55.0 /* quieter than any phone's onset, louder than flite's pauses */
#define ONSET_WIN_MS 5

/* Level of pcm[0..n) in dBFS (RMS). */
static double level_dbfs(const int16_t *pcm, size_t n)
{
    double e = 0;
    for (size_t i = 0; i < n; i++)
        e += (double)pcm[i] * pcm[i];
    return 10 * log10(e / (double)n / (32768.0 * 32768.0) + 1e-12);
}

/* The first sample of [from, to) where sound starts: the first window louder
 * than ONSET_DBFS (the closure of an initial stop, as in "twenty", is as
 * silent as the pause before it), or `from` if there is none. */
static size_t onset(const cst_wave *w, size_t from, size_t to)
{
    size_t win = (size_t)w->sample_rate * ONSET_WIN_MS / 1000;
    for (size_t i = from; i + win <= to; i += win)
        if (level_dbfs(w->samples + i, win) > ONSET_DBFS)
            return i;
    return from;
}

/* Sample range [from, to) of `w` from EDGE_LEAD_MS before the first phone
 * that is not a pause (before its onset) to EDGE_TAIL_MS after the last.
 * -1 if there is none. */
static int speech_span(cst_utterance *u, const cst_wave *w, size_t *from, size_t *to)
{
    double start = -1, first_end = 0, end = -1, prev_end = 0;
    const cst_item *s = relation_head(utt_relation(u, "Segment"));
    for (; s; s = item_next(s)) {
        double seg_end = item_feat_float(s, "end");
        if (strcmp(item_feat_string(s, "name"), "pau") != 0) {
            if (start < 0) {
                start = prev_end;
                first_end = seg_end;
            }
            end = seg_end;
        }
        prev_end = seg_end;
    }
    if (start < 0)
        return -1;
    double rate = w->sample_rate, n = w->num_samples;
    size_t a = (size_t)fmin(n, start * rate), b = (size_t)fmin(n, first_end * rate);
    double lead = (double)onset(w, a, b) - EDGE_LEAD_MS / 1000.0 * rate;
    double tail = ceil((end + EDGE_TAIL_MS / 1000.0) * rate);
    *from = (size_t)fmax(0, lead);
    *to = (size_t)fmax(0, fmin(tail, n));
    return *to > *from ? 0 : -1;
}

/* Raised-cosine fade over FADE_MS at both ends of `pcm`. */
static void fade_edges(int16_t *pcm, size_t n, int rate)
{
    size_t len = (size_t)rate * FADE_MS / 1000;
    if (len > n / 2)
        len = n / 2;
    for (size_t i = 0; i < len; i++) {
        double g = 0.5 - 0.5 * cos(PI * (double)i / (double)len);
        pcm[i] = (int16_t)lrint(pcm[i] * g);
        pcm[n - 1 - i] = (int16_t)lrint(pcm[n - 1 - i] * g);
    }
}

static int render_tts(const char *out, int rate, const char *text)
{
    flite_init();
    cst_voice *voice = register_cmu_us_kal(NULL);
    cst_utterance *u = voice ? flite_synth_text(text, voice) : NULL;
    cst_wave *w = u ? utt_wave(u) : NULL;
    size_t from, to;
    if (!w || w->num_channels != 1 || w->num_samples <= 0 || speech_span(u, w, &from, &to) < 0) {
        fprintf(stderr, "ms-render: flite produced no speech for \"%s\"\n", text);
        if (u)
            delete_utterance(u);
        return -1;
    }
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = ms__resample_buffer(w->samples + from, to - from, w->sample_rate, rate,
                                 MS__RESAMPLE_Q_ONESHOT, &pcm, &n);
    delete_utterance(u);
    if (rc < 0) {
        fprintf(stderr, "ms-render: cannot resample \"%s\" to %d Hz\n", text, rate);
        return -1;
    }
    fade_edges(pcm, n, rate);
    rc = write_wav(out, rate, pcm, n);
    free(pcm);
    return rc;
}

/* ---- music ---- */

struct mix {
    float *buf;
    size_t n; /* loop length in samples: everything wraps around */
    int rate;
};

static double midi_hz(int note)
{
    return 440.0 * pow(2.0, (note - 69) / 12.0);
}

/* A plucked, slightly bell-like note: fast attack, exponential decay. */
static void add_pluck(struct mix *m, double start_s, int note, double gain)
{
    double f = midi_hz(note), tau = 0.45;
    size_t len = (size_t)(m->rate * 2.5), at = (size_t)(start_s * m->rate);
    for (size_t i = 0; i < len; i++) {
        double t = (double)i / m->rate;
        double env = (t < 0.006 ? t / 0.006 : 1.0) * exp(-t / tau);
        double ph = 2 * PI * f * t;
        double v = sin(ph) + 0.25 * sin(2 * ph) * exp(-t / 0.15) + 0.08 * sin(3 * ph);
        m->buf[(at + i) % m->n] += (float)(gain * env * v);
    }
}

/* A soft sustained tone with slow attack and release, `dur_s` long. */
static void add_pad(struct mix *m, double start_s, double dur_s, int note, double gain)
{
    double f = midi_hz(note), rise = 0.35, fall = 0.6;
    size_t len = (size_t)((dur_s + fall) * m->rate), at = (size_t)(start_s * m->rate);
    for (size_t i = 0; i < len; i++) {
        double t = (double)i / m->rate;
        double env = t < rise ? 0.5 - 0.5 * cos(PI * t / rise) : 1.0;
        if (t > dur_s)
            env *= exp(-(t - dur_s) / (fall / 4));
        double v = sin(2 * PI * f * t) + 0.3 * sin(4 * PI * f * t + 0.5);
        m->buf[(at + i) % m->n] += (float)(gain * env * v);
    }
}

/* Cmaj7 - Am7 - Fmaj7 - G7: root (bass) and four chord tones as MIDI notes. */
static const int chords[4][5] = {
    {48, 60, 64, 67, 71},
    {45, 57, 60, 64, 67},
    {41, 53, 57, 60, 64},
    {43, 55, 59, 62, 65},
};

static void add_chord(struct mix *m, int k, double start, double dur)
{
    const int *c = chords[k % 4];
    add_pluck(m, start, c[0] + 12, 0.30); /* bass, an octave up so phones carry it */
    add_pluck(m, start + dur / 2, c[0] + 12, 0.18);
    for (int t = 1; t <= 4; t++)
        add_pad(m, start, dur, c[t], 0.045);
    static const int pattern[8] = {1, 2, 3, 4, 3, 2, 4, 2};
    for (int s = 0; s < 8; s++) /* eighth-note arpeggio an octave above the pad */
        add_pluck(m, start + s * dur / 8, c[pattern[s]] + 12, s % 2 ? 0.11 : 0.15);
}

static int render_music(const char *out, int rate, int seconds)
{
    struct mix m = {.n = (size_t)seconds * (size_t)rate, .rate = rate};
    m.buf = calloc(m.n, sizeof(*m.buf));
    int16_t *pcm = malloc(m.n * sizeof(*pcm));
    int rc = -1;
    if (!m.buf || !pcm)
        goto out;
    int bars = (int)lround(seconds / 2.4); /* about 2.4 s per chord, 100 BPM */
    if (bars < 1)
        bars = 1;
    double dur = (double)seconds / bars;
    for (int k = 0; k < bars; k++)
        add_chord(&m, k, k * dur, dur);
    float peak = 1e-6f;
    for (size_t i = 0; i < m.n; i++)
        peak = fmaxf(peak, fabsf(m.buf[i]));
    float scale = 0.45f * 32767.0f / peak; /* about -7 dBFS peak: calm */
    for (size_t i = 0; i < m.n; i++)
        pcm[i] = (int16_t)lrintf(m.buf[i] * scale);
    rc = write_wav(out, rate, pcm, m.n);
out:
    free(m.buf);
    free(pcm);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return usage();
    int rate, seconds;
    if (parse_int(argv[3], 8000, 48000, &rate) < 0)
        return usage();
    if (strcmp(argv[1], "tts") == 0)
        return render_tts(argv[2], rate, argv[4]) == 0 ? 0 : 1;
    if (strcmp(argv[1], "music") == 0 && parse_int(argv[4], 1, 600, &seconds) == 0)
        return render_music(argv[2], rate, seconds) == 0 ? 0 : 1;
    return usage();
}
