/* What happens after a script error (docs/scripts.md#errors): the error is
 * counted against the script file it happened in; then the call is
 * transferred to the configured fallback destination (once), or hears the
 * configured apology prompt before it is hung up. */
#define MS_LOG_MODULE "script"
#include "moonswitch/call.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "runtime_internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file of the innermost Lua function of the failed coroutine. */
static void error_file(lua_State *co, char *out, size_t cap)
{
    lua_Debug ar;
    snprintf(out, cap, "?");
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
        if (lua_getinfo(co, "S", &ar) && ar.source[0] == '@') {
            snprintf(out, cap, "%s", ar.source + 1);
            return;
        }
    }
}

void ms__script_count_error(struct ms_script *s)
{
    struct ms_runtime *rt = s->rt;
    char file[sizeof rt->errors[0].file];
    error_file(s->co, file, sizeof file);
    size_t i = 0;
    while (i < rt->nerrors && strcmp(rt->errors[i].file, file) != 0)
        i++;
    if (i == rt->nerrors) {
        if (rt->nerrors == MS_MAX_ERROR_FILES)
            i = rt->nerrors - 1; /* the last slot counts every other file */
        else
            snprintf(rt->errors[rt->nerrors++].file, sizeof file, "%s", file);
    }
    rt->errors[i].count++;
    ms_info(ms_call_id(s->call), "script errors in %s: %lu", rt->errors[i].file,
            rt->errors[i].count);
}

static void apology_done(void *ud, const struct ms_play_result *r)
{
    struct ms_script *s = ud;
    if (r->status == MS_ENOENT)
        ms_warn(ms_call_id(s->call), "apology prompt missing: %s", r->failed);
    ms__script_end(s, true);
}

bool ms__script_after_error(struct ms_script *s)
{
    struct ms_runtime *rt = s->rt;
    struct ms_call *call = s->call;
    if (ms_call_is_over(call))
        return false;
    if (rt->error_transfer && !s->fell_back) {
        s->fell_back = true;
        free(s->transfer_to);
        s->transfer_to = strdup(rt->error_transfer);
        if (s->transfer_to && ms__script_transfer(s))
            return true;
    }
    if (!rt->error_prompt || ms_call_state(call) != MS_CALL_ANSWERED)
        return false;
    struct ms_play_item item = {MS_PLAY_SOUND, rt->error_prompt, NULL, 0};
    return ms_call_play(call, &item, 1, NULL, apology_done, s) == 0;
}
