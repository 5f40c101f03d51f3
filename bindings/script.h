/* Internal to bindings/: one call's script (its coroutine) and how the
 * primitives of bindings/call.c wait on it.
 *
 * A primitive running in the call's coroutine starts a core operation with
 * the script as callback data and returns ms__script_wait(L, s). The
 * operation's callback pushes its results on s->co and calls
 * ms__script_resume(s, nresults). The script struct is owned by the runtime
 * and freed once its coroutine has finished. */
#ifndef MS_SCRIPT_H
#define MS_SCRIPT_H

#include "moonswitch/loop.h"
#include "runtime.h"

#include "budget.h"

#include <lua.h>
#include <stdbool.h>

struct ms__gen;

struct ms_script {
    struct ms_runtime *rt;
    struct ms_call *call; /* referenced */
    struct ms__gen *gen;  /* referenced: the generation the call started with */
    char *transfer_to;    /* call:transfer(dest) asked for: run the entry again */
    int transfers;
    bool fell_back;       /* sent to the error fallback destination already */
    lua_State *co;
    int co_ref;
    struct ms__budget budget; /* armed on each coroutine (budget.h) */
    ms__owner_t owner;        /* its memory, across transfers */
    bool waiting; /* yielded by a primitive, which will resume it */
    int start_nargs;
    struct ms_deferred start;
    ms_script_done_cb done_cb;
    void *done_ud;
    struct ms_script *prev, *next;
};

/* The script running in coroutine L for this call; raises a Lua error if L is
 * not that call's script coroutine (a call used from another call's script or
 * from a nested coroutine). */
struct ms_script *ms__script_check(lua_State *L, struct ms_call *call);
int ms__script_wait(lua_State *L, struct ms_script *s);
void ms__script_resume(struct ms_script *s, int nargs);

/* The runtime's lua_State and its shared hangup error value. */
lua_State *ms__runtime_state(struct ms_runtime *rt);
/* Raises the hangup error (does not return). */
int ms__raise_hangup(lua_State *L);
bool ms__is_hangup_error(lua_State *L, int idx);
/* call:transfer(dest): the script unwinds with this error (quietly, like a
 * hangup) and the entry runs again for the new destination. */
int ms__raise_transfer(lua_State *L);
bool ms__is_transfer_error(lua_State *L, int idx);
/* script.c: runs the entry again for s->transfer_to; false: the script ends. */
bool ms__script_transfer(struct ms_script *s);
/* script.c: the script is over: hangs up (failed: NORMAL_TEMPORARY_FAILURE), reports, frees. */
void ms__script_end(struct ms_script *s, bool failed);
/* script_error.c: counts an error against its file (before the coroutine is dropped);
 * then the fallback transfer or the apology prompt: true when one of them took over. */
void ms__script_count_error(struct ms_script *s);
bool ms__script_after_error(struct ms_script *s);

/* The script running in L (a call's coroutine), or NULL. */
struct ms_script *ms__script_of(lua_State *L);
#define MS_MAX_TRANSFERS 16

/* bindings/call.c */
int luaopen_moonswitch_call(lua_State *L);
void ms__lua_push_call(lua_State *L, struct ms_call *call);
/* bindings/moonswitch.c */
int luaopen_moonswitch(lua_State *L);

/* Lua sources compiled into the binary (generated from bindings/lua/). */
struct ms__lua_source {
    const char *name;
    const unsigned char *data;
    size_t size;
};
extern const struct ms__lua_source ms__lua_sources[];

#endif
