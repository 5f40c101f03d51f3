/* The server: the engine behind a SIP endpoint, on a real-time loop, until a
 * signal asks it to stop. */
#define MS_LOG_MODULE "server"
#include "moonswitch/server.h"
#include "engine.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "control.h"
#include "runtime.h"
#include "sip_endpoint.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DRAIN_LIMIT_MS 5000

struct ms_server {
    const struct ms_config *cfg;
    uv_loop_t uv;
    struct ms_loop *loop;
    struct ms__engine *engine;
    struct ms__sip_endpoint *sip;
    struct ms__control *control;
    uv_signal_t sigint, sigterm, sighup;
    uv_timer_t drain;
    uint64_t drain_started;
    bool stopping;
};

static int on_new_call(void *ud, struct ms_call *call)
{
    struct ms_server *srv = ud;
    return ms__engine_accept_call(srv->engine, call);
}

/* ---- shutdown ---- */

static void closed_noop(uv_handle_t *h)
{
    (void)h;
}

static void drain_cb(uv_timer_t *t)
{
    struct ms_server *srv = t->data;
    bool late = uv_now(&srv->uv) - srv->drain_started > DRAIN_LIMIT_MS;
    if (!ms__engine_busy(srv->engine) || late) {
        if (late)
            ms_warn(NULL, "%zu scripts still running after %d ms", ms__engine_scripts(srv->engine),
                    DRAIN_LIMIT_MS);
        uv_timer_stop(t);
        uv_close((uv_handle_t *)&srv->drain, closed_noop);
        /* the engine's worker handles (TTS, prompt decodes) close now, so the loop can end */
        ms__engine_close(srv->engine);
        srv->engine = NULL;
        ms_info(NULL, "stopped");
    }
}

static void sip_stopped(void *ud)
{
    struct ms_server *srv = ud;
    srv->sip = NULL;
    srv->drain_started = uv_now(&srv->uv);
    uv_timer_start(&srv->drain, drain_cb, 0, 10);
}

static void begin_shutdown(struct ms_server *srv)
{
    if (srv->stopping)
        return;
    srv->stopping = true;
    ms_info(NULL, "shutting down: ending %zu calls", ms__sip_endpoint_calls(srv->sip));
    uv_close((uv_handle_t *)&srv->sigint, closed_noop);
    uv_close((uv_handle_t *)&srv->sigterm, closed_noop);
    uv_close((uv_handle_t *)&srv->sighup, closed_noop);
    ms__control_stop(srv->control);
    srv->control = NULL;
    ms__sip_endpoint_stop(srv->sip, sip_stopped, srv);
}

static void on_signal(uv_signal_t *h, int sig)
{
    (void)sig;
    begin_shutdown(h->data);
}

/* SIGHUP: reload the scripts (until the control socket's `ctl reload` exists). */
static void on_hup(uv_signal_t *h, int sig)
{
    (void)sig;
    struct ms_server *srv = h->data;
    ms_info(NULL, "SIGHUP: reloading the scripts");
    ms_runtime_reload(ms__engine_runtime(srv->engine));
}

/* ---- start ---- */

static int start_sip(struct ms_server *srv)
{
    const struct ms_config *cfg = srv->cfg;
    struct ms__sip_endpoint_config sc = {
        .env = ms__engine_env(srv->engine),
        .sip_ip = cfg->sip_ip,
        .sip_port = cfg->sip_port,
        .udp = cfg->sip_udp,
        .tcp = cfg->sip_tcp,
        .user_agent = cfg->user_agent,
        .rtp_ip = cfg->rtp_ip,
        .rtp_lo = cfg->rtp_lo,
        .rtp_hi = cfg->rtp_hi,
        .codecs = (const char *const *)cfg->codecs,
        .ncodecs = (int)cfg->ncodecs,
        .max_calls = cfg->max_calls,
        .on_new_call = on_new_call,
        .ud = srv,
    };
    int rc = ms__sip_endpoint_start(&srv->sip, &sc);
    if (rc < 0)
        ms_err(NULL, "cannot listen on %s:%d: %s", cfg->sip_ip, cfg->sip_port, ms_strerror(rc));
    return rc;
}

static void announce(const struct ms_server *srv)
{
    const struct ms_config *c = srv->cfg;
    ms_info(NULL, "moonswitch listening on sip:%s:%d (%s%s%s), RTP %s:%d-%d, scripts %s", c->sip_ip,
            ms__sip_endpoint_port(srv->sip), c->sip_udp ? "udp" : "",
            c->sip_udp && c->sip_tcp ? "," : "", c->sip_tcp ? "tcp" : "", c->rtp_ip, c->rtp_lo,
            c->rtp_hi, c->scripts_dir);
    ms_info(NULL, "CDRs in %s", c->db_path);
}

/* The control socket (`moonswitch ctl`); the server runs without one if it cannot bind. */
static void start_control(struct ms_server *srv)
{
    const char *path = srv->cfg->control_path;
    if (!path)
        return;
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        mkdir(dir, 0755); /* the state directory may not exist yet */
    }
    int rc = ms__control_start(&srv->control, srv->loop, path, srv->engine);
    if (rc == MS_EADDRINUSE)
        ms_warn(NULL, "control socket %s: another server answers there; running without", path);
    else if (rc < 0)
        ms_warn(NULL, "control socket %s: %s; running without", path, ms_strerror(rc));
    else
        ms_info(NULL, "control socket %s (moonswitch ctl status|reload)", path);
}

static void start_signals(struct ms_server *srv)
{
    uv_signal_init(&srv->uv, &srv->sigint);
    uv_signal_init(&srv->uv, &srv->sigterm);
    uv_signal_init(&srv->uv, &srv->sighup);
    srv->sigint.data = srv->sigterm.data = srv->sighup.data = srv;
    uv_signal_start(&srv->sigint, on_signal, SIGINT);
    uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
    uv_signal_start(&srv->sighup, on_hup, SIGHUP);
}

int ms_server_run(const struct ms_config *cfg)
{
    struct ms_server srv = {.cfg = cfg};
    int rc = uv_loop_init(&srv.uv);
    if (rc < 0)
        return rc;
    if ((rc = ms_loop_new(&srv.loop, &srv.uv, MS_CLOCK_REAL)) < 0)
        goto out_loop;
    uv_timer_init(&srv.uv, &srv.drain);
    srv.drain.data = &srv;
    if ((rc = ms__engine_open(&srv.engine, cfg, srv.loop)) < 0 || (rc = start_sip(&srv)) < 0) {
        uv_close((uv_handle_t *)&srv.drain, closed_noop);
        goto out_engine;
    }
    start_signals(&srv);
    start_control(&srv);
    if (cfg->scripts_watch && ms_runtime_watch(ms__engine_runtime(srv.engine)) < 0)
        ms_warn(NULL, "cannot watch %s for changes: reload with SIGHUP", cfg->scripts_dir);
    announce(&srv);
    uv_run(&srv.uv, UV_RUN_DEFAULT);
out_engine:
    if (srv.engine)
        ms__engine_close(srv.engine);
    ms_loop_close(srv.loop);
    uv_run(&srv.uv, UV_RUN_DEFAULT);
out_loop:
    if (uv_loop_close(&srv.uv) != 0)
        ms_warn(NULL, "libuv loop closed with handles open");
    return rc;
}
