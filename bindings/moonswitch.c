/* Lua module "moonswitch": helpers that are not about one call. */
#define MS_LOG_MODULE "script"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "runtime_internal.h"

#include <lauxlib.h>
#include <stdio.h>

static int l_is_hangup(lua_State *L)
{
    lua_pushboolean(L, ms__is_hangup_error(L, 1));
    return 1;
}

static int log_at(lua_State *L, enum ms_log_level lvl)
{
    if (!MS_LOG_ON_(lvl))
        return 0;
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, ' ');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    lua_Debug ar;
    const char *where = "?";
    char buf[128];
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
        snprintf(buf, sizeof buf, "%s:%d", ar.short_src, ar.currentline);
        where = buf;
    }
    ms_log_(lvl, "script", NULL, "%s: %s", where, lua_tostring(L, -1));
    return 0;
}

static int l_err(lua_State *L)
{
    return log_at(L, MS_LOG_ERROR);
}
static int l_warn(lua_State *L)
{
    return log_at(L, MS_LOG_WARN);
}
static int l_info(lua_State *L)
{
    return log_at(L, MS_LOG_INFO);
}
static int l_debug(lua_State *L)
{
    return log_at(L, MS_LOG_DEBUG);
}

/* moonswitch.epoch_ms(): wall-clock ms, following the loop (virtual in flow tests). */
static int l_epoch_ms(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "moonswitch.loop");
    struct ms_loop *loop = lua_touserdata(L, -1);
    lua_pushinteger(L, loop ? (lua_Integer)ms_loop_epoch_ms(loop) : 0);
    return 1;
}

/* moonswitch.generation(): the generation table of the running call's script
 * (its modules, prompt sources and caches), else the newest one, else nil. */
static int l_generation(lua_State *L)
{
    struct ms_script *s = ms__script_of(L);
    struct ms__gen *g = s ? s->gen : NULL;
    if (!g) {
        lua_getfield(L, LUA_REGISTRYINDEX, "moonswitch.runtime");
        struct ms_runtime *rt = lua_touserdata(L, -1);
        g = rt ? rt->current : NULL;
    }
    if (g)
        ms__gen_push_table(g, L);
    else
        lua_pushnil(L);
    return 1;
}

static const luaL_Reg funcs[] = {
    {"is_hangup", l_is_hangup}, {"log_error", l_err},     {"log_warn", l_warn},
    {"log_info", l_info},       {"log_debug", l_debug},   {"epoch_ms", l_epoch_ms},
    {"generation", l_generation}, {NULL, NULL},
};

int luaopen_moonswitch(lua_State *L)
{
    luaL_newlib(L, funcs);
    lua_pushstring(L, "0.1.0");
    lua_setfield(L, -2, "version");
    lua_getfield(L, LUA_REGISTRYINDEX, "moonswitch.config");
    lua_setfield(L, -2, "config");
    return 1;
}
