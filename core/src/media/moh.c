#define MS_LOG_MODULE "moh"
#include "media/moh.h"
#include "media/audio_cache.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILES 256
#define NRATES    2 /* 8000, 16000 */

struct track {
    struct ms__moh_class *cls;
    int rate_index;
    size_t file;
};

/* One rate of a class: decoded files and the timeline they make. */
struct timeline {
    struct ms__audio *audio[MAX_FILES];
    struct ms__audio_req *req[MAX_FILES];
    struct track tracks[MAX_FILES];
    size_t pending;
    bool started;
    uint64_t total; /* samples over every decoded file */
};

struct ms__moh_class {
    struct ms__moh *m;
    char *name;
    char **files;
    size_t nfiles;
    struct timeline rates[NRATES];
};

struct ms__moh {
    struct ms_loop *loop;
    struct ms__audio_cache *cache;
    struct ms__moh_class *classes;
    size_t n;
    size_t pending; /* loads under way, all classes */
    bool closing;   /* freed by the last load's callback */
};

static void destroy(struct ms__moh *m);

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_audio(const char *name)
{
    static const char *const exts[] = {".wav", ".flac", ".ogg", ".au", ".aiff", ".snd", NULL};
    size_t len = strlen(name);
    for (size_t i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (len > e && strcasecmp(name + len - e, exts[i]) == 0)
            return true;
    }
    return false;
}

/* A fixed shuffle per class: the same order at every start, differing between classes. */
static void shuffle(char **files, size_t n, const char *seed_text)
{
    uint64_t x = 1469598103934665603ull;
    for (const char *p = seed_text; *p; p++)
        x = (x ^ (unsigned char)*p) * 1099511628211ull;
    for (size_t i = n; i > 1; i--) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t j = (size_t)(x % i);
        char *t = files[i - 1];
        files[i - 1] = files[j];
        files[j] = t;
    }
}

static int list_files(struct ms__moh_class *c, const struct ms__moh_class_config *cfg)
{
    DIR *d = opendir(cfg->dir);
    if (!d) {
        ms_warn(NULL, "music on hold class %s: cannot open %s", cfg->name, cfg->dir);
        return 0; /* an empty class plays silence */
    }
    c->files = calloc(MAX_FILES, sizeof *c->files);
    if (!c->files) {
        closedir(d);
        return MS_ENOMEM;
    }
    for (struct dirent *e; c->nfiles < MAX_FILES && (e = readdir(d));) {
        if (e->d_name[0] == '.' || !is_audio(e->d_name))
            continue;
        size_t len = strlen(cfg->dir) + strlen(e->d_name) + 2;
        if (!(c->files[c->nfiles] = malloc(len)))
            break;
        snprintf(c->files[c->nfiles++], len, "%s/%s", cfg->dir, e->d_name);
    }
    closedir(d);
    qsort(c->files, c->nfiles, sizeof *c->files, cmp_str);
    if (cfg->shuffle)
        shuffle(c->files, c->nfiles, cfg->name);
    return 0;
}

int ms__moh_new(struct ms__moh **out, struct ms_loop *loop, struct ms__audio_cache *cache,
                const struct ms__moh_class_config *classes, size_t n)
{
    struct ms__moh *m = calloc(1, sizeof *m);
    if (!m || !(m->classes = calloc(n ? n : 1, sizeof *m->classes))) {
        free(m);
        return MS_ENOMEM;
    }
    m->loop = loop;
    m->cache = cache;
    for (size_t i = 0; i < n; i++) {
        struct ms__moh_class *c = &m->classes[m->n++];
        c->m = m;
        if (!(c->name = strdup(classes[i].name)) || list_files(c, &classes[i]) < 0) {
            destroy(m);
            return MS_ENOMEM;
        }
    }
    *out = m;
    return 0;
}

struct ms__moh_class *ms__moh_find(struct ms__moh *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->classes[i].name, name) == 0)
            return &m->classes[i];
    return NULL;
}

size_t ms__moh_files(const struct ms__moh_class *c)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nfiles; i++)
        k += c->rates[0].audio[i] || c->rates[1].audio[i];
    return k;
}

static void loaded(void *ud, int status, struct ms__audio *audio)
{
    struct track *t = ud;
    struct ms__moh_class *c = t->cls;
    struct timeline *tl = &c->rates[t->rate_index];
    struct ms__moh *m = c->m;
    tl->req[t->file] = NULL;
    tl->pending--;
    m->pending--;
    ms_loop_release(m->loop);
    if (m->closing) {
        ms__audio_release(audio);
        if (m->pending == 0)
            destroy(m);
        return;
    }
    if (status == 0) {
        tl->audio[t->file] = audio;
        tl->total += audio->samples;
    } else if (status != MS_ECANCELED) {
        ms_warn(NULL, "music on hold %s: %s: %s", c->name, c->files[t->file], ms_strerror(status));
    }
}

static void start_loading(struct ms__moh_class *c, int ri, int rate)
{
    struct timeline *tl = &c->rates[ri];
    tl->started = true;
    for (size_t i = 0; i < c->nfiles; i++) {
        tl->tracks[i] = (struct track){c, ri, i};
        if (ms__audio_cache_load(c->m->cache, c->files[i], rate, loaded, &tl->tracks[i],
                                 &tl->req[i]) == 0) {
            tl->pending++;
            c->m->pending++;
            ms_loop_hold(c->m->loop);
        }
    }
}

void ms__moh_fill(struct ms__moh_class *c, int rate, uint64_t now_ms, int16_t *out, size_t n)
{
    int ri = rate == 16000 ? 1 : 0;
    struct timeline *tl = &c->rates[ri];
    if (!tl->started)
        start_loading(c, ri, rate);
    if (tl->pending || tl->total == 0) { /* the timeline starts once every file is there */
        memset(out, 0, n * sizeof *out);
        return;
    }
    uint64_t pos = (now_ms * (uint64_t)rate / 1000u) % tl->total;
    size_t f = 0;
    while (!tl->audio[f] || pos >= tl->audio[f]->samples) { /* find the file at pos */
        pos -= tl->audio[f] ? tl->audio[f]->samples : 0;
        f = (f + 1) % c->nfiles;
    }
    for (size_t done = 0; done < n;) {
        const struct ms__audio *a = tl->audio[f];
        size_t take = a->samples - pos < n - done ? a->samples - pos : n - done;
        memcpy(out + done, a->pcm + pos, take * sizeof *out);
        done += take;
        pos = 0;
        do
            f = (f + 1) % c->nfiles;
        while (!tl->audio[f]);
    }
}

void ms__moh_free(struct ms__moh *m)
{
    m->closing = true;
    for (size_t i = 0; i < m->n; i++) {
        struct ms__moh_class *c = &m->classes[i];
        for (int r = 0; r < NRATES; r++)
            for (size_t k = 0; k < c->nfiles; k++)
                if (c->rates[r].req[k])
                    ms__audio_req_cancel(c->rates[r].req[k]);
    }
    if (m->pending == 0)
        destroy(m);
}

static void destroy(struct ms__moh *m)
{
    for (size_t i = 0; i < m->n; i++) {
        struct ms__moh_class *c = &m->classes[i];
        for (int r = 0; r < NRATES; r++)
            for (size_t k = 0; k < c->nfiles; k++)
                ms__audio_release(c->rates[r].audio[k]);
        for (size_t k = 0; k < c->nfiles; k++)
            free(c->files[k]);
        free(c->files);
        free(c->name);
    }
    free(m->classes);
    free(m);
}
