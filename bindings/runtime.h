/* ms_runtime: the Lua side of one media loop.
 *
 * Owns one lua_State (with the moonswitch modules registered), the compiled
 * dialplan entry and every running call script. Each call runs the entry in
 * its own coroutine with its own _ENV table (globals a call sets are its
 * own); modules loaded with require are shared by the calls of the loop.
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
};

int ms_runtime_new(struct ms_runtime **out, const struct ms_runtime_config *cfg);
void ms_runtime_free(struct ms_runtime *rt);

/* Compiles the entry if it is not compiled yet. Returns 0 or MS_EFORMAT with
 * the message (file:line: ...) logged and available from ms_runtime_error(). */
int ms_runtime_prepare(struct ms_runtime *rt);
const char *ms_runtime_error(const struct ms_runtime *rt);

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
