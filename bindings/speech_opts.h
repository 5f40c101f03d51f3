/* Internal to bindings/: reading call:_collect's `speech` table. */
#ifndef MS_SPEECH_OPTS_H
#define MS_SPEECH_OPTS_H

#include "moonswitch/call.h"

#include <lua.h>

/* Fills o from the table at index t (kw: room for the keyword pointers).
 * Raises a Lua error for a malformed table. The strings stay owned by it. */
int ms__lua_speech_opts(lua_State *L, int t, struct ms_speech_opts *o, const char **kw,
                        size_t maxkw);

#endif
