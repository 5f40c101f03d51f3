/* os.time() and os.date() on the loop's wall clock (see lua_clock.h). */
#include "lua_clock.h"
#include "moonswitch/loop.h"

#include <lauxlib.h>

static lua_Integer now_s(lua_State *L)
{
    struct ms_loop *loop = lua_touserdata(L, lua_upvalueindex(1));
    return (lua_Integer)(ms_loop_epoch_ms(loop) / 1000);
}

/* os.time([t]): a table is converted by the real os.time (upvalue 2). */
static int l_time(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) {
        lua_settop(L, 1);
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_insert(L, 1);
        lua_call(L, 1, 1);
        return 1;
    }
    lua_pushinteger(L, now_s(L));
    return 1;
}

/* os.date([format [, t]]): t defaults to the loop's now. */
static int l_date(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_isnil(L, 1)) {
        lua_pushstring(L, "%c");
        lua_replace(L, 1);
    }
    if (lua_isnil(L, 2)) {
        lua_pushinteger(L, now_s(L));
        lua_replace(L, 2);
    }
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

void ms__lua_clock_os(lua_State *L, struct ms_loop *loop)
{
    if (lua_getglobal(L, "os") != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    static const struct {
        const char *name;
        lua_CFunction f;
    } fns[] = {{"time", l_time}, {"date", l_date}};
    for (size_t i = 0; i < 2; i++) {
        lua_pushlightuserdata(L, loop);
        lua_getfield(L, -2, fns[i].name);
        lua_pushcclosure(L, fns[i].f, 2);
        lua_setfield(L, -2, fns[i].name);
    }
    lua_pop(L, 1);
}
