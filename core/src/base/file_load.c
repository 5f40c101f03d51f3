/* Whole-file reads on libuv's thread pool (see file_load.h). */
#include "base/file_load.h"
#include "moonswitch/error.h"
#include "moonswitch/loop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

struct file_req {
    uv_work_t work;
    struct ms_loop *loop;
    char *path;
    size_t max;
    ms__file_cb cb;
    void *ud;
    int status;
    char *data;
    size_t len;
};

static int errno_status(int e)
{
    return e == ENOENT || e == ENOTDIR ? MS_ENOENT : e == EACCES ? MS_EACCES : MS_EIO;
}

/* On a pool thread. */
static void read_whole(uv_work_t *w)
{
    struct file_req *r = w->data;
    FILE *f = fopen(r->path, "rb");
    if (!f) {
        r->status = errno_status(errno);
        return;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        r->status = MS_EIO;
    } else if ((size_t)st.st_size > r->max) {
        r->status = MS_EMSGSIZE;
    } else if (!(r->data = malloc((size_t)st.st_size + 1))) {
        r->status = MS_ENOMEM;
    } else {
        r->len = fread(r->data, 1, (size_t)st.st_size, f);
        r->data[r->len] = 0;
        r->status = ferror(f) ? MS_EIO : 0;
    }
    fclose(f);
}

static void done(uv_work_t *w, int uv_status)
{
    struct file_req *r = w->data;
    if (uv_status < 0 && r->status == 0)
        r->status = MS_EIO;
    if (r->status < 0) {
        free(r->data);
        r->data = NULL;
        r->len = 0;
    }
    ms_loop_release(r->loop);
    r->cb(r->ud, r->status, r->data, r->len);
    free(r->path);
    free(r);
}

int ms__file_load(struct ms_loop *loop, const char *path, size_t max, ms__file_cb cb, void *ud)
{
    struct file_req *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return MS_ENOMEM;
    }
    r->loop = loop;
    r->max = max;
    r->cb = cb;
    r->ud = ud;
    r->work.data = r;
    ms_loop_hold(loop);
    int rc = uv_queue_work(ms_loop_uv(loop), &r->work, read_whole, done);
    if (rc < 0) {
        ms_loop_release(loop);
        free(r->path);
        free(r);
        return MS_EIO;
    }
    return 0;
}
