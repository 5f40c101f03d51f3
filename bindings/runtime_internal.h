/* Internal to bindings/: the inside of struct ms_runtime. */
#ifndef MS_RUNTIME_INTERNAL_H
#define MS_RUNTIME_INTERNAL_H

#include "script.h"

struct ms_runtime {
    lua_State *L;
    struct ms_loop *loop;
    char *scripts_dir, *entry;
    char *chunk; /* the entry compiled to bytecode, loaded per call with its own _ENV */
    size_t chunk_len;
    char *error; /* last compile error, or NULL */
    int boot_ref;
    struct ms_script *scripts; /* running scripts */
    size_t nrunning;
};

#endif
