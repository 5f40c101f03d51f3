/* Watching scripts/ and prompts/ for changes (libuv fs events, inotify on
 * Linux: one watch per folder, not recursive, so every folder below the two
 * roots gets its own). A change starts a quiet timer; when the files have
 * been quiet for QUIET_MS the runtime reloads. The folders to watch are those
 * the last scan found (ms__runtime_watch_dirs, after every scan): a new
 * folder is watched from the reload its creation caused. Nothing here reads
 * the disk.
 *
 * struct ms__watch: owned by the runtime (rt->watch). The fs-event handles
 * are closed by ms__runtime_watch_free; each frees its own memory in its close
 * callback, so nothing refers to the runtime after that. */
#define MS_LOG_MODULE "lua"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime_internal.h"

#include <stdlib.h>

#define QUIET_MS    300 /* editors write a file in several steps */
#define MAX_FOLDERS 256

struct folder {
    uv_fs_event_t h;
    struct ms__watch *w; /* NULL once closing */
};

struct ms__watch {
    struct ms_runtime *rt;
    struct folder *f[MAX_FOLDERS];
    size_t n;
    struct ms_timer quiet;
};

static void folder_closed(uv_handle_t *h)
{
    free(h->data);
}

static void close_all(struct ms__watch *w)
{
    for (size_t i = 0; i < w->n; i++) {
        w->f[i]->w = NULL;
        uv_close((uv_handle_t *)&w->f[i]->h, folder_closed);
    }
    w->n = 0;
}

static void on_change(uv_fs_event_t *h, const char *name, int events, int status)
{
    (void)events;
    struct folder *f = h->data;
    if (!f->w || status < 0)
        return;
    if (name && name[0] == '.')
        return; /* editors' swap and temporary files */
    struct ms_runtime *rt = f->w->rt;
    ms_timer_start(rt->loop, &f->w->quiet, QUIET_MS); /* (re)started: waits for quiet */
}

static void add_folder(struct ms__watch *w, const char *dir)
{
    if (w->n == MAX_FOLDERS) {
        ms_warn(NULL, "scripts: more than %d folders, %s is not watched", MAX_FOLDERS, dir);
        return;
    }
    struct folder *f = calloc(1, sizeof *f);
    if (!f)
        return;
    f->w = w;
    f->h.data = f;
    if (uv_fs_event_init(ms_loop_uv(w->rt->loop), &f->h) < 0 ||
        uv_fs_event_start(&f->h, on_change, dir, 0) < 0) {
        ms_warn(NULL, "scripts: cannot watch %s", dir);
        uv_close((uv_handle_t *)&f->h, folder_closed);
        return;
    }
    w->f[w->n++] = f;
}

static void watch_all(struct ms__watch *w)
{
    struct ms_runtime *rt = w->rt;
    close_all(w);
    if (!rt->ndirs) /* no scan yet, or it failed: at least the roots */
        add_folder(w, rt->scripts_dir);
    if (!rt->ndirs && rt->prompts_dir)
        add_folder(w, rt->prompts_dir);
    for (size_t i = 0; i < rt->ndirs; i++)
        add_folder(w, rt->dirs[i]);
}

static void on_quiet(void *ud)
{
    struct ms__watch *w = ud;
    ms_info(NULL, "scripts: change seen, reloading");
    ms_runtime_reload(w->rt);
}

void ms__runtime_watch_dirs(struct ms_runtime *rt, char **dirs, size_t n)
{
    char **copy = ms__strv_dup((const char *const *)dirs, n);
    if (!copy && n)
        return; /* keep watching the old list */
    ms__strv_free(rt->dirs, rt->ndirs);
    rt->dirs = copy;
    rt->ndirs = n;
    if (rt->watch)
        watch_all(rt->watch);
}

int ms_runtime_watch(struct ms_runtime *rt)
{
    if (rt->watch)
        return 0;
    struct ms__watch *w = calloc(1, sizeof *w);
    if (!w)
        return MS_ENOMEM;
    w->rt = rt;
    ms_timer_init(&w->quiet, on_quiet, w);
    rt->watch = w;
    watch_all(w);
    return w->n ? 0 : MS_ENOENT;
}

void ms__runtime_watch_free(struct ms_runtime *rt)
{
    struct ms__watch *w = rt->watch;
    if (!w)
        return;
    ms_timer_stop(rt->loop, &w->quiet);
    close_all(w);
    free(w);
    rt->watch = NULL;
}
