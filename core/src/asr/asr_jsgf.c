#include "asr/asr_jsgf.h"
#include "moonswitch/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok { T_EOF, T_WORD, T_RULE, T_QUOTED, T_TAG, T_WEIGHT, T_SYM, T_BAD };

struct name {
    char *s; /* points into the text; not NUL-terminated */
    size_t n;
    int line;
};

struct names {
    struct name *v;
    size_t n, cap;
};

struct parser {
    char *p;
    int line;
    enum tok t; /* current token */
    char *ts;   /* its text and length */
    size_t tn;
    int tline;
    char sym;
    struct names defined, used;
    int n_public;
    char *err;
    size_t errlen;
    int rc;
};

static int fail(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, int line, const char *fmt, ...)
{
    if (ps->rc)
        return ps->rc;
    ps->rc = MS_EFORMAT;
    if (ps->errlen) {
        int k = line > 0 ? snprintf(ps->err, ps->errlen, "line %d: ", line) : 0;
        if (k < 0 || (size_t)k >= ps->errlen)
            k = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err + k, ps->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return ps->rc;
}

/* ---- lexer ---- */

static void skip_space(struct parser *ps)
{
    for (;;) {
        while (isspace((unsigned char)*ps->p)) {
            if (*ps->p == '\n')
                ps->line++;
            ps->p++;
        }
        if (ps->p[0] == '/' && ps->p[1] == '/') {
            ps->p += strcspn(ps->p, "\n");
        } else if (ps->p[0] == '/' && ps->p[1] == '*') {
            char *end = strstr(ps->p + 2, "*/");
            for (char *c = ps->p; c < (end ? end : ps->p + strlen(ps->p)); c++)
                ps->line += *c == '\n';
            ps->p = end ? end + 2 : ps->p + strlen(ps->p);
        } else {
            return;
        }
    }
}

static bool is_word_char(char c)
{
    return c && !isspace((unsigned char)c) && !strchr(";=|*+<>()[]{}/\"", c);
}

/* Reads up to the closing character; T_BAD if the text ends first. */
static enum tok delimited(struct parser *ps, char close, enum tok kind)
{
    char *end = strchr(ps->p + 1, close);
    if (!end || (close != '}' && memchr(ps->p, '\n', (size_t)(end - ps->p))))
        return T_BAD;
    ps->ts = ps->p + 1;
    ps->tn = (size_t)(end - ps->p - 1);
    for (char *c = ps->p; c < end; c++)
        ps->line += *c == '\n';
    ps->p = end + 1;
    return kind;
}

static void next(struct parser *ps)
{
    skip_space(ps);
    ps->tline = ps->line;
    char c = *ps->p;
    if (!c) {
        ps->t = T_EOF;
    } else if (c == '<') {
        ps->t = delimited(ps, '>', T_RULE);
    } else if (c == '"') {
        ps->t = delimited(ps, '"', T_QUOTED);
    } else if (c == '{') {
        ps->t = delimited(ps, '}', T_TAG);
    } else if (c == '/') {
        ps->t = delimited(ps, '/', T_WEIGHT);
    } else if (strchr(";=|*+()[]", c)) {
        ps->t = T_SYM;
        ps->sym = c;
        ps->p++;
    } else if (is_word_char(c)) {
        ps->ts = ps->p;
        while (is_word_char(*ps->p))
            ps->p++;
        ps->tn = (size_t)(ps->p - ps->ts);
        ps->t = T_WORD;
    } else {
        ps->t = T_BAD;
        ps->sym = c;
    }
    if (ps->t == T_BAD)
        fail(ps, ps->tline, "unexpected '%c'", c);
}

static bool at_sym(const struct parser *ps, char c)
{
    return ps->t == T_SYM && ps->sym == c;
}

static bool at_word(const struct parser *ps, const char *w)
{
    return ps->t == T_WORD && ps->tn == strlen(w) && memcmp(ps->ts, w, ps->tn) == 0;
}

static int expect_sym(struct parser *ps, char c, const char *after)
{
    if (!at_sym(ps, c))
        return fail(ps, ps->tline, "expected '%c' %s", c, after);
    next(ps);
    return ps->rc;
}

/* ---- names ---- */

static int add_name(struct parser *ps, struct names *ns)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 16;
        struct name *bigger = realloc(ns->v, cap * sizeof *bigger);
        if (!bigger)
            return ps->rc = MS_ENOMEM;
        ns->v = bigger;
        ns->cap = cap;
    }
    ns->v[ns->n++] = (struct name){ps->ts, ps->tn, ps->tline};
    return 0;
}

static const struct name *find_name(const struct names *ns, const char *s, size_t n)
{
    for (size_t i = 0; i < ns->n; i++)
        if (ns->v[i].n == n && memcmp(ns->v[i].s, s, n) == 0)
            return &ns->v[i];
    return NULL;
}

static bool valid_rule_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (isspace((unsigned char)s[i]) || strchr("<>;=|", s[i]))
            return false;
    return true;
}

/* ---- expansions ---- */

static int alternatives(struct parser *ps, const char *close);

static int weight(struct parser *ps)
{
    char buf[32], *end;
    if (ps->tn == 0 || ps->tn >= sizeof buf)
        return fail(ps, ps->tline, "bad weight");
    memcpy(buf, ps->ts, ps->tn);
    buf[ps->tn] = '\0';
    double w = strtod(buf, &end);
    if (*end || !(w >= 0))
        return fail(ps, ps->tline, "bad weight '/%s/'", buf);
    next(ps);
    return ps->rc;
}

static int word(struct parser *ps)
{
    if (ps->ts[0] == '_')
        return fail(ps, ps->tline, "word '%.*s': words may not start with '_'", (int)ps->tn,
                    ps->ts);
    for (size_t i = 0; i < ps->tn; i++)
        ps->ts[i] = (char)tolower((unsigned char)ps->ts[i]);
    next(ps);
    return ps->rc;
}

static int rule_ref(struct parser *ps)
{
    if (!valid_rule_name(ps->ts, ps->tn))
        return fail(ps, ps->tline, "bad rule name <%.*s>", (int)ps->tn, ps->ts);
    if (add_name(ps, &ps->used) < 0)
        return ps->rc;
    next(ps);
    return ps->rc;
}

static int group(struct parser *ps, char open, char close)
{
    int line = ps->tline;
    next(ps);
    if (alternatives(ps, close == ')' ? "inside '( )'" : "inside '[ ]'") < 0)
        return ps->rc;
    if (!at_sym(ps, close))
        return fail(ps, ps->tline, "missing '%c' for the '%c' of line %d", close, open, line);
    next(ps);
    return ps->rc;
}

/* One item with its suffixes; 1 if there was none to read. */
static int item(struct parser *ps)
{
    int rc;
    if (ps->t == T_WORD)
        rc = word(ps);
    else if (ps->t == T_RULE)
        rc = rule_ref(ps);
    else if (ps->t == T_QUOTED)
        return fail(ps, ps->tline, "quoted tokens are not supported");
    else if (at_sym(ps, '('))
        rc = group(ps, '(', ')');
    else if (at_sym(ps, '['))
        rc = group(ps, '[', ']');
    else
        return 1;
    while (rc == 0 && (at_sym(ps, '*') || at_sym(ps, '+') || ps->t == T_TAG)) {
        next(ps);
        rc = ps->rc;
    }
    return rc;
}

static int sequence(struct parser *ps, const char *where)
{
    int line = ps->tline, items = 0, rc;
    if (ps->t == T_WEIGHT && weight(ps) < 0)
        return ps->rc;
    while ((rc = item(ps)) == 0)
        items++;
    if (rc < 0)
        return rc;
    if (ps->t == T_TAG)
        return fail(ps, ps->tline, "a tag must follow a word or group");
    if (items == 0)
        return fail(ps, ps->t == T_EOF ? line : ps->tline, "empty alternative %s", where);
    return 0;
}

static int alternatives(struct parser *ps, const char *where)
{
    if (sequence(ps, where) < 0)
        return ps->rc;
    while (at_sym(ps, '|')) {
        next(ps);
        if (ps->rc || sequence(ps, where) < 0)
            return ps->rc;
    }
    return 0;
}

/* ---- grammar ---- */

static int rule(struct parser *ps)
{
    bool pub = at_word(ps, "public");
    if (pub)
        next(ps);
    if (ps->t != T_RULE)
        return fail(ps, ps->tline, "expected a rule definition \"<name> = ...;\"");
    if (!valid_rule_name(ps->ts, ps->tn))
        return fail(ps, ps->tline, "bad rule name <%.*s>", (int)ps->tn, ps->ts);
    const struct name *dup = find_name(&ps->defined, ps->ts, ps->tn);
    if (dup)
        return fail(ps, ps->tline, "rule <%.*s> already defined on line %d", (int)ps->tn, ps->ts,
                    dup->line);
    if (add_name(ps, &ps->defined) < 0)
        return ps->rc;
    ps->n_public += pub;
    struct name self = ps->defined.v[ps->defined.n - 1];
    char where[96];
    snprintf(where, sizeof where, "in rule <%.*s>", (int)(self.n < 60 ? self.n : 60), self.s);
    next(ps);
    if (expect_sym(ps, '=', "after the rule name") < 0 || alternatives(ps, where) < 0)
        return ps->rc;
    if (!at_sym(ps, ';'))
        return fail(ps, ps->tline, "expected ';' or '|' %s", where);
    next(ps);
    return ps->rc;
}

static int header(struct parser *ps)
{
    skip_space(ps);
    if (strncmp(ps->p, "#JSGF", 5) != 0)
        return fail(ps, ps->line, "the grammar must start with \"#JSGF V1.0;\"");
    char *semi = strchr(ps->p, ';');
    char *nl = strchr(ps->p, '\n');
    if (!semi || (nl && nl < semi))
        return fail(ps, ps->line, "expected ';' at the end of the #JSGF header");
    ps->p = semi + 1;
    next(ps);
    if (!at_word(ps, "grammar"))
        return fail(ps, ps->tline, "expected \"grammar <name>;\" after the header");
    next(ps);
    if (ps->t != T_WORD)
        return fail(ps, ps->tline, "expected the grammar's name");
    next(ps);
    if (expect_sym(ps, ';', "after the grammar's name") < 0)
        return ps->rc;
    if (at_word(ps, "import"))
        return fail(ps, ps->tline, "imports are not supported");
    return 0;
}

static int check_refs(struct parser *ps)
{
    for (size_t i = 0; i < ps->used.n; i++) {
        const struct name *u = &ps->used.v[i];
        bool special =
            (u->n == 4 && (memcmp(u->s, "NULL", 4) == 0 || memcmp(u->s, "VOID", 4) == 0));
        if (!special && !find_name(&ps->defined, u->s, u->n))
            return fail(ps, u->line, "rule <%.*s> is not defined", (int)u->n, u->s);
    }
    if (ps->n_public == 0)
        return fail(ps, 0, "no public rule (write \"public <name> = ...;\")");
    return 0;
}

int ms__asr_jsgf_check(char *text, char *err, size_t errlen)
{
    struct parser ps = {.p = text, .line = 1, .err = err, .errlen = errlen};
    if (errlen)
        err[0] = '\0';
    if (header(&ps) == 0) {
        while (ps.rc == 0 && ps.t != T_EOF)
            rule(&ps);
        if (ps.rc == 0)
            check_refs(&ps);
    }
    free(ps.defined.v);
    free(ps.used.v);
    return ps.rc;
}
