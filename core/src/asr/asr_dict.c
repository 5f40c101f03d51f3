#define _GNU_SOURCE /* qsort_r */
#include "asr/asr_dict.h"
#include "moonswitch/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PHONES 64

/* ---- reading a file ---- */

static int errno_to_ms(int e)
{
    if (e == ENOENT || e == ENOTDIR)
        return MS_ENOENT;
    if (e == EACCES || e == EPERM)
        return MS_EACCES;
    if (e == ENOMEM)
        return MS_ENOMEM;
    return MS_EIO;
}

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno_to_ms(errno);
    int rc = MS_EIO;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto done;
    long size = ftell(f);
    if (size < 0 || (unsigned long)size >= UINT32_MAX) {
        rc = size < 0 ? MS_EIO : MS_EFORMAT;
        goto done;
    }
    rewind(f);
    buf = malloc((size_t)size + 1);
    if (!buf) {
        rc = MS_ENOMEM;
        goto done;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
        goto done;
    }
    buf[size] = '\0';
    *out = buf;
    *len = (size_t)size;
    rc = 0;
done:
    fclose(f);
    return rc;
}

/* ---- words and phones ---- */

/* Length of the word of a line: up to '(' (alternatives) or blank. */
static size_t key_len(const char *line)
{
    size_t n = 0;
    while (line[n] && line[n] != '(' && line[n] != ' ' && line[n] != '\t')
        n++;
    return n;
}

static const char *skip_word(const char *line)
{
    while (*line && *line != ' ' && *line != '\t')
        line++;
    while (*line == ' ' || *line == '\t')
        line++;
    return line;
}

static uint64_t pack_phone(const char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        v = (v << 8) | (unsigned char)p[i];
    return n > 8 ? 0 : v;
}

static bool phone_known(const struct ms__asr_dict *d, uint64_t v)
{
    for (int i = 0; i < d->n_phones; i++)
        if (d->phones[i] == v)
            return true;
    return false;
}

static void learn_phones(struct ms__asr_dict *d, const char *p)
{
    while (*p) {
        size_t n = strcspn(p, " \t");
        uint64_t v = pack_phone(p, n);
        if (v && d->n_phones < MAX_PHONES && !phone_known(d, v))
            d->phones[d->n_phones++] = v;
        p += n;
        p += strspn(p, " \t");
    }
}

/* ---- the main dictionary ---- */

static int cmp_lines(const void *a, const void *b, void *arg)
{
    const char *buf = arg;
    uint32_t oa = *(const uint32_t *)a, ob = *(const uint32_t *)b;
    size_t la = key_len(buf + oa), lb = key_len(buf + ob);
    int c = memcmp(buf + oa, buf + ob, la < lb ? la : lb);
    if (c)
        return c;
    if (la != lb)
        return la < lb ? -1 : 1;
    return oa < ob ? -1 : 1;
}

/* Splits buf into lines, indexing those that hold a word and phones. */
static int index_lines(struct ms__asr_dict *d, size_t len)
{
    size_t cap = 1024;
    d->idx = malloc(cap * sizeof *d->idx);
    if (!d->idx)
        return MS_ENOMEM;
    for (size_t off = 0; off < len;) {
        char *line = d->buf + off;
        char *nl = memchr(line, '\n', len - off);
        size_t next = nl ? (size_t)(nl - d->buf) + 1 : len;
        if (nl)
            *nl = '\0';
        if (nl && nl > line && nl[-1] == '\r')
            nl[-1] = '\0';
        const char *ph = skip_word(line);
        if (key_len(line) > 0 && *ph) {
            if (d->n == cap) {
                uint32_t *bigger = realloc(d->idx, 2 * cap * sizeof *d->idx);
                if (!bigger)
                    return MS_ENOMEM;
                d->idx = bigger;
                cap *= 2;
            }
            d->idx[d->n++] = (uint32_t)off;
            learn_phones(d, ph);
        }
        off = next;
    }
    return d->n ? 0 : MS_EFORMAT;
}

int ms__asr_dict_load(struct ms__asr_dict *d, const char *path)
{
    size_t len = 0;
    memset(d, 0, sizeof *d);
    int rc = read_file(path, &d->buf, &len);
    if (rc < 0)
        return rc;
    rc = index_lines(d, len);
    if (rc < 0) {
        ms__asr_dict_free(d);
        return rc;
    }
    qsort_r(d->idx, d->n, sizeof *d->idx, cmp_lines, d->buf);
    return 0;
}

/* ---- extra entries ---- */

static int check_phones(const struct ms__asr_dict *d, const char *phones)
{
    int count = 0;
    for (const char *p = phones + strspn(phones, " \t"); *p;) {
        size_t n = strcspn(p, " \t");
        uint64_t v = pack_phone(p, n);
        if (!v || (d->n_phones && !phone_known(d, v)))
            return MS_EINVAL;
        count++;
        p += n;
        p += strspn(p, " \t");
    }
    return count ? 0 : MS_EINVAL;
}

/* "A  B C " -> "A B C" in a new string. */
static char *normalise_phones(const char *phones)
{
    char *out = malloc(strlen(phones) + 1), *w = out;
    if (!out)
        return NULL;
    for (const char *p = phones + strspn(phones, " \t"); *p;) {
        size_t n = strcspn(p, " \t");
        if (w != out)
            *w++ = ' ';
        memcpy(w, p, n);
        w += n;
        p += n;
        p += strspn(p, " \t");
    }
    *w = '\0';
    return out;
}

int ms__asr_dict_add(struct ms__asr_dict *d, const char *word, const char *phones)
{
    size_t wl = word ? strlen(word) : 0;
    if (wl == 0 || wl > 64 || strpbrk(word, " \t\n") || !phones || check_phones(d, phones) < 0)
        return MS_EINVAL;
    if (d->n_extra == d->cap_extra) {
        size_t cap = d->cap_extra ? 2 * d->cap_extra : 16;
        struct ms__asr_dict_extra *bigger = realloc(d->extra, cap * sizeof *bigger);
        if (!bigger)
            return MS_ENOMEM;
        d->extra = bigger;
        d->cap_extra = cap;
    }
    char *w = strdup(word), *p = normalise_phones(phones);
    if (!w || !p) {
        free(w);
        free(p);
        return MS_ENOMEM;
    }
    for (char *c = w; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    char *paren = strchr(w, '('); /* "word(2)" in a file: an alternative of word */
    if (paren && paren != w)
        *paren = '\0';
    d->extra[d->n_extra++] = (struct ms__asr_dict_extra){w, p};
    return 0;
}

int ms__asr_dict_load_extra(struct ms__asr_dict *d, const char *path, int *line)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = read_file(path, &buf, &len);
    if (rc < 0)
        return rc;
    int lineno = 0;
    for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lineno++;
        l[strcspn(l, "\r")] = '\0';
        l += strspn(l, " \t");
        if (!*l || *l == '#')
            continue;
        size_t wl = strcspn(l, " \t");
        if (!l[wl]) {
            rc = MS_EFORMAT;
            break;
        }
        l[wl] = '\0';
        rc = ms__asr_dict_add(d, l, l + wl + 1);
        if (rc < 0) {
            rc = rc == MS_ENOMEM ? rc : MS_EFORMAT;
            break;
        }
    }
    if (rc < 0 && line)
        *line = lineno;
    free(buf);
    return rc;
}

void ms__asr_dict_free(struct ms__asr_dict *d)
{
    for (size_t i = 0; i < d->n_extra; i++) {
        free(d->extra[i].word);
        free(d->extra[i].phones);
    }
    free(d->extra);
    free(d->idx);
    free(d->buf);
    memset(d, 0, sizeof *d);
}

/* ---- lookups ---- */

/* First index entry whose word is `word`, or d->n. */
static size_t lower_bound(const struct ms__asr_dict *d, const char *word, size_t wl)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *line = d->buf + d->idx[mid];
        size_t ll = key_len(line);
        int c = memcmp(line, word, ll < wl ? ll : wl);
        if (c < 0 || (c == 0 && ll < wl))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct pron_list {
    char *s;
    size_t len, cap;
};

static bool list_has(const struct pron_list *l, const char *p)
{
    size_t n = strlen(p);
    for (const char *s = l->s; s && *s;) {
        size_t m = strcspn(s, "\n");
        if (m == n && memcmp(s, p, n) == 0)
            return true;
        s += m + (s[m] == '\n');
    }
    return false;
}

static int list_add(struct pron_list *l, const char *p, size_t n)
{
    if (l->len + n + 2 > l->cap) {
        size_t cap = (l->cap + n + 2) * 2;
        char *bigger = realloc(l->s, cap);
        if (!bigger)
            return MS_ENOMEM;
        l->s = bigger;
        l->cap = cap;
    }
    if (l->len)
        l->s[l->len++] = '\n';
    memcpy(l->s + l->len, p, n);
    l->len += n;
    l->s[l->len] = '\0';
    return 0;
}

/* The pronunciation without its first phone when that is a weak fricative
 * and at least two phones remain; NULL otherwise. */
static const char *tel_variant(const char *p)
{
    static const char *const weak[] = {"F", "TH", "V", "DH", "HH", "S", "Z", "SH"};
    size_t n = strcspn(p, " ");
    if (!p[n])
        return NULL;
    const char *rest = p + n + 1;
    if (!strchr(rest, ' '))
        return NULL;
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++)
        if (strlen(weak[i]) == n && memcmp(p, weak[i], n) == 0)
            return rest;
    return NULL;
}

static int add_variants(struct pron_list *l)
{
    size_t base_len = l->len;
    char *copy = strndup(l->s, base_len);
    if (!copy)
        return MS_ENOMEM;
    int rc = 0;
    for (char *save = NULL, *p = strtok_r(copy, "\n", &save); p && rc == 0;
         p = strtok_r(NULL, "\n", &save)) {
        const char *v = tel_variant(p);
        if (v && !list_has(l, v))
            rc = list_add(l, v, strlen(v));
    }
    free(copy);
    return rc;
}

static int collect(const struct ms__asr_dict *d, const char *word, struct pron_list *l)
{
    size_t wl = strlen(word);
    int rc = 0;
    for (size_t i = 0; i < d->n_extra && rc == 0; i++)
        if (strcmp(d->extra[i].word, word) == 0 && !list_has(l, d->extra[i].phones))
            rc = list_add(l, d->extra[i].phones, strlen(d->extra[i].phones));
    if (l->len || rc < 0)
        return rc;
    for (size_t i = lower_bound(d, word, wl); i < d->n && rc == 0; i++) {
        const char *line = d->buf + d->idx[i];
        if (key_len(line) != wl || memcmp(line, word, wl) != 0)
            break;
        char *p = normalise_phones(skip_word(line));
        if (!p)
            return MS_ENOMEM;
        if (!list_has(l, p))
            rc = list_add(l, p, strlen(p));
        free(p);
    }
    return rc;
}

int ms__asr_dict_prons(const struct ms__asr_dict *d, const char *word, bool tel_variants,
                       char **out)
{
    struct pron_list l = {0};
    int rc = collect(d, word, &l);
    if (rc == 0 && !l.len)
        rc = MS_ENOENT;
    if (rc == 0 && tel_variants)
        rc = add_variants(&l);
    if (rc < 0) {
        free(l.s);
        return rc;
    }
    *out = l.s;
    return 0;
}
