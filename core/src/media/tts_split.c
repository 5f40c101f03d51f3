#include "media/tts_split.h"
#include "moonswitch/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct segs {
    char **v;
    size_t n, cap;
    size_t first_max, max; /* length bounds of the first segment and the others */
};

static const char *const titles[] = {"mr",  "mrs", "ms",   "dr", "prof", "st",  "mt",
                                     "rev", "gen", "capt", "lt", "col",  "sgt", "gov",
                                     "sen", "rep", "hon",  "ft", NULL};

static const char *const abbrevs[] = {
    "etc", "vs",   "no",  "nos", "inc",   "ltd", "co",  "corp", "approx", "dept", "est", "fig",
    "ext", "tel",  "vol", "pp",  "ch",    "sec", "min", "hr",   "hrs",    "jr",   "sr",  "jan",
    "feb", "mar",  "apr", "jun", "jul",   "aug", "sep", "sept", "oct",    "nov",  "dec", "mon",
    "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",  NULL};

static bool ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool in_list(const char *const *list, const char *w, size_t len)
{
    for (; *list; list++)
        if (strlen(*list) == len && strncasecmp(*list, w, len) == 0)
            return true;
    return false;
}

/* Whitespace runs to one space, or to one '\n' when they hold a line break;
 * other control characters count as spaces. Returns a malloc'd copy. */
static char *normalise(const char *text)
{
    char *b = malloc(strlen(text) + 1);
    if (!b)
        return NULL;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        char c = (*p == '\n' || *p == '\r') ? '\n' : (*p < 0x20 || *p == 0x7f) ? ' ' : (char)*p;
        if (c == ' ' && (n == 0 || b[n - 1] == ' ' || b[n - 1] == '\n'))
            continue;
        if (c == '\n' && n > 0 && b[n - 1] == ' ')
            n--;
        if (c == '\n' && (n == 0 || b[n - 1] == '\n'))
            continue;
        b[n++] = c;
    }
    b[n] = '\0';
    return b;
}

/* Appends s[0..len) trimmed, if it has something to say. */
static int push(struct segs *o, const char *s, size_t len)
{
    while (len && *s == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    bool speakable = false;
    for (size_t i = 0; i < len && !speakable; i++)
        speakable = ascii_alnum(s[i]);
    if (!speakable)
        return 0;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        char **v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return MS_ENOMEM;
        o->v = v;
        o->cap = cap;
    }
    char *copy = strndup(s, len);
    if (!copy)
        return MS_ENOMEM;
    o->v[o->n++] = copy;
    return 0;
}

/* Where to cut s (len > max): returns the length of the first part and sets
 * *skip to the bytes dropped after it (the space at a cut). */
static size_t cut_point(const char *s, size_t max, size_t *skip)
{
    *skip = 1;
    for (size_t k = max; k > max / 3; k--) /* a clause boundary in the last two thirds */
        if (s[k] == ' ' &&
            (s[k - 1] == ',' || s[k - 1] == ':' || (s[k - 1] == '-' && k >= 2 && s[k - 2] == ' ')))
            return k;
    for (size_t k = max; k > 0; k--)
        if (s[k] == ' ')
            return k;
    *skip = 0;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) /* not inside a UTF-8 character */
        k--;
    return k ? k : max;
}

static int push_bounded(struct segs *o, const char *s, size_t len)
{
    while (len && *s == ' ')
        s++, len--;
    while (len > (o->n ? o->max : o->first_max)) {
        size_t skip, k = cut_point(s, o->n ? o->max : o->first_max, &skip);
        int rc = push(o, s, k);
        if (rc < 0)
            return rc;
        s += k + skip;
        len -= k + skip;
    }
    return push(o, s, len);
}

/* Does the '.' at b[dot] (followed by whitespace at b[after] or the end)
 * end a sentence? */
static bool period_ends(const char *b, size_t dot, size_t after)
{
    size_t w = dot;
    while (w > 0 && b[w - 1] != ' ' && b[w - 1] != '\n')
        w--;
    while (w < dot && strchr("\"'([{", b[w]))
        w++;
    size_t wlen = dot - w;
    const char *next = b + after;
    while (*next == ' ')
        next++;
    while (*next && strchr("\"'([{", *next))
        next++;
    if (wlen == 0 || *next == '\n' || *next == '\0')
        return true;
    if (in_list(titles, b + w, wlen) || (wlen == 1 && ascii_alpha(b[w])))
        return false;
    if (*next >= 'a' && *next <= 'z')
        return false;
    bool abbrev = in_list(abbrevs, b + w, wlen) || memchr(b + w, '.', wlen) != NULL;
    return !(abbrev && *next >= '0' && *next <= '9');
}

static int scan(struct segs *o, const char *b)
{
    size_t len = strlen(b), start = 0;
    for (size_t i = 0; i < len; i++) {
        if (b[i] == '\n') {
            int rc = push_bounded(o, b + start, i - start);
            if (rc < 0)
                return rc;
            start = i + 1;
            continue;
        }
        if (!strchr(".!?;", b[i]))
            continue;
        size_t j = i;
        while (j < len && strchr(".!?;", b[j]))
            j++;
        bool lone_dot = (j == i + 1 && b[i] == '.');
        while (j < len && strchr("\"')]}", b[j]))
            j++;
        bool ends =
            (j == len || b[j] == ' ' || b[j] == '\n') && (!lone_dot || period_ends(b, i, j));
        if (ends) {
            int rc = push_bounded(o, b + start, j - start);
            if (rc < 0)
                return rc;
            start = j;
        }
        i = j - 1;
    }
    return push_bounded(o, b + start, len - start);
}

int ms__tts_split(const char *text, size_t first_max, size_t max, char ***out, size_t *n)
{
    if (!text || !out || !n || first_max < 16 || max < 16)
        return MS_EINVAL;
    char *b = normalise(text);
    if (!b)
        return MS_ENOMEM;
    struct segs o = {.first_max = first_max, .max = max};
    int rc = scan(&o, b);
    free(b);
    if (rc < 0) {
        ms__tts_split_free(o.v, o.n);
        return rc;
    }
    *out = o.v;
    *n = o.n;
    return 0;
}

void ms__tts_split_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
