#include "testrun/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ms__report_init(struct ms__report *r, bool verbose)
{
    memset(r, 0, sizeof *r);
    r->verbose = verbose;
}

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void print_indented(const char *text)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        printf("      %.*s\n", len, p);
        p = nl ? nl + 1 : NULL;
    }
}

void ms__report_add(struct ms__report *r, const struct ms__result *res)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct ms__result *a = realloc(r->results, cap * sizeof *a);
        if (!a)
            abort();
        r->results = a;
        r->cap = cap;
    }
    struct ms__result *c = &r->results[r->n++];
    *c = *res;
    c->file = dup(res->file);
    c->name = dup(res->name);
    c->message = dup(res->message);
    if (res->passed)
        r->passed++;
    else
        r->failed++;
    printf("%s  %s: %s  (%.1f ms, %.1f s of call time)\n", res->passed ? "PASS" : "FAIL", res->file,
           res->name, res->wall_ms, (double)res->call_ms / 1000.0);
    if (!res->passed || (r->verbose && res->message))
        print_indented(res->message ? res->message : "(no message)");
    fflush(stdout);
}

static void xml_escaped(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, f);
        }
    }
}

static int write_junit(const struct ms__report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    double total = 0;
    for (size_t i = 0; i < r->n; i++)
        total += r->results[i].wall_ms;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuite name=\"moonswitch\" tests=\"%zu\" failures=\"%d\" time=\"%.3f\">\n",
            r->n, r->failed, total / 1000.0);
    for (size_t i = 0; i < r->n; i++) {
        const struct ms__result *t = &r->results[i];
        fputs("  <testcase classname=\"", f);
        xml_escaped(f, t->file);
        fputs("\" name=\"", f);
        xml_escaped(f, t->name);
        fprintf(f, "\" time=\"%.3f\"", t->wall_ms / 1000.0);
        if (t->passed) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n    <failure message=\"", f);
        const char *nl = t->message ? strchr(t->message, '\n') : NULL;
        char first[256];
        snprintf(first, sizeof first, "%.*s", nl ? (int)(nl - t->message) : 255,
                 t->message ? t->message : "failed");
        xml_escaped(f, first);
        fputs("\">", f);
        xml_escaped(f, t->message);
        fputs("</failure>\n  </testcase>\n", f);
    }
    fputs("</testsuite>\n", f);
    return fclose(f);
}

int ms__report_finish(struct ms__report *r, const char *junit)
{
    if (junit && write_junit(r, junit) != 0)
        fprintf(stderr, "moonswitch test: cannot write %s\n", junit);
    printf("%d passed, %d failed\n", r->passed, r->failed);
    fflush(stdout);
    return r->failed || r->n == 0 ? 1 : 0;
}

void ms__report_free(struct ms__report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free((char *)r->results[i].file);
        free((char *)r->results[i].name);
        free((char *)r->results[i].message);
    }
    free(r->results);
    memset(r, 0, sizeof *r);
}
