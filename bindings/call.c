/* Lua module moonswitch.call: the call object a script receives.
 *
 * The userdata holds one reference on the C call (dropped by __gc). Once the
 * call is over, media methods raise the hangup error and tostring gives
 * "moonswitch.call (ended)"; fields (id, caller, vars...) stay readable. */
#define MS_LOG_MODULE "lua"
#include "moonswitch/call.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "base/file_load.h"
#include "base/path.h"
#include "runtime_internal.h"
#include "script.h"
#include "speech_opts.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define CALL_MT   "moonswitch.call"
#define MAX_NAMES 64

struct lcall {
    struct ms_call *call;
};

static struct ms_call *to_call(lua_State *L, int idx)
{
    struct lcall *lc = luaL_checkudata(L, idx, CALL_MT);
    return lc->call;
}

/* The call for a media primitive: raises the hangup error once it is over. */
static struct ms_call *live_call(lua_State *L)
{
    struct ms_call *call = to_call(L, 1);
    if (ms_call_is_over(call))
        ms__raise_hangup(L);
    return call;
}

static int push_fail(lua_State *L, int err, const char *detail)
{
    luaL_pushfail(L);
    if (detail)
        lua_pushfstring(L, "%s: %s: %s", ms_err_name(err), ms_strerror(err), detail);
    else
        lua_pushfstring(L, "%s: %s", ms_err_name(err), ms_strerror(err));
    lua_pushstring(L, ms_err_name(err));
    return 3;
}

void ms__lua_push_call(lua_State *L, struct ms_call *call)
{
    struct lcall *lc = lua_newuserdatauv(L, sizeof *lc, 1);
    lc->call = call;
    ms_call_ref(call);
    luaL_setmetatable(L, CALL_MT);
}

/* ---- signalling ---- */

static int l_answer(lua_State *L)
{
    int rc = ms_call_answer(live_call(L));
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc < 0)
        return push_fail(L, rc, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_ring(lua_State *L)
{
    int rc = ms_call_ring(live_call(L));
    if (rc < 0)
        return push_fail(L, rc, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_hangup(lua_State *L)
{
    struct ms_call *call = to_call(L, 1);
    const char *cause = luaL_optstring(L, 2, "NORMAL_CLEARING");
    int rc = ms_call_hangup(call, cause);
    luaL_argcheck(L, rc != MS_EINVAL, 2, "unknown hangup cause");
    lua_pushboolean(L, 1);
    return 1;
}

/* call:transfer(dest): ends this script; the entry runs again with call.destination = dest.
 * Does not return. dest: 1 to 64 of letters, digits and + * # _ . - @ */
static int l_transfer(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    size_t n;
    const char *dest = luaL_checklstring(L, 2, &n);
    bool ok = n >= 1 && n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)dest[i]) || strchr("+*#_.-@", dest[i]);
    luaL_argcheck(L, ok, 2, "1 to 64 of letters, digits and + * # _ . - @");
    free(s->transfer_to);
    s->transfer_to = strdup(dest);
    if (!s->transfer_to)
        return luaL_error(L, "not enough memory");
    return ms__raise_transfer(L);
}

/* ---- media primitives ---- */

/* One playlist entry at the top of the stack: "name", {sound=}, {speak=, voice=} or
 * {tone=, ms=}. Strings stay alive in the caller's table. */
static void check_item(lua_State *L, int arg, struct ms_play_item *it)
{
    *it = (struct ms_play_item){MS_PLAY_SOUND, lua_tostring(L, -1), NULL, 0};
    if (lua_type(L, -1) == LUA_TSTRING)
        return;
    luaL_argexpected(L, lua_istable(L, -1), arg,
                     "sound name, {speak=}, {tone=}, {pause=} or a list of them");
    static const char *const keys[] = {"sound", "speak", "tone"};
    for (int k = 0; k < 3; k++) {
        if (lua_getfield(L, -1, keys[k]) == LUA_TSTRING) {
            it->kind = (enum ms_play_kind)k;
            it->text = lua_tostring(L, -1);
        }
        lua_pop(L, 1);
    }
    if (!it->text && lua_getfield(L, -1, "pause") == LUA_TNUMBER) {
        it->kind = MS_PLAY_PAUSE;
        it->text = "pause";
        it->ms = (uint32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        return;
    }
    if (!it->text)
        lua_pop(L, 1);
    luaL_argcheck(L, it->text != NULL, arg, "an entry needs sound=, speak=, tone= or pause=");
    if (lua_getfield(L, -1, "voice") == LUA_TSTRING)
        it->voice = lua_tostring(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, -1, "ms");
    it->ms = (uint32_t)luaL_optinteger(L, -1, 0);
    lua_pop(L, 1);
}

/* Reads what to play at idx into items[]: one entry or a list of entries; returns the count. */
static size_t check_items(lua_State *L, int idx, struct ms_play_item *items)
{
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    bool single =
        lua_type(L, idx) == LUA_TSTRING || (lua_istable(L, idx) && lua_rawlen(L, idx) == 0);
    if (single) {
        check_item(L, idx, &items[0]);
        lua_pop(L, 1);
        return 1;
    }
    lua_pop(L, 1);
    luaL_argexpected(L, lua_istable(L, idx), idx, "what to play");
    size_t n = (size_t)luaL_len(L, idx);
    luaL_argcheck(L, n <= MAX_NAMES, idx, "too many entries in one list");
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, idx, (lua_Integer)i + 1);
        check_item(L, idx, &items[i]);
        lua_pop(L, 1); /* strings stay alive in the table */
    }
    return n;
}

static const char *opt_field_string(lua_State *L, int t, const char *k, const char *def)
{
    if (lua_type(L, t) != LUA_TTABLE)
        return def;
    lua_getfield(L, t, k);
    const char *v = def;
    if (lua_isboolean(L, -1))
        v = lua_toboolean(L, -1) ? "0123456789*#ABCD" : "";
    else if (!lua_isnil(L, -1))
        v = luaL_checkstring(L, -1); /* kept alive by the table */
    lua_pop(L, 1);
    return v;
}

static lua_Integer opt_field_int(lua_State *L, int t, const char *k, lua_Integer def)
{
    if (lua_type(L, t) != LUA_TTABLE)
        return def;
    lua_getfield(L, t, k);
    lua_Integer v = def;
    if (lua_isboolean(L, -1))
        v = lua_toboolean(L, -1) ? 0 : 1;
    else if (!lua_isnil(L, -1)) {
        int isnum;
        v = lua_tointegerx(L, -1, &isnum);
        if (!isnum)
            luaL_error(L, "option '%s' must be an integer", k);
    }
    lua_pop(L, 1);
    return v;
}

static bool opt_field_bool(lua_State *L, int t, const char *k, bool def)
{
    if (lua_type(L, t) != LUA_TTABLE)
        return def;
    int type = lua_getfield(L, t, k);
    bool v = type == LUA_TNIL ? def : lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static void play_done(void *ud, const struct ms_play_result *r)
{
    struct ms_script *s = ud;
    lua_State *co = s->co;
    int n;
    if (r->status == 0) {
        lua_pushboolean(co, 1);
        n = 1;
        if (r->digit) {
            lua_pushlstring(co, &r->digit, 1);
            n = 2;
        }
    } else {
        n = push_fail(co, r->status, r->failed);
    }
    ms__script_resume(s, n);
}

/* call:play(sounds, {interrupt = "123" | true, loop = n | true}) */
static int l_play(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    struct ms_play_item items[MAX_NAMES];
    size_t n = check_items(L, 2, items);
    struct ms_play_opts opts = {
        .interrupt = opt_field_string(L, 3, "interrupt", ""),
        .loops = (int)opt_field_int(L, 3, "loop", 1),
    };
    luaL_argcheck(L, opts.loops >= 0, 3, "loop must be >= 0 (0 or true: forever)");
    int rc = ms_call_play(call, items, n, &opts, play_done, s);
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc < 0)
        return push_fail(L, rc, NULL);
    return ms__script_wait(L, s);
}

/* Completes a result table at the top of the coroutine with its reason (and the
 * terminator key, if any) and resumes the script with it. */
static void resume_with_reason(struct ms_script *s, const char *reason, char terminator)
{
    lua_pushstring(s->co, reason);
    lua_setfield(s->co, -2, "reason");
    if (terminator) {
        lua_pushlstring(s->co, &terminator, 1);
        lua_setfield(s->co, -2, "terminator");
    }
    ms__script_resume(s, 1);
}

static void record_done(void *ud, const struct ms_record_result *r)
{
    struct ms_script *s = ud;
    lua_State *co = s->co;
    if (r->status < 0) {
        ms__script_resume(s, push_fail(co, r->status, r->path));
        return;
    }
    lua_createtable(co, 0, 4);
    lua_pushstring(co, r->path);
    lua_setfield(co, -2, "path");
    lua_pushnumber(co, (lua_Number)r->duration_ms / 1000.0);
    lua_setfield(co, -2, "duration");
    resume_with_reason(s, r->reason, r->terminator);
}

/* call:record(path, {max_seconds=, silence_seconds=, terminators=, beep=, format=, trim=})
 * -> {path=, duration= (s), reason=, terminator=} */
static int l_record(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    const char *path = luaL_checkstring(L, 2);
    static const char *const formats[] = {"pcm16", "ulaw", "alaw", NULL};
    const char *fmt = opt_field_string(L, 3, "format", "pcm16");
    int format = -1;
    for (int i = 0; formats[i]; i++)
        if (strcmp(fmt, formats[i]) == 0)
            format = i;
    luaL_argcheck(L, format >= 0, 3, "format: pcm16, ulaw or alaw");
    lua_Integer max_s = opt_field_int(L, 3, "max_seconds", 300);
    lua_Integer sil_s = opt_field_int(L, 3, "silence_seconds", 0);
    luaL_argcheck(L, max_s >= 0 && max_s <= 86400 && sil_s >= 0 && sil_s <= 3600, 3,
                  "max_seconds and silence_seconds must be >= 0");
    struct ms_record_opts o = {
        .max_ms = (uint32_t)max_s * 1000u,
        .silence_ms = (uint32_t)sil_s * 1000u,
        .terminators = opt_field_string(L, 3, "terminators", "#"),
        .beep = opt_field_bool(L, 3, "beep", true),
        .trim = opt_field_bool(L, 3, "trim", false),
        .format = format,
    };
    int rc = ms_call_record(call, path, &o, record_done, s);
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc < 0)
        return push_fail(L, rc, path);
    return ms__script_wait(L, s);
}

static void tone_done(void *ud, int status, const char *name)
{
    struct ms_script *s = ud;
    if (status < 0) {
        ms__script_resume(s, push_fail(s->co, status, NULL));
        return;
    }
    lua_pushstring(s->co, name);
    ms__script_resume(s, 1);
}

/* call:wait_tone(names, {timeout = ms}) -> the name heard ("fax-cng", "fax-ced", "busy",
 * "congestion", "ringback"), or nil, "ETIMEDOUT: ...", "ETIMEDOUT" */
static int l_wait_tone(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    unsigned mask = 0;
    if (lua_type(L, 2) == LUA_TSTRING) {
        mask = ms_tone_event_bit(lua_tostring(L, 2));
        luaL_argcheck(L, mask, 2, "fax-cng, fax-ced, busy, congestion or ringback");
    } else {
        luaL_checktype(L, 2, LUA_TTABLE);
        for (lua_Integer i = 1; i <= luaL_len(L, 2); i++) {
            lua_geti(L, 2, i);
            unsigned bit = lua_isstring(L, -1) ? ms_tone_event_bit(lua_tostring(L, -1)) : 0;
            luaL_argcheck(L, bit, 2, "fax-cng, fax-ced, busy, congestion or ringback");
            mask |= bit;
            lua_pop(L, 1);
        }
    }
    lua_Integer timeout = opt_field_int(L, 3, "timeout", 0);
    luaL_argcheck(L, timeout >= 0, 3, "timeout must be >= 0");
    int rc = ms_call_wait_tone(call, mask, (uint64_t)timeout, tone_done, s);
    luaL_argcheck(L, rc != MS_EINVAL, 2, "at least one tone to listen for");
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc < 0)
        return push_fail(L, rc, NULL);
    return ms__script_wait(L, s);
}

/* call:moh([class], {interrupt = "#", ms = 30000}): music on hold of a class, shared by every
 * listener, until a digit, ms, or the end of the call. */
static int l_moh(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    const char *cls = luaL_optstring(L, 2, "default");
    struct ms_moh_opts o = {
        .interrupt = opt_field_string(L, 3, "interrupt", ""),
        .ms = (uint64_t)opt_field_int(L, 3, "ms", 0),
    };
    int rc = ms_call_moh(call, cls, &o, play_done, s);
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc < 0)
        return push_fail(L, rc, cls);
    return ms__script_wait(L, s);
}

static void done_cb(void *ud, int status)
{
    struct ms_script *s = ud;
    if (status == 0) {
        lua_pushboolean(s->co, 1);
        ms__script_resume(s, 1);
    } else {
        ms__script_resume(s, push_fail(s->co, status, NULL));
    }
}

static int l_sleep(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    lua_Integer ms = luaL_checkinteger(L, 2);
    luaL_argcheck(L, ms >= 0, 2, "must be >= 0");
    int rc = ms_call_sleep(call, (uint64_t)ms, done_cb, s);
    if (rc < 0)
        return push_fail(L, rc, NULL);
    return ms__script_wait(L, s);
}

/* call:echo([ms]): the caller hears itself until ms elapse or the call ends. */
static int l_echo(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    lua_Integer ms = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, ms >= 0, 2, "must be >= 0");
    int rc = ms_call_echo(call, (uint64_t)ms, done_cb, s);
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc < 0)
        return push_fail(L, rc, NULL);
    return ms__script_wait(L, s);
}

static void collect_done(void *ud, const struct ms_collect_result *r)
{
    struct ms_script *s = ud;
    lua_State *co = s->co;
    if (r->status < 0 && r->status != MS_EHANGUP) {
        ms__script_resume(s, push_fail(co, r->status, r->failed));
        return;
    }
    lua_createtable(co, 0, 5);
    lua_pushstring(co, r->digits);
    lua_setfield(co, -2, "digits");
    if (r->speech) {
        lua_pushstring(co, r->speech);
        lua_setfield(co, -2, "speech");
    }
    if (r->speech || strcmp(r->reason, "nomatch") == 0) {
        lua_pushnumber(co, (lua_Number)r->confidence);
        lua_setfield(co, -2, "confidence");
    }
    resume_with_reason(s, r->reason, r->terminator);
}

/* A refused start of collect: errors of the script raise, the others return fail. */
static int collect_refused(lua_State *L, int rc, const char *grammar_err)
{
    if (rc == MS_EHANGUP)
        return ms__raise_hangup(L);
    if (rc == MS_EINVAL && !grammar_err[0])
        return luaL_argerror(L, 2, "invalid digit collection options");
    if (rc == MS_EFORMAT || rc == MS_ENOENT || rc == MS_EINVAL)
        return luaL_error(L, "gather: speech: %s", grammar_err[0] ? grammar_err : ms_strerror(rc));
    if (rc == MS_EBUSY)
        return push_fail(L, rc, "every speech recogniser is in use (config asr.pool)");
    if (rc == MS_ENOSYS)
        return push_fail(L, rc, "speech recognition is off (config asr)");
    return push_fail(L, rc, NULL);
}

/* call:_collect{prompt=, min=, max=, timeout=, inter_digit=, terminators=, flush=}:
 * one try of gather (see bindings/lua/gather.lua). */
static int l_collect(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    luaL_checktype(L, 2, LUA_TTABLE);
    struct ms_play_item items[MAX_NAMES];
    size_t n = 0;
    lua_getfield(L, 2, "prompt");
    if (!lua_isnil(L, -1))
        n = check_items(L, lua_gettop(L), items);
    struct ms_collect_opts o = {
        .prompt = items,
        .nprompt = n,
        .min = (int)opt_field_int(L, 2, "min", 1),
        .max = (int)opt_field_int(L, 2, "max", 1),
        .timeout_ms = (uint64_t)opt_field_int(L, 2, "timeout", 5000),
        .inter_digit_ms = (uint64_t)opt_field_int(L, 2, "inter_digit", 3000),
        .terminators = opt_field_string(L, 2, "terminators", ""),
    };
    lua_getfield(L, 2, "flush");
    o.flush = lua_toboolean(L, -1);
    struct ms_speech_opts so;
    const char *kw[MAX_NAMES];
    char grammar_err[256] = "";
    if (lua_getfield(L, 2, "speech") == LUA_TTABLE) {
        ms__lua_speech_opts(L, lua_gettop(L), &so, kw, MAX_NAMES);
        so.err = grammar_err;
        so.errlen = sizeof grammar_err;
        o.speech = &so;
    }
    int rc = ms_call_collect(call, &o, collect_done, s);
    if (rc < 0)
        return collect_refused(L, rc, grammar_err);
    return ms__script_wait(L, s);
}

static void grammar_loaded(void *ud, int status, char *data, size_t len)
{
    struct ms_script *s = ud;
    if (status < 0) {
        ms__script_resume(s, push_fail(s->co, status, NULL));
        return;
    }
    lua_pushlstring(s->co, data, len);
    free(data);
    ms__script_resume(s, 1);
}

/* call:_read_grammar(path) -> text: a grammar file below the scripts directory, read off the
 * loop (gather's speech.grammar_file). */
static int l_read_grammar(lua_State *L)
{
    struct ms_call *call = live_call(L);
    struct ms_script *s = ms__script_check(L, call);
    const char *rel = luaL_checkstring(L, 2);
    char path[1024];
    int rc = ms__path_inside(s->rt->scripts_dir, rel, path, sizeof path);
    if (rc < 0)
        return push_fail(L, rc, rel);
    if ((rc = ms__file_load(s->rt->loop, path, 1u << 20, grammar_loaded, s)) < 0)
        return push_fail(L, rc, rel);
    return ms__script_wait(L, s);
}

/* ---- fields ---- */

static int vars_index(lua_State *L)
{
    struct ms_call *call = to_call(L, lua_upvalueindex(1));
    const char *v = ms_call_var_get(call, luaL_checkstring(L, 2));
    if (v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    return 1;
}

static int vars_newindex(lua_State *L)
{
    struct ms_call *call = to_call(L, lua_upvalueindex(1));
    const char *k = luaL_checkstring(L, 2);
    int t = lua_type(L, 3);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TSTRING || t == LUA_TNUMBER || t == LUA_TBOOLEAN,
                     3, "string, number, boolean or nil");
    const char *v = t == LUA_TNIL ? NULL : luaL_tolstring(L, 3, NULL);
    if (ms_call_var_set(call, k, v) < 0)
        return luaL_error(L, "cannot set variable '%s'", k);
    return 0;
}

static int vars_next(lua_State *L)
{
    struct ms_call *call = to_call(L, lua_upvalueindex(1));
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    const char *k, *v;
    if (!ms_call_var_at(call, (size_t)i, &k, &v))
        return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    lua_pushstring(L, k);
    lua_pushstring(L, v);
    return 2;
}

static int vars_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, vars_next, 2);
    return 1;
}

/* call.vars: a proxy table onto the call's channel variables (cached per userdata). */
static void push_vars(lua_State *L, int call_idx)
{
    if (lua_getiuservalue(L, call_idx, 1) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 4);
    const luaL_Reg mm[] = {
        {"__index", vars_index}, {"__newindex", vars_newindex}, {"__pairs", vars_pairs}, {0, 0}};
    lua_pushvalue(L, call_idx);
    luaL_setfuncs(L, mm, 1);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, call_idx, 1);
}

static int l_index(lua_State *L)
{
    struct ms_call *call = to_call(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "id") == 0)
        lua_pushstring(L, ms_call_id(call));
    else if (strcmp(k, "caller") == 0)
        lua_pushstring(L, ms_call_caller(call));
    else if (strcmp(k, "caller_name") == 0)
        lua_pushstring(L, ms_call_caller_name(call));
    else if (strcmp(k, "destination") == 0)
        lua_pushstring(L, ms_call_destination(call));
    else if (strcmp(k, "state") == 0)
        lua_pushstring(L, ms_call_state_name(ms_call_state(call)));
    else if (strcmp(k, "vars") == 0)
        push_vars(L, 1);
    else {
        lua_getmetatable(L, 1);
        lua_getfield(L, -1, "methods");
        lua_getfield(L, -1, k);
    }
    return 1;
}

static int l_tostring(lua_State *L)
{
    struct ms_call *call = to_call(L, 1);
    if (ms_call_is_over(call))
        lua_pushstring(L, CALL_MT " (ended)");
    else
        lua_pushfstring(L, CALL_MT " (%s)", ms_call_id(call));
    return 1;
}

static int l_gc(lua_State *L)
{
    struct lcall *lc = luaL_checkudata(L, 1, CALL_MT);
    if (lc->call) {
        ms_call_unref(lc->call);
        lc->call = NULL;
    }
    return 0;
}

static const luaL_Reg methods[] = {
    {"answer", l_answer},       {"ring", l_ring},   {"hangup", l_hangup}, {"transfer", l_transfer},
    {"play", l_play},           {"sleep", l_sleep}, {"echo", l_echo},
    {"_collect", l_collect},    {"moh", l_moh},     {"record", l_record},
    {"wait_tone", l_wait_tone}, {"_read_grammar", l_read_grammar}, {NULL, NULL},
};

int luaopen_moonswitch_call(lua_State *L)
{
    if (luaL_newmetatable(L, CALL_MT)) {
        lua_pushcfunction(L, l_index);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
        luaL_newlib(L, methods);
        /* methods written in Lua extend the table */
        static const char *const extensions[] = {"moonswitch.gather", "moonswitch.media", NULL};
        for (int i = 0; extensions[i]; i++) {
            lua_getglobal(L, "require");
            lua_pushstring(L, extensions[i]);
            lua_call(L, 1, 1);
            lua_pushvalue(L, -2);
            lua_call(L, 1, 0);
        }
        lua_setfield(L, -2, "methods");
    }
    lua_getfield(L, -1, "methods");
    return 1;
}
