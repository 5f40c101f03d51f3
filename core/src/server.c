/* The server: wires config, loop, audio cache, Lua runtime, SIP endpoint and
 * CDR writer together, and tracks each call until its CDR is written. */
#define MS_LOG_MODULE "server"
#include "moonswitch/server.h"
#include "cdr.h"
#include "endpoint.h"
#include "media/audio_cache.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime.h"
#include "sip_endpoint.h"

#include <stdlib.h>
#include <string.h>

#define DRAIN_LIMIT_MS 5000

struct ms_server {
    const struct ms_config *cfg;
    uv_loop_t uv;
    struct ms_loop *loop;
    struct ms__audio_cache *audio;
    struct ms_runtime *rt;
    struct ms__cdr_writer *cdr;
    struct ms__sip_endpoint *sip;
    struct ms_call_env env;
    uv_signal_t sigint, sigterm;
    uv_timer_t drain;
    uint64_t drain_started;
    int tracked;
    bool stopping;
};

/* A call between its INVITE and its CDR. */
struct track {
    struct ms_server *srv;
    struct ms_call *call; /* referenced */
    bool script_done, ended;
};

static void maybe_finish(struct track *t)
{
    if (!t->script_done || !t->ended)
        return;
    ms__cdr_submit(t->srv->cdr, t->call);
    t->srv->tracked--;
    ms_call_unref(t->call);
    free(t);
}

static void on_call_ended(void *ud, struct ms_call *call)
{
    (void)call;
    struct track *t = ud;
    t->ended = true;
    maybe_finish(t);
}

static void on_script_done(void *ud, struct ms_call *call)
{
    (void)call;
    struct track *t = ud;
    t->script_done = true;
    maybe_finish(t);
}

static int on_new_call(void *ud, struct ms_call *call)
{
    struct ms_server *srv = ud;
    struct track *t = calloc(1, sizeof *t);
    if (!t)
        return MS_ENOMEM;
    t->srv = srv;
    t->call = call;
    ms_call_ref(call);
    srv->tracked++;
    ms_call_on_ended(call, on_call_ended, t);
    int rc = ms_runtime_start_call(srv->rt, call, on_script_done, t);
    if (rc < 0)
        t->script_done = true; /* the CDR is written when the refusal has ended the call */
    return rc;
}

/* ---- shutdown ---- */

static void closed_noop(uv_handle_t *h)
{
    (void)h;
}

static void finish_shutdown(struct ms_server *srv)
{
    uv_close((uv_handle_t *)&srv->drain, closed_noop);
    if (srv->tracked)
        ms_warn(NULL, "%d calls still tracked at exit", srv->tracked);
    ms_info(NULL, "stopped");
}

static void drain_cb(uv_timer_t *t)
{
    struct ms_server *srv = t->data;
    bool late = uv_now(&srv->uv) - srv->drain_started > DRAIN_LIMIT_MS;
    if (ms_runtime_running(srv->rt) == 0 || late) {
        if (late)
            ms_warn(NULL, "%zu scripts still running after %d ms", ms_runtime_running(srv->rt),
                    DRAIN_LIMIT_MS);
        uv_timer_stop(t);
        finish_shutdown(srv);
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
    uv_signal_stop(&srv->sigint);
    uv_signal_stop(&srv->sigterm);
    uv_close((uv_handle_t *)&srv->sigint, closed_noop);
    uv_close((uv_handle_t *)&srv->sigterm, closed_noop);
    ms__sip_endpoint_stop(srv->sip, sip_stopped, srv);
}

static void on_signal(uv_signal_t *h, int sig)
{
    (void)sig;
    begin_shutdown(h->data);
}

/* ---- start ---- */

static int start_parts(struct ms_server *srv)
{
    const struct ms_config *cfg = srv->cfg;
    int rc = ms__audio_cache_new(&srv->audio, &srv->uv, cfg->audio_cache_bytes);
    if (rc < 0)
        return rc;
    srv->env = (struct ms_call_env){
        .loop = srv->loop,
        .audio = srv->audio,
        .sound_dirs = (const char *const *)cfg->sound_dirs,
        .nsound_dirs = cfg->nsound_dirs,
        .inband_dtmf = cfg->inband_dtmf,
    };
    struct ms_runtime_config rc_cfg = {cfg->scripts_dir, cfg->entry, srv->loop};
    if ((rc = ms_runtime_new(&srv->rt, &rc_cfg)) < 0)
        return rc;
    ms_runtime_prepare(srv->rt); /* a broken dialplan is logged now; calls get 500 until fixed */
    if ((rc = ms__cdr_open(&srv->cdr, cfg->db_path)) < 0)
        return rc;
    struct ms__sip_endpoint_config sc = {
        .env = &srv->env,
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
    if ((rc = ms__sip_endpoint_start(&srv->sip, &sc)) < 0) {
        ms_err(NULL, "cannot listen on %s:%d: %s", cfg->sip_ip, cfg->sip_port, ms_strerror(rc));
        return rc;
    }
    return 0;
}

static void free_parts(struct ms_server *srv)
{
    if (srv->cdr)
        ms__cdr_close(srv->cdr);
    if (srv->rt)
        ms_runtime_free(srv->rt);
    if (srv->audio)
        ms__audio_cache_free(srv->audio);
}

static void announce(const struct ms_server *srv)
{
    const struct ms_config *c = srv->cfg;
    ms_info(NULL, "moonswitch listening on sip:%s:%d (%s%s%s), RTP %s:%d-%d, scripts %s", c->sip_ip,
            ms__sip_endpoint_port(srv->sip), c->sip_udp ? "udp" : "", c->sip_udp && c->sip_tcp ? "," : "",
            c->sip_tcp ? "tcp" : "", c->rtp_ip, c->rtp_lo, c->rtp_hi, c->scripts_dir);
    ms_info(NULL, "CDRs in %s", c->db_path);
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
    rc = start_parts(&srv);
    if (rc < 0) {
        uv_close((uv_handle_t *)&srv.drain, closed_noop);
        goto out_parts;
    }
    uv_signal_init(&srv.uv, &srv.sigint);
    uv_signal_init(&srv.uv, &srv.sigterm);
    srv.sigint.data = srv.sigterm.data = &srv;
    uv_signal_start(&srv.sigint, on_signal, SIGINT);
    uv_signal_start(&srv.sigterm, on_signal, SIGTERM);
    announce(&srv);
    uv_run(&srv.uv, UV_RUN_DEFAULT);
out_parts:
    free_parts(&srv);
    ms_loop_close(srv.loop);
    uv_run(&srv.uv, UV_RUN_DEFAULT);
out_loop:
    if (uv_loop_close(&srv.uv) != 0)
        ms_warn(NULL, "libuv loop closed with handles open");
    return rc;
}
