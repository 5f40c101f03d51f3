/* ms-render: renders the demo sounds at build time.
 *
 *   ms-render tts   OUT.wav RATE "text"    flite voice kal (8 kHz) -> PCM16 WAV at RATE
 *   ms-render music OUT.wav RATE SECONDS   a synthesised hold-music loop
 *
 * RATE is 8000..48000 (the build uses 8000 and 16000). Resampling is
 * speexdsp through core/src/media/resample.c (flite's cst_wave_resample adds
 * silence and lowers the level). The music is our own synthesis: a
 * I-vi-IV-V progression of seventh chords, a soft pad, a plucked arpeggio
 * and a bass, mixed circularly so the file loops without a seam. Output is
 * written to OUT.wav.tmp and renamed, so an interrupted build never leaves
 * a truncated sound.
 */
#include "media/resample.h"

#include "media/flite_voice.h"
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int render_tts(const char *out, int rate, const char *text)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    if (ms__flite_render(text, rate, &pcm, &n) < 0) {
        fprintf(stderr, "ms-render: flite produced no audio for \"%s\"\n", text);
        return -1;
    }
    int rc = write_wav(out, rate, pcm, n);
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
