/* moonswitch.testing.scripts: flow tests drive and observe the scripts'
 * runtime in-process — reloads, generations, error counts, the wall clock
 * scripts see (docs/testing.md).
 * Over the wire the runtime is in another process: these raise an error. */
#include "engine.h"
#include "lua_clock.h"
#include "moonswitch/loop.h"
#include "runtime.h"
#include "testrun.h"

#include <lauxlib.h>

static struct ms_runtime *runtime_of(lua_State *L)
{
    struct ms__testctx *ctx = lua_touserdata(L, lua_upvalueindex(1));
    if (!ctx->engine)
        luaL_error(L, "the scripts' runtime is only reachable in-process (not with --wire)");
    return ms__engine_runtime(ctx->engine);
}

/* scripts.reload(): starts a reload (files read off the loop); see status().done. */
static int l_reload(lua_State *L)
{
    ms_runtime_reload(runtime_of(L));
    return 0;
}

/* scripts.status() -> {generation=, generations=, reloads=, refused=, error=, lua_kb=,
 * errors = {[file] = count}} */
static int l_status(lua_State *L)
{
    struct ms_runtime *rt = runtime_of(L);
    struct ms_runtime_status st;
    ms_runtime_status(rt, &st);
    lua_createtable(L, 0, 7);
    lua_pushinteger(L, st.generation);
    lua_setfield(L, -2, "generation");
    lua_pushinteger(L, st.generations);
    lua_setfield(L, -2, "generations");
    lua_pushinteger(L, (lua_Integer)st.reloads);
    lua_setfield(L, -2, "reloads");
    lua_pushinteger(L, (lua_Integer)st.refused);
    lua_setfield(L, -2, "refused");
    lua_pushinteger(L, (lua_Integer)st.lua_kb);
    lua_setfield(L, -2, "lua_kb");
    lua_pushstring(L, ms_runtime_scripts_dir(rt));
    lua_setfield(L, -2, "dir");
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)st.stopped_instructions);
    lua_setfield(L, -2, "instructions");
    lua_pushinteger(L, (lua_Integer)st.stopped_wall);
    lua_setfield(L, -2, "wall");
    lua_pushinteger(L, (lua_Integer)st.stopped_memory);
    lua_setfield(L, -2, "memory");
    lua_setfield(L, -2, "stopped");
    if (st.error) {
        lua_pushstring(L, st.error);
        lua_setfield(L, -2, "error");
    }
    lua_createtable(L, 0, (int)st.error_files);
    for (size_t i = 0; i < st.error_files; i++) {
        unsigned long n;
        const char *file = ms_runtime_error_count(rt, i, &n);
        lua_pushinteger(L, (lua_Integer)n);
        lua_setfield(L, -2, file);
    }
    lua_setfield(L, -2, "errors");
    return 1;
}

/* scripts.set_time(epoch_seconds): the wall clock scripts see (os.time, os.date) and call
 * times, from now on; the virtual clock goes on from there. */
static int l_set_time(lua_State *L)
{
    struct ms__testctx *ctx = lua_touserdata(L, lua_upvalueindex(1));
    lua_Number t = luaL_checknumber(L, 1);
    luaL_argcheck(L, t >= 0, 1, "seconds since the epoch");
    runtime_of(L);
    ms_loop_set_epoch(ctx->loop, (uint64_t)(t * 1000.0));
    return 0;
}

static int luaopen_scripts(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"reload", l_reload}, {"status", l_status}, {"set_time", l_set_time}, {NULL, NULL}};
    luaL_newlibtable(L, funcs);
    lua_pushvalue(L, lua_upvalueindex(1));
    luaL_setfuncs(L, funcs, 1);
    return 1;
}

void ms__test_scripts_open(lua_State *L, struct ms__testctx *ctx)
{
    if (ctx->loop) /* the runner's os.time()/os.date() follow the loop too */
        ms__lua_clock_os(L, ctx->loop);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, luaopen_scripts, 1);
    lua_setfield(L, -2, "moonswitch.testing.scripts");
    lua_pop(L, 1);
}
