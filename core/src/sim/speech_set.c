/* TTS prompts a wire caller can recognise (see speech_set.h). */
#define MS_LOG_MODULE "sounds"
#include "sim/speech_set.h"
#include "hear/hear.h"
#include "media/flite_voice.h"
#include "media/tts.h"
#include "media/tts_split.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "/speech/"

enum state { RENDERING, READY, FAILED };

/* One (voice, text). Owned by the set; in the thread pool's hands while RENDERING. */
struct entry {
    uv_work_t req; /* req.data: the set */
    const struct ms__flite_voice *voice;
    char *name;  /* in the set: PREFIX voice "/" text */
    char *alias; /* heard under this name instead (a twin), or NULL */
    enum state state;
    int rc;       /* FAILED: why */
    int16_t *pcm; /* rendered (thread pool), until added */
    size_t samples;
};

struct ms__speech_set {
    uv_loop_t *uv;
    struct ms__hear_set *set;
    ms__speech_ready_cb cb;
    void *ud;
    struct entry **e;
    size_t n, cap;
    size_t added;
    size_t rendering;
    bool closing;
    void (*done)(void *ud);
    void *done_ud;
};

int ms__speech_set_new(struct ms__speech_set **out, uv_loop_t *uv, struct ms__hear_set *set,
                       ms__speech_ready_cb cb, void *ud)
{
    if (!out || !uv || !set)
        return MS_EINVAL;
    struct ms__speech_set *ss = calloc(1, sizeof *ss);
    if (!ss)
        return MS_ENOMEM;
    *ss = (struct ms__speech_set){.uv = uv, .set = set, .cb = cb, .ud = ud};
    ms__flite_voices_load(); /* before any thread renders: they only read flite's data */
    *out = ss;
    return 0;
}

static void entry_free(struct entry *e)
{
    free(e->name);
    free(e->alias);
    free(e->pcm);
    free(e);
}

static void set_free(struct ms__speech_set *ss)
{
    void (*done)(void *) = ss->done;
    void *done_ud = ss->done_ud;
    for (size_t i = 0; i < ss->n; i++)
        entry_free(ss->e[i]);
    free(ss->e);
    free(ss);
    if (done)
        done(done_ud);
}

void ms__speech_set_close(struct ms__speech_set *ss, void (*done)(void *ud), void *ud)
{
    ss->closing = true;
    ss->done = done;
    ss->done_ud = ud;
    for (size_t i = 0; i < ss->n; i++) {
        if (ss->e[i]->state == RENDERING)
            uv_cancel((uv_req_t *)&ss->e[i]->req); /* fails for a running one: it ends */
    }
    if (ss->rendering == 0)
        set_free(ss);
}

size_t ms__speech_added(const struct ms__speech_set *ss)
{
    return ss->added;
}

bool ms__speech_text(const char *name, const char **text)
{
    if (!name || strncmp(name, PREFIX, strlen(PREFIX)) != 0)
        return false;
    const char *slash = strchr(name + strlen(PREFIX), '/');
    if (!slash)
        return false;
    *text = slash + 1;
    return true;
}

/* ---- rendering (thread pool) ---- */

static int append(struct entry *e, const int16_t *pcm, size_t n)
{
    int16_t *p = realloc(e->pcm, (e->samples + n) * sizeof *p);
    if (!p)
        return MS_ENOMEM;
    memcpy(p + e->samples, pcm, n * sizeof *p);
    e->pcm = p;
    e->samples += n;
    return 0;
}

/* As the server's stream: sentence by sentence, back to back; a sentence flite
 * has nothing to say for is empty. */
static int render(struct entry *e, const char *text)
{
    char **sentences;
    size_t n;
    int rc = ms__tts_split(text, MS__TTS_FIRST_MAX, MS__TTS_SEGMENT_MAX, &sentences, &n);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int16_t *pcm;
        size_t len;
        rc = ms__flite_render_voice(e->voice, sentences[i], 8000, &pcm, &len);
        if (rc == MS_EFORMAT) {
            rc = 0;
            continue;
        }
        if (rc == 0) {
            rc = append(e, pcm, len);
            free(pcm);
        }
    }
    ms__tts_split_free(sentences, n);
    return rc == 0 && e->samples == 0 ? MS_EINVAL : rc;
}

static void work_cb(uv_work_t *req)
{
    struct entry *e = (struct entry *)req;
    const char *text = "";
    ms__speech_text(e->name, &text); /* the text follows the voice in the name */
    e->rc = render(e, text);
}

/* ---- on the loop ---- */

/* A sound the set has that the text's audio cannot be told from (a sound file of
 * the same words, the same text in an identical voice): the text is heard under
 * its name (a text for speech), and is not added (neither would be heard). */
static int alias_of(struct ms__speech_set *ss, struct entry *e)
{
    const char *twin, *text;
    int rc = ms__hear_set_twin(ss->set, e->pcm, e->samples, &twin);
    if (rc < 0)
        return rc;
    e->alias = strdup(ms__speech_text(twin, &text) ? text : twin);
    return e->alias ? 0 : MS_ENOMEM;
}

static void add(struct ms__speech_set *ss, struct entry *e)
{
    int rc = e->rc;
    if (rc == 0) {
        rc = alias_of(ss, e);
        if (rc == MS_ENOENT && (rc = ms__hear_set_add(ss->set, e->name, e->pcm, e->samples)) == 0)
            ss->added++;
    }
    free(e->pcm);
    e->pcm = NULL;
    e->rc = rc;
    e->state = rc == 0 ? READY : FAILED;
    if (rc == 0)
        ms_debug(NULL, "speech known: %s%s%s (%.1f s)", e->name, e->alias ? " as " : "",
                 e->alias ? e->alias : "", (double)e->samples / 8000.0);
    else
        ms_warn(NULL, "speech %s cannot be recognised: %s", e->name, ms_strerror(rc));
}

static void after_work_cb(uv_work_t *req, int status)
{
    struct entry *e = (struct entry *)req;
    struct ms__speech_set *ss = req->data;
    ss->rendering--;
    if (ss->closing) {
        e->state = FAILED;
        if (ss->rendering == 0)
            set_free(ss);
        return;
    }
    if (status < 0)
        e->rc = status;
    add(ss, e);
    if (ss->cb)
        ss->cb(ss->ud);
}

static struct entry *find(const struct ms__speech_set *ss, const struct ms__flite_voice *v,
                          const char *text)
{
    for (size_t i = 0; i < ss->n; i++) {
        const char *t;
        if (ss->e[i]->voice == v && ms__speech_text(ss->e[i]->name, &t) && strcmp(t, text) == 0)
            return ss->e[i];
    }
    return NULL;
}

static int start(struct ms__speech_set *ss, const struct ms__flite_voice *v, const char *text,
                 struct entry **out)
{
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 16;
        struct entry **ne = realloc(ss->e, cap * sizeof *ne);
        if (!ne)
            return MS_ENOMEM;
        ss->e = ne;
        ss->cap = cap;
    }
    struct entry *e = calloc(1, sizeof *e);
    size_t len = strlen(PREFIX) + strlen(v->name) + 1 + strlen(text) + 1;
    if (!e || !(e->name = malloc(len))) {
        free(e);
        return MS_ENOMEM;
    }
    snprintf(e->name, len, PREFIX "%s/%s", v->name, text);
    e->voice = v;
    e->state = RENDERING;
    e->req.data = ss;
    int rc = uv_queue_work(ss->uv, &e->req, work_cb, after_work_cb);
    if (rc < 0) {
        entry_free(e);
        return rc;
    }
    ss->rendering++;
    ss->e[ss->n++] = e;
    *out = e;
    return 0;
}

int ms__speech_want(struct ms__speech_set *ss, const char *text, const char *voice,
                    const char **alias)
{
    const struct ms__flite_voice *v = ms__flite_voice_find(voice);
    if (!ss || !text || !alias || !v || ss->closing)
        return MS_EINVAL;
    if (strlen(text) > MS__TTS_TEXT_MAX)
        return MS_EMSGSIZE;
    *alias = NULL;
    struct entry *e = find(ss, v, text);
    if (!e) {
        int rc = start(ss, v, text, &e);
        if (rc < 0)
            return rc;
    }
    if (e->state == RENDERING)
        return MS_EAGAIN;
    *alias = e->alias;
    return e->state == READY ? 0 : e->rc;
}
