/* `moonswitch test`: runs Lua flow tests against the configured dialplan,
 * in-process on a virtual clock. */
#define MS_LOG_MODULE "test"
#include "testrun/testrun.h"
#include "engine.h"
#include "layout.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime.h"
#include "sim/sim_call.h"
#include "sim/wire_call.h"
#include "testrun/report.h"

#include <dirent.h>
#include <getopt.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIRTUAL_LIMIT_MS (30u * 60u * 1000u) /* 30 minutes of call time per test */

struct runner {
    struct ms__testctx ctx;
    uv_loop_t uv;
    lua_State *L;
    int testing_ref; /* the moonswitch.testing module */
    double wall_limit_s;
    bool verbose;
    uint64_t start_epoch_ms; /* --time: the virtual wall clock's start; 0: now */
    struct ms__report report;
};

/* ---- driving the clock ---- */

static double wall_now(void)
{
    return (double)uv_hrtime() / 1e9;
}

/* Advances the loop until a caller's transcript changes, the deadline comes,
 * or a limit is hit (returns false: the test must stop). */
static bool wait_step(struct runner *r, uint64_t deadline, uint64_t v_start, double w_start)
{
    struct ms_loop *loop = r->ctx.loop;
    uint64_t seen = r->ctx.notified;
    for (unsigned n = 0;; n++) {
        ms_loop_settle(loop); /* held I/O may finish and schedule what is due next */
        uint64_t now = ms_loop_now(loop);
        if (r->ctx.notified != seen || now >= deadline)
            return true;
        if (now - v_start > VIRTUAL_LIMIT_MS)
            return false;
        if ((n & 255) == 0 && wall_now() - w_start > r->wall_limit_s)
            return false;
        uint64_t next = ms_loop_next_due(loop);
        if (next > deadline)
            next = deadline;
        ms_loop_advance(loop, next > now ? next - now : 0);
    }
}

static void on_call_done(void *ud, struct ms_call *call)
{
    (void)ud;
    struct ms__caller *c = ms__sim_of(call);
    if (c)
        ms__caller_set_done(c);
}

static int dial_inprocess(struct ms__testctx *ctx, const struct ms__sim_dial_opts *o,
                          ms__caller_notify_cb notify, struct ms__caller **out)
{
    return ms__sim_dial(ctx->engine, o, notify, ctx, out);
}

static void wake_cb(uv_timer_t *t)
{
    (void)t;
}

/* Real clock (over the wire): runs the loop until something changes or the deadline. */
static bool wait_step_real(struct runner *r, uint64_t deadline, double w_start)
{
    uint64_t seen = r->ctx.notified;
    uv_timer_t wake;
    uv_timer_init(&r->uv, &wake);
    bool ok = true;
    for (;;) {
        uint64_t now = ms_loop_now(r->ctx.loop);
        if (r->ctx.notified != seen || now >= deadline)
            break;
        if (wall_now() - w_start > r->wall_limit_s) {
            ok = false;
            break;
        }
        uint64_t ms = deadline - now;
        uv_timer_start(&wake, wake_cb, ms < 100 ? ms : 100, 0);
        uv_run(&r->uv, UV_RUN_ONCE);
    }
    uv_close((uv_handle_t *)&wake, NULL);
    uv_run(&r->uv, UV_RUN_NOWAIT); /* let the close complete */
    return ok;
}

/* After a test: every call finished, every script ended. */
static void drain(struct runner *r)
{
    if (!r->ctx.engine)
        return; /* over the wire the server is someone else's */
    struct ms_loop *loop = r->ctx.loop;
    uint64_t start = ms_loop_now(loop);
    while (ms__engine_busy(r->ctx.engine) && ms_loop_now(loop) - start < VIRTUAL_LIMIT_MS) {
        uint64_t next = ms_loop_next_due(loop);
        ms_loop_advance(loop, next == UINT64_MAX ? 1000 : next - ms_loop_now(loop));
    }
    if (ms__engine_busy(r->ctx.engine))
        ms_warn(NULL, "calls still running after the test");
}

/* ---- running tests ---- */

/* Runs test #i of the list at the top of L; records the result. */
static void run_test(struct runner *r, const char *file, int list, int i)
{
    lua_State *L = r->L;
    lua_State *co = lua_newthread(L);
    int co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->testing_ref);
    lua_getfield(L, -1, "run");
    lua_xmove(L, co, 1);
    lua_pop(L, 1);
    lua_rawgeti(L, list, i);
    lua_getfield(L, -1, "name");
    char name[256];
    snprintf(name, sizeof name, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_xmove(L, co, 1);

    uint64_t v_start = ms_loop_now(r->ctx.loop);
    double w_start = wall_now();
    bool stopped = false;
    int nres = 0, status = lua_resume(co, L, 1, &nres);
    while (status == LUA_YIELD) {
        uint64_t deadline = (uint64_t)lua_tointeger(co, -1);
        lua_pop(co, nres);
        bool ok = r->ctx.engine ? wait_step(r, deadline, v_start, w_start)
                                : wait_step_real(r, deadline, w_start);
        if (!stopped && !ok)
            stopped = true;
        if (stopped)
            lua_pushstring(co, "stop");
        status = lua_resume(co, L, stopped ? 1 : 0, &nres);
    }
    struct ms__result res = {.file = file, .name = name};
    res.wall_ms = (wall_now() - w_start) * 1000.0;
    if (status == LUA_OK) {
        res.passed = lua_toboolean(co, 1);
        res.call_ms = (uint64_t)lua_tointeger(co, 3);
        if (!res.passed)
            res.message = lua_tostring(co, 2);
    } else {
        res.message = lua_tostring(co, -1); /* an error in the test library itself */
    }
    if (stopped && !res.passed && !res.message)
        res.message = "stopped at the per-test limit";
    ms__report_add(&r->report, &res);
    lua_settop(co, 0);
    luaL_unref(L, LUA_REGISTRYINDEX, co_ref);
    drain(r);
    lua_gc(L, LUA_GCCOLLECT); /* drop the callers' references on their calls */
}

/* Loads one test file (its tests are collected by test()) and runs them. */
static void run_file(struct runner *r, const char *file)
{
    lua_State *L = r->L;
    int top = lua_gettop(L);
    if (luaL_loadfilex(L, file, "t") != LUA_OK) {
        struct ms__result res = {.file = file, .name = "(file)", .message = lua_tostring(L, -1)};
        ms__report_add(&r->report, &res);
        lua_settop(L, top);
        return;
    }
    /* the file's environment: test() plus the globals */
    lua_newtable(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->testing_ref);
    lua_getfield(L, -1, "register");
    lua_pushstring(L, file);
    lua_call(L, 1, 1);
    lua_setfield(L, -3, "test");
    lua_pop(L, 1);
    lua_createtable(L, 0, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setupvalue(L, -2, 1);
    int ok = lua_pcall(L, 0, 0, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->testing_ref);
    lua_getfield(L, -1, "take");
    lua_call(L, 0, 1);
    int list = lua_gettop(L);
    if (ok != LUA_OK) {
        struct ms__result res = {.file = file, .name = "(file)", .message = lua_tostring(L, -3)};
        ms__report_add(&r->report, &res);
    } else {
        lua_Integer n = luaL_len(L, list);
        for (lua_Integer i = 1; i <= n; i++)
            run_test(r, file, list, (int)i);
        if (n == 0)
            ms_warn(NULL, "%s: no test() in this file", file);
    }
    lua_settop(L, top);
}

/* ---- files ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory with a conf.lua is a suite of its own (run with -c that file). */
static bool is_suite(const char *dir)
{
    char conf[1024];
    snprintf(conf, sizeof conf, "%s/conf.lua", dir);
    return access(conf, F_OK) == 0;
}

/* Adds path, or every *.lua below it (sorted) if it is a directory; below
 * the top, suites with their own configuration are left out. */
static void collect(const char *path, char ***list, size_t *n, bool top)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!top && is_suite(path))
            return;
        DIR *d = opendir(path);
        char **names = NULL;
        size_t k = 0;
        for (struct dirent *e; d && (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            size_t len = strlen(e->d_name);
            struct stat s2;
            bool dir = stat(sub, &s2) == 0 && S_ISDIR(s2.st_mode);
            if (!dir && (len < 4 || strcmp(e->d_name + len - 4, ".lua") != 0))
                continue;
            names = realloc(names, (k + 1) * sizeof *names);
            names[k++] = strdup(sub);
        }
        if (d)
            closedir(d);
        if (k)
            qsort(names, k, sizeof *names, cmp_str);
        for (size_t i = 0; i < k; i++) {
            collect(names[i], list, n, false);
            free(names[i]);
        }
        free(names);
        return;
    }
    *list = realloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = strdup(path);
}

/* ---- set-up ---- */

static void usage(FILE *to)
{
    fprintf(to,
            "usage: moonswitch test [options] FILES|DIRS\n"
            "  -c, --config FILE   configuration whose dialplan and sounds are tested\n"
            "                      (default: %s)\n"
            "      --junit FILE    also write a JUnit XML report\n"
            "      --timeout SECS  wall-clock limit per test (default 30; 300 with --wire)\n"
            "  -v, --verbose       print the transcript of passing tests too\n"
            "      --log-level L   server log level during tests (default warn)\n"
            "      --time T        in-process: the wall clock starts at local time T\n"
            "                      (2026-12-25T10:00[:00]) for scripts and tests\n"
            "      --wire HOST:PORT  call a running server over SIP/RTP instead\n"
            "      --db PATH       with --wire: the server's CDR database, for CDR checks\n"
            "      --local-ip IP   with --wire: address of the simulated phones (127.0.0.1)\n"
            "      --rtp-ports L-H with --wire: their RTP ports (40000-49999)\n",
            ms__layout()->config_file);
}

static int open_lua(struct runner *r)
{
    r->L = luaL_newstate();
    if (!r->L)
        return MS_ENOMEM;
    luaL_openlibs(r->L);
    ms_runtime_register_embedded(r->L);
    ms__test_lua_open(r->L, &r->ctx);
    lua_getglobal(r->L, "require");
    lua_pushstring(r->L, "moonswitch.testing");
    if (lua_pcall(r->L, 1, 1, 0) != LUA_OK) {
        fprintf(stderr, "moonswitch test: %s\n", lua_tostring(r->L, -1));
        return MS_EFORMAT;
    }
    r->testing_ref = luaL_ref(r->L, LUA_REGISTRYINDEX);
    return 0;
}

struct options {
    const char *config, *junit, *log_level, *wire, *db, *local_ip, *rtp_ports, *time;
    double timeout;
    bool verbose;
};

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"junit", required_argument, 0, 'j'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"verbose", no_argument, 0, 'v'},
                                         {"log-level", required_argument, 0, 'l'},
                                         {"help", no_argument, 0, 'h'},
                                         {"wire", required_argument, 0, 'w'},
                                         {"db", required_argument, 0, 'd'},
                                         {"local-ip", required_argument, 0, 'i'},
                                         {"rtp-ports", required_argument, 0, 'r'},
                                         {"time", required_argument, 0, 'T'},
                                         {0, 0, 0, 0}};
    *o = (struct options){.config = ms__layout()->config_file,
                          .log_level = "warn",
                          .local_ip = "127.0.0.1",
                          .rtp_ports = "40000-49999",
                          .timeout = 0};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'j':
            o->junit = optarg;
            break;
        case 't':
            o->timeout = atof(optarg);
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'l':
            o->log_level = optarg;
            break;
        case 'w':
            o->wire = optarg;
            break;
        case 'd':
            o->db = optarg;
            break;
        case 'i':
            o->local_ip = optarg;
            break;
        case 'r':
            o->rtp_ports = optarg;
            break;
        case 'T':
            o->time = optarg;
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    return 0;
}

static int run_all(struct runner *r, char **files, size_t nfiles)
{
    for (size_t i = 0; i < nfiles; i++)
        run_file(r, files[i]);
    return 0;
}

static void collect_args(int argc, char **argv, char ***files, size_t *n)
{
    for (int i = optind; i < argc; i++)
        collect(argv[i], files, n, true);
}

static void free_files(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

/* Opens the test Lua state, runs every file the arguments name, closes it. */
static int run_files(struct runner *r, int argc, char **argv)
{
    int rc = open_lua(r);
    if (rc == 0) {
        char **files = NULL;
        size_t n = 0;
        collect_args(argc, argv, &files, &n);
        run_all(r, files, n);
        free_files(files, n);
    }
    if (r->L)
        lua_close(r->L);
    r->L = NULL;
    return rc;
}

/* In-process: the configured dialplan on an engine, on a virtual clock. */
static int main_inprocess(struct runner *r, struct ms_config *cfg, int argc, char **argv)
{
    char dir[] = "/tmp/moonswitch-test-XXXXXX", db[64];
    if (!mkdtemp(dir)) {
        perror("moonswitch test: mkdtemp");
        return 2;
    }
    snprintf(db, sizeof db, "%s/cdr.db", dir);
    ms_config_set_string(&cfg->db_path, db);
    r->ctx.db_path = db;
    r->ctx.mode = "inprocess";
    r->ctx.dial = dial_inprocess;
    uv_loop_init(&r->uv);
    ms_loop_new(&r->ctx.loop, &r->uv, MS_CLOCK_VIRTUAL);
    if (r->start_epoch_ms)
        ms_loop_set_epoch(r->ctx.loop, r->start_epoch_ms);
    int rc = ms__engine_open(&r->ctx.engine, cfg, r->ctx.loop);
    if (rc == 0) {
        ms__engine_on_call_done(r->ctx.engine, on_call_done, &r->ctx);
        rc = run_files(r, argc, argv);
    } else {
        fprintf(stderr, "moonswitch test: cannot start: %s\n", ms_strerror(rc));
    }
    if (r->ctx.engine)
        ms__engine_close(r->ctx.engine);
    ms_loop_close(r->ctx.loop);
    uv_run(&r->uv, UV_RUN_DEFAULT);
    uv_loop_close(&r->uv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        ms_warn(NULL, "cannot remove %s", dir);
    return rc < 0 ? 2 : 0;
}

static int dial_wire(struct ms__testctx *ctx, const struct ms__sim_dial_opts *o,
                     ms__caller_notify_cb notify, struct ms__caller **out)
{
    return ms__wire_dial(ctx->wire, o, notify, ctx, out);
}

static void wire_closed(void *ud)
{
    *(bool *)ud = true;
}

static void wire_changed(void *ud)
{
    ((struct ms__testctx *)ud)->notified++; /* a test waiting for a TTS render goes on */
}

/* Over the wire: every caller a SIP phone calling a running server, real time. */
static int main_wire(struct runner *r, const struct options *o, struct ms_config *cfg, int argc,
                     char **argv)
{
    char err[256];
    struct ms_config ports = {0};
    if (ms_config_set_rtp_ports(&ports, o->rtp_ports, err, sizeof err) < 0) {
        fprintf(stderr, "moonswitch test: --%s\n", err);
        return 2;
    }
    r->ctx.mode = "wire";
    r->ctx.dial = dial_wire;
    r->ctx.db_path = o->db;
    uv_loop_init(&r->uv);
    ms_loop_new(&r->ctx.loop, &r->uv, MS_CLOCK_REAL);
    struct ms__wire_config wc = {.loop = r->ctx.loop,
                                 .server = o->wire,
                                 .local_ip = o->local_ip,
                                 .rtp_lo = ports.rtp_lo,
                                 .rtp_hi = ports.rtp_hi,
                                 .sound_dirs = (const char *const *)cfg->sound_dirs,
                                 .nsound_dirs = cfg->nsound_dirs,
                                 .changed = wire_changed,
                                 .changed_ud = &r->ctx};
    int rc = ms__wire_open(&r->ctx.wire, &wc);
    if (rc == 0)
        rc = run_files(r, argc, argv);
    else
        fprintf(stderr, "moonswitch test: cannot start the simulated phones: %s\n",
                ms_strerror(rc));
    bool closed = r->ctx.wire == NULL;
    if (r->ctx.wire)
        ms__wire_close(r->ctx.wire, wire_closed, &closed);
    while (!closed)
        uv_run(&r->uv, UV_RUN_ONCE);
    ms_loop_close(r->ctx.loop);
    uv_run(&r->uv, UV_RUN_DEFAULT);
    uv_loop_close(&r->uv);
    return rc < 0 ? 2 : 0;
}

/* "2026-12-25T10:00[:00]" in local time -> epoch ms. */
static int parse_local_time(const char *s, uint64_t *out)
{
    struct tm tm = {0};
    int n = 0;
    if (sscanf(s, "%d-%d-%dT%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &n) != 5)
        return -1;
    if (s[n] == ':' && sscanf(s + n + 1, "%d", &tm.tm_sec) != 1)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_year < 70)
        return -1;
    *out = (uint64_t)t * 1000u;
    return 0;
}

int ms__test_main(int argc, char **argv)
{
    struct options o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    enum ms_log_level lvl = MS_LOG_WARN;
    ms_log_parse_level(o.log_level, &lvl);
    ms_log_set_level(lvl);
    struct ms_config cfg;
    char err[512] = "";
    if (ms_config_load(&cfg, o.config, err, sizeof err) < 0) {
        fprintf(stderr, "moonswitch test: configuration %s refused: %s\n", o.config, err);
        ms_config_free(&cfg);
        return 2;
    }
    if (o.timeout <= 0) /* real time over the wire: flows take as long as they last */
        o.timeout = o.wire ? 300.0 : 30.0;
    struct runner r = {.wall_limit_s = o.timeout, .verbose = o.verbose};
    if (o.time && (o.wire || parse_local_time(o.time, &r.start_epoch_ms) < 0)) {
        fprintf(stderr, "moonswitch test: --time %s: expected YYYY-MM-DDTHH:MM[:SS], "
                        "in-process only\n", o.time);
        ms_config_free(&cfg);
        return 2;
    }
    ms__report_init(&r.report, o.verbose);
    rc = o.wire ? main_wire(&r, &o, &cfg, argc, argv) : main_inprocess(&r, &cfg, argc, argv);
    int status = rc ? rc : ms__report_finish(&r.report, o.junit);
    ms__report_free(&r.report);
    ms_config_free(&cfg);
    return status;
}
