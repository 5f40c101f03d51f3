/* Lua module "moonswitch": helpers that are not about one call. */
#define MS_LOG_MODULE "script"
#include "moonswitch/log.h"
#include "script.h"

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

static const luaL_Reg funcs[] = {
    {"is_hangup", l_is_hangup}, {"log_error", l_err},   {"log_warn", l_warn},
    {"log_info", l_info},       {"log_debug", l_debug}, {NULL, NULL},
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
