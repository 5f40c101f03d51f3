/* The loop's lua_State: libraries, module search path, the compiled entry. */
#define MS_LOG_MODULE "lua"
#include "runtime_internal.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lua_State *ms__runtime_state(struct ms_runtime *rt)
{
    return rt->L;
}

/* package.preload entries for the Lua sources compiled into the binary. */
static int load_embedded(lua_State *L)
{
    const struct ms__lua_source *src = lua_touserdata(L, lua_upvalueindex(1));
    char chunkname[96];
    snprintf(chunkname, sizeof chunkname, "=[%s]", src->name);
    if (luaL_loadbufferx(L, (const char *)src->data, src->size, chunkname, "t") != LUA_OK)
        return lua_error(L);
    lua_pushstring(L, src->name);
    lua_call(L, 1, 1);
    return 1;
}

void ms_runtime_register_embedded(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (const struct ms__lua_source *s = ms__lua_sources; s->name; s++) {
        lua_pushlightuserdata(L, (void *)s);
        lua_pushcclosure(L, load_embedded, 1);
        lua_setfield(L, -2, s->name);
    }
    lua_pop(L, 1);
}

static void register_preloads(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_moonswitch);
    lua_setfield(L, -2, "moonswitch");
    lua_pushcfunction(L, luaopen_moonswitch_call);
    lua_setfield(L, -2, "moonswitch.call");
    lua_pop(L, 1);
    ms_runtime_register_embedded(L);
}

static void set_package_path(lua_State *L, const char *dir)
{
    lua_getglobal(L, "package");
    lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s/lib/?.lua;%s/lib/?/init.lua", dir, dir, dir, dir);
    lua_setfield(L, -2, "path");
    lua_pushstring(L, "");
    lua_setfield(L, -2, "cpath"); /* no native modules from scripts */
    lua_pop(L, 1);
}

static int hangup_tostring(lua_State *L)
{
    lua_pushstring(L, "EHANGUP: call has ended");
    return 1;
}

/* One shared value raised as the hangup error; scripts test it with moonswitch.is_hangup. */
static void make_hangup_error(lua_State *L)
{
    lua_createtable(L, 0, 2);
    lua_pushstring(L, "EHANGUP");
    lua_setfield(L, -2, "code");
    lua_pushstring(L, "call has ended");
    lua_setfield(L, -2, "message");
    luaL_newmetatable(L, "moonswitch.hangup");
    lua_pushcfunction(L, hangup_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "moonswitch.hangup_error");
}

int ms__raise_hangup(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "moonswitch.hangup_error");
    return lua_error(L);
}

bool ms__is_hangup_error(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, "moonswitch.hangup_error");
    bool same = lua_rawequal(L, idx, -1);
    lua_pop(L, 1);
    return same;
}

/* moonswitch.config: what scripts may know of the configuration. */
static void set_script_config(lua_State *L, const struct ms_runtime_config *cfg)
{
    lua_createtable(L, 0, 3);
    lua_pushstring(L, cfg->prompts_dir ? cfg->prompts_dir : "");
    lua_setfield(L, -2, "prompts");
    lua_pushstring(L, cfg->language ? cfg->language : "en");
    lua_setfield(L, -2, "language");
    lua_createtable(L, (int)cfg->nsound_dirs, 0);
    for (size_t i = 0; i < cfg->nsound_dirs; i++) {
        lua_pushstring(L, cfg->sound_dirs[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "sounds");
    lua_setfield(L, LUA_REGISTRYINDEX, "moonswitch.config");
}

/* The boot function runs a compiled entry chunk for a call. */
static int load_boot(lua_State *L, struct ms_runtime *rt)
{
    lua_getglobal(L, "require");
    lua_pushstring(L, "moonswitch.boot");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_isfunction(L, -1)) {
        ms_err(NULL, "cannot load the boot module: %s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return MS_EFORMAT;
    }
    rt->boot_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int ms_runtime_new(struct ms_runtime **out, const struct ms_runtime_config *cfg)
{
    struct ms_runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return MS_ENOMEM;
    rt->loop = cfg->loop;
    rt->scripts_dir = strdup(cfg->scripts_dir);
    rt->entry = strdup(cfg->entry);
    rt->L = luaL_newstate();
    int rc = MS_ENOMEM;
    if (!rt->scripts_dir || !rt->entry || !rt->L)
        goto fail;
    luaL_openlibs(rt->L);
    register_preloads(rt->L);
    set_package_path(rt->L, rt->scripts_dir);
    make_hangup_error(rt->L);
    set_script_config(rt->L, cfg);
    luaL_requiref(rt->L, "moonswitch.call", luaopen_moonswitch_call, 0);
    lua_pop(rt->L, 1);
    rc = load_boot(rt->L, rt);
    if (rc < 0)
        goto fail;
    *out = rt;
    return 0;
fail:
    if (rt->L)
        lua_close(rt->L);
    free(rt->scripts_dir);
    free(rt->entry);
    free(rt);
    return rc;
}

void ms_runtime_free(struct ms_runtime *rt)
{
    if (rt->scripts)
        ms_warn(NULL, "runtime freed with %zu scripts running", rt->nrunning);
    lua_close(rt->L);
    free(rt->chunk);
    free(rt->scripts_dir);
    free(rt->entry);
    free(rt->error);
    free(rt);
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    struct ms_runtime *rt = ud;
    char *b = realloc(rt->chunk, rt->chunk_len + sz);
    if (!b)
        return 1;
    memcpy(b + rt->chunk_len, p, sz);
    rt->chunk = b;
    rt->chunk_len += sz;
    return 0;
}

static void set_error(struct ms_runtime *rt, const char *msg)
{
    free(rt->error);
    rt->error = msg ? strdup(msg) : NULL;
}

int ms_runtime_prepare(struct ms_runtime *rt)
{
    if (rt->chunk)
        return 0;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", rt->scripts_dir, rt->entry);
    lua_State *L = rt->L;
    if (luaL_loadfilex(L, path, "t") != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (!rt->error || strcmp(rt->error, msg) != 0)
            ms_err(NULL, "dialplan does not compile: %s", msg);
        set_error(rt, msg);
        lua_pop(L, 1);
        return MS_EFORMAT;
    }
    rt->chunk_len = 0;
    int rc = lua_dump(L, dump_writer, rt, 0);
    lua_pop(L, 1);
    if (rc != 0) {
        free(rt->chunk);
        rt->chunk = NULL;
        return MS_ENOMEM;
    }
    if (rt->error)
        ms_info(NULL, "dialplan %s compiles again", path);
    set_error(rt, NULL);
    return 0;
}

const char *ms_runtime_error(const struct ms_runtime *rt)
{
    return rt->error;
}

size_t ms_runtime_running(const struct ms_runtime *rt)
{
    return rt->nrunning;
}
