/* The coroutine scheduler: one coroutine per call, started from the loop,
 * suspended in primitives and resumed by their completion callbacks. */
#define MS_LOG_MODULE "script"
#include "moonswitch/call.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "runtime_internal.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

struct chunk_reader {
    const char *p;
    size_t left;
};

static const char *read_chunk(lua_State *L, void *ud, size_t *size)
{
    (void)L;
    struct chunk_reader *r = ud;
    *size = r->left;
    r->left = 0;
    return *size ? r->p : NULL;
}

static struct ms_script **slot_of(lua_State *co)
{
    return (struct ms_script **)lua_getextraspace(co);
}

struct ms_script *ms__script_check(lua_State *L, struct ms_call *call)
{
    struct ms_script *s = *slot_of(L);
    if (!s || s->co != L || s->call != call || !lua_isyieldable(L))
        luaL_error(L, "a call's media primitives can only be used from its own script "
                      "(not from another call's script, a nested coroutine or a metamethod)");
    return s;
}

int ms__script_wait(lua_State *L, struct ms_script *s)
{
    s->waiting = true;
    return lua_yield(L, 0);
}

static void unlink_script(struct ms_script *s)
{
    struct ms_runtime *rt = s->rt;
    if (s->prev)
        s->prev->next = s->next;
    else
        rt->scripts = s->next;
    if (s->next)
        s->next->prev = s->prev;
    rt->nrunning--;
}

static void report_error(struct ms_script *s, int status)
{
    lua_State *co = s->co, *L = s->rt->L;
    const char *id = ms_call_id(s->call);
    if (ms__is_hangup_error(co, -1)) {
        ms_debug(id, "script ended by hangup");
        return;
    }
    const char *msg = luaL_tolstring(co, -1, NULL);
    luaL_traceback(L, co, msg, 0);
    ms_err(id, "script error: %s", lua_tostring(L, -1));
    ms_call_var_set(s->call, "script_error", msg);
    lua_pop(L, 1);
    lua_pop(co, 1);
    (void)status;
}

static void finish(struct ms_script *s, int status)
{
    struct ms_call *call = s->call;
    if (status != LUA_OK && status != LUA_YIELD)
        report_error(s, status);
    bool failed = status != LUA_OK && !ms__is_hangup_error(s->co, -1);
    lua_resetthread(s->co); /* closes pending to-be-closed variables */
    *slot_of(s->co) = NULL;
    luaL_unref(s->rt->L, LUA_REGISTRYINDEX, s->co_ref);
    unlink_script(s);
    if (!ms_call_is_over(call))
        ms_call_hangup(call, failed ? "NORMAL_TEMPORARY_FAILURE" : "NORMAL_CLEARING");
    if (s->done_cb)
        s->done_cb(s->done_ud, call);
    ms_call_unref(call);
    free(s);
}

void ms__script_resume(struct ms_script *s, int nargs)
{
    int nres = 0;
    s->waiting = false;
    int status = lua_resume(s->co, s->rt->L, nargs, &nres);
    if (status == LUA_YIELD && s->waiting) {
        lua_pop(s->co, nres);
        return;
    }
    if (status == LUA_YIELD) { /* a bare coroutine.yield() at the script's top level */
        lua_pop(s->co, nres);
        lua_pushstring(s->co, "coroutine.yield() called outside a moonswitch primitive");
        status = LUA_ERRRUN;
    }
    finish(s, status);
}

static void start_cb(void *ud)
{
    struct ms_script *s = ud;
    ms__script_resume(s, s->start_nargs);
}

/* Pushes boot, the entry chunk with a fresh _ENV, and the call onto co. */
static int push_entry(struct ms_runtime *rt, lua_State *co, struct ms_call *call)
{
    lua_rawgeti(co, LUA_REGISTRYINDEX, rt->boot_ref);
    struct chunk_reader r = {rt->chunk, rt->chunk_len};
    if (lua_load(co, read_chunk, &r, rt->entry, "b") != LUA_OK) {
        ms_err(ms_call_id(call), "cannot load the compiled entry: %s", lua_tostring(co, -1));
        lua_pop(co, 2);
        return MS_EFORMAT;
    }
    lua_newtable(co); /* the call's _ENV: its own globals, reads fall back to _G */
    lua_createtable(co, 0, 1);
    lua_rawgeti(co, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_setfield(co, -2, "__index");
    lua_setmetatable(co, -2);
    if (!lua_setupvalue(co, -2, 1))
        lua_pop(co, 1);
    ms__lua_push_call(co, call);
    return 0;
}

int ms_runtime_start_call(struct ms_runtime *rt, struct ms_call *call, ms_script_done_cb cb,
                          void *ud)
{
    int rc = ms_runtime_prepare(rt);
    if (rc < 0)
        return rc;
    struct ms_script *s = calloc(1, sizeof *s);
    if (!s)
        return MS_ENOMEM;
    s->rt = rt;
    s->co = lua_newthread(rt->L);
    s->co_ref = luaL_ref(rt->L, LUA_REGISTRYINDEX);
    rc = push_entry(rt, s->co, call);
    if (rc < 0) {
        luaL_unref(rt->L, LUA_REGISTRYINDEX, s->co_ref);
        free(s);
        return rc;
    }
    *slot_of(s->co) = s;
    s->start_nargs = 2;
    s->call = call;
    ms_call_ref(call);
    s->done_cb = cb;
    s->done_ud = ud;
    s->next = rt->scripts;
    if (rt->scripts)
        rt->scripts->prev = s;
    rt->scripts = s;
    rt->nrunning++;
    ms_defer(rt->loop, &s->start, start_cb, s);
    return 0;
}
