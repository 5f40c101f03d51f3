/* Generations of the scripts: compiling, checking, reference counting (gen.h). */
#define MS_LOG_MODULE "lua"
#include "gen.h"
#include "gen_files.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "runtime_internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_HOOK_EVERY 10000
#define CHECK_MAX_HOOKS  1000 /* the entry's top level may run 10 M instructions */

struct build {
    struct ms_runtime *rt;
    const struct ms__gen_files *f;
    struct ms__gen *g;
    char *err;
    size_t errlen;
};

static int fail_msg(struct build *b, const char *msg)
{
    snprintf(b->err, b->errlen, "%s", msg ? msg : "unknown error");
    return MS_EFORMAT;
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    struct ms__gen *g = ud;
    char *n = realloc(g->entry, g->entry_len + sz);
    if (!n)
        return 1;
    memcpy(n + g->entry_len, p, sz);
    g->entry = n;
    g->entry_len += sz;
    return 0;
}

/* "demo/menu.lua" -> "demo.menu"; pass 0: plain names, 1: "x/init.lua" -> "x",
 * 2: "lib/x.lua" -> "x" (the order of package.path before generations). */
static bool module_name(const char *rel, int pass, char *out, size_t cap)
{
    size_t n = strlen(rel) - 4; /* ".lua" */
    if (n + 1 > cap)
        return false;
    memcpy(out, rel, n);
    out[n] = 0;
    for (char *p = out; *p; p++)
        if (*p == '/')
            *p = '.';
    size_t len = strlen(out);
    bool init = len >= 5 && strcmp(out + len - 5, ".init") == 0;
    bool lib = strncmp(out, "lib.", 4) == 0;
    if (pass == 0)
        return !init;
    if (pass == 1 && init) {
        out[len - 5] = 0;
        return true;
    }
    if (pass == 2 && lib && len > 4) {
        memmove(out, out + 4, len - 3);
        if ((len = strlen(out)) >= 5 && strcmp(out + len - 5, ".init") == 0)
            out[len - 5] = 0;
        return true;
    }
    return false;
}

static int compile(struct build *b, const struct ms__gen_file *e)
{
    lua_State *L = b->rt->L;
    char name[1100];
    snprintf(name, sizeof name, "@%s", e->path);
    if (luaL_loadbufferx(L, e->data, e->len, name, "t") != LUA_OK) {
        int rc = fail_msg(b, lua_tostring(L, -1));
        lua_pop(L, 1);
        return rc;
    }
    return 0;
}

/* Fills the modules table (at -2) and the prompts table (at -1); compiles the entry
 * and leaves it at the top. */
static int compile_all(struct build *b)
{
    lua_State *L = b->rt->L;
    int modules = lua_gettop(L) - 1, prompts = lua_gettop(L);
    bool have_entry = false;
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < b->f->n; i++) {
            const struct ms__gen_file *e = &b->f->v[i];
            char mod[1024];
            if (e->tree == MS_GEN_PROMPTS && pass == 0) {
                int rc = compile(b, e); /* checked now, loaded per language later */
                if (rc < 0)
                    return rc;
                lua_pop(L, 1);
                lua_pushlstring(L, e->data, e->len);
                lua_pushlstring(L, e->rel, strlen(e->rel) - 4);
                lua_insert(L, -2);
                lua_settable(L, prompts);
            }
            if (e->tree != MS_GEN_SCRIPTS || !module_name(e->rel, pass, mod, sizeof mod))
                continue;
            if (lua_getfield(L, modules, mod) != LUA_TNIL) {
                lua_pop(L, 1);
                continue; /* an earlier path wins */
            }
            lua_pop(L, 1);
            int rc = compile(b, e);
            if (rc < 0)
                return rc;
            lua_setfield(L, modules, mod);
        }
    }
    for (size_t i = 0; i < b->f->n; i++) {
        const struct ms__gen_file *e = &b->f->v[i];
        if (e->tree == MS_GEN_SCRIPTS && strcmp(e->rel, b->rt->entry) == 0) {
            int rc = compile(b, e);
            if (rc < 0)
                return rc;
            if (lua_dump(L, dump_writer, b->g, 0) != 0)
                return MS_ENOMEM;
            have_entry = true;
            break;
        }
    }
    if (!have_entry) {
        snprintf(b->err, b->errlen, "%s/%s: no such file", b->rt->scripts_dir, b->rt->entry);
        return MS_EFORMAT;
    }
    return 0;
}

static void check_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    int *hooks = *(int **)lua_getextraspace(L);
    if (hooks && ++*hooks > CHECK_MAX_HOOKS)
        luaL_error(L, "the entry's top level runs too long (an endless loop?)");
}

/* generation.new{...}, then generation.check(gen, entry, name); leaves gen at the top. */
static int make_and_check(struct build *b)
{
    lua_State *L = b->rt->L;
    int entry = lua_gettop(L), prompts = entry - 1, modules = entry - 2;
    lua_getglobal(L, "require");
    lua_pushstring(L, "moonswitch.generation");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        return fail_msg(b, lua_tostring(L, -1));
    int genmod = lua_gettop(L);
    lua_getfield(L, genmod, "new");
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, b->g->id);
    lua_setfield(L, -2, "id");
    lua_pushvalue(L, modules);
    lua_setfield(L, -2, "modules");
    lua_pushvalue(L, prompts);
    lua_setfield(L, -2, "prompts");
    lua_pushstring(L, b->rt->prompts_dir ? b->rt->prompts_dir : "");
    lua_setfield(L, -2, "prompts_dir");
    lua_rawgeti(L, LUA_REGISTRYINDEX, b->rt->trust_ref);
    lua_setfield(L, -2, "trust");
    lua_createtable(L, 0, (int)b->f->nsounds);
    for (size_t i = 0; i < b->f->nsounds; i++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, b->f->sounds[i]);
    }
    lua_setfield(L, -2, "sounds");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        return fail_msg(b, lua_tostring(L, -1));
    int gen = lua_gettop(L);
    lua_getfield(L, genmod, "check");
    lua_pushvalue(L, gen);
    lua_pushvalue(L, entry);
    lua_pushstring(L, b->rt->entry);
    int hooks = 0, *saved = *(int **)lua_getextraspace(L);
    *(int **)lua_getextraspace(L) = &hooks;
    lua_sethook(L, check_hook, LUA_MASKCOUNT, CHECK_HOOK_EVERY);
    int st = lua_pcall(L, 3, 0, 0);
    lua_sethook(L, NULL, 0, 0);
    *(int **)lua_getextraspace(L) = saved;
    if (st != LUA_OK)
        return fail_msg(b, luaL_tolstring(L, -1, NULL));
    return 0;
}

int ms__gen_build(struct ms_runtime *rt, const struct ms__gen_files *f, unsigned id,
                  struct ms__gen **out, char *err, size_t errlen)
{
    struct ms__gen *g = calloc(1, sizeof *g);
    if (!g)
        return MS_ENOMEM;
    g->id = id;
    g->rt = rt;
    g->nfiles = f->n;
    struct build b = {.rt = rt, .f = f, .g = g, .err = err, .errlen = errlen};
    lua_State *L = rt->L;
    int top = lua_gettop(L);
    err[0] = 0;
    lua_newtable(L); /* modules */
    lua_newtable(L); /* prompts */
    int rc = compile_all(&b);
    if (rc == 0)
        rc = make_and_check(&b);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "%s", ms_strerror(rc));
        lua_settop(L, top);
        free(g->entry);
        free(g);
        return rc;
    }
    g->table_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* the generation table */
    lua_settop(L, top);
    g->refs = 1;
    rt->gens_alive++;
    *out = g;
    return 0;
}

void ms__gen_ref(struct ms__gen *g)
{
    g->refs++;
}

void ms__gen_unref(struct ms__gen *g)
{
    if (!g || --g->refs > 0)
        return;
    luaL_unref(g->rt->L, LUA_REGISTRYINDEX, g->table_ref);
    g->rt->gens_alive--;
    ms_debug(NULL, "generation %u freed", g->id);
    free(g->entry);
    free(g);
}

void ms__gen_push_table(struct ms__gen *g, lua_State *L)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->table_ref);
}

struct chunk_reader {
    const char *p;
    size_t left;
};

static const char *read_chunk(lua_State *L, void *ud, size_t *size)
{
    (void)L;
    struct chunk_reader *r = ud;
    *size = r->left;
    r->left = 0;
    return *size ? r->p : NULL;
}

int ms__gen_push_entry(struct ms__gen *g, lua_State *co)
{
    struct chunk_reader r = {g->entry, g->entry_len};
    if (lua_load(co, read_chunk, &r, g->rt->entry, "b") != LUA_OK) {
        ms_err(NULL, "cannot load the compiled entry: %s", lua_tostring(co, -1));
        lua_pop(co, 1);
        return MS_EFORMAT;
    }
    lua_newtable(co); /* the call's _ENV: its own globals, reads fall back to the sandbox */
    lua_createtable(co, 0, 1);
    lua_rawgeti(co, LUA_REGISTRYINDEX, g->table_ref);
    lua_getfield(co, -1, "env");
    lua_remove(co, -2);
    lua_setfield(co, -2, "__index");
    lua_setmetatable(co, -2);
    if (!lua_setupvalue(co, -2, 1))
        lua_pop(co, 1);
    return 0;
}
