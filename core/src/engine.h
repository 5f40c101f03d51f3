/* ms__engine: what every way of running calls shares — the Lua runtime, the
 * prompt cache, the CDR writer and the bookkeeping that writes a call's CDR
 * once it has ended and its script has finished. The server puts a SIP
 * endpoint in front of it; the test runner puts simulated callers.
 *
 * Owned by its creator; used from the loop's thread. ms__engine_close() needs
 * every call finished first (ms__engine_busy() false), then frees
 * everything; the loop must run afterwards for the cache's close callbacks. */
#ifndef MS_ENGINE_H
#define MS_ENGINE_H

#include "endpoint.h"

#include <stdbool.h>
#include <stddef.h>

struct ms_config;
struct ms__engine;

int ms__engine_open(struct ms__engine **out, const struct ms_config *cfg, struct ms_loop *loop);
const struct ms_call_env *ms__engine_env(const struct ms__engine *e);

/* Takes a new call: runs the dialplan for it and writes its CDR at the end.
 * Returns 0, MS_EFORMAT (the dialplan does not compile: refuse the call; its
 * CDR is written once the endpoint has ended it) or another error. */
int ms__engine_accept_call(struct ms__engine *e, struct ms_call *call);

/* Observer of finished calls (after their CDR was queued), e.g. the test runner. */
typedef void (*ms__engine_done_cb)(void *ud, struct ms_call *call);
void ms__engine_on_call_done(struct ms__engine *e, ms__engine_done_cb cb, void *ud);

bool ms__engine_busy(const struct ms__engine *e); /* calls tracked or scripts running */
size_t ms__engine_scripts(const struct ms__engine *e);
void ms__engine_close(struct ms__engine *e);
/* Waits for the CDR writer to have written everything queued so far. */
void ms__engine_flush_cdrs(struct ms__engine *e);
const char *ms__engine_db_path(const struct ms__engine *e);
/* The scripts' runtime: reload, watch, status (bindings/runtime.h). */
struct ms_runtime *ms__engine_runtime(const struct ms__engine *e);

#endif
