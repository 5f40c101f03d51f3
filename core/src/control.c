/* The control socket (control.h): a uv_pipe listener, one command per
 * connection, one JSON reply line, then the connection closes. */
#define MS_LOG_MODULE "control"
#include "control.h"
#include "cdr.h"
#include "engine.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#define MAX_LINE 256

struct conn {
    uv_pipe_t h;
    struct ms__control *ctl; /* NULL once the control is stopping */
    char line[MAX_LINE];
    size_t n;
    bool waiting_reload;
    uv_write_t wr;
    char *reply;
    struct conn *next; /* in ctl->conns */
};

struct ms__control {
    uv_pipe_t listener;
    struct ms__engine *engine;
    char *path;
    struct conn *conns;
};

static void unlink_conn(struct conn *c)
{
    if (!c->ctl)
        return;
    for (struct conn **p = &c->ctl->conns; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    c->ctl = NULL;
}

static void conn_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    free(c->reply);
    free(c);
}

static void conn_close(struct conn *c)
{
    unlink_conn(c);
    if (!uv_is_closing((uv_handle_t *)&c->h))
        uv_close((uv_handle_t *)&c->h, conn_closed);
}

static void written(uv_write_t *w, int status)
{
    (void)status;
    conn_close(w->data);
}

/* Sends the JSON in b plus a newline, then closes. Takes b's memory. */
static void reply(struct conn *c, struct ms__strbuf *b)
{
    ms__strbuf_add(b, "\n", 1);
    if (b->oom) {
        ms__strbuf_free(b);
        conn_close(c);
        return;
    }
    c->reply = b->data;
    uv_buf_t buf = uv_buf_init(c->reply, (unsigned)b->len);
    c->wr.data = c;
    uv_read_stop((uv_stream_t *)&c->h);
    if (uv_write(&c->wr, (uv_stream_t *)&c->h, &buf, 1, written) < 0)
        conn_close(c);
}

static void add_num(struct ms__strbuf *b, const char *key, unsigned long v, bool comma)
{
    char tmp[96];
    int n = snprintf(tmp, sizeof tmp, "%s\"%s\":%lu", comma ? "," : "", key, v);
    ms__strbuf_add(b, tmp, (size_t)n);
}

static void add_str(struct ms__strbuf *b, const char *key, const char *v)
{
    ms__strbuf_add(b, ",\"", 2);
    ms__strbuf_add(b, key, strlen(key));
    ms__strbuf_add(b, "\":", 2);
    if (v)
        ms__strbuf_json_string(b, v);
    else
        ms__strbuf_add(b, "null", 4);
}

static void reply_status(struct conn *c)
{
    struct ms_runtime *rt = ms__engine_runtime(c->ctl->engine);
    struct ms_runtime_status st;
    ms_runtime_status(rt, &st);
    struct ms__strbuf b = {0};
    ms__strbuf_add(&b, "{", 1);
    add_num(&b, "generation", st.generation, false);
    add_num(&b, "generations", st.generations, true);
    add_num(&b, "reloads", st.reloads, true);
    add_num(&b, "refused", st.refused, true);
    add_str(&b, "error", st.error);
    add_num(&b, "scripts", ms__engine_scripts(c->ctl->engine), true);
    add_num(&b, "lua_kb", st.lua_kb, true);
    ms__strbuf_add(&b, ",\"script_errors\":{", 18);
    for (size_t i = 0; i < st.error_files; i++) {
        unsigned long n;
        const char *file = ms_runtime_error_count(rt, i, &n);
        if (i)
            ms__strbuf_add(&b, ",", 1);
        ms__strbuf_json_string(&b, file);
        char tmp[32];
        ms__strbuf_add(&b, tmp, (size_t)snprintf(tmp, sizeof tmp, ":%lu", n));
    }
    ms__strbuf_add(&b, "},\"budgets_hit\":{", 17);
    add_num(&b, "instructions", st.stopped_instructions, false);
    add_num(&b, "wall_time", st.stopped_wall, true);
    add_num(&b, "memory", st.stopped_memory, true);
    ms__strbuf_add(&b, "}}", 2);
    reply(c, &b);
}

static void on_reload(void *ud, int status, const char *error)
{
    struct ms__control *ctl = ud;
    struct ms_runtime_status st;
    ms_runtime_status(ms__engine_runtime(ctl->engine), &st);
    for (struct conn *c = ctl->conns, *next; c; c = next) {
        next = c->next;
        if (!c->waiting_reload)
            continue;
        c->waiting_reload = false;
        struct ms__strbuf b = {0};
        ms__strbuf_add(&b, status == 0 ? "{\"ok\":true" : "{\"ok\":false", status == 0 ? 10 : 11);
        add_num(&b, "generation", st.generation, true);
        add_str(&b, "error", status == 0 ? NULL : error);
        ms__strbuf_add(&b, "}", 1);
        reply(c, &b);
    }
}

static void run_command(struct conn *c, const char *cmd)
{
    if (strcmp(cmd, "status") == 0) {
        reply_status(c);
    } else if (strcmp(cmd, "reload") == 0) {
        ms_info(NULL, "control: reload");
        c->waiting_reload = true;
        ms_runtime_reload(ms__engine_runtime(c->ctl->engine));
    } else {
        struct ms__strbuf b = {0};
        ms__strbuf_add(&b, "{\"error\":", 9);
        char msg[MAX_LINE + 64];
        snprintf(msg, sizeof msg, "unknown command '%s' (status, reload)", cmd);
        ms__strbuf_json_string(&b, msg);
        ms__strbuf_add(&b, "}", 1);
        reply(c, &b);
    }
}

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)hint;
    struct conn *c = h->data;
    *buf = uv_buf_init(c->line + c->n, (unsigned)(sizeof c->line - 1 - c->n));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    struct conn *c = s->data;
    if (nread < 0 || !c->ctl) {
        conn_close(c);
        return;
    }
    c->n += (size_t)nread;
    c->line[c->n] = 0;
    char *nl = strchr(c->line, '\n');
    if (!nl && c->n < sizeof c->line - 1)
        return; /* more to come */
    if (!nl) {
        conn_close(c); /* a line that long is not a command */
        return;
    }
    *nl = 0;
    if (nl > c->line && nl[-1] == '\r')
        nl[-1] = 0;
    uv_read_stop(s);
    run_command(c, c->line);
}

static void on_connection(uv_stream_t *server, int status)
{
    struct ms__control *ctl = server->data;
    if (status < 0)
        return;
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->ctl = ctl;
    uv_pipe_init(server->loop, &c->h, 0);
    c->h.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->h) < 0 ||
        uv_read_start((uv_stream_t *)&c->h, alloc_cb, on_read) < 0) {
        uv_close((uv_handle_t *)&c->h, conn_closed);
        return;
    }
    c->next = ctl->conns;
    ctl->conns = c;
}

/* Is a server answering on path? (A socket file left by a crash is not one.) */
static bool someone_listens(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    memcpy(a.sun_path, path, strlen(path) + 1); /* length checked by the caller */
    bool yes = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return yes;
}

static void listener_closed(uv_handle_t *h)
{
    struct ms__control *ctl = h->data;
    free(ctl->path);
    free(ctl);
}

int ms__control_start(struct ms__control **out, struct ms_loop *loop, const char *path,
                      struct ms__engine *engine)
{
    if (strlen(path) >= sizeof((struct sockaddr_un *)0)->sun_path)
        return MS_EINVAL;
    if (someone_listens(path))
        return MS_EADDRINUSE;
    unlink(path); /* a stale file */
    struct ms__control *ctl = calloc(1, sizeof *ctl);
    if (!ctl || !(ctl->path = strdup(path))) {
        free(ctl);
        return MS_ENOMEM;
    }
    ctl->engine = engine;
    uv_pipe_init(ms_loop_uv(loop), &ctl->listener, 0);
    ctl->listener.data = ctl;
    mode_t old = umask(0177); /* the socket file: 0600 */
    int rc = uv_pipe_bind(&ctl->listener, path);
    umask(old);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&ctl->listener, 16, on_connection);
    if (rc < 0) {
        uv_close((uv_handle_t *)&ctl->listener, listener_closed);
        return rc;
    }
    ms_runtime_on_reload(ms__engine_runtime(engine), on_reload, ctl);
    *out = ctl;
    return 0;
}

void ms__control_stop(struct ms__control *ctl)
{
    if (!ctl)
        return;
    ms_runtime_on_reload(ms__engine_runtime(ctl->engine), NULL, NULL);
    while (ctl->conns)
        conn_close(ctl->conns);
    unlink(ctl->path);
    uv_close((uv_handle_t *)&ctl->listener, listener_closed);
}
