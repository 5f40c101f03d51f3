/* ms_runtime: the Lua side of one media loop.
 *
 * Owns one lua_State (with the moonswitch modules registered), the
 * generations of the scripts (bindings/gen.h: scripts/ and prompts/ compiled,
 * in a sandbox) and every running call script. Each call runs the entry of
 * the newest generation in its own coroutine with its own _ENV table (globals
 * a call sets are its own); modules loaded with require are shared by the
 * calls of one generation. A reload builds a new generation off to the side
 * and activates it only if everything compiles and the entry passes its
 * check; calls keep the generation they started with (docs/scripts.md).
 *
 * A call script holds a reference on its call until the coroutine is done.
 * ms_runtime_free() must only be called once no script is running (the
 * server hangs up every call and waits for the scripts to finish first).
 */
#ifndef MS_RUNTIME_H
#define MS_RUNTIME_H

#include <stddef.h>

struct ms_call;
struct ms_loop;
struct ms_runtime;

struct ms_runtime_config {
    const char *scripts_dir; /* package.path root and where the entry lives */
    const char *entry;       /* file name of the entry, e.g. "dialplan.lua" */
    struct ms_loop *loop;
    /* what scripts see as moonswitch.config (read-only copies) */
    const char *prompts_dir, *language;
    const char *const *sound_dirs;
    size_t nsound_dirs;
    /* what the sandbox grants beyond the default: "io", "os", "debug", "package",
       "loadfile", "binary_chunks" (config scripts.trust) */
    const char *const *trust;
    size_t ntrust;
    /* after a script error: transfer there (once), else play the prompt, then hang up */
    const char *error_prompt, *error_transfer;
    /* budgets (docs/budgets.md); < 0: the default (a zeroed config gets unlimited
       budgets: set them to -1), 0: unlimited */
    int budget_instructions, budget_wall_ms, budget_memory_mb, budget_total_mb;
};

int ms_runtime_new(struct ms_runtime **out, const struct ms_runtime_config *cfg);
void ms_runtime_free(struct ms_runtime *rt);

/* Loads the first generation, at start-up (blocking file reads: before the
 * loop serves). Returns 0 or MS_EFORMAT with the message (file:line: ...)
 * logged and available from ms_runtime_error(); calls are refused until a
 * reload succeeds. */
int ms_runtime_prepare(struct ms_runtime *rt);
const char *ms_runtime_error(const struct ms_runtime *rt);
const char *ms_runtime_scripts_dir(const struct ms_runtime *rt);

/* Builds a new generation: files read on libuv's thread pool, compiled and
 * checked on the loop. A reload asked for while one runs runs again after it.
 * Nothing changes for calls unless it succeeds. The callback (optional, one
 * at a time) is told the outcome of each reload. */
typedef void (*ms_runtime_reload_cb)(void *ud, int status, const char *error);
void ms_runtime_reload(struct ms_runtime *rt);
void ms_runtime_on_reload(struct ms_runtime *rt, ms_runtime_reload_cb cb, void *ud);

/* Watches scripts/ and prompts/ (every folder below them) and reloads after a
 * change, once the files have been quiet for a short while. */
int ms_runtime_watch(struct ms_runtime *rt);

struct ms_runtime_status {
    unsigned generation;  /* the current one; 0: none yet */
    unsigned generations; /* alive: the current one and older ones still used by calls */
    unsigned long reloads, refused;
    const char *error; /* the last refused reload (file:line: message); NULL after a good one */
    size_t lua_kb;     /* memory of the lua_State */
    size_t error_files; /* script errors per file: see ms_runtime_error_count */
    unsigned long stopped_instructions, stopped_wall, stopped_memory; /* budgets hit */
};
/* The i-th file with script errors (i < status.error_files) and its count. */
const char *ms_runtime_error_count(const struct ms_runtime *rt, size_t i, unsigned long *count);
void ms_runtime_status(struct ms_runtime *rt, struct ms_runtime_status *out);

/* Called once the call's script has finished (normally, with an error or
 * because of a hangup). The call is still referenced during the callback. */
typedef void (*ms_script_done_cb)(void *ud, struct ms_call *call);

/* Starts the entry for a call in a new coroutine. The first resume happens
 * from the loop, never inside this function. Fails (MS_EFORMAT) when the
 * entry does not compile: the caller answers the call with an error. */
int ms_runtime_start_call(struct ms_runtime *rt, struct ms_call *call, ms_script_done_cb cb,
                          void *ud);

size_t ms_runtime_running(const struct ms_runtime *rt);

struct lua_State;
/* Registers the Lua modules compiled into the binary (moonswitch.*) in a
 * state's package.preload: for other Lua states, such as the test runner's. */
void ms_runtime_register_embedded(struct lua_State *L);

#endif
