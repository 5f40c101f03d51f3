/* The loop's lua_State: libraries, module search path, the compiled entry. */
#define MS_LOG_MODULE "lua"
#include "gen_files.h"
#include "lua_clock.h"
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

/* Shared unwinding values: one table each, kept in the registry under key, with code,
 * message and a __tostring giving "CODE: message". The hangup error (scripts test it with
 * moonswitch.is_hangup) and the transfer error (after call:transfer) end a script quietly. */
#define HANGUP_KEY   "moonswitch.hangup_error"
#define TRANSFER_KEY "moonswitch.transfer_error"

static int error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "code");
    lua_getfield(L, 1, "message");
    lua_pushfstring(L, "%s: %s", lua_tostring(L, -2), lua_tostring(L, -1));
    return 1;
}

static void make_error_value(lua_State *L, const char *key, const char *code, const char *msg)
{
    lua_createtable(L, 0, 2);
    lua_pushstring(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
}

static int raise_value(lua_State *L, const char *key)
{
    lua_getfield(L, LUA_REGISTRYINDEX, key);
    return lua_error(L);
}

static bool is_value(lua_State *L, int idx, const char *key)
{
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, key);
    bool same = lua_rawequal(L, idx, -1);
    lua_pop(L, 1);
    return same;
}

int ms__raise_hangup(lua_State *L)
{
    return raise_value(L, HANGUP_KEY);
}

bool ms__is_hangup_error(lua_State *L, int idx)
{
    return is_value(L, idx, HANGUP_KEY);
}

int ms__raise_transfer(lua_State *L)
{
    return raise_value(L, TRANSFER_KEY);
}

bool ms__is_transfer_error(lua_State *L, int idx)
{
    return is_value(L, idx, TRANSFER_KEY);
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

static void make_trust(struct ms_runtime *rt, const struct ms_runtime_config *cfg)
{
    lua_createtable(rt->L, 0, (int)cfg->ntrust);
    for (size_t i = 0; i < cfg->ntrust; i++) {
        lua_pushboolean(rt->L, 1);
        lua_setfield(rt->L, -2, cfg->trust[i]);
    }
    rt->trust_ref = luaL_ref(rt->L, LUA_REGISTRYINDEX);
}

static int on_panic(lua_State *L)
{
    ms_err(NULL, "Lua panic: %s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
    return 0; /* abort() follows */
}

int ms_runtime_new(struct ms_runtime **out, const struct ms_runtime_config *cfg)
{
    struct ms_runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return MS_ENOMEM;
    rt->loop = cfg->loop;
    rt->scripts_dir = strdup(cfg->scripts_dir);
    rt->entry = strdup(cfg->entry);
    rt->prompts_dir = cfg->prompts_dir ? strdup(cfg->prompts_dir) : NULL;
    rt->sound_dirs = ms__strv_dup(cfg->sound_dirs, cfg->nsound_dirs);
    rt->nsound_dirs = rt->sound_dirs ? cfg->nsound_dirs : 0;
    rt->error_prompt = cfg->error_prompt ? strdup(cfg->error_prompt) : NULL;
    rt->error_transfer = cfg->error_transfer ? strdup(cfg->error_transfer) : NULL;
    ms__budget_limits_default(&rt->limits);
    if (cfg->budget_instructions >= 0)
        rt->limits.instructions = (uint64_t)cfg->budget_instructions;
    if (cfg->budget_wall_ms >= 0)
        rt->limits.wall_ns = (uint64_t)cfg->budget_wall_ms * 1000000u;
    int mem = cfg->budget_memory_mb >= 0 ? cfg->budget_memory_mb : (int)MS__BUDGET_MEMORY_MB;
    rt->memory_limit = (size_t)mem << 20;
    size_t total = (size_t)(cfg->budget_total_mb >= 0 ? cfg->budget_total_mb : 1024) << 20;
    if (ms__alloc_new(&rt->alloc, total) < 0) {
        free(rt);
        return MS_ENOMEM;
    }
    rt->L = lua_newstate(ms__alloc_lua, rt->alloc);
    if (rt->L)
        lua_atpanic(rt->L, on_panic);
    int rc = MS_ENOMEM;
    if (!rt->scripts_dir || !rt->entry || !rt->L || (cfg->prompts_dir && !rt->prompts_dir))
        goto fail;
    luaL_openlibs(rt->L);
    if (ms__budget_open(rt->L) < 0)
        goto fail;
    lua_pushglobaltable(rt->L);
    rc = ms__budget_wrap_env(rt->L, -1); /* before the sandbox copies pcall & co. */
    lua_pop(rt->L, 1);
    if (rc < 0)
        goto fail;
    ms__lua_clock_os(rt->L, rt->loop); /* built-in modules and the sandbox: the loop's time */
    register_preloads(rt->L);
    set_package_path(rt->L, rt->scripts_dir);
    make_error_value(rt->L, HANGUP_KEY, "EHANGUP", "call has ended");
    make_error_value(rt->L, TRANSFER_KEY, "ETRANSFER", "the call is being transferred");
    set_script_config(rt->L, cfg);
    lua_pushlightuserdata(rt->L, rt->loop);
    lua_setfield(rt->L, LUA_REGISTRYINDEX, "moonswitch.loop");
    lua_pushlightuserdata(rt->L, rt);
    lua_setfield(rt->L, LUA_REGISTRYINDEX, "moonswitch.runtime");
    make_trust(rt, cfg);
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
    ms__alloc_free(rt->alloc);
    free(rt->scripts_dir);
    free(rt->entry);
    free(rt->prompts_dir);
    ms__strv_free(rt->sound_dirs, rt->nsound_dirs);
    free(rt->error_prompt);
    free(rt->error_transfer);
    free(rt);
    return rc;
}

void ms_runtime_free(struct ms_runtime *rt)
{
    if (rt->scripts)
        ms_warn(NULL, "runtime freed with %zu scripts running", rt->nrunning);
    ms__runtime_watch_free(rt);
    ms__runtime_reload_free(rt);
    ms__gen_unref(rt->current);
    lua_close(rt->L);
    ms__alloc_free(rt->alloc);
    free(rt->scripts_dir);
    free(rt->entry);
    free(rt->prompts_dir);
    ms__strv_free(rt->sound_dirs, rt->nsound_dirs);
    ms__strv_free(rt->dirs, rt->ndirs);
    free(rt->error_prompt);
    free(rt->error_transfer);
    free(rt->error);
    free(rt);
}

static void set_error(struct ms_runtime *rt, const char *msg)
{
    free(rt->error);
    rt->error = msg ? strdup(msg) : NULL;
}

int ms__runtime_activate(struct ms_runtime *rt, struct ms__gen_files *files)
{
    char err[1024];
    struct ms__gen *g;
    int rc = ms__gen_build(rt, files, rt->next_gen + 1, &g, err, sizeof err);
    if (rc < 0) {
        rt->refused++;
        if (!rt->error || strcmp(rt->error, err) != 0)
            ms_err(NULL, "scripts refused, %s: %s",
                   rt->current ? "the previous ones go on" : "calls are refused until fixed", err);
        set_error(rt, err);
        return rc;
    }
    rt->next_gen++;
    rt->reloads++;
    struct ms__gen *old = rt->current;
    rt->current = g;
    set_error(rt, NULL);
    ms_info(NULL, "scripts: generation %u active (%zu files)%s", g->id, g->nfiles,
            old ? "; calls in progress keep theirs" : "");
    ms__gen_unref(old);
    return 0;
}

int ms_runtime_prepare(struct ms_runtime *rt)
{
    if (rt->current)
        return 0;
    char err[1024];
    struct ms__gen_files *files;
    int rc = ms__gen_scan(rt->scripts_dir, rt->prompts_dir, (const char *const *)rt->sound_dirs,
                          rt->nsound_dirs, &files, err, sizeof err);
    if (rc < 0) {
        ms_err(NULL, "scripts: %s", err);
        set_error(rt, err);
        return MS_EFORMAT;
    }
    ms__runtime_watch_dirs(rt, files->dirs, files->ndirs);
    rc = ms__runtime_activate(rt, files);
    ms__gen_files_free(files);
    return rc < 0 ? MS_EFORMAT : 0;
}

const char *ms_runtime_error(const struct ms_runtime *rt)
{
    return rt->error;
}

const char *ms_runtime_scripts_dir(const struct ms_runtime *rt)
{
    return rt->scripts_dir;
}

size_t ms_runtime_running(const struct ms_runtime *rt)
{
    return rt->nrunning;
}

void ms_runtime_status(struct ms_runtime *rt, struct ms_runtime_status *out)
{
    *out = (struct ms_runtime_status){
        .generation = rt->current ? rt->current->id : 0,
        .generations = rt->gens_alive,
        .reloads = rt->reloads,
        .refused = rt->refused,
        .error = rt->error,
        .lua_kb = (size_t)lua_gc(rt->L, LUA_GCCOUNT, 0),
        .error_files = rt->nerrors,
    };
    struct ms__budget_counters bc;
    ms__budget_counters(rt->L, &bc);
    out->stopped_instructions = (unsigned long)bc.instructions;
    out->stopped_wall = (unsigned long)bc.wall;
    out->stopped_memory = (unsigned long)bc.memory;
}

const char *ms_runtime_error_count(const struct ms_runtime *rt, size_t i, unsigned long *count)
{
    if (i >= rt->nerrors)
        return NULL;
    *count = rt->errors[i].count;
    return rt->errors[i].file;
}
