/* The `speech` option of call:_collect, read from Lua into struct
 * ms_speech_opts. gather.lua has checked its keys and types already; this
 * only converts. Strings point into the Lua table, which stays on the stack
 * for as long as the options are used. */
#include "speech_opts.h"

#include <lauxlib.h>

static lua_Integer int_field(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    lua_Integer v = luaL_optinteger(L, -1, 0);
    lua_pop(L, 1);
    return v < 0 ? 0 : v;
}

int ms__lua_speech_opts(lua_State *L, int t, struct ms_speech_opts *o, const char **kw,
                        size_t maxkw)
{
    *o = (struct ms_speech_opts){.min_confidence = -1.0f};
    lua_getfield(L, t, "grammar");
    o->grammar = lua_tostring(L, -1); /* the table keeps it alive */
    lua_pop(L, 1);
    if (lua_getfield(L, t, "keywords") == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        if (n < 1 || (size_t)n > maxkw)
            return luaL_error(L, "gather: speech.keywords: 1 to %d words or phrases", (int)maxkw);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, -1, i);
            kw[i - 1] = luaL_checkstring(L, -1); /* kept by the keywords table */
            lua_pop(L, 1);
        }
        o->keywords = kw;
        o->nkeywords = (size_t)n;
    }
    lua_pop(L, 1);
    o->end_silence_ms = (uint32_t)int_field(L, t, "end_silence");
    o->max_ms = (uint32_t)int_field(L, t, "max_speech");
    lua_getfield(L, t, "confidence");
    if (!lua_isnil(L, -1))
        o->min_confidence = (float)luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return 0;
}
