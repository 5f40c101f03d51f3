/* Makes a Lua state's os.time() and os.date() read the loop's wall clock
 * (ms_loop_epoch_ms): the real time, or the virtual clock of flow tests, so
 * that scripts, the modules built into moonswitch and the test runner agree.
 * The loop must outlive the state. */
#ifndef MS_LUA_CLOCK_H
#define MS_LUA_CLOCK_H

#include <lua.h>

struct ms_loop;

void ms__lua_clock_os(lua_State *L, struct ms_loop *loop);

#endif
