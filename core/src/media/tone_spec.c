#include "media/tone_spec.h"
#include "moonswitch/error.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* North American precise tones at their standard levels (per frequency:
 * dial -13 dBm0, ringback -19, busy and reorder -24; 0 dBm0 is about
 * -3 dBFS), and a few others. Add a tone by adding a line. */
static const struct {
    const char *name;
    const char *spec;
} named_tones[] = {
    {"ringback", "v=-22;%(2000,4000,440,480)"},
    {"busy", "v=-27;%(500,500,480,620)"},
    {"congestion", "v=-27;%(250,250,480,620)"},
    {"reorder", "v=-27;%(250,250,480,620)"},
    {"dial", "v=-16;%(1000,0,350,440)"},
    {"beep", "L=1;v=-10;%(250,0,1000)"},
    {"sit", "L=1;v=-16;%(274,0,913.8);%(274,0,1370.6);%(380,0,1776.7)"},
};

#define NAMED_COUNT (sizeof(named_tones) / sizeof(named_tones[0]))

const char *ms__tone_named(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < NAMED_COUNT; i++)
        if (strcasecmp(named_tones[i].name, name) == 0)
            return named_tones[i].spec;
    return NULL;
}

const char *ms__tone_name_at(size_t i)
{
    return i < NAMED_COUNT ? named_tones[i].name : NULL;
}

/* ---- parser ---- */

struct parser {
    const char *text, *p;
    char *err;
    size_t err_len;
    /* settings that apply to the items that follow */
    float level_db;
    uint32_t digit_on, digit_off;
    int item_loops;
    /* result */
    int loops;
    int loops_set;
    size_t nsegs;
    struct ms__tone_segment segs[MS__TONE_MAX_SEGMENTS];
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->err && ps->err_len) {
        int n =
            snprintf(ps->err, ps->err_len, "tone spec, column %d: ", (int)(ps->p - ps->text) + 1);
        if (n >= 0 && (size_t)n < ps->err_len) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return MS_EINVAL;
}

static void skip_ws(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static int expect(struct parser *ps, char c)
{
    skip_ws(ps);
    if (*ps->p != c)
        return fail(ps, "expected '%c'", c);
    ps->p++;
    return 0;
}

/* A decimal number (sign and fraction allowed) into *v. */
static int number(struct parser *ps, const char *what, double *v)
{
    skip_ws(ps);
    const char *s = ps->p;
    if (*s == '+' || *s == '-')
        s++;
    if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
        return fail(ps, "expected a number for %s", what);
    char *end;
    *v = strtod(ps->p, &end);
    if (!isfinite(*v))
        return fail(ps, "%s is not a finite number", what);
    ps->p = end;
    return 0;
}

static int ms_value(struct parser *ps, const char *what, uint32_t *out)
{
    double v;
    int rc = number(ps, what, &v);
    if (rc < 0)
        return rc;
    if (v < 0 || v > MS__TONE_MAX_MS || v != floor(v))
        return fail(ps, "%s must be a whole number of ms from 0 to %d", what, MS__TONE_MAX_MS);
    *out = (uint32_t)v;
    return 0;
}

static int add_segment(struct parser *ps, const struct ms__tone_segment *seg)
{
    if (seg->on_ms == 0 && seg->off_ms == 0)
        return fail(ps, "a tone needs a non-zero on or off time");
    for (int i = 0; i < ps->item_loops; i++) {
        if (ps->nsegs == MS__TONE_MAX_SEGMENTS)
            return fail(ps, "more than %d tone segments", MS__TONE_MAX_SEGMENTS);
        ps->segs[ps->nsegs++] = *seg;
    }
    return 0;
}

static int frequency(struct parser *ps, struct ms__tone_segment *seg)
{
    double f;
    int rc = number(ps, "a frequency", &f);
    if (rc < 0)
        return rc;
    if (f < 0 || f > MS__TONE_MAX_HZ)
        return fail(ps, "frequency %g Hz is out of range (0 to %g)", f, MS__TONE_MAX_HZ);
    if (f == 0)
        return 0; /* a rest, as in TGML melodies */
    if (seg->nfreqs == MS__TONE_MAX_FREQS)
        return fail(ps, "at most %d frequencies in one tone", MS__TONE_MAX_FREQS);
    seg->freqs[seg->nfreqs++] = (float)f;
    return 0;
}

/* %(ON,OFF,F1[,F2...]) with ps->p on the '%'. */
static int manual_tone(struct parser *ps)
{
    struct ms__tone_segment seg = {.level_db = ps->level_db};
    ps->p++;
    int rc = expect(ps, '(');
    if (rc == 0)
        rc = ms_value(ps, "the on time", &seg.on_ms);
    if (rc == 0)
        rc = expect(ps, ',');
    if (rc == 0)
        rc = ms_value(ps, "the off time", &seg.off_ms);
    if (rc == 0)
        rc = expect(ps, ',');
    if (rc == 0)
        rc = frequency(ps, &seg);
    for (skip_ws(ps); rc == 0 && *ps->p == ','; skip_ws(ps)) {
        ps->p++;
        rc = frequency(ps, &seg);
    }
    if (rc == 0)
        rc = expect(ps, ')');
    return rc < 0 ? rc : add_segment(ps, &seg);
}

static bool dtmf_freqs(char c, float *low, float *high)
{
    static const char keys[] = "123A456B789C*0#D";
    static const float rows[] = {697, 770, 852, 941}, cols[] = {1209, 1336, 1477, 1633};
    const char *k = strchr(keys, toupper((unsigned char)c));
    if (!k || !*k)
        return false;
    *low = rows[(k - keys) / 4];
    *high = cols[(k - keys) % 4];
    return true;
}

/* A run of DTMF digits, with an optional (ON,OFF) modifier for all of them. */
static int digits(struct parser *ps)
{
    const char *start = ps->p;
    float lo, hi;
    while (dtmf_freqs(*ps->p, &lo, &hi))
        ps->p++;
    const char *end = ps->p;
    uint32_t on = ps->digit_on, off = ps->digit_off;
    skip_ws(ps);
    if (*ps->p == '(') {
        ps->p++;
        int rc = ms_value(ps, "the digit on time", &on);
        if (rc == 0)
            rc = expect(ps, ',');
        if (rc == 0)
            rc = ms_value(ps, "the digit off time", &off);
        if (rc == 0)
            rc = expect(ps, ')');
        if (rc < 0)
            return rc;
    }
    for (const char *c = start; c < end; c++) {
        struct ms__tone_segment seg = {
            .on_ms = on, .off_ms = off, .nfreqs = 2, .level_db = ps->level_db};
        dtmf_freqs(*c, &seg.freqs[0], &seg.freqs[1]);
        int rc = add_segment(ps, &seg);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int set_loops(struct parser *ps, double v)
{
    if (v != floor(v) || (v != MS__TONE_FOREVER && (v < 1 || v > 1000000)))
        return fail(ps, "loops must be -1 (forever) or 1 to 1000000");
    ps->loops = (int)v;
    ps->loops_set = 1;
    return 0;
}

static int apply_variable(struct parser *ps, const char *name, size_t len, double v)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
    if (IS("v")) {
        if (v < -63 || v > 0)
            return fail(ps, "v (volume) must be from -63 to 0 dB");
        ps->level_db = (float)v;
    } else if (IS("d") || IS("w")) {
        if (v < 0 || v > MS__TONE_MAX_MS || v != floor(v))
            return fail(ps, "%s must be a whole number of ms from 0 to %d", IS("d") ? "d" : "w",
                        MS__TONE_MAX_MS);
        *(IS("d") ? &ps->digit_on : &ps->digit_off) = (uint32_t)v;
    } else if (IS("l")) {
        if (v < 1 || v > 100 || v != floor(v))
            return fail(ps, "l (item loops) must be 1 to 100");
        ps->item_loops = (int)v;
    } else if (IS("L") || IS("loops")) {
        return set_loops(ps, v);
    } else if (IS("c") || IS("r")) {
        return 0; /* channels, rate: we render mono at the caller's rate */
    } else if (IS(">") || IS("<") || IS("+")) {
        return fail(ps, "volume ramps ('%.*s=') are not supported", (int)len, name);
    } else {
        return fail(ps, "unknown variable '%.*s'", (int)len, name);
    }
    return 0;
#undef IS
}

/* NAME=VALUE with ps->p on the name. */
static int variable(struct parser *ps)
{
    const char *name = ps->p;
    if (*ps->p == '>' || *ps->p == '<' || *ps->p == '+')
        ps->p++;
    else
        while (isalpha((unsigned char)*ps->p))
            ps->p++;
    size_t len = (size_t)(ps->p - name);
    skip_ws(ps);
    if (*ps->p != '=')
        return fail(ps, "expected '=' after '%.*s'", (int)len, name);
    ps->p++;
    double v;
    int rc = number(ps, "a variable's value", &v);
    if (rc < 0)
        return rc;
    const char *after = ps->p;
    ps->p = name; /* errors about the value point at the variable */
    rc = apply_variable(ps, name, len, v);
    if (rc < 0)
        return rc;
    ps->p = after;
    return 0;
}

static bool word_is_variable(const char *p)
{
    if (*p == '>' || *p == '<' || *p == '+')
        return true;
    while (isalpha((unsigned char)*p))
        p++;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '=';
}

static int item(struct parser *ps)
{
    skip_ws(ps);
    float lo, hi;
    int rc;
    if (*ps->p == '%')
        rc = manual_tone(ps);
    else if (word_is_variable(ps->p))
        rc = variable(ps);
    else if (dtmf_freqs(*ps->p, &lo, &hi))
        rc = digits(ps);
    else if (*ps->p == ';' || *ps->p == '\0')
        return 0; /* empty item */
    else
        return fail(ps, "expected '%%(on,off,freq...)', DTMF digits or a variable such as v=");
    if (rc < 0)
        return rc;
    skip_ws(ps);
    if (*ps->p != ';' && *ps->p != '\0')
        return fail(ps, "expected ';' between items");
    return 0;
}

static bool looks_like_name(const char *t)
{
    bool beyond_dtmf = false;
    for (; *t; t++) {
        if (!isalnum((unsigned char)*t) && *t != '-' && *t != '_')
            return false;
        float lo, hi;
        if (!dtmf_freqs(*t, &lo, &hi))
            beyond_dtmf = true;
    }
    return beyond_dtmf;
}

static int unknown_name(struct parser *ps)
{
    char names[96] = "";
    size_t used = 0;
    for (size_t i = 0; i < NAMED_COUNT && used < sizeof(names); i++) {
        int n = snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
                         named_tones[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (ps->err && ps->err_len)
        snprintf(ps->err, ps->err_len, "unknown tone '%.32s' (names: %s)", ps->text, names);
    return MS_EINVAL;
}

static int parse_script(struct parser *ps)
{
    if (looks_like_name(ps->text))
        return unknown_name(ps);
    for (;;) {
        int rc = item(ps);
        if (rc < 0)
            return rc;
        if (*ps->p == '\0')
            break;
        ps->p++; /* ';' */
    }
    if (ps->nsegs == 0)
        return fail(ps, "no tone in the spec");
    return 0;
}

/* The named tone `text` stands for, ignoring surrounding spaces, or NULL. */
static const char *named_trimmed(const char *text)
{
    char name[32];
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    if (n >= sizeof(name))
        return NULL;
    memcpy(name, text, n);
    name[n] = '\0';
    return ms__tone_named(name);
}

int ms__tone_spec_parse(struct ms__tone_spec **out, const char *text, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!out || !text)
        return MS_EINVAL;
    const char *named = named_trimmed(text);
    struct parser *ps = calloc(1, sizeof(*ps));
    if (!ps)
        return MS_ENOMEM;
    *ps = (struct parser){.text = named ? named : text,
                          .err = err,
                          .err_len = err_len,
                          .level_db = (float)MS__TONE_DEFAULT_DB,
                          .digit_on = 100,
                          .digit_off = 100,
                          .item_loops = 1,
                          .loops = MS__TONE_FOREVER};
    ps->p = ps->text;
    int rc = parse_script(ps);
    if (rc < 0)
        goto out;
    struct ms__tone_spec *s = malloc(sizeof(*s) + ps->nsegs * sizeof(s->segs[0]));
    rc = MS_ENOMEM;
    if (!s)
        goto out;
    s->loops = ps->loops;
    s->loops_set = ps->loops_set;
    s->nsegs = ps->nsegs;
    memcpy(s->segs, ps->segs, ps->nsegs * sizeof(s->segs[0]));
    *out = s;
    rc = 0;
out:
    free(ps);
    return rc;
}

void ms__tone_spec_free(struct ms__tone_spec *s)
{
    free(s);
}

uint64_t ms__tone_spec_cycle_ms(const struct ms__tone_spec *s)
{
    uint64_t total = 0;
    for (size_t i = 0; i < s->nsegs; i++)
        total += (uint64_t)s->segs[i].on_ms + s->segs[i].off_ms;
    return total;
}
