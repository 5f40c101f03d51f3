/* Reloading the scripts: the files are read on libuv's thread pool, then
 * compiled, checked and activated on the loop (ms__runtime_activate).
 *
 * struct ms__reload: one reload in flight, owned by the runtime (rt->reload)
 * until its after-work callback runs. If the runtime is freed first, the
 * request is orphaned (rt NULL) and frees itself when the work returns. */
#define MS_LOG_MODULE "lua"
#include "gen_files.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime_internal.h"

#include <stdlib.h>
#include <string.h>

struct ms__reload {
    uv_work_t work;
    struct ms_runtime *rt; /* NULL: orphaned */
    struct ms_loop *loop;  /* held while the work runs; NULL once released */
    char *scripts_dir, *prompts_dir;
    char **sound_dirs;
    size_t nsound_dirs;
    struct ms__gen_files *files;
    int rc;
    char err[1024];
    bool again; /* asked for again while this one ran */
};

static void free_reload(struct ms__reload *r)
{
    ms__gen_files_free(r->files);
    free(r->scripts_dir);
    free(r->prompts_dir);
    ms__strv_free(r->sound_dirs, r->nsound_dirs);
    free(r);
}

static void scan_work(uv_work_t *w)
{
    struct ms__reload *r = w->data;
    r->rc = ms__gen_scan(r->scripts_dir, r->prompts_dir, (const char *const *)r->sound_dirs,
                         r->nsound_dirs, &r->files, r->err, sizeof r->err);
}

static void scan_done(uv_work_t *w, int status)
{
    struct ms__reload *r = w->data;
    if (r->loop)
        ms_loop_release(r->loop);
    struct ms_runtime *rt = r->rt;
    if (!rt) {
        free_reload(r);
        return;
    }
    rt->reload = NULL;
    int rc = status < 0 ? MS_EIO : r->rc;
    if (rc == 0)
        ms__runtime_watch_dirs(rt, r->files->dirs, r->files->ndirs);
    if (rc == 0) {
        rc = ms__runtime_activate(rt, r->files);
    } else {
        rt->refused++;
        ms_err(NULL, "scripts refused, the previous ones go on: %s", r->err);
        free(rt->error);
        rt->error = strdup(r->err);
    }
    bool again = r->again;
    free_reload(r);
    if (rt->reload_cb)
        rt->reload_cb(rt->reload_ud, rc, rc < 0 ? rt->error : NULL);
    if (again)
        ms_runtime_reload(rt);
}

void ms_runtime_reload(struct ms_runtime *rt)
{
    if (rt->reload) {
        rt->reload->again = true;
        return;
    }
    struct ms__reload *r = calloc(1, sizeof *r);
    if (!r || !(r->scripts_dir = strdup(rt->scripts_dir)) ||
        (rt->prompts_dir && !(r->prompts_dir = strdup(rt->prompts_dir))) ||
        (rt->nsound_dirs &&
         !(r->sound_dirs = ms__strv_dup((const char *const *)rt->sound_dirs, rt->nsound_dirs)))) {
        ms_err(NULL, "scripts: cannot reload: %s", ms_strerror(MS_ENOMEM));
        if (r)
            free_reload(r);
        return;
    }
    r->nsound_dirs = r->sound_dirs ? rt->nsound_dirs : 0;
    r->rt = rt;
    r->loop = rt->loop;
    r->work.data = r;
    ms_loop_hold(rt->loop); /* a virtual clock waits for the files */
    if (uv_queue_work(ms_loop_uv(rt->loop), &r->work, scan_work, scan_done) < 0) {
        ms_loop_release(rt->loop);
        free_reload(r);
        ms_err(NULL, "scripts: cannot reload: the thread pool refused the work");
        return;
    }
    rt->reload = r;
}

void ms_runtime_on_reload(struct ms_runtime *rt, ms_runtime_reload_cb cb, void *ud)
{
    rt->reload_cb = cb;
    rt->reload_ud = ud;
}

void ms__runtime_reload_free(struct ms_runtime *rt)
{
    struct ms__reload *r = rt->reload;
    if (!r)
        return;
    r->rt = NULL;
    ms_loop_release(r->loop);
    r->loop = NULL;
    rt->reload = NULL;
}
