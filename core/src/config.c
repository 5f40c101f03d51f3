/* Reads conf/moonswitch.lua (a Lua chunk returning a table) into ms_config. */
#define MS_LOG_MODULE "config"
#include "config_read.h"
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

static int read_sip(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"listen", "transports", "user_agent", NULL};
    if (ms__cfg_enter(r, "sip") != 1)
        return 0;
    ms__cfg_check_keys(r, "sip.", keys);
    lua_getfield(r->L, -1, "listen");
    if (r->failed) {
        /* keep the first error */
    } else if (lua_type(r->L, -1) == LUA_TSTRING) {
        if (ms_config_set_listen(r->cfg, lua_tostring(r->L, -1), r->err, r->errlen) < 0)
            r->failed = 1;
    } else if (!lua_isnil(r->L, -1)) {
        ms__cfg_fail(r, "sip.listen", "expected \"IP:PORT\"");
    }
    lua_pop(r->L, 1);
    ms__cfg_get_string(r, "sip.user_agent", "user_agent", &r->cfg->user_agent);
    if (ms__cfg_enter(r, "transports") == 1) {
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
                ms__cfg_fail(r, "sip.transports", "expected \"udp\" and/or \"tcp\"");
            lua_pop(r->L, 1);
        }
        if (!r->cfg->sip_udp && !r->cfg->sip_tcp)
            ms__cfg_fail(r, "sip.transports", "at least one transport is needed");
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_rtp(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"ip", "ports", NULL};
    if (ms__cfg_enter(r, "rtp") != 1)
        return 0;
    ms__cfg_check_keys(r, "rtp.", keys);
    ms__cfg_get_string(r, "rtp.ip", "ip", &r->cfg->rtp_ip);
    if (!r->failed && !valid_ipv4(r->cfg->rtp_ip))
        ms__cfg_fail(r, "rtp.ip", "'%s' is not an IPv4 address", r->cfg->rtp_ip);
    lua_getfield(r->L, -1, "ports");
    if (lua_type(r->L, -1) == LUA_TSTRING) {
        if (!r->failed &&
            ms_config_set_rtp_ports(r->cfg, lua_tostring(r->L, -1), r->err, r->errlen) < 0)
            r->failed = 1;
    } else if (!lua_isnil(r->L, -1)) {
        ms__cfg_fail(r, "rtp.ports", "expected \"LO-HI\"");
    }
    lua_pop(r->L, 2);
    return 0;
}

static int read_codecs(struct ms__cfg_reader *r)
{
    int e = ms__cfg_enter(r, "codecs");
    if (e != 1)
        return 0;
    ms__cfg_read_string_list(r, "codecs", r->cfg->codecs, &r->cfg->ncodecs, MS_MAX_CODECS);
    for (size_t i = 0; !r->failed && i < r->cfg->ncodecs; i++) {
        const char *c = r->cfg->codecs[i];
        if (strcmp(c, "PCMU") != 0 && strcmp(c, "PCMA") != 0)
            ms__cfg_fail(r, "codecs", "unsupported codec '%s' (PCMU, PCMA)", c);
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_dtmf(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {"inband", NULL};
    if (ms__cfg_enter(r, "dtmf") != 1)
        return 0;
    ms__cfg_check_keys(r, "dtmf.", keys);
    char *mode = NULL;
    ms__cfg_get_string(r, "dtmf.inband", "inband", &mode);
    if (mode) {
        if (strcmp(mode, "never") == 0)
            r->cfg->inband_dtmf = 0;
        else if (strcmp(mode, "always") == 0)
            r->cfg->inband_dtmf = 1;
        else if (strcmp(mode, "auto") == 0)
            r->cfg->inband_dtmf = 2;
        else
            ms__cfg_fail(r, "dtmf.inband", "expected \"auto\", \"always\" or \"never\"");
        free(mode);
    }
    lua_pop(r->L, 1);
    return 0;
}

static int read_top(struct ms__cfg_reader *r)
{
    static const char *const keys[] = {
        "sip",       "rtp",       "codecs",         "dtmf", "scripts", "sounds",     "db",
        "log_level", "max_calls", "audio_cache_mb", "moh",  "tts",     "recordings", "prompts",
        "language",  "asr",       "control",        NULL};
    ms__cfg_check_keys(r, "", keys);
    read_sip(r);
    read_rtp(r);
    read_codecs(r);
    read_dtmf(r);
    ms__cfg_read_scripts(r);
    ms__cfg_read_moh(r);
    ms__cfg_read_tts(r);
    ms__cfg_read_asr(r);
    if (ms__cfg_enter(r, "sounds") == 1) {
        ms__cfg_read_string_list(r, "sounds", r->cfg->sound_dirs, &r->cfg->nsound_dirs,
                                 MS_MAX_SOUND_DIRS);
        lua_pop(r->L, 1);
    }
    ms__cfg_get_string(r, "db", "db", &r->cfg->db_path);
    lua_getfield(r->L, -1, "control");
    bool off = lua_isboolean(r->L, -1) && !lua_toboolean(r->L, -1);
    lua_pop(r->L, 1);
    if (off) { /* control = false: no control socket */
        free(r->cfg->control_path);
        r->cfg->control_path = NULL;
    } else {
        ms__cfg_get_string(r, "control", "control", &r->cfg->control_path);
    }
    ms__cfg_get_string(r, "recordings", "recordings", &r->cfg->recordings_dir);
    ms__cfg_get_string(r, "prompts", "prompts", &r->cfg->prompts_dir);
    ms__cfg_get_string(r, "language", "language", &r->cfg->language);
    size_t rl = r->cfg->recordings_dir ? strlen(r->cfg->recordings_dir) : 0;
    if (rl > 1 && r->cfg->recordings_dir[rl - 1] == '/')
        r->cfg->recordings_dir[rl - 1] = 0;
    ms__cfg_get_string(r, "log_level", "log_level", &r->cfg->log_level);
    enum ms_log_level lvl;
    if (!r->failed && ms_log_parse_level(r->cfg->log_level, &lvl) < 0)
        ms__cfg_fail(r, "log_level", "expected error, warn, info or debug");
    ms__cfg_get_int(r, "max_calls", "max_calls", 1, 1000000, &r->cfg->max_calls);
    int mb = (int)(r->cfg->audio_cache_bytes >> 20);
    ms__cfg_get_int(r, "audio_cache_mb", "audio_cache_mb", 1, 65536, &mb);
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

static int load_file(struct ms__cfg_reader *r, const char *file)
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
    struct ms__cfg_reader r = {.L = luaL_newstate(), .cfg = cfg, .err = err, .errlen = errlen};
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
