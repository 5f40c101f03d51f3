/* Reading the .lua files of scripts/ and prompts/ into memory (see gen.h).
 * Blocking file I/O: runs on a worker thread, or at start-up. */
#include "gen_files.h"
#include "moonswitch/error.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 16

struct scan {
    struct ms__gen_files *f;
    char *err;
    size_t errlen;
};

/* Appends a copy of the first n bytes of s to a growing string list. */
static int push_str(char ***v, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        char **nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return MS_ENOMEM;
        *v = nv;
        *cap = c;
    }
    if (!((*v)[*len] = strndup(s, n)))
        return MS_ENOMEM;
    (*len)++;
    return 0;
}

static int fail(struct scan *s, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, s->errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static bool is_lua(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".lua") == 0 && name[0] != '.';
}

static int read_file(struct scan *s, const char *path, struct ms__gen_file *out)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fail(s, MS_EIO, "%s: cannot open", path);
    struct stat st;
    int rc = 0;
    if (fstat(fileno(fp), &st) < 0 || (size_t)st.st_size > MS_GEN_MAX_FILE) {
        rc = fail(s, MS_EMSGSIZE, "%s: larger than %u bytes", path, MS_GEN_MAX_FILE);
    } else if (s->f->total + (size_t)st.st_size > MS_GEN_MAX_TOTAL) {
        rc = fail(s, MS_EMSGSIZE, "%s: the scripts are larger than %u bytes in all", path,
                  MS_GEN_MAX_TOTAL);
    } else if (!(out->data = malloc((size_t)st.st_size + 1))) {
        rc = MS_ENOMEM;
    } else {
        out->len = fread(out->data, 1, (size_t)st.st_size, fp);
        out->data[out->len] = 0;
        s->f->total += out->len;
        if (ferror(fp))
            rc = fail(s, MS_EIO, "%s: read error", path);
    }
    fclose(fp);
    return rc;
}

static int add_file(struct scan *s, int tree, const char *path, const char *rel)
{
    struct ms__gen_files *f = s->f;
    if (f->n == MS_GEN_MAX_FILES)
        return fail(s, MS_EMSGSIZE, "more than %d files under %s", MS_GEN_MAX_FILES, path);
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        struct ms__gen_file *v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return MS_ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    struct ms__gen_file *e = &f->v[f->n];
    *e = (struct ms__gen_file){.tree = tree};
    if (!(e->path = strdup(path)) || !(e->rel = strdup(rel))) {
        free(e->path);
        free(e->rel);
        return MS_ENOMEM;
    }
    f->n++;
    int rc = read_file(s, path, e);
    return rc;
}

static int walk(struct scan *s, int tree, const char *dir, const char *rel, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return depth == 0 && tree == MS_GEN_PROMPTS ? 0
                                                    : fail(s, MS_ENOENT, "%s: cannot open", dir);
    int rc = push_str(&s->f->dirs, &s->f->ndirs, &s->f->capdirs, dir, strlen(dir));
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., hidden files and editors' temporary files */
        char path[4096], sub[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        struct stat st;
        if (stat(path, &st) < 0)
            continue; /* removed meanwhile, or a dangling link */
        if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
            rc = walk(s, tree, path, sub, depth + 1);
        else if (S_ISREG(st.st_mode) && is_lua(de->d_name))
            rc = add_file(s, tree, path, sub);
    }
    closedir(d);
    return rc;
}

static bool is_rate_dir(const char *name)
{
    return name[0] >= '1' && name[0] <= '9' && strspn(name, "0123456789") == strlen(name);
}

static int add_sound(struct ms__gen_files *f, const char *rel)
{
    if (f->nsounds == MS_GEN_MAX_SOUNDS)
        return 0;
    return push_str(&f->sounds, &f->nsounds, &f->capsounds, rel, strlen(rel) - 4 /* .wav */);
}

/* Sound names below a sound directory: "<rate>/x/y.wav" and "x/y.wav" are "x/y". */
static int walk_sounds(struct ms__gen_files *f, const char *dir, const char *rel, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* a missing sound directory is not an error here */
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096], sub[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        bool rate = depth == 0 && is_rate_dir(de->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", rate ? "" : de->d_name);
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".wav") == 0) {
            rc = add_sound(f, sub);
            continue;
        }
        struct stat st;
        if (depth < 4 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk_sounds(f, path, rate ? "" : sub, depth + 1);
    }
    closedir(d);
    return rc;
}

int ms__gen_scan(const char *scripts_dir, const char *prompts_dir, const char *const *sound_dirs,
                 size_t nsound_dirs, struct ms__gen_files **out, char *err, size_t errlen)
{
    struct scan s = {.f = calloc(1, sizeof *s.f), .err = err, .errlen = errlen};
    if (!s.f)
        return MS_ENOMEM;
    err[0] = 0;
    int rc = walk(&s, MS_GEN_SCRIPTS, scripts_dir, "", 0);
    if (rc == 0 && prompts_dir && *prompts_dir)
        rc = walk(&s, MS_GEN_PROMPTS, prompts_dir, "", 0);
    for (size_t i = 0; rc == 0 && i < nsound_dirs; i++)
        rc = walk_sounds(s.f, sound_dirs[i], "", 0);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "%s", ms_strerror(rc));
        ms__gen_files_free(s.f);
        return rc;
    }
    *out = s.f;
    return 0;
}

char **ms__strv_dup(const char *const *v, size_t n)
{
    char **c = n ? calloc(n, sizeof *c) : NULL;
    for (size_t i = 0; c && i < n; i++) {
        if (!(c[i] = strdup(v[i]))) {
            ms__strv_free(c, i);
            return NULL;
        }
    }
    return c;
}

void ms__strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void ms__gen_files_free(struct ms__gen_files *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].path);
        free(f->v[i].rel);
        free(f->v[i].data);
    }
    ms__strv_free(f->sounds, f->nsounds);
    ms__strv_free(f->dirs, f->ndirs);
    free(f->v);
    free(f);
}
