/* Internal to bindings/: the inside of struct ms_runtime. */
#ifndef MS_RUNTIME_INTERNAL_H
#define MS_RUNTIME_INTERNAL_H

#include "budget.h"
#include "gen.h"
#include "script.h"

#include <stdbool.h>
#include <uv.h>

#define MS_MAX_ERROR_FILES 64

struct ms__reload;
struct ms__watch;

struct ms_runtime {
    lua_State *L;
    struct ms__alloc *alloc; /* accounts the state's memory per call (lua_alloc.h) */
    struct ms__budget_limits limits; /* per slice of every call's coroutine (budget.h) */
    size_t memory_limit;             /* per call */
    struct ms_loop *loop;
    char *scripts_dir, *entry, *prompts_dir;
    char **sound_dirs; /* copies: the sounds a generation knows of */
    size_t nsound_dirs;
    char **dirs; /* the folders of scripts/ and prompts/ the last scan found (watched) */
    size_t ndirs;
    int trust_ref;           /* registry: { io = true, ... } what the sandbox grants */
    int boot_ref;
    struct ms__gen *current; /* new calls get it; NULL until one has been built */
    unsigned next_gen;
    unsigned gens_alive;
    char *error; /* last refused generation, or NULL */
    unsigned long reloads, refused;
    struct ms__reload *reload; /* one reload at a time (runtime_reload.c) */
    struct ms__watch *watch;   /* runtime_watch.c; NULL: not watching */
    ms_runtime_reload_cb reload_cb;
    void *reload_ud;
    char *error_prompt, *error_transfer; /* after a script error (scripts.on_error) */
    struct {
        char file[256];
        unsigned long count;
    } errors[MS_MAX_ERROR_FILES]; /* script errors per file (script_error.c) */
    size_t nerrors;
    struct ms_script *scripts; /* running scripts */
    size_t nrunning;
};

/* runtime_reload.c: builds from files already read and activates; logs. */
int ms__runtime_activate(struct ms_runtime *rt, struct ms__gen_files *files);
void ms__runtime_reload_free(struct ms_runtime *rt);
/* runtime_watch.c */
void ms__runtime_watch_free(struct ms_runtime *rt);
void ms__runtime_watch_dirs(struct ms_runtime *rt, char **dirs, size_t n); /* copied */

#endif
