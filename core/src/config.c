/* Reads conf/moonswitch.lua (a Lua chunk returning a table) into ms_config. */
#define MS_LOG_MODULE "config"
#include "media/tts.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "layout.h"

#include <arpa/inet.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    lua_State *L;
    struct ms_config *cfg;
    char *err;
    size_t errlen;
    int failed;
};

static int fail(struct reader *r, const char *key, const char *fmt, ...)
{
    if (r->failed)
        return MS_EINVAL;
    int n = snprintf(r->err, r->errlen, "%s: ", key);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return MS_EINVAL;
}

int ms_config_set_string(char **field, const char *value)
{
    char *v = strdup(value);
    if (!v)
        return MS_ENOMEM;
    free(*field);
    *field = v;
    return 0;
}

static bool valid_ipv4(const char *ip)
{
    struct in_addr a;
    return inet_pton(AF_INET, ip, &a) == 1;
}

int ms_config_set_listen(struct ms_config *cfg, const char *addr_port, char *err, size_t errlen)
{
    char ip[64];
    int port;
    char extra;
    const char *colon = strrchr(addr_port, ':');
    if (!colon || (size_t)(colon - addr_port) >= sizeof ip ||
        sscanf(colon + 1, "%d%c", &port, &extra) != 1 || port < 1 || port > 65535) {
        snprintf(err, errlen, "sip.listen: expected IPv4:PORT, got '%s'", addr_port);
        return MS_EINVAL;
    }
    memcpy(ip, addr_port, (size_t)(colon - addr_port));
    ip[colon - addr_port] = 0;
    if (!valid_ipv4(ip)) {
        snprintf(err, errlen, "sip.listen: '%s' is not an IPv4 address", ip);
        return MS_EINVAL;
    }
    cfg->sip_port = port;
    return ms_config_set_string(&cfg->sip_ip, ip);
}

int ms_config_set_rtp_ports(struct ms_config *cfg, const char *range, char *err, size_t errlen)
{
    int lo, hi;
    char extra;
    if (sscanf(range, "%d-%d%c", &lo, &hi, &extra) != 2 || lo < 1024 || hi > 65535 || lo >= hi ||
        hi - lo < 3) {
        snprintf(err, errlen, "rtp.ports: expected LO-HI within 1024-65535 with LO < HI, got '%s'",
                 range);
        return MS_EINVAL;
    }
    cfg->rtp_lo = (lo + 1) & ~1; /* RTP on even ports, inside the range */
    cfg->rtp_hi = hi;
    return 0;
}

/* A malloc'd "dir/rel", or NULL. */
static char *under(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* Paths default to the trees of this binary: build or installed (layout.h). */
static int defaults(struct ms_config *cfg)
{
    const struct ms__layout *at = ms__layout();
    memset(cfg, 0, sizeof *cfg);
    cfg->sip_port = 5060;
    cfg->sip_udp = cfg->sip_tcp = true;
    cfg->rtp_lo = 16384;
    cfg->rtp_hi = 32767;
    cfg->inband_dtmf = 2;
    cfg->audio_cache_bytes = 64u << 20;
    cfg->max_calls = 10000;
    cfg->ncodecs = 2;
    cfg->nsound_dirs = 2;
    cfg->codecs[0] = strdup("PCMU");
    cfg->codecs[1] = strdup("PCMA");
    cfg->sip_ip = strdup("127.0.0.1");
    cfg->rtp_ip = strdup("127.0.0.1");
    cfg->user_agent = strdup("moonswitch/0.1");
    cfg->scripts_dir = under(at->source_dir, "scripts");
    cfg->entry = strdup("dialplan.lua");
    cfg->sound_dirs[0] = under(at->build_dir, "sounds/en");
    cfg->sound_dirs[1] = under(at->build_dir, "sounds");
    cfg->db_path = under(at->state_dir, "moonswitch.db");
    cfg->control_path = under(at->state_dir, "moonswitch.sock");
    cfg->log_level = strdup("info");
    cfg->tts_cache_dir = under(at->state_dir, "tts");
    cfg->recordings_dir = under(at->state_dir, "recordings");
    cfg->prompts_dir = under(at->source_dir, "prompts");
    cfg->language = strdup("en");
    cfg->tts_memory_bytes = 32u << 20;
    cfg->scripts_watch = true;
    cfg->budget.instructions = cfg->budget.wall_ms = -1; /* -1: the defaults of budget.h */
    cfg->budget.memory_mb = cfg->budget.total_mb = -1;
    cfg->error_prompt = strdup("demo/error");
    cfg->asr.enabled = true;
    cfg->asr.pool = 8;
    cfg->asr.threads = 1;
    cfg->asr.min_confidence = 0.5;
    cfg->asr.mllr = under(at->source_dir, "models/en-us-tel/mllr");
    cfg->nmoh = 1;
    cfg->moh[0].name = strdup("default");
    cfg->moh[0].dir = under(at->build_dir, "sounds/8000/music");
    bool ok = cfg->codecs[0] && cfg->codecs[1] && cfg->sip_ip && cfg->rtp_ip && cfg->user_agent &&
              cfg->scripts_dir && cfg->entry && cfg->sound_dirs[0] && cfg->sound_dirs[1] &&
              cfg->db_path && cfg->log_level && cfg->moh[0].name && cfg->moh[0].dir &&
              cfg->tts_cache_dir && cfg->recordings_dir && cfg->prompts_dir && cfg->language;
    return ok ? 0 : MS_ENOMEM;
}

void ms_config_free(struct ms_config *cfg)
{
    free(cfg->path);
    free(cfg->sip_ip);
    free(cfg->user_agent);
    free(cfg->rtp_ip);
    for (size_t i = 0; i < cfg->ncodecs; i++)
        free(cfg->codecs[i]);
    free(cfg->scripts_dir);
    free(cfg->entry);
    free(cfg->error_prompt);
    free(cfg->error_transfer);
    for (size_t i = 0; i < cfg->ntrust; i++)
        free(cfg->trust[i]);
    for (size_t i = 0; i < cfg->nsound_dirs; i++)
        free(cfg->sound_dirs[i]);
    free(cfg->db_path);
    free(cfg->control_path);
    free(cfg->log_level);
    free(cfg->tts_cache_dir);
    free(cfg->recordings_dir);
    free(cfg->prompts_dir);
    free(cfg->language);
    free(cfg->asr.model);
    free(cfg->asr.dict);
    free(cfg->asr.extra_dict);
    free(cfg->asr.mllr);
    for (size_t i = 0; i < cfg->nmoh; i++) {
        free(cfg->moh[i].name);
        free(cfg->moh[i].dir);
    }
    memset(cfg, 0, sizeof *cfg);
}

/* ---- table readers: each takes the table at the top of the stack ---- */

static int get_string(struct reader *r, const char *key, const char *field, char **out)
{
    lua_getfield(r->L, -1, field);
    int rc = 0;
    if (lua_type(r->L, -1) == LUA_TSTRING)
        rc = ms_config_set_string(out, lua_tostring(r->L, -1));
    else if (!lua_isnil(r->L, -1))
        rc = fail(r, key, "expected a string, got %s", luaL_typename(r->L, -1));
    lua_pop(r->L, 1);
    return rc;
}

static int get_int(struct reader *r, const char *key, const char *field, int lo, int hi, int *out)
{
    lua_getfield(r->L, -1, field);
    int rc = 0, isint = 0;
    lua_Integer v = lua_tointegerx(r->L, -1, &isint);
    if (isint && v >= lo && v <= hi)
        *out = (int)v;
    else if (!lua_isnil(r->L, -1))
        rc = fail(r, key, "expected an integer in %d..%d", lo, hi);
    lua_pop(r->L, 1);
    return rc;
}

/* Checks that every key of the table at the top is in `allowed`. */
static int check_keys(struct reader *r, const char *prefix, const char *const *allowed)
{
    lua_pushnil(r->L);
    while (lua_next(r->L, -2)) {
        lua_pop(r->L, 1);
        const char *k = lua_type(r->L, -1) == LUA_TSTRING ? lua_tostring(r->L, -1) : NULL;
        bool ok = false;
        for (size_t i = 0; k && allowed[i]; i++)
            ok = ok || strcmp(k, allowed[i]) == 0;
        if (!ok) {
            char name[96];
            snprintf(name, sizeof name, "%s%s", prefix, k ? k : "(non-string key)");
            lua_pop(r->L, 1);
            return fail(r, name, "unknown key");
        }
    }
    return 0;
}

/* Enters the sub-table `field` (pushing it) if present; returns 1, 0 (absent) or error. */
static int enter(struct reader *r, const char *field)
{
    lua_getfield(r->L, -1, field);
    if (lua_istable(r->L, -1))
        return 1;
    bool absent = lua_isnil(r->L, -1);
    lua_pop(r->L, 1);
    return absent ? 0 : fail(r, field, "expected a table");
}

static int read_string_list(struct reader *r, const char *key, char **list, size_t *n, size_t max)
{
    size_t len = (size_t)lua_rawlen(r->L, -1);
    if (len == 0 || len > max)
        return fail(r, key, "expected a list of 1 to %zu strings", max);
    for (size_t i = 0; i < *n; i++) {
        free(list[i]);
        list[i] = NULL;
    }
    *n = 0;
    for (size_t i = 1; i <= len; i++) {
        lua_rawgeti(r->L, -1, (lua_Integer)i);
        if (lua_type(r->L, -1) != LUA_TSTRING) {
            lua_pop(r->L, 1);
            return fail(r, key, "item %zu is not a string", i);
        }
        list[(*n)++] = strdup(lua_tostring(r->L, -1));
        lua_pop(r->L, 1);
    }
    return 0;
}

static int read_sip(struct reader *r)
{
    static const char *const keys[] = {"listen", "transports", "user_agent", NULL};
    if (enter(r, "sip") != 1)
        return 0;
    check_keys(r, "sip.", keys);
    lua_getfield(r->L, -1, "listen");
    if (r->failed) {
        /* keep the first error */
    } else if (lua_type(r->L, -1) == LUA_TSTRING) {
        if (ms_config_set_listen(r->cfg, lua_tostring(r->L, -1), r->err, r->errlen) < 0)
            r->failed = 1;
    } else if (!lua_isnil(r->L, -1)) {
        fail(r, "sip.listen", "expected \"IP:PORT\"");
    }
    lua_pop(r->L, 1);
    get_string(r, "sip.user_agent", "user_agent", &r->cfg->user_agent);
    if (enter(r, "transports") == 1) {
        r->cfg->sip_udp = r->cfg->sip_tcp = false;
        size_t len = (size_t)lua_rawlen(r->L, -1);
        for (size_t i = 1; i <= len; i++) {
            lua_rawgeti(r->L, -1, (lua_Integer)i);
            const char *t = lua_tostring(r->L, -1);
            if (t && strcmp(t, "udp") == 0)
                r->cfg->sip_udp = true;
            else if (t && strcmp(t, "tcp") == 0)
                r->cfg->sip_tcp = true;
            else
                fail(r, "sip.transports", "expected \"udp\" and/or \"tcp\"");
            lua_pop(r->L, 1);
        }
        if (!r->cfg->sip_udp && !r->cfg->sip_tcp)
            fail(r, "sip.transports", "at least one transport is needed");
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_rtp(struct reader *r)
{
    static const char *const keys[] = {"ip", "ports", NULL};
    if (enter(r, "rtp") != 1)
        return 0;
    check_keys(r, "rtp.", keys);
    get_string(r, "rtp.ip", "ip", &r->cfg->rtp_ip);
    if (!r->failed && !valid_ipv4(r->cfg->rtp_ip))
        fail(r, "rtp.ip", "'%s' is not an IPv4 address", r->cfg->rtp_ip);
    lua_getfield(r->L, -1, "ports");
    if (lua_type(r->L, -1) == LUA_TSTRING) {
        if (!r->failed &&
            ms_config_set_rtp_ports(r->cfg, lua_tostring(r->L, -1), r->err, r->errlen) < 0)
            r->failed = 1;
    } else if (!lua_isnil(r->L, -1)) {
        fail(r, "rtp.ports", "expected \"LO-HI\"");
    }
    lua_pop(r->L, 2);
    return 0;
}

static int read_codecs(struct reader *r)
{
    int e = enter(r, "codecs");
    if (e != 1)
        return 0;
    read_string_list(r, "codecs", r->cfg->codecs, &r->cfg->ncodecs, MS_MAX_CODECS);
    for (size_t i = 0; !r->failed && i < r->cfg->ncodecs; i++) {
        const char *c = r->cfg->codecs[i];
        if (strcmp(c, "PCMU") != 0 && strcmp(c, "PCMA") != 0)
            fail(r, "codecs", "unsupported codec '%s' (PCMU, PCMA)", c);
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_dtmf(struct reader *r)
{
    static const char *const keys[] = {"inband", NULL};
    if (enter(r, "dtmf") != 1)
        return 0;
    check_keys(r, "dtmf.", keys);
    char *mode = NULL;
    get_string(r, "dtmf.inband", "inband", &mode);
    if (mode) {
        if (strcmp(mode, "never") == 0)
            r->cfg->inband_dtmf = 0;
        else if (strcmp(mode, "always") == 0)
            r->cfg->inband_dtmf = 1;
        else if (strcmp(mode, "auto") == 0)
            r->cfg->inband_dtmf = 2;
        else
            fail(r, "dtmf.inband", "expected \"auto\", \"always\" or \"never\"");
        free(mode);
    }
    lua_pop(r->L, 1);
    return 0;
}

static void read_trust(struct reader *r)
{
    static const char *const grants[] = {"io",       "os",            "debug", "package",
                                         "loadfile", "binary_chunks", NULL};
    if (enter(r, "trust") != 1)
        return;
    struct ms_config *c = r->cfg;
    size_t len = (size_t)lua_rawlen(r->L, -1);
    for (size_t i = 1; !r->failed && i <= len; i++) {
        lua_rawgeti(r->L, -1, (lua_Integer)i);
        const char *g = lua_type(r->L, -1) == LUA_TSTRING ? lua_tostring(r->L, -1) : "";
        bool known = false;
        for (size_t k = 0; grants[k]; k++)
            known = known || strcmp(g, grants[k]) == 0;
        if (!known || c->ntrust == MS_MAX_TRUST)
            fail(r, "scripts.trust", "expected a list of: io, os, debug, package, loadfile, "
                                     "binary_chunks");
        else
            c->trust[c->ntrust++] = strdup(g);
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
}

static void read_on_error(struct reader *r)
{
    static const char *const keys[] = {"prompt", "transfer", NULL};
    if (enter(r, "on_error") != 1)
        return;
    check_keys(r, "scripts.on_error.", keys);
    lua_getfield(r->L, -1, "prompt");
    if (lua_isboolean(r->L, -1) && !lua_toboolean(r->L, -1)) {
        free(r->cfg->error_prompt); /* prompt = false: hang up at once */
        r->cfg->error_prompt = NULL;
        lua_pop(r->L, 1);
    } else {
        lua_pop(r->L, 1);
        get_string(r, "scripts.on_error.prompt", "prompt", &r->cfg->error_prompt);
    }
    get_string(r, "scripts.on_error.transfer", "transfer", &r->cfg->error_transfer);
    lua_pop(r->L, 1);
}

static void read_budget(struct reader *r)
{
    static const char *const keys[] = {"instructions", "wall_ms", "memory_mb", "total_mb", NULL};
    if (enter(r, "budget") != 1)
        return;
    check_keys(r, "scripts.budget.", keys);
    /* 0: unlimited */
    get_int(r, "scripts.budget.instructions", "instructions", 0, 2000000000,
            &r->cfg->budget.instructions);
    get_int(r, "scripts.budget.wall_ms", "wall_ms", 0, 60000, &r->cfg->budget.wall_ms);
    get_int(r, "scripts.budget.memory_mb", "memory_mb", 0, 65536, &r->cfg->budget.memory_mb);
    get_int(r, "scripts.budget.total_mb", "total_mb", 0, 1048576, &r->cfg->budget.total_mb);
    lua_pop(r->L, 1);
}

static int read_scripts(struct reader *r)
{
    static const char *const keys[] = {"dir",      "entry",  "watch", "trust",
                                       "on_error", "budget", NULL};
    if (enter(r, "scripts") != 1)
        return 0;
    check_keys(r, "scripts.", keys);
    get_string(r, "scripts.dir", "dir", &r->cfg->scripts_dir);
    get_string(r, "scripts.entry", "entry", &r->cfg->entry);
    lua_getfield(r->L, -1, "watch");
    if (lua_isboolean(r->L, -1))
        r->cfg->scripts_watch = lua_toboolean(r->L, -1);
    else if (!lua_isnil(r->L, -1))
        fail(r, "scripts.watch", "expected a boolean");
    lua_pop(r->L, 1);
    read_trust(r);
    read_on_error(r);
    read_budget(r);
    lua_pop(r->L, 1);
    return 0;
}

/* moh = { name = { dir = "...", shuffle = false }, ... } replaces the default classes. */
static int read_moh(struct reader *r)
{
    static const char *const keys[] = {"dir", "shuffle", NULL};
    if (enter(r, "moh") != 1)
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
            fail(r, key, "expected name = { dir = \"...\", shuffle = false } (at most %d)",
                 MS_MAX_MOH);
        } else {
            char prefix[100];
            snprintf(prefix, sizeof prefix, "%s.", key);
            check_keys(r, prefix, keys);
            size_t i = c->nmoh++;
            c->moh[i].name = strdup(name);
            c->moh[i].dir = NULL;
            get_string(r, key, "dir", &c->moh[i].dir);
            lua_getfield(r->L, -1, "shuffle");
            c->moh[i].shuffle = lua_toboolean(r->L, -1);
            lua_pop(r->L, 1);
            if (!r->failed && !c->moh[i].dir)
                fail(r, key, "dir is required");
        }
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_tts(struct reader *r)
{
    static const char *const keys[] = {"cache_dir", "memory_mb", "threads", NULL};
    if (enter(r, "tts") != 1)
        return 0;
    check_keys(r, "tts.", keys);
    get_string(r, "tts.cache_dir", "cache_dir", &r->cfg->tts_cache_dir);
    int mb = (int)(r->cfg->tts_memory_bytes >> 20);
    get_int(r, "tts.memory_mb", "memory_mb", 1, 65536, &mb);
    r->cfg->tts_memory_bytes = (size_t)mb << 20;
    int threads = (int)r->cfg->tts_threads; /* 0: the default, see ms__tts_config */
    get_int(r, "tts.threads", "threads", 0, MS__TTS_THREADS_MAX, &threads);
    r->cfg->tts_threads = (unsigned)threads;
    lua_pop(r->L, 1);
    return 0;
}

static int read_asr(struct reader *r)
{
    static const char *const keys[] = {"enabled", "pool",  "threads",    "min_confidence",
                                       "model",   "dict", "extra_dict", "mllr", NULL};
    if (enter(r, "asr") != 1)
        return 0;
    check_keys(r, "asr.", keys);
    lua_getfield(r->L, -1, "enabled");
    if (lua_isboolean(r->L, -1))
        r->cfg->asr.enabled = lua_toboolean(r->L, -1);
    else if (!lua_isnil(r->L, -1))
        fail(r, "asr.enabled", "expected a boolean");
    lua_getfield(r->L, -2, "min_confidence");
    int isnum = 0;
    double c = lua_tonumberx(r->L, -1, &isnum);
    if (isnum && c >= 0 && c <= 1)
        r->cfg->asr.min_confidence = c;
    else if (!lua_isnil(r->L, -1))
        fail(r, "asr.min_confidence", "expected a number in 0..1");
    lua_pop(r->L, 2);
    get_int(r, "asr.pool", "pool", 1, 10000, &r->cfg->asr.pool);
    get_int(r, "asr.threads", "threads", 1, 64, &r->cfg->asr.threads);
    get_string(r, "asr.model", "model", &r->cfg->asr.model);
    get_string(r, "asr.dict", "dict", &r->cfg->asr.dict);
    get_string(r, "asr.extra_dict", "extra_dict", &r->cfg->asr.extra_dict);
    get_string(r, "asr.mllr", "mllr", &r->cfg->asr.mllr);
    if (r->cfg->asr.mllr && !r->cfg->asr.mllr[0]) { /* "": no adaptation */
        free(r->cfg->asr.mllr);
        r->cfg->asr.mllr = NULL;
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_top(struct reader *r)
{
    static const char *const keys[] = {"sip",    "rtp", "codecs",     "dtmf",      "scripts",
                                       "sounds", "db",  "log_level",  "max_calls", "audio_cache_mb",
                                       "moh",    "tts", "recordings", "prompts",   "language",
                                       "asr",    "control", NULL};
    check_keys(r, "", keys);
    read_sip(r);
    read_rtp(r);
    read_codecs(r);
    read_dtmf(r);
    read_scripts(r);
    read_moh(r);
    read_tts(r);
    read_asr(r);
    if (enter(r, "sounds") == 1) {
        read_string_list(r, "sounds", r->cfg->sound_dirs, &r->cfg->nsound_dirs, MS_MAX_SOUND_DIRS);
        lua_pop(r->L, 1);
    }
    get_string(r, "db", "db", &r->cfg->db_path);
    lua_getfield(r->L, -1, "control");
    bool off = lua_isboolean(r->L, -1) && !lua_toboolean(r->L, -1);
    lua_pop(r->L, 1);
    if (off) { /* control = false: no control socket */
        free(r->cfg->control_path);
        r->cfg->control_path = NULL;
    } else {
        get_string(r, "control", "control", &r->cfg->control_path);
    }
    get_string(r, "recordings", "recordings", &r->cfg->recordings_dir);
    get_string(r, "prompts", "prompts", &r->cfg->prompts_dir);
    get_string(r, "language", "language", &r->cfg->language);
    size_t rl = r->cfg->recordings_dir ? strlen(r->cfg->recordings_dir) : 0;
    if (rl > 1 && r->cfg->recordings_dir[rl - 1] == '/')
        r->cfg->recordings_dir[rl - 1] = 0;
    get_string(r, "log_level", "log_level", &r->cfg->log_level);
    enum ms_log_level lvl;
    if (!r->failed && ms_log_parse_level(r->cfg->log_level, &lvl) < 0)
        fail(r, "log_level", "expected error, warn, info or debug");
    get_int(r, "max_calls", "max_calls", 1, 1000000, &r->cfg->max_calls);
    int mb = (int)(r->cfg->audio_cache_bytes >> 20);
    get_int(r, "audio_cache_mb", "audio_cache_mb", 1, 65536, &mb);
    r->cfg->audio_cache_bytes = (size_t)mb << 20;
    return r->failed ? MS_EINVAL : 0;
}

/* The config chunk sees a small environment: here, source_dir, build_dir,
 * state_dir (layout.h), os.getenv. */
static void push_env(lua_State *L, const char *file)
{
    lua_newtable(L);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    lua_pushstring(L, dir);
    lua_setfield(L, -2, "here");
    const struct ms__layout *at = ms__layout();
    lua_pushstring(L, at->source_dir);
    lua_setfield(L, -2, "source_dir");
    lua_pushstring(L, at->build_dir);
    lua_setfield(L, -2, "build_dir");
    lua_pushstring(L, at->state_dir);
    lua_setfield(L, -2, "state_dir");
    static const char *const globals[] = {"string", "math",  "table", "tostring", "tonumber",
                                          "ipairs", "pairs", "type",  "error",    NULL};
    for (size_t i = 0; globals[i]; i++) {
        lua_getglobal(L, globals[i]);
        lua_setfield(L, -2, globals[i]);
    }
    lua_createtable(L, 0, 1);
    lua_getglobal(L, "os");
    lua_getfield(L, -1, "getenv");
    lua_setfield(L, -3, "getenv");
    lua_pop(L, 1);
    lua_setfield(L, -2, "os");
}

static int load_file(struct reader *r, const char *file)
{
    lua_State *L = r->L;
    if (luaL_loadfilex(L, file, "t") != LUA_OK) {
        snprintf(r->err, r->errlen, "%s", lua_tostring(L, -1));
        return strstr(lua_tostring(L, -1), "No such file") ? MS_ENOENT : MS_EINVAL;
    }
    push_env(L, file);
    lua_setupvalue(L, -2, 1);
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        snprintf(r->err, r->errlen, "%s", lua_tostring(L, -1));
        return MS_EINVAL;
    }
    if (!lua_istable(L, -1)) {
        snprintf(r->err, r->errlen, "%s: must return a table, returned %s", file,
                 luaL_typename(L, -1));
        return MS_EINVAL;
    }
    return read_top(r);
}

int ms_config_load(struct ms_config *cfg, const char *file, char *err, size_t errlen)
{
    int rc = defaults(cfg);
    if (rc < 0 || !file)
        return rc;
    cfg->path = strdup(file);
    struct reader r = {.L = luaL_newstate(), .cfg = cfg, .err = err, .errlen = errlen};
    if (!r.L || !cfg->path) {
        if (r.L)
            lua_close(r.L);
        return MS_ENOMEM;
    }
    luaL_openlibs(r.L);
    rc = load_file(&r, file);
    lua_close(r.L);
    return rc;
}
