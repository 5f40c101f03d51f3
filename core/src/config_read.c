/* The configuration reader's helpers (config_read.h). */
#include "config_read.h"
#include "moonswitch/error.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ms__cfg_fail(struct ms__cfg_reader *r, const char *key, const char *fmt, ...)
{
    if (r->failed)
        return MS_EINVAL;
    int n = snprintf(r->err, r->errlen, "%s: ", key);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return MS_EINVAL;
}

int ms__cfg_get_string(struct ms__cfg_reader *r, const char *key, const char *field, char **out)
{
    lua_getfield(r->L, -1, field);
    int rc = 0;
    if (lua_type(r->L, -1) == LUA_TSTRING)
        rc = ms_config_set_string(out, lua_tostring(r->L, -1));
    else if (!lua_isnil(r->L, -1))
        rc = ms__cfg_fail(r, key, "expected a string, got %s", luaL_typename(r->L, -1));
    lua_pop(r->L, 1);
    return rc;
}

int ms__cfg_get_int(struct ms__cfg_reader *r, const char *key, const char *field, int lo, int hi,
                    int *out)
{
    lua_getfield(r->L, -1, field);
    int rc = 0, isint = 0;
    lua_Integer v = lua_tointegerx(r->L, -1, &isint);
    if (isint && v >= lo && v <= hi)
        *out = (int)v;
    else if (!lua_isnil(r->L, -1))
        rc = ms__cfg_fail(r, key, "expected an integer in %d..%d", lo, hi);
    lua_pop(r->L, 1);
    return rc;
}

/* Checks that every key of the table at the top is in `allowed`. */
int ms__cfg_check_keys(struct ms__cfg_reader *r, const char *prefix, const char *const *allowed)
{
    lua_pushnil(r->L);
    while (lua_next(r->L, -2)) {
        lua_pop(r->L, 1);
        const char *k = lua_type(r->L, -1) == LUA_TSTRING ? lua_tostring(r->L, -1) : NULL;
        bool ok = false;
        for (size_t i = 0; k && allowed[i]; i++)
            ok = ok || strcmp(k, allowed[i]) == 0;
        if (!ok) {
            char name[96];
            snprintf(name, sizeof name, "%s%s", prefix, k ? k : "(non-string key)");
            lua_pop(r->L, 1);
            return ms__cfg_fail(r, name, "unknown key");
        }
    }
    return 0;
}

/* Enters the sub-table `field` (pushing it) if present; returns 1, 0 (absent) or error. */
int ms__cfg_enter(struct ms__cfg_reader *r, const char *field)
{
    lua_getfield(r->L, -1, field);
    if (lua_istable(r->L, -1))
        return 1;
    bool absent = lua_isnil(r->L, -1);
    lua_pop(r->L, 1);
    return absent ? 0 : ms__cfg_fail(r, field, "expected a table");
}

int ms__cfg_read_string_list(struct ms__cfg_reader *r, const char *key, char **list, size_t *n,
                             size_t max)
{
    size_t len = (size_t)lua_rawlen(r->L, -1);
    if (len == 0 || len > max)
        return ms__cfg_fail(r, key, "expected a list of 1 to %zu strings", max);
    for (size_t i = 0; i < *n; i++) {
        free(list[i]);
        list[i] = NULL;
    }
    *n = 0;
    for (size_t i = 1; i <= len; i++) {
        lua_rawgeti(r->L, -1, (lua_Integer)i);
        if (lua_type(r->L, -1) != LUA_TSTRING) {
            lua_pop(r->L, 1);
            return ms__cfg_fail(r, key, "item %zu is not a string", i);
        }
        list[(*n)++] = strdup(lua_tostring(r->L, -1));
        lua_pop(r->L, 1);
    }
    return 0;
}
