#include "hear/hear_feat.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

#define F_LO   200.0 /* Hz: band range */
#define F_HI   3800.0
#define BIN_HZ (8000.0 / MS__HEAR_WIN)

#define FLOOR_ABS  MS__HEAR_DB(40) /* band floor: below G.711 idle noise */
#define RANGE      60              /* 30 dB: bands further below the frame's peak are floored */
#define TOT_WEIGHT 4  /* a loudness difference beyond TOT_SLACK counts as much as 4 bands */
#define TOT_SLACK  12 /* 6 dB */

static double mel(double hz)
{
    return 2595.0 * log10(1.0 + hz / 700.0);
}

static double mel_inv(double m)
{
    return 700.0 * (pow(10.0, m / 2595.0) - 1.0);
}

void ms__hear_fft_init(struct ms__hear_fft *t)
{
    for (int i = 0; i < MS__HEAR_WIN; i++)
        t->window[i] = (float)(0.5 - 0.5 * cos(2 * PI * (i + 0.5) / MS__HEAR_WIN));
    for (int j = 0; j < MS__HEAR_HALF / 2; j++) {
        t->cos_t[j] = (float)cos(2 * PI * j / MS__HEAR_HALF);
        t->sin_t[j] = (float)sin(2 * PI * j / MS__HEAR_HALF);
    }
    for (int k = 0; k < MS__HEAR_HALF; k++) {
        t->rcos[k] = (float)cos(2 * PI * k / MS__HEAR_WIN);
        t->rsin[k] = (float)sin(2 * PI * k / MS__HEAR_WIN);
    }
    int bits = 0;
    while ((1 << bits) < MS__HEAR_HALF)
        bits++;
    for (int i = 0; i < MS__HEAR_HALF; i++) {
        int r = 0;
        for (int b = 0; b < bits; b++)
            r |= ((i >> b) & 1) << (bits - 1 - b);
        t->bitrev[i] = (uint8_t)r;
    }
    double m_lo = mel(F_LO), m_hi = mel(F_HI);
    for (int b = 0; b <= MS__HEAR_BANDS; b++) {
        double hz = mel_inv(m_lo + (m_hi - m_lo) * b / MS__HEAR_BANDS);
        t->edge[b] = (uint8_t)lround(hz / BIN_HZ);
    }
}

/* In-place complex FFT of MS__HEAR_HALF points (input already bit-reversed). */
static void fft_half(const struct ms__hear_fft *t, float *re, float *im)
{
    for (int size = 2; size <= MS__HEAR_HALF; size *= 2) {
        int half = size / 2, step = MS__HEAR_HALF / size;
        for (int j = 0; j < half; j++) {
            float wr = t->cos_t[j * step], wi = -t->sin_t[j * step];
            for (int i = j; i < MS__HEAR_HALF; i += size) {
                int o = i + half;
                float tr = wr * re[o] - wi * im[o], ti = wr * im[o] + wi * re[o];
                re[o] = re[i] - tr;
                im[o] = im[i] - ti;
                re[i] += tr;
                im[i] += ti;
            }
        }
    }
}

/* |X[k]|^2 of the real 256-point transform from the 128-point transform Z of the
 * even/odd interleaved samples: X[k] = E[k] + W^k O[k]. */
static float bin_power(const struct ms__hear_fft *t, const float *re, const float *im, int k)
{
    int m = (MS__HEAR_HALF - k) & (MS__HEAR_HALF - 1);
    float zr = re[k], zi = im[k], cr = re[m], ci = -im[m];
    float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);
    float or_ = 0.5f * (zi - ci), oi = -0.5f * (zr - cr);
    float c = t->rcos[k], s = t->rsin[k];
    float xr = er + or_ * c + oi * s, xi = ei + oi * c - or_ * s;
    return xr * xr + xi * xi;
}

static uint8_t to_units(float power)
{
    /* 2 * (10 log10(p) - 20) = 6.0206 log2(p) - 40 */
    float v = 6.0206f * log2f(power + 1.0f) - 40.0f;
    if (v <= 0.0f)
        return 0;
    if (v >= 255.0f)
        return 255;
    return (uint8_t)(v + 0.5f);
}

void ms__hear_analyse(const struct ms__hear_fft *t, const float *samples,
                      struct ms__hear_frame *out)
{
    float re[MS__HEAR_HALF], im[MS__HEAR_HALF];
    for (int i = 0; i < MS__HEAR_HALF; i++) {
        int r = t->bitrev[i];
        re[r] = samples[2 * i] * t->window[2 * i];
        im[r] = samples[2 * i + 1] * t->window[2 * i + 1];
    }
    fft_half(t, re, im);
    float total = 0.0f;
    for (int b = 0; b < MS__HEAR_BANDS; b++) {
        float acc = 0.0f;
        for (int k = t->edge[b]; k < t->edge[b + 1]; k++)
            acc += bin_power(t, re, im, k);
        out->band[b] = to_units(acc);
        total += acc;
    }
    out->tot = to_units(total);
    out->flags = out->tot > MS__HEAR_SILENCE ? MS__HEAR_LOUD : 0;
}

static int band_max(const struct ms__hear_frame *f)
{
    int m = 0;
    for (int b = 0; b < MS__HEAR_BANDS; b++)
        m = f->band[b] > m ? f->band[b] : m;
    return m;
}

static int floor_of(int peak)
{
    return peak - RANGE > FLOOR_ABS ? peak - RANGE : FLOOR_ABS;
}

uint32_t ms__hear_key(const struct ms__hear_frame *prev, const struct ms__hear_frame *cur,
                      uint8_t weak[2])
{
    int fp = floor_of(band_max(prev)), fc = floor_of(band_max(cur));
    int pv[MS__HEAR_BANDS], cv[MS__HEAR_BANDS];
    for (int b = 0; b < MS__HEAR_BANDS; b++) {
        pv[b] = prev->band[b] > fp ? prev->band[b] : fp;
        cv[b] = cur->band[b] > fc ? cur->band[b] : fc;
    }
    uint32_t key = 0;
    int m0 = 1 << 30, m1 = 1 << 30;
    weak[0] = weak[1] = 0;
    for (int b = 0; b < MS__HEAR_BANDS; b++) {
        int d = b < MS__HEAR_BANDS - 1 ? (cv[b] - cv[b + 1]) - (pv[b] - pv[b + 1])
                                       : (int)cur->tot - (int)prev->tot;
        if (d > 0)
            key |= 1u << b;
        int mag = abs(d);
        if (mag < m0) {
            m1 = m0;
            weak[1] = weak[0];
            m0 = mag;
            weak[0] = (uint8_t)b;
        } else if (mag < m1) {
            m1 = mag;
            weak[1] = (uint8_t)b;
        }
    }
    return key;
}

unsigned ms__hear_dist(const struct ms__hear_frame *x, const struct ms__hear_frame *y, int g)
{
    int xm = band_max(x), ym = band_max(y) + g;
    int f = floor_of(xm > ym ? xm : ym);
    unsigned sum = 0;
    for (int b = 0; b < MS__HEAR_BANDS; b++) {
        int xv = x->band[b] > f ? x->band[b] : f;
        int yv = y->band[b] + g;
        yv = yv > f ? yv : f;
        sum += (unsigned)abs(xv - yv);
    }
    /* the loudness too: a tonal sound lives in two or three bands, and against
     * silence the floored bands alone would differ little */
    int xt = x->tot, yt = y->tot + g, ft = (xt > yt ? xt : yt) - RANGE;
    xt = xt > ft ? xt : ft;
    yt = yt > ft ? yt : ft;
    int dt = abs(xt - yt) - TOT_SLACK;
    return sum + (dt > 0 ? TOT_WEIGHT * (unsigned)dt : 0);
}
