/* The flow-test runner: `moonswitch test FILES|DIRS`.
 *
 * In-process mode runs the configured dialplan on an engine with a virtual
 * clock; each test's simulated callers are in-process endpoints, so a flow
 * with minutes of prompts and timeouts finishes in milliseconds and always
 * the same way. Test files are Lua (see docs/testing.md).
 *
 * struct ms__testctx is shared by the runner (testrun.c) and the Lua module
 * moonswitch.testing.core (test_lua.c); it lives for the whole run. */
#ifndef MS_TESTRUN_H
#define MS_TESTRUN_H

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

struct ms__engine;
struct ms__wire;
struct ms_loop;

#include "sim/caller.h"
#include "sim/sim_call.h"

struct ms__testctx;
/* Places a call (in-process or over the wire). */
typedef int (*ms__test_dial_fn)(struct ms__testctx *ctx, const struct ms__sim_dial_opts *o,
                                ms__caller_notify_cb notify, struct ms__caller **out);

struct ms__testctx {
    const char *mode; /* "inprocess" or "wire" */
    ms__test_dial_fn dial;
    struct ms__engine *engine; /* in-process */
    struct ms__wire *wire;     /* over the wire */
    struct ms_loop *loop;
    const char *db_path; /* the CDR database, or NULL (wire without --db) */
    uint64_t notified;   /* bumped whenever a simulated caller's transcript grows */
};

/* Registers moonswitch.testing.core (C) in L's preload table. */
void ms__test_lua_open(lua_State *L, struct ms__testctx *ctx);
/* ... and moonswitch.testing.scripts (test_scripts.c): reloads and runtime status. */
void ms__test_scripts_open(lua_State *L, struct ms__testctx *ctx);

/* The `moonswitch test` command; returns the process exit status. */
int ms__test_main(int argc, char **argv);
/* The `moonswitch call` command (call_cmd.c). */
int ms__call_main(int argc, char **argv);

#endif
