/* The `scripts` section of the configuration: the scripts' folder and entry,
 * watching, what the sandbox grants, what follows a script error, budgets. */
#include "config_read.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void read_trust(struct ms__cfg_reader *r)
{
    static const char *const grants[] = {
        "io", "os", "debug", "package", "loadfile", "binary_chunks", NULL};
    if (ms__cfg_enter(r, "trust") != 1)
        return;
    struct ms_config *c = r->cfg;
    size_t len = (size_t)lua_rawlen(r->L, -1);
    for (size_t i = 1; !r->failed && i <= len; i++) {
        lua_rawgeti(r->L, -1, (lua_Integer)i);
        const char *g = lua_type(r->L, -1) == LUA_TSTRING ? lua_tostring(r->L, -1) : "";
        bool known = false;
        for (size_t k = 0; grants[k]; k++)
            known = known || strcmp(g, grants[k]) == 0;
        if (!known || c->ntrust == MS_MAX_TRUST)
            ms__cfg_fail(r, "scripts.trust",
                         "expected a list of: io, os, debug, package, loadfile, "
                         "binary_chunks");
        else
            c->trust[c->ntrust++] = strdup(g);
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
}

static void read_on_error(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"prompt", "transfer", NULL};
    if (ms__cfg_enter(r, "on_error") != 1)
        return;
    ms__cfg_check_keys(r, "scripts.on_error.", keys);
    lua_getfield(r->L, -1, "prompt");
    if (lua_isboolean(r->L, -1) && !lua_toboolean(r->L, -1)) {
        free(r->cfg->error_prompt); /* prompt = false: hang up at once */
        r->cfg->error_prompt = NULL;
        lua_pop(r->L, 1);
    } else {
        lua_pop(r->L, 1);
        ms__cfg_get_string(r, "scripts.on_error.prompt", "prompt", &r->cfg->error_prompt);
    }
    ms__cfg_get_string(r, "scripts.on_error.transfer", "transfer", &r->cfg->error_transfer);
    lua_pop(r->L, 1);
}

static void read_budget(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"instructions", "wall_ms", "memory_mb", "total_mb", NULL};
    if (ms__cfg_enter(r, "budget") != 1)
        return;
    ms__cfg_check_keys(r, "scripts.budget.", keys);
    /* 0: unlimited */
    ms__cfg_get_int(r, "scripts.budget.instructions", "instructions", 0, 2000000000,
                    &r->cfg->budget.instructions);
    ms__cfg_get_int(r, "scripts.budget.wall_ms", "wall_ms", 0, 60000, &r->cfg->budget.wall_ms);
    ms__cfg_get_int(r, "scripts.budget.memory_mb", "memory_mb", 0, 65536,
                    &r->cfg->budget.memory_mb);
    ms__cfg_get_int(r, "scripts.budget.total_mb", "total_mb", 0, 1048576, &r->cfg->budget.total_mb);
    lua_pop(r->L, 1);
}

int ms__cfg_read_scripts(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"dir",      "entry",  "watch", "trust",
                                       "on_error", "budget", NULL};
    if (ms__cfg_enter(r, "scripts") != 1)
        return 0;
    ms__cfg_check_keys(r, "scripts.", keys);
    ms__cfg_get_string(r, "scripts.dir", "dir", &r->cfg->scripts_dir);
    ms__cfg_get_string(r, "scripts.entry", "entry", &r->cfg->entry);
    lua_getfield(r->L, -1, "watch");
    if (lua_isboolean(r->L, -1))
        r->cfg->scripts_watch = lua_toboolean(r->L, -1);
    else if (!lua_isnil(r->L, -1))
        ms__cfg_fail(r, "scripts.watch", "expected a boolean");
    lua_pop(r->L, 1);
    read_trust(r);
    read_on_error(r);
    read_budget(r);
    lua_pop(r->L, 1);
    return 0;
}
