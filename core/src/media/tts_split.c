#include "media/tts_split.h"
#include "moonswitch/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct segs {
    char **v;
    size_t n, cap;
    size_t first_max, max; /* length bounds of the first segment and of any */
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

/* Words a phrase often starts with: cutting before one sounds like a
 * speaker's pause ("open Monday to Friday | from nine ..."). */
static const char *const phrase_starts[] = {
    "and",   "or",   "but",   "so",      "for",       "to",       "at",      "in",     "on",
    "of",    "from", "until", "with",    "by",        "about",    "after",   "before", "during",
    "while", "when", "where", "which",   "who",       "if",       "because", "then",   "than",
    "into",  "over", "under", "through", "including", "followed", "unless",  "except", "is",
    "are",   "was",  "were",  "will",    "has",       "have",     NULL};

enum cut_kind { CUT_CLAUSE, CUT_PHRASE, CUT_WORD, CUT_KINDS };

#define CLAUSE_MIN 12 /* bytes before a clause boundary worth cutting at */

/* What a cut at the space s[k] would be. */
static enum cut_kind cut_kind(const char *s, size_t len, size_t k)
{
    if (s[k - 1] == ',' || s[k - 1] == ':' || (s[k - 1] == '-' && k >= 2 && s[k - 2] == ' '))
        return CUT_CLAUSE;
    size_t w = k + 1, e = w;
    while (e < len && ascii_alpha(s[e]))
        e++;
    return in_list(phrase_starts, s + w, e - w) ? CUT_PHRASE : CUT_WORD;
}

static size_t distance(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

/* Where to cut s[0..len) (len > max): returns the length of the first part
 * and sets *skip to the bytes dropped after it (the space at a cut). The
 * cut falls at a space, the best kind first (a clause boundary at least
 * CLAUSE_MIN bytes in, then the start of a phrase in the last two thirds of
 * the bound, then any space),
 * nearest to the middle of s if both halves fit the bound, else to the
 * bound; so "Please enter your account number followed by the pound key"
 * is cut before "followed", not before "key". */
static size_t cut_point(const char *s, size_t len, size_t max, size_t *skip)
{
    size_t target = len <= 2 * max ? (len + 1) / 2 : max;
    size_t best[CUT_KINDS] = {0};
    for (size_t k = 1; k <= max; k++) {
        if (s[k] != ' ')
            continue;
        enum cut_kind kind = cut_kind(s, len, k);
        if ((kind == CUT_CLAUSE && k < CLAUSE_MIN) || (kind == CUT_PHRASE && k <= max / 3))
            kind = CUT_WORD;
        if (!best[kind] || distance(k, target) <= distance(best[kind], target))
            best[kind] = k;
    }
    *skip = 1;
    for (int kind = 0; kind < CUT_KINDS; kind++)
        if (best[kind])
            return best[kind];
    *skip = 0;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) /* not inside a UTF-8 character */
        k--;
    return k ? k : max;
}

/* The length bound of the next segment: first_max, doubling with every
 * segment up to max. */
static size_t bound(const struct segs *o)
{
    size_t b = o->first_max;
    for (size_t i = 0; i < o->n && b < o->max; i++)
        b *= 2;
    return b < o->max ? b : o->max;
}

static int push_bounded(struct segs *o, const char *s, size_t len)
{
    while (len && *s == ' ')
        s++, len--;
    while (len > bound(o)) {
        size_t skip, k = cut_point(s, len, bound(o), &skip);
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
