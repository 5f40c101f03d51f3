/* The configuration reader (core/src/config.c): built-in defaults, a file with
 * every key, each kind of invalid value refused with "key: reason", files
 * that do not compile or return the wrong thing, the sandbox the file runs
 * in, and the command-line override setters. Files are written to a
 * temporary directory; every loaded config is freed (ASan checks leaks). */
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MS_SOURCE_DIR
#define MS_SOURCE_DIR "."
#endif
#ifndef MS_BUILD_DIR
#define MS_BUILD_DIR "build"
#endif

static char tmpdir[64];
static char err[512];

/* Writes text to <tmpdir>/<name> and returns the path (static buffer). */
static const char *write_conf(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as a config file; the config is freed before returning. */
static int load_text(const char *text)
{
    struct ms_config cfg;
    err[0] = 0;
    int rc = ms_config_load(&cfg, write_conf("t.lua", text), err, sizeof err);
    ms_config_free(&cfg);
    return rc;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_defaults(void)
{
    struct ms_config c;
    err[0] = 0;
    CHECK_EQ_INT(ms_config_load(&c, NULL, err, sizeof err), 0);
    CHECK_EQ_STR(err, "");
    CHECK(c.path == NULL);
    CHECK_EQ_STR(c.sip_ip, "127.0.0.1");
    CHECK_EQ_INT(c.sip_port, 5060);
    CHECK(c.sip_udp && c.sip_tcp);
    CHECK_EQ_STR(c.user_agent, "moonswitch/0.1");
    CHECK_EQ_STR(c.rtp_ip, "127.0.0.1");
    CHECK_EQ_INT(c.rtp_lo, 16384);
    CHECK_EQ_INT(c.rtp_hi, 32767);
    CHECK_EQ_INT(c.ncodecs, 2);
    CHECK_EQ_STR(c.codecs[0], "PCMU");
    CHECK_EQ_STR(c.codecs[1], "PCMA");
    CHECK_EQ_INT(c.inband_dtmf, 2);
    CHECK_EQ_STR(c.scripts_dir, MS_SOURCE_DIR "/scripts");
    CHECK_EQ_STR(c.entry, "dialplan.lua");
    CHECK_EQ_INT(c.nsound_dirs, 2);
    CHECK_EQ_STR(c.sound_dirs[0], MS_BUILD_DIR "/sounds/en");
    CHECK_EQ_STR(c.sound_dirs[1], MS_BUILD_DIR "/sounds");
    CHECK_EQ_STR(c.db_path, MS_SOURCE_DIR "/data/moonswitch.db");
    CHECK_EQ_STR(c.log_level, "info");
    CHECK_EQ_INT(c.audio_cache_bytes, 64u << 20);
    CHECK_EQ_INT(c.max_calls, 10000);
    ms_config_free(&c);
    CHECK(c.sip_ip == NULL && c.ncodecs == 0 && c.nsound_dirs == 0); /* free zeroes */
    ms_config_free(&c);                                              /* and is repeatable */
}

static const char full_conf[] =
    "-- every key\n"
    "local base = here .. '/data'\n"
    "return {\n"
    "  sip = { listen = '0.0.0.0:5080', transports = { 'udp' }, user_agent = 'test-ua' },\n"
    "  rtp = { ip = '10.0.0.5', ports = '20000-20100' },\n"
    "  codecs = { 'PCMA', 'PCMU' },\n"
    "  dtmf = { inband = 'never' },\n"
    "  scripts = { dir = here .. '/scripts', entry = 'main.lua' },\n"
    "  sounds = { '/s/a', '/s/b', build_dir .. '/s' },\n"
    "  db = base .. '/cdr.db',\n"
    "  log_level = 'debug',\n"
    "  max_calls = 250,\n"
    "  audio_cache_mb = 16,\n"
    "}\n";

static void test_every_key(void)
{
    struct ms_config c;
    const char *path = write_conf("full.lua", full_conf);
    char want[300];
    CHECK_EQ_INT(ms_config_load(&c, path, err, sizeof err), 0);
    CHECK_EQ_STR(c.path, path);
    CHECK_EQ_STR(c.sip_ip, "0.0.0.0");
    CHECK_EQ_INT(c.sip_port, 5080);
    CHECK(c.sip_udp && !c.sip_tcp);
    CHECK_EQ_STR(c.user_agent, "test-ua");
    CHECK_EQ_STR(c.rtp_ip, "10.0.0.5");
    CHECK_EQ_INT(c.rtp_lo, 20000);
    CHECK_EQ_INT(c.rtp_hi, 20100);
    CHECK_EQ_INT(c.ncodecs, 2);
    CHECK_EQ_STR(c.codecs[0], "PCMA");
    CHECK_EQ_STR(c.codecs[1], "PCMU");
    CHECK_EQ_INT(c.inband_dtmf, 0);
    snprintf(want, sizeof want, "%s/scripts", tmpdir); /* `here` is the file's directory */
    CHECK_EQ_STR(c.scripts_dir, want);
    CHECK_EQ_STR(c.entry, "main.lua");
    CHECK_EQ_INT(c.nsound_dirs, 3);
    CHECK_EQ_STR(c.sound_dirs[0], "/s/a");
    CHECK_EQ_STR(c.sound_dirs[1], "/s/b");
    CHECK_EQ_STR(c.sound_dirs[2], MS_BUILD_DIR "/s");
    snprintf(want, sizeof want, "%s/data/cdr.db", tmpdir);
    CHECK_EQ_STR(c.db_path, want);
    CHECK_EQ_STR(c.log_level, "debug");
    CHECK_EQ_INT(c.max_calls, 250);
    CHECK_EQ_INT(c.audio_cache_bytes, 16u << 20);
    ms_config_free(&c);
}

/* An empty table keeps every default; other values of each key are accepted. */
static void test_partial_and_alternatives(void)
{
    struct ms_config c;
    CHECK_EQ_INT(ms_config_load(&c, write_conf("e.lua", "return {}"), err, sizeof err), 0);
    CHECK_EQ_INT(c.sip_port, 5060);
    CHECK_EQ_INT(c.ncodecs, 2);
    ms_config_free(&c);
    const char *alt = "return { sip = { transports = { 'tcp' } }, dtmf = { inband = 'always' },\n"
                      "  codecs = { 'PCMU' }, log_level = 'error', sip2 = nil }";
    CHECK_EQ_INT(ms_config_load(&c, write_conf("a.lua", alt), err, sizeof err), 0);
    CHECK(!c.sip_udp && c.sip_tcp);
    CHECK_EQ_INT(c.inband_dtmf, 1);
    CHECK_EQ_INT(c.ncodecs, 1);
    CHECK_EQ_STR(c.codecs[0], "PCMU");
    CHECK_EQ_STR(c.log_level, "error");
    ms_config_free(&c);
    CHECK_EQ_INT(load_text("return { dtmf = { inband = 'auto' }, log_level = 'warn' }"), 0);
}

static const struct {
    const char *text;
    const char *err; /* expected start of the message */
} invalid[] = {
    {"return { foo = 1 }", "foo: unknown key"},
    {"return { 'x' }", "(non-string key): unknown key"},
    {"return { sip = { bogus = 1 } }", "sip.bogus: unknown key"},
    {"return { sip = 'x' }", "sip: expected a table"},
    {"return { sip = { listen = '127.0.0.1' } }", "sip.listen: "},
    {"return { sip = { listen = '127.0.0.1:0' } }", "sip.listen: "},
    {"return { sip = { listen = '127.0.0.1:70000' } }", "sip.listen: "},
    {"return { sip = { listen = '127.0.0.1:-1' } }", "sip.listen: "},
    {"return { sip = { listen = '127.0.0.1:' } }", "sip.listen: "},
    {"return { sip = { listen = 'localhost:5060' } }", "sip.listen: "},
    {"return { sip = { listen = '[::1]:5060' } }", "sip.listen: "},
    {"return { sip = { listen = '1.2.3:5060' } }", "sip.listen: "},
    {"return { sip = { listen = 5060 } }", "sip.listen: "},
    {"return { sip = { transports = { 'sctp' } } }", "sip.transports: "},
    {"return { sip = { transports = {} } }", "sip.transports: "},
    {"return { sip = { user_agent = 1.5 } }", "sip.user_agent: expected a string"},
    {"return { rtp = { ports = '5-3' } }", "rtp.ports: "},
    {"return { rtp = { ports = '1000-2000' } }", "rtp.ports: "},
    {"return { rtp = { ports = 'abc' } }", "rtp.ports: "},
    {"return { rtp = { ports = '20000-20000' } }", "rtp.ports: "},
    {"return { rtp = { ports = '30000-20000' } }", "rtp.ports: "},
    {"return { rtp = { ports = '20000-70000' } }", "rtp.ports: "},
    {"return { rtp = { ports = '20000-30000x' } }", "rtp.ports: "},
    {"return { rtp = { ports = 20000 } }", "rtp.ports: "},
    {"return { rtp = { ip = 'nowhere' } }", "rtp.ip: "},
    {"return { rtp = { port = '20000-30000' } }", "rtp.port: unknown key"},
    {"return { codecs = { 'G729' } }", "codecs: "},
    {"return { codecs = { 'PCMU', 'G722' } }", "codecs: "},
    {"return { codecs = 'PCMU' }", "codecs: "},
    {"return { codecs = {} }", "codecs: "},
    {"return { codecs = { 'PCMU', 7 } }", "codecs: "},
    {"return { codecs = { 'PCMU', 'PCMA', 'PCMU', 'PCMA', 'PCMU' } }", "codecs: "},
    {"return { dtmf = { inband = 'sometimes' } }", "dtmf.inband: "},
    {"return { dtmf = { inband = true } }", "dtmf.inband: "},
    {"return { dtmf = { rfc2833 = true } }", "dtmf.rfc2833: unknown key"},
    {"return { scripts = { dir = {} } }", "scripts.dir: "},
    {"return { scripts = { main = 'x' } }", "scripts.main: unknown key"},
    {"return { sounds = {} }", "sounds: "},
    {"return { sounds = '/x' }", "sounds: "},
    {"return { db = 42.5 }", "db: "},
    {"return { log_level = 'loud' }", "log_level: "},
    {"return { log_level = 'INFO' }", "log_level: "},
    {"return { max_calls = 0 }", "max_calls: "},
    {"return { max_calls = -5 }", "max_calls: "},
    {"return { max_calls = 1.5 }", "max_calls: "},
    {"return { max_calls = 'many' }", "max_calls: "},
    {"return { audio_cache_mb = 0 }", "audio_cache_mb: "},
    {"return { audio_cache_mb = 1e9 }", "audio_cache_mb: "},
    {"return { scripts = { watch = 'yes' } }", "scripts.watch: "},
    {"return { scripts = { trust = { 'network' } } }", "scripts.trust: "},
    {"return { scripts = { trust = 'io' } }", "trust: expected a table"},
    {"return { scripts = { on_error = { apology = 'x' } } }", "scripts.on_error.apology: unknown"},
    {"return { scripts = { on_error = { transfer = 5.5 } } }", "scripts.on_error.transfer: "},
    {"return { scripts = { budget = { instructions = -1 } } }", "scripts.budget.instructions: "},
    {"return { scripts = { budget = { wall_ms = 'fast' } } }", "scripts.budget.wall_ms: "},
    {"return { scripts = { budget = { cpu = 1 } } }", "scripts.budget.cpu: unknown key"},
    {"return { asr = { pool = 0 } }", "asr.pool: "},
    {"return { asr = { min_confidence = 2 } }", "asr.min_confidence: "},
    {"return { asr = { enabled = 'no' } }", "asr.enabled: "},
    {"return { asr = { mllr = 7.5 } }", "asr.mllr: "},
    {"return { control = 3.5 }", "control: "},
    {"return { tts = { threads = 99 } }", "tts.threads: "},
};

/* The keys of the scripts' runtime, speech recognition and the control socket. */
static void test_runtime_keys(void)
{
    struct ms_config c;
    CHECK_EQ_INT(ms_config_load(
                     &c,
                     write_conf("rt.lua",
                                "return { scripts = { watch = false,\n"
                                "  trust = { 'io', 'debug' }, on_error = { prompt = false,\n"
                                "  transfer = 'operator' }, budget = { instructions = 0,\n"
                                "  wall_ms = 50, memory_mb = 4 } }, asr = { enabled = false,\n"
                                "  pool = 3, min_confidence = 0.7, mllr = '' }, control = false }"),
                     err, sizeof err),
                 0);
    CHECK(!c.scripts_watch);
    CHECK_EQ_INT(c.ntrust, 2);
    CHECK_EQ_STR(c.trust[1], "debug");
    CHECK(c.error_prompt == NULL);
    CHECK_EQ_STR(c.error_transfer, "operator");
    CHECK_EQ_INT(c.budget.instructions, 0); /* 0: unlimited */
    CHECK_EQ_INT(c.budget.wall_ms, 50);
    CHECK_EQ_INT(c.budget.memory_mb, 4);
    CHECK_EQ_INT(c.budget.total_mb, -1); /* not given: the default */
    CHECK(!c.asr.enabled);
    CHECK_EQ_INT(c.asr.pool, 3);
    CHECK(c.asr.min_confidence > 0.69 && c.asr.min_confidence < 0.71);
    CHECK(c.asr.mllr == NULL); /* "": no adaptation */
    CHECK(c.control_path == NULL);
    ms_config_free(&c);
    CHECK_EQ_INT(ms_config_load(&c, NULL, err, sizeof err), 0); /* the defaults */
    CHECK(c.scripts_watch && c.ntrust == 0 && c.asr.enabled && c.control_path && c.asr.mllr);
    CHECK_EQ_STR(c.error_prompt, "demo/error");
    ms_config_free(&c);
}

static void test_invalid_values(void)
{
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        int rc = load_text(invalid[i].text);
        if (rc != MS_EINVAL || !starts_with(err, invalid[i].err))
            fprintf(stderr, "  %s\n  -> rc %d, err \"%s\"\n", invalid[i].text, rc, err);
        CHECK_EQ_INT(rc, MS_EINVAL);
        CHECK(starts_with(err, invalid[i].err));
        const char *reason = strstr(err, ": ");
        CHECK(reason && reason[2] != 0); /* "key: reason" */
    }
}

/* The first problem found is the one reported. */
static void test_first_error_wins(void)
{
    CHECK_EQ_INT(load_text("return { foo = 1, log_level = 'loud' }"), MS_EINVAL);
    CHECK(starts_with(err, "foo: unknown key"));
    CHECK_EQ_INT(load_text("return { rtp = { ip = 'x', ports = '5-3' } }"), MS_EINVAL);
    CHECK(starts_with(err, "rtp.ip: "));
    CHECK_EQ_INT(load_text("return { foo = 1, sip = { listen = 'nothing' } }"), MS_EINVAL);
    CHECK(starts_with(err, "foo: unknown key"));
}

static void test_not_compiling(void)
{
    struct ms_config c;
    const char *path = write_conf("syntax.lua", "return {\n  sip = {\n    listen = ,\n  }\n}\n");
    char want[300];
    snprintf(want, sizeof want, "%s:3:", path);
    CHECK_EQ_INT(ms_config_load(&c, path, err, sizeof err), MS_EINVAL);
    ms_config_free(&c);
    CHECK(starts_with(err, want));
}

static void test_runtime_error(void)
{
    struct ms_config c;
    const char *path = write_conf("boom.lua", "local x = 1\nerror('boom')\nreturn {}\n");
    char want[300];
    snprintf(want, sizeof want, "%s:2: boom", path);
    CHECK_EQ_INT(ms_config_load(&c, path, err, sizeof err), MS_EINVAL);
    ms_config_free(&c);
    CHECK_EQ_STR(err, want);
}

static void test_wrong_return(void)
{
    static const char *const texts[] = {"return 42", "return 'x'", "return nil", "",
                                        "local t = {}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        CHECK_EQ_INT(load_text(texts[i]), MS_EINVAL);
        CHECK(strstr(err, "t.lua") != NULL);
        CHECK(strstr(err, "must return a table") != NULL);
    }
    CHECK_EQ_INT(load_text("return 42"), MS_EINVAL);
    CHECK(strstr(err, "number") != NULL);
}

static void test_binary_chunk_refused(void)
{
    CHECK_EQ_INT(load_text("\x1bLua\x54"), MS_EINVAL);
    CHECK(err[0] != 0);
}

static void test_missing_file(void)
{
    struct ms_config c;
    char path[300];
    snprintf(path, sizeof path, "%s/no/such.lua", tmpdir);
    err[0] = 0;
    CHECK_EQ_INT(ms_config_load(&c, path, err, sizeof err), MS_ENOENT);
    ms_config_free(&c);
    CHECK(strstr(err, path) != NULL);
}

static void test_small_err_buffer(void)
{
    struct ms_config c;
    char small[8];
    memset(small, 'x', sizeof small);
    const char *path = write_conf("u.lua", "return { unknown_key_with_a_long_name = 1 }");
    CHECK_EQ_INT(ms_config_load(&c, path, small, sizeof small), MS_EINVAL);
    ms_config_free(&c);
    CHECK_EQ_INT(strlen(small), sizeof small - 1); /* truncated, still terminated */
    CHECK_EQ_INT(ms_config_load(&c, path, small, 0), MS_EINVAL);
    ms_config_free(&c);
}

/* The sandbox: here, source_dir, build_dir and os.getenv; no io, require, load, os.execute. */
static void test_sandbox(void)
{
    struct ms_config c;
    setenv("MS_TEST_CONF_DB", "/from/env.db", 1);
    unsetenv("MS_TEST_CONF_UNSET");
    const char *text =
        "return {\n"
        "  db = os.getenv('MS_TEST_CONF_DB'),\n"
        "  log_level = os.getenv('MS_TEST_CONF_UNSET') or 'warn',\n"
        "  scripts = { dir = here, entry = tostring(io) .. tostring(require) .. tostring(load)\n"
        "              .. tostring(os.execute) .. tostring(dofile) .. tostring(print) },\n"
        "  sounds = { source_dir, build_dir, string.format('%d', math.floor(2.5)) },\n"
        "}\n";
    CHECK_EQ_INT(ms_config_load(&c, write_conf("env.lua", text), err, sizeof err), 0);
    CHECK_EQ_STR(c.db_path, "/from/env.db");
    CHECK_EQ_STR(c.log_level, "warn");
    CHECK_EQ_STR(c.scripts_dir, tmpdir);
    CHECK_EQ_STR(c.entry, "nilnilnilnilnilnil");
    CHECK_EQ_STR(c.sound_dirs[0], MS_SOURCE_DIR);
    CHECK_EQ_STR(c.sound_dirs[1], MS_BUILD_DIR);
    CHECK_EQ_STR(c.sound_dirs[2], "2");
    ms_config_free(&c);
    /* the file's globals do not leak into the next load */
    CHECK_EQ_INT(load_text("leaked = 'yes'\nreturn {}"), 0);
    struct ms_config d;
    CHECK_EQ_INT(ms_config_load(&d, write_conf("g.lua", "return { db = tostring(leaked) }"), err,
                                sizeof err),
                 0);
    CHECK_EQ_STR(d.db_path, "nil");
    ms_config_free(&d);
    unsetenv("MS_TEST_CONF_DB");
}

/* `here` for a file in the current directory, named without a slash. */
static void test_here_relative(void)
{
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_EQ_INT(chdir(tmpdir), 0);
    write_conf("rel.lua", "return { db = here .. '/x.db' }");
    struct ms_config c;
    int rc = ms_config_load(&c, "rel.lua", err, sizeof err);
    char db[64];
    snprintf(db, sizeof db, "%s", rc == 0 ? c.db_path : "");
    ms_config_free(&c);
    CHECK_EQ_INT(chdir(cwd), 0);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_STR(db, "./x.db");
}

static void test_set_listen(void)
{
    struct ms_config c;
    ms_config_load(&c, NULL, err, sizeof err);
    CHECK_EQ_INT(ms_config_set_listen(&c, "10.1.2.3:5070", err, sizeof err), 0);
    CHECK_EQ_STR(c.sip_ip, "10.1.2.3");
    CHECK_EQ_INT(c.sip_port, 5070);
    CHECK_EQ_INT(ms_config_set_listen(&c, "0.0.0.0:1", err, sizeof err), 0);
    CHECK_EQ_INT(c.sip_port, 1);
    CHECK_EQ_INT(ms_config_set_listen(&c, "127.0.0.1:65535", err, sizeof err), 0);
    CHECK_EQ_INT(c.sip_port, 65535);
    static const char *const bad[] = {
        "",
        "5060",
        ":5060",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:70000",
        "localhost:5060",
        "::1:5060",
        "1.2.3.4:x",
        "1.2.3.4.5:5060",
        "256.0.0.1:5060",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        int rc = ms_config_set_listen(&c, bad[i], err, sizeof err);
        if (rc != MS_EINVAL)
            fprintf(stderr, "  accepted '%s'\n", bad[i]);
        CHECK_EQ_INT(rc, MS_EINVAL);
        CHECK(starts_with(err, "sip.listen: "));
        CHECK_EQ_STR(c.sip_ip, "127.0.0.1"); /* unchanged on error */
        CHECK_EQ_INT(c.sip_port, 65535);
    }
    CHECK_EQ_INT(ms_config_set_listen(&c, "127.0.0.1:5060x", err, sizeof err), MS_EINVAL);
    CHECK_EQ_INT(ms_config_set_listen(&c, "127.0.0.1:5060 6", err, sizeof err), MS_EINVAL);
    ms_config_free(&c);
}

static void test_set_rtp_ports(void)
{
    struct ms_config c;
    ms_config_load(&c, NULL, err, sizeof err);
    CHECK_EQ_INT(ms_config_set_rtp_ports(&c, "10000-10010", err, sizeof err), 0);
    CHECK_EQ_INT(c.rtp_lo, 10000);
    CHECK_EQ_INT(c.rtp_hi, 10010);
    CHECK_EQ_INT(ms_config_set_rtp_ports(&c, "1024-65535", err, sizeof err), 0);
    CHECK_EQ_INT(c.rtp_lo, 1024);
    CHECK_EQ_INT(c.rtp_hi, 65535);
    static const char *const bad[] = {"",          "5-3",       "1000-2000",  "abc",
                                      "2000",      "2000-",     "-2000",      "3000-2000",
                                      "2000-2000", "2000-2002", "2000-70000", "2000-3000x",
                                      "2000:3000", "1023-2000", "2000-65536"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        int rc = ms_config_set_rtp_ports(&c, bad[i], err, sizeof err);
        if (rc != MS_EINVAL)
            fprintf(stderr, "  accepted '%s'\n", bad[i]);
        CHECK_EQ_INT(rc, MS_EINVAL);
        CHECK(starts_with(err, "rtp.ports: "));
        CHECK(strstr(err, bad[i]) != NULL); /* the message quotes the value */
        CHECK_EQ_INT(c.rtp_lo, 1024);       /* unchanged on error */
        CHECK_EQ_INT(c.rtp_hi, 65535);
    }
    /* An odd LO: every port used must still be inside the configured range. */
    CHECK_EQ_INT(ms_config_set_rtp_ports(&c, "10001-10010", err, sizeof err), 0);
    CHECK_EQ_INT(c.rtp_hi, 10010);
    CHECK(c.rtp_lo >= 10001);
    ms_config_free(&c);
}

static void test_set_string(void)
{
    char *field = NULL;
    CHECK_EQ_INT(ms_config_set_string(&field, "a"), 0);
    CHECK_EQ_STR(field, "a");
    CHECK_EQ_INT(ms_config_set_string(&field, "bb"), 0); /* the old value is freed */
    CHECK_EQ_STR(field, "bb");
    free(field);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ms-config-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 2;
    RUN(test_defaults);
    RUN(test_every_key);
    RUN(test_partial_and_alternatives);
    RUN(test_invalid_values);
    RUN(test_runtime_keys);
    RUN(test_first_error_wins);
    RUN(test_not_compiling);
    RUN(test_runtime_error);
    RUN(test_wrong_return);
    RUN(test_binary_chunk_refused);
    RUN(test_missing_file);
    RUN(test_small_err_buffer);
    RUN(test_sandbox);
    RUN(test_here_relative);
    RUN(test_set_listen);
    RUN(test_set_rtp_ports);
    RUN(test_set_string);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return test_summary();
}
