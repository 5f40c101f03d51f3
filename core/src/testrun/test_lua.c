/* Lua module moonswitch.testing.core: the primitives the flow-test library
 * (bindings/lua/testing.lua) is written on: dial, the caller's actions, its
 * transcript, the clock, waiting, and CDR rows. */
#define MS_LOG_MODULE "test"
#include "engine.h"
#include "media/audio_decode.h"
#include "media/flite_voice.h"
#include "media/tone_gen.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "sim/caller.h"
#include "sim/sim_call.h"
#include "testrun/testrun.h"

#include <lauxlib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define CALLER_MT "moonswitch.test_caller"
#define CTX_KEY   "moonswitch.testctx"

struct lcaller {
    struct ms__caller *c; /* referenced */
};

static struct ms__testctx *ctx_of(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, CTX_KEY);
    struct ms__testctx *c = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return c;
}

static struct ms__caller *check_caller(lua_State *L)
{
    struct lcaller *lc = luaL_checkudata(L, 1, CALLER_MT);
    return lc->c;
}

static void on_notify(void *ud, struct ms__caller *c)
{
    (void)c;
    ((struct ms__testctx *)ud)->notified++;
}

/* core.dial(destination, {caller=, caller_name=, headers={...}, rfc4733=}) */
static int l_dial(lua_State *L)
{
    struct ms__testctx *ctx = ctx_of(L);
    struct ms__sim_dial_opts o = {.destination = luaL_checkstring(L, 1), .rfc4733 = true};
    const char *headers[33] = {0};
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "caller");
        o.caller = lua_tostring(L, -1);
        lua_getfield(L, 2, "caller_name");
        o.caller_name = lua_tostring(L, -1);
        lua_getfield(L, 2, "rfc4733");
        o.rfc4733 = lua_isnil(L, -1) || lua_toboolean(L, -1);
        lua_getfield(L, 2, "headers");
        if (lua_istable(L, -1)) {
            int t = lua_gettop(L), n = 0;
            lua_pushnil(L);
            while (n < 32 && lua_next(L, t)) {
                if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                    return luaL_error(L, "headers: names and values must be strings");
                headers[n++] = lua_tostring(L, -2); /* kept alive by the table */
                headers[n++] = lua_tostring(L, -1);
                lua_pop(L, 1);
            }
        }
        o.headers = headers;
    }
    struct lcaller *lc = lua_newuserdatauv(L, sizeof *lc, 0);
    lc->c = NULL;
    luaL_setmetatable(L, CALLER_MT);
    int rc = ctx->dial(ctx, &o, on_notify, &lc->c);
    if (rc < 0)
        return luaL_error(L, "cannot dial %s: %s", o.destination, ms_strerror(rc));
    return 1;
}

static const char *const kind_names[] = {"ringing",  "answered", "prompt", "prompt_end", "echo",
                                         "echo_end", "pressed",  "sent",   "hangup"};

/* caller:heard(i) -> {at=, kind=, name=, detail=, complete=, status=} or nil (1-based) */
static int l_heard(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    lua_Integer i = luaL_checkinteger(L, 2);
    const struct ms__heard *h = i >= 1 && (size_t)i <= c->nheard ? &c->heard[i - 1] : NULL;
    if (!h)
        return 0;
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, (lua_Integer)h->at_ms);
    lua_setfield(L, -2, "at");
    lua_pushstring(L, kind_names[h->kind]);
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, h->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, h->detail);
    lua_setfield(L, -2, "detail");
    lua_pushboolean(L, h->complete);
    lua_setfield(L, -2, "complete");
    lua_pushinteger(L, h->status);
    lua_setfield(L, -2, "status");
    if (h->superseded) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "superseded");
    }
    return 1;
}

/* caller:moves(next, seen) -> next, seen: the reader's place (1-based index of the next
 * entry it looks at) moved past the entries inserted before it since the seen-th move. */
static int l_moves(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    lua_Integer next = luaL_checkinteger(L, 2), seen = luaL_checkinteger(L, 3);
    luaL_argcheck(L, seen >= 0 && (size_t)seen <= c->nmoves, 3, "not a move count");
    for (size_t i = (size_t)seen; i < c->nmoves; i++) {
        if ((lua_Integer)c->moves[i] + 1 < next)
            next++;
    }
    lua_pushinteger(L, next);
    lua_pushinteger(L, (lua_Integer)c->nmoves);
    return 2;
}

/* caller:want_speech(text, voice) -> "ready" [, alias] | "pending", or raises for an
 * unknown voice; nil, message if the text cannot be recognised (wire) */
static int l_want_speech(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    const char *text = luaL_checkstring(L, 2);
    const char *voice = luaL_optstring(L, 3, NULL);
    luaL_argcheck(L, ms__flite_voice_find(voice) != NULL, 3,
                  "unknown voice (kal, kal16, slt, rms or awb)");
    const char *alias = NULL;
    int rc = c->ops->want_speech ? c->ops->want_speech(c, text, voice, &alias) : 0;
    if (rc == MS_EAGAIN) {
        lua_pushliteral(L, "pending");
        return 1;
    }
    if (rc < 0) {
        lua_pushnil(L);
        lua_pushstring(L, ms_strerror(rc));
        return 2;
    }
    lua_pushliteral(L, "ready");
    if (!alias)
        return 1;
    lua_pushstring(L, alias);
    return 2;
}

static int l_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_caller(L)->nheard);
    return 1;
}

static int l_press(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    const char *d = luaL_checkstring(L, 2);
    static const char *const methods[] = {"rfc4733", "info", "inband", NULL};
    int m = luaL_checkoption(L, 3, "rfc4733", methods);
    int ms = (int)luaL_optinteger(L, 4, 100);
    int rc = c->ops->press(c, d[0], (enum ms__press_method)m, ms);
    luaL_argcheck(L, rc != MS_EINVAL && d[0] && !d[1], 2, "a DTMF digit: 0-9, *, #, A-D");
    lua_pushboolean(L, rc == 0);
    return 1;
}

/* caller:send_file(path, label) -> ms of audio queued */
static int l_send_file(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    const char *path = luaL_checkstring(L, 2);
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = ms__audio_decode_file(path, 8000, &pcm, &n);
    if (rc < 0)
        return luaL_error(L, "cannot read %s: %s", path, ms_strerror(rc));
    rc = ms__caller_send(c, pcm, n, luaL_optstring(L, 3, path));
    free(pcm);
    if (rc < 0 && rc != MS_EHANGUP)
        return luaL_error(L, "cannot send %s: %s", path, ms_strerror(rc));
    lua_pushinteger(L, (lua_Integer)(n / 8));
    return 1;
}

/* caller:say(text) -> ms of speech queued (flite's kal voice, as the caller's voice) */
static int l_say(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    const char *text = luaL_checkstring(L, 2);
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = ms__flite_render(text, 8000, &pcm, &n);
    if (rc < 0)
        return luaL_error(L, "cannot synthesise \"%s\": %s", text, ms_strerror(rc));
    char label[96];
    snprintf(label, sizeof label, "\"%s\"", text);
    rc = ms__caller_send(c, pcm, n, label);
    free(pcm);
    lua_pushinteger(L, rc < 0 ? 0 : (lua_Integer)(n / 8));
    return 1;
}

/* caller:send_tone(spec_or_name, ms) -> ms queued: a tone in the caller's audio (a fax's
 * CNG, a busy signal from the far end...) */
static int l_send_tone(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    const char *spec = luaL_checkstring(L, 2);
    lua_Integer ms = luaL_checkinteger(L, 3);
    luaL_argcheck(L, ms > 0 && ms <= 600000, 3, "1..600000 ms");
    char err[160];
    struct ms__tone_gen *g;
    struct ms__tone_gen_opts o = {.duration_ms = (uint32_t)ms};
    if (ms__tone_gen_new(&g, spec, 8000, &o, err, sizeof err) < 0)
        return luaL_error(L, "send_tone: %s", err);
    size_t n = (size_t)ms * 8;
    int16_t *pcm = malloc(n * sizeof *pcm);
    if (!pcm) {
        ms__tone_gen_free(g);
        return luaL_error(L, "out of memory");
    }
    for (size_t done = 0; done < n; done += 160)
        ms__tone_gen_read(g, pcm + done, n - done < 160 ? n - done : 160);
    ms__tone_gen_free(g);
    ms__caller_send(c, pcm, n, spec);
    free(pcm);
    lua_pushinteger(L, ms);
    return 1;
}

static int l_hangup(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    c->ops->hangup(c);
    return 0;
}

static int l_state(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    lua_pushboolean(L, c->ended);
    lua_pushboolean(L, c->done);
    lua_pushinteger(L, (lua_Integer)c->last_sound_ms);
    lua_pushinteger(L, (lua_Integer)ms__caller_pending_ms(c));
    return 4;
}

static int l_sip_call_id(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    lua_pushstring(L, c->ops->sip_call_id(c) ? c->ops->sip_call_id(c) : "");
    return 1;
}

static int l_grace(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_caller(L)->ops->grace_ms);
    return 1;
}

static int l_id(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    lua_pushstring(L, c->ops->id(c));
    return 1;
}

/* caller:var(name): the call's channel variable, as the script set it (in-process only). */
static int l_var(lua_State *L)
{
    struct ms__caller *c = check_caller(L);
    const char *name = luaL_checkstring(L, 2);
    if (!c->ops->var)
        return luaL_error(L, "variables can only be read in-process (not over the wire)");
    const char *v = c->ops->var(c, name);
    if (v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    return 1;
}

static int l_gc(lua_State *L)
{
    struct lcaller *lc = luaL_checkudata(L, 1, CALLER_MT);
    if (lc->c) {
        lc->c->ops->unref(lc->c);
        lc->c = NULL;
    }
    return 0;
}

static int l_now(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ms_loop_now(ctx_of(L)->loop));
    return 1;
}

/* core.wait(deadline): suspends the test until a caller's transcript grows, a
 * CDR is done, or the loop clock reaches deadline. */
static int l_wait(lua_State *L)
{
    luaL_checkinteger(L, 1);
    if (!lua_isyieldable(L))
        return luaL_error(L, "wait outside a test");
    return lua_yield(L, 1);
}

static void push_column(lua_State *L, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        lua_pushinteger(L, sqlite3_column_int64(st, i));
        break;
    case SQLITE_NULL:
        lua_pushnil(L);
        break;
    default:
        lua_pushstring(L, (const char *)sqlite3_column_text(st, i));
        break;
    }
}

/* core.cdr(key) -> the row as a table (vars and digit_log as JSON text), or nil. The key is
 * the call id in-process, the SIP Call-ID over the wire (the server records it in vars). */
static int l_cdr(lua_State *L)
{
    struct ms__testctx *ctx = ctx_of(L);
    const char *id = luaL_checkstring(L, 1);
    if (!ctx->db_path)
        return luaL_error(L, "CDR checks over the wire need --db PATH (the server's database)");
    if (ctx->engine)
        ms__engine_flush_cdrs(ctx->engine);
    sqlite3 *db;
    if (sqlite3_open_v2(ctx->db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return luaL_error(L, "cannot open the CDR database %s", ctx->db_path);
    }
    sqlite3_stmt *st = NULL;
    int n = 0;
    const char *sql = ctx->engine
                          ? "SELECT * FROM cdr WHERE id = ?"
                          : "SELECT * FROM cdr WHERE json_extract(vars, '$.sip_call_id') = ?";
    sqlite3_busy_timeout(db, 2000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            lua_newtable(L);
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                push_column(L, st, i);
                lua_setfield(L, -2, sqlite3_column_name(st, i));
            }
            n = 1;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* core.query(sql, ...) -> list of rows (tables by column name): the server's database. */
static int l_query(lua_State *L)
{
    struct ms__testctx *ctx = ctx_of(L);
    const char *sql = luaL_checkstring(L, 1);
    if (!ctx->db_path)
        return luaL_error(L, "database checks over the wire need --db PATH");
    if (ctx->engine)
        ms__engine_flush_cdrs(ctx->engine);
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(ctx->db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        lua_pushfstring(L, "query: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return lua_error(L);
    }
    for (int i = 2; i <= lua_gettop(L) && i - 1 <= sqlite3_bind_parameter_count(st); i++)
        sqlite3_bind_text(st, i - 1, luaL_tolstring(L, i, NULL), -1, SQLITE_TRANSIENT);
    lua_newtable(L);
    for (lua_Integer n = 1; sqlite3_step(st) == SQLITE_ROW; n++) {
        lua_newtable(L);
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            push_column(L, st, i);
            lua_setfield(L, -2, sqlite3_column_name(st, i));
        }
        lua_rawseti(L, -2, n);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 1;
}

static const luaL_Reg caller_methods[] = {
    {"heard", l_heard},
    {"count", l_count},
    {"press", l_press},
    {"send_file", l_send_file},
    {"hangup", l_hangup},
    {"state", l_state},
    {"id", l_id},
    {"var", l_var},
    {"sip_call_id", l_sip_call_id},
    {"say", l_say},
    {"send_tone", l_send_tone},
    {"grace", l_grace},
    {"moves", l_moves},
    {"want_speech", l_want_speech},
    {NULL, NULL},
};

static const luaL_Reg funcs[] = {
    {"dial", l_dial}, {"now", l_now},     {"wait", l_wait},
    {"cdr", l_cdr},   {"query", l_query}, {NULL, NULL},
};

static int luaopen_core(lua_State *L)
{
    if (luaL_newmetatable(L, CALLER_MT)) {
        luaL_newlib(L, caller_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    lua_pushstring(L, ctx_of(L)->mode);
    lua_setfield(L, -2, "mode");
    return 1;
}

void ms__test_lua_open(lua_State *L, struct ms__testctx *ctx)
{
    lua_pushlightuserdata(L, ctx);
    lua_setfield(L, LUA_REGISTRYINDEX, CTX_KEY);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_core);
    lua_setfield(L, -2, "moonswitch.testing.core");
    lua_pop(L, 1);
    ms__test_scripts_open(L, ctx);
}
