#include "media/tone_cadence.h"
#include "moonswitch/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define CD_RATE      8000
#define CD_BLOCK     200 /* 25 ms */
#define CD_BLOCK_MS  (CD_BLOCK * 1000 / CD_RATE)
#define CD_DEBOUNCE  2    /* blocks of a new class before a run ends */
#define CD_BURSTS    2    /* matching bursts before a report */
#define CD_MIN_FRAC  0.15 /* each frequency of the pair, of the block's energy */
#define CD_PAIR_FRAC 0.70
#define CD_MIN_DBFS  (-42.0)

enum { F440, F480, F620, NFILTERS };
static const double cd_freqs[NFILTERS] = {440, 480, 620};

/* Block classes. */
enum { CLS_OTHER, CLS_RING_PAIR, CLS_BUSY_PAIR };

struct pattern {
    int pair;
    uint32_t on_min, on_max, off_min, off_max;
};

static const struct pattern cd_patterns[MS__CAD_COUNT] = {
    [MS__CAD_BUSY] = {CLS_BUSY_PAIR, 380, 650, 380, 650},
    [MS__CAD_CONGESTION] = {CLS_BUSY_PAIR, 180, 370, 150, 370},
    [MS__CAD_RINGBACK] = {CLS_RING_PAIR, 1600, 2500, 3000, 5000},
};

enum stage { ST_IDLE, ST_WANT_OFF, ST_WANT_ON };

struct matcher {
    enum stage stage;
    int bursts;
    bool reported;
};

struct ms__cadence {
    ms__cadence_cb cb;
    void *ud;
    double coeff[NFILTERS];
    double s1[NFILTERS], s2[NFILTERS], energy;
    int in_block;
    uint64_t pos;
    double min_energy; /* block energy at CD_MIN_DBFS */
    /* debounced runs */
    int run_cls, cand_cls;
    uint32_t run_blocks, cand_blocks;
    struct matcher m[MS__CAD_COUNT];
};

int ms__cadence_new(struct ms__cadence **out, ms__cadence_cb cb, void *ud)
{
    if (!out || !cb)
        return MS_EINVAL;
    struct ms__cadence *c = calloc(1, sizeof(*c));
    if (!c)
        return MS_ENOMEM;
    c->cb = cb;
    c->ud = ud;
    for (int i = 0; i < NFILTERS; i++)
        c->coeff[i] = 2 * cos(2 * M_PI * cd_freqs[i] / CD_RATE);
    double rms = 32767.0 * pow(10.0, CD_MIN_DBFS / 20.0);
    c->min_energy = rms * rms * CD_BLOCK;
    c->run_cls = c->cand_cls = CLS_OTHER;
    *out = c;
    return 0;
}

void ms__cadence_free(struct ms__cadence *c)
{
    free(c);
}

static void reset(struct matcher *m)
{
    *m = (struct matcher){.stage = ST_IDLE};
}

static bool within(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v >= lo && v <= hi;
}

static void burst_ended(struct ms__cadence *c, int k, int cls, uint32_t ms)
{
    const struct pattern *p = &cd_patterns[k];
    struct matcher *m = &c->m[k];
    if (cls != p->pair || !within(ms, p->on_min, p->on_max)) {
        reset(m);
        return;
    }
    m->bursts = m->stage == ST_WANT_ON ? m->bursts + 1 : 1;
    m->stage = ST_WANT_OFF;
    if (m->bursts >= CD_BURSTS && !m->reported) {
        m->reported = true;
        c->cb(c->ud, (enum ms__cadence_kind)k, c->pos);
    }
}

static void gap_ended(struct ms__cadence *c, int k, uint32_t ms)
{
    const struct pattern *p = &cd_patterns[k];
    struct matcher *m = &c->m[k];
    if (m->stage == ST_WANT_OFF && within(ms, p->off_min, p->off_max))
        m->stage = ST_WANT_ON;
    else
        reset(m);
}

static void run_ended(struct ms__cadence *c, int cls, uint32_t blocks)
{
    uint32_t ms = blocks * CD_BLOCK_MS;
    for (int k = 0; k < MS__CAD_COUNT; k++) {
        if (cls == CLS_OTHER)
            gap_ended(c, k, ms);
        else
            burst_ended(c, k, cls, ms);
    }
}

/* Debounce: a run ends once CD_DEBOUNCE blocks of another class follow it;
 * shorter interruptions are counted into the run. */
static void block_class(struct ms__cadence *c, int cls)
{
    if (cls == c->run_cls) {
        c->run_blocks += c->cand_blocks + 1;
        c->cand_blocks = 0;
        return;
    }
    if (cls != c->cand_cls || c->cand_blocks == 0) {
        c->run_blocks += c->cand_blocks;
        c->cand_cls = cls;
        c->cand_blocks = 1;
    } else {
        c->cand_blocks++;
    }
    if (c->cand_blocks >= CD_DEBOUNCE) {
        run_ended(c, c->run_cls, c->run_blocks);
        c->run_cls = cls;
        c->run_blocks = c->cand_blocks;
        c->cand_blocks = 0;
    }
}

static double fraction(const struct ms__cadence *c, int i)
{
    double s1 = c->s1[i], s2 = c->s2[i];
    double mag2 = s1 * s1 + s2 * s2 - c->coeff[i] * s1 * s2;
    return 2 * mag2 / ((double)CD_BLOCK * c->energy);
}

static bool is_pair(const struct ms__cadence *c, int a, int b)
{
    double fa = fraction(c, a), fb = fraction(c, b);
    return fa >= CD_MIN_FRAC && fb >= CD_MIN_FRAC && fa + fb >= CD_PAIR_FRAC;
}

static int classify(const struct ms__cadence *c)
{
    if (c->energy < c->min_energy)
        return CLS_OTHER;
    if (is_pair(c, F440, F480))
        return CLS_RING_PAIR;
    if (is_pair(c, F480, F620))
        return CLS_BUSY_PAIR;
    return CLS_OTHER;
}

static void end_block(struct ms__cadence *c)
{
    block_class(c, classify(c));
    for (int i = 0; i < NFILTERS; i++)
        c->s1[i] = c->s2[i] = 0;
    c->energy = 0;
    c->in_block = 0;
}

void ms__cadence_feed(struct ms__cadence *c, const int16_t *pcm, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double x = pcm[k];
        for (int i = 0; i < NFILTERS; i++) {
            double s0 = x + c->coeff[i] * c->s1[i] - c->s2[i];
            c->s2[i] = c->s1[i];
            c->s1[i] = s0;
        }
        c->energy += x * x;
        c->pos++;
        if (++c->in_block == CD_BLOCK)
            end_block(c);
    }
}
