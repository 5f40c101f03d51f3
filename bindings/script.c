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

static struct ms_script **slot_of(lua_State *co)
{
    return (struct ms_script **)lua_getextraspace(co);
}

struct ms_script *ms__script_of(lua_State *L)
{
    return *slot_of(L);
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
    if (ms__is_transfer_error(co, -1))
        return;
    const char *msg = luaL_tolstring(co, -1, NULL);
    luaL_traceback(L, co, msg, 0);
    ms_err(id, "script error: %s", lua_tostring(L, -1));
    ms_call_var_set(s->call, "script_error", msg);
    lua_pop(L, 1);
    lua_pop(co, 1);
    (void)status;
}

static int start_coroutine(struct ms_script *s);

/* call:transfer(dest) was asked for: the entry runs again in a new coroutine
 * (same generation, same script struct). false: the script ends instead. */
bool ms__script_transfer(struct ms_script *s)
{
    char *dest = s->transfer_to;
    s->transfer_to = NULL;
    bool ok = false;
    if (ms_call_is_over(s->call)) {
        ok = false;
    } else if (++s->transfers > MS_MAX_TRANSFERS) {
        ms_err(ms_call_id(s->call), "more than %d transfers: a loop? (last to %s)",
               MS_MAX_TRANSFERS, dest);
        ms_call_var_set(s->call, "script_error", "too many transfers");
    } else if (ms_call_set_destination(s->call, dest) == 0) {
        ms_info(ms_call_id(s->call), "transferred to %s", dest);
        ok = start_coroutine(s) == 0;
    }
    free(dest);
    return ok;
}

static void drop_coroutine(struct ms_script *s)
{
    if (ms__budget_cleanup(&s->budget))
        lua_resetthread(s->co); /* closes pending to-be-closed variables */
    ms__budget_end(&s->budget);
    *slot_of(s->co) = NULL;
    luaL_unref(s->rt->L, LUA_REGISTRYINDEX, s->co_ref);
    s->co = NULL;
}

static void finish(struct ms_script *s, int status)
{
    if (status != LUA_OK && status != LUA_YIELD)
        report_error(s, status);
    bool failed =
        status != LUA_OK && !ms__is_hangup_error(s->co, -1) && !ms__is_transfer_error(s->co, -1);
    if (failed)
        ms__script_count_error(s);
    drop_coroutine(s);
    if (s->transfer_to && ms__script_transfer(s))
        return;
    if (failed && ms__script_after_error(s))
        return; /* transferred to the fallback, or the apology is playing */
    ms__script_end(s, failed);
}

void ms__script_end(struct ms_script *s, bool failed)
{
    struct ms_call *call = s->call;
    unlink_script(s);
    if (!ms_call_is_over(call))
        ms_call_hangup(call, failed ? "NORMAL_TEMPORARY_FAILURE" : "NORMAL_CLEARING");
    if (s->done_cb)
        s->done_cb(s->done_ud, call);
    ms__gen_unref(s->gen);
    if (s->owner)
        ms__alloc_owner_end(s->rt->alloc, s->owner);
    free(s->transfer_to);
    ms_call_unref(call);
    free(s);
}

void ms__script_resume(struct ms_script *s, int nargs)
{
    int nres = 0;
    s->waiting = false;
    ms__budget_resume(&s->budget);
    int status = lua_resume(s->co, s->rt->L, nargs, &nres);
    ms__budget_pause(&s->budget);
    const char *why = ms__budget_tripped(&s->budget);
    if (why) { /* stopped: suspended (LUA_YIELD, not waiting) or the budget error */
        struct ms__budget_stats st;
        ms__budget_stats(&s->budget, &st);
        ms_warn(ms_call_id(s->call), "script stopped: %s budget exceeded at %s (slice %.1f ms)",
                why, ms__budget_where(&s->budget), (double)st.max_slice_ns / 1e6);
        if (status == LUA_YIELD || status == LUA_OK)
            lua_pop(s->co, nres);
        lua_pushfstring(s->co, "EBUDGET: %s budget exceeded", why);
        finish(s, LUA_ERRRUN);
        return;
    }
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

/* Pushes boot, the generation's entry with a fresh _ENV, and the call onto co. */
static int push_entry(struct ms_script *s)
{
    lua_rawgeti(s->co, LUA_REGISTRYINDEX, s->rt->boot_ref);
    int rc = ms__gen_push_entry(s->gen, s->co);
    if (rc < 0) {
        lua_pop(s->co, 1);
        return rc;
    }
    ms__lua_push_call(s->co, s->call);
    return 0;
}

/* A new coroutine for the script, its first resume deferred to the loop. */
static int start_coroutine(struct ms_script *s)
{
    struct ms_runtime *rt = s->rt;
    if (!s->owner && ms__alloc_owner_new(rt->alloc, rt->memory_limit, &s->owner) < 0)
        return MS_ENOMEM;
    ms__owner_t prev = ms__alloc_set_owner(rt->alloc, s->owner); /* the call pays for its thread */
    s->co = lua_newthread(rt->L);
    s->co_ref = luaL_ref(rt->L, LUA_REGISTRYINDEX);
    int rc = push_entry(s);
    ms__alloc_set_owner(rt->alloc, prev);
    if (rc == 0) {
        ms__budget_arm(s->co, &s->budget, &rt->limits);
        ms__budget_attach_owner(&s->budget, rt->alloc, s->owner);
    }
    if (rc < 0) {
        luaL_unref(rt->L, LUA_REGISTRYINDEX, s->co_ref);
        s->co = NULL;
        return rc;
    }
    *slot_of(s->co) = s;
    s->start_nargs = 2;
    ms_defer(rt->loop, &s->start, start_cb, s);
    return 0;
}

int ms_runtime_start_call(struct ms_runtime *rt, struct ms_call *call, ms_script_done_cb cb,
                          void *ud)
{
    if (!rt->current)
        return MS_EFORMAT; /* no generation: the scripts never compiled */
    struct ms_script *s = calloc(1, sizeof *s);
    if (!s)
        return MS_ENOMEM;
    s->rt = rt;
    s->call = call;
    s->gen = rt->current;
    int rc = start_coroutine(s);
    if (rc < 0) {
        free(s);
        return rc;
    }
    ms__gen_ref(s->gen);
    ms_call_ref(call);
    s->done_cb = cb;
    s->done_ud = ud;
    s->next = rt->scripts;
    if (rt->scripts)
        rt->scripts->prev = s;
    rt->scripts = s;
    rt->nrunning++;
    return 0;
}
