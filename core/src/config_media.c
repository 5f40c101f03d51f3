/* The media sections of the configuration: music on hold, text to speech,
 * speech recognition. */
#include "config_read.h"
#include "media/tts.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* moh = { name = { dir = "...", shuffle = false }, ... } replaces the default classes. */
int ms__cfg_read_moh(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"dir", "shuffle", NULL};
    if (ms__cfg_enter(r, "moh") != 1)
        return 0;
    struct ms_config *c = r->cfg;
    for (size_t i = 0; i < c->nmoh; i++) {
        free(c->moh[i].name);
        free(c->moh[i].dir);
    }
    c->nmoh = 0;
    lua_pushnil(r->L);
    while (!r->failed && lua_next(r->L, -2)) {
        const char *name = lua_type(r->L, -2) == LUA_TSTRING ? lua_tostring(r->L, -2) : NULL;
        char key[96];
        snprintf(key, sizeof key, "moh.%s", name ? name : "?");
        if (!name || !lua_istable(r->L, -1) || c->nmoh == MS_MAX_MOH) {
            ms__cfg_fail(r, key, "expected name = { dir = \"...\", shuffle = false } (at most %d)",
                         MS_MAX_MOH);
        } else {
            char prefix[100];
            snprintf(prefix, sizeof prefix, "%s.", key);
            ms__cfg_check_keys(r, prefix, keys);
            size_t i = c->nmoh++;
            c->moh[i].name = strdup(name);
            c->moh[i].dir = NULL;
            ms__cfg_get_string(r, key, "dir", &c->moh[i].dir);
            lua_getfield(r->L, -1, "shuffle");
            c->moh[i].shuffle = lua_toboolean(r->L, -1);
            lua_pop(r->L, 1);
            if (!r->failed && !c->moh[i].dir)
                ms__cfg_fail(r, key, "dir is required");
        }
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
    return 0;
}

int ms__cfg_read_tts(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"cache_dir", "memory_mb", "threads", NULL};
    if (ms__cfg_enter(r, "tts") != 1)
        return 0;
    ms__cfg_check_keys(r, "tts.", keys);
    ms__cfg_get_string(r, "tts.cache_dir", "cache_dir", &r->cfg->tts_cache_dir);
    int mb = (int)(r->cfg->tts_memory_bytes >> 20);
    ms__cfg_get_int(r, "tts.memory_mb", "memory_mb", 1, 65536, &mb);
    r->cfg->tts_memory_bytes = (size_t)mb << 20;
    int threads = (int)r->cfg->tts_threads; /* 0: the default, see ms__tts_config */
    ms__cfg_get_int(r, "tts.threads", "threads", 0, MS__TTS_THREADS_MAX, &threads);
    r->cfg->tts_threads = (unsigned)threads;
    lua_pop(r->L, 1);
    return 0;
}

int ms__cfg_read_asr(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"enabled",        "pool",  "threads",
                                       "min_confidence", "model", "dict",
                                       "extra_dict",     "mllr",  NULL};
    if (ms__cfg_enter(r, "asr") != 1)
        return 0;
    ms__cfg_check_keys(r, "asr.", keys);
    lua_getfield(r->L, -1, "enabled");
    if (lua_isboolean(r->L, -1))
        r->cfg->asr.enabled = lua_toboolean(r->L, -1);
    else if (!lua_isnil(r->L, -1))
        ms__cfg_fail(r, "asr.enabled", "expected a boolean");
    lua_getfield(r->L, -2, "min_confidence");
    int isnum = 0;
    double c = lua_tonumberx(r->L, -1, &isnum);
    if (isnum && c >= 0 && c <= 1)
        r->cfg->asr.min_confidence = c;
    else if (!lua_isnil(r->L, -1))
        ms__cfg_fail(r, "asr.min_confidence", "expected a number in 0..1");
    lua_pop(r->L, 2);
    ms__cfg_get_int(r, "asr.pool", "pool", 1, 10000, &r->cfg->asr.pool);
    ms__cfg_get_int(r, "asr.threads", "threads", 1, 64, &r->cfg->asr.threads);
    ms__cfg_get_string(r, "asr.model", "model", &r->cfg->asr.model);
    ms__cfg_get_string(r, "asr.dict", "dict", &r->cfg->asr.dict);
    ms__cfg_get_string(r, "asr.extra_dict", "extra_dict", &r->cfg->asr.extra_dict);
    ms__cfg_get_string(r, "asr.mllr", "mllr", &r->cfg->asr.mllr);
    if (r->cfg->asr.mllr && !r->cfg->asr.mllr[0]) { /* "": no adaptation */
        free(r->cfg->asr.mllr);
        r->cfg->asr.mllr = NULL;
    }
    lua_pop(r->L, 1);
    return 0;
}
