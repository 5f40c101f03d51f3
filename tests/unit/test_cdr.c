/* The CDR writer (core/src/cdr.c): calls driven on a virtual clock with the
 * fake endpoint are submitted, the writer thread is closed, and the rows are
 * read back with sqlite3 and checked column by column; the JSON columns are
 * checked with sqlite's own JSON functions. Also: the database directory is
 * created, unwritable paths fail cleanly, and the JSON string escaping. */
#include "cdr.h"
#include "fake_call.h"
#include "moonswitch/log.h"
#include "test.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

static struct fixture fx;

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Runs sql with up to two text parameters and copies the first column of the
 * first row into out. Returns its SQLITE_* type (SQLITE_NULL for NULL), or -1
 * when there is no row or the statement fails. */
static int sql_get(sqlite3 *db, const char *sql, const char *p1, const char *p2, char *out,
                   size_t n)
{
    sqlite3_stmt *st;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "  sql error: %s in %s\n", sqlite3_errmsg(db), sql);
        return -1;
    }
    if (p1)
        sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
    if (p2)
        sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
    int type = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        type = sqlite3_column_type(st, 0);
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    return type;
}

/* The integer value of a column of the row `id`; -1 on NULL or no row. */
static long long col_int(sqlite3 *db, const char *col, const char *id)
{
    char sql[160], buf[64];
    snprintf(sql, sizeof sql, "SELECT %s FROM cdr WHERE id = ?1", col);
    if (sql_get(db, sql, id, NULL, buf, sizeof buf) != SQLITE_INTEGER)
        return -1;
    return strtoll(buf, NULL, 10);
}

static int col_text(sqlite3 *db, const char *col, const char *id, char *out, size_t n)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT %s FROM cdr WHERE id = ?1", col);
    return sql_get(db, sql, id, NULL, out, n);
}

/* Presses digit from src at absolute virtual time t. */
static void press_at(uint64_t t, char d, enum ms_dtmf_source src)
{
    ms_loop_advance(fx.loop, t - ms_loop_now(fx.loop));
    ms__call_dtmf(fx.call, d, src);
}

static const struct {
    const char *name, *value;
} vars[] = {
    {"plain", "value"},
    {"quote", "say \"hi\""},
    {"backslash", "C:\\temp\\"},
    {"newline", "line1\nline2\r\n"},
    {"utf8", "caf\xc3\xa9 \xe2\x98\x8e \xe6\x97\xa5\xe6\x9c\xac"},
    {"control", "\x01\x02\x1f\t\b\f|\x7f"},
    {"key \"with\" \\ odd\n", "x"},
    {"empty", ""},
};
#define NVARS (sizeof vars / sizeof vars[0])

/* The answered call: digits from two sources with duplicates, every kind of
 * variable, answered at 300 ms, hung up by the server at 5000 ms. */
static void drive_answered_call(void)
{
    for (size_t i = 0; i < NVARS; i++)
        ms_call_var_set(fx.call, vars[i].name, vars[i].value);
    ms_call_var_set(fx.call, "deleted", "gone");
    ms_call_var_set(fx.call, "deleted", NULL);
    ms_call_var_set(fx.call, "plain", "value"); /* replacing keeps one entry */
    ms_loop_advance(fx.loop, 300);
    ms_call_answer(fx.call);
    press_at(1000, '1', MS_DTMF_RFC4733); /* accepted */
    press_at(1200, '1', MS_DTMF_INFO);    /* the same press seen by INFO: once */
    press_at(1700, '1', MS_DTMF_INFO);    /* 700 ms later: a new press */
    press_at(1900, '2', MS_DTMF_INFO);    /* accepted */
    press_at(2400, '2', MS_DTMF_RFC4733); /* 500 ms later, still within the window */
    press_at(2500, 'x', MS_DTMF_RFC4733); /* not a digit */
    press_at(3000, '#', MS_DTMF_RFC4733); /* accepted */
    press_at(4000, '6', MS_DTMF_RFC4733); /* accepted */
    press_at(4501, '6', MS_DTMF_INFO);    /* 501 ms later: outside the window, a new press */
    ms_loop_advance(fx.loop, 5000 - ms_loop_now(fx.loop));
    ms_call_hangup(fx.call, "NORMAL_CLEARING");
    ms_loop_advance(fx.loop, 0);
    press_at(5100, '9', MS_DTMF_RFC4733); /* after the hangup: not logged */
}

/* A second call on the same loop: rings, never answered, the caller cancels at 3000 ms. */
static struct ms_call *drive_cancelled_call(struct fake_ep *ep)
{
    struct ms_call *c;
    struct ms_call_params p = {.id = "cancelled-1",
                               .caller = "",
                               .caller_name = "O'Brien \"Bob\"",
                               .destination = "2000",
                               .env = &fx.env,
                               .ops = &fake_ops,
                               .ep = ep};
    if (ms__call_new(&c, &p) < 0)
        return NULL;
    ms_call_ring(c);
    ms_loop_advance(fx.loop, 3000);
    ms__call_ended(c, "ORIGINATOR_CANCEL", true);
    return c;
}

static bool wait_written(struct ms__cdr_writer *w, uint64_t n)
{
    for (int i = 0; i < 5000 && ms__cdr_written(w) < n; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    return ms__cdr_written(w) == n;
}

static char tmpdir[64]; /* outlives the fixtures; removed at the end */
static char db_path[128];
static char answered_id[40];
static uint64_t t_before, t_after;

/* Writes both calls into a database whose directory does not exist yet. */
static void write_db(void)
{
    snprintf(db_path, sizeof db_path, "%s/not/yet/cdr.db", tmpdir);
    struct ms__cdr_writer *w = NULL;
    CHECK_EQ_INT(ms__cdr_open(&w, db_path), 0);
    drive_answered_call();
    struct fake_ep ep2 = {0};
    struct ms_call *c2 = drive_cancelled_call(&ep2);
    CHECK(c2 != NULL);
    snprintf(answered_id, sizeof answered_id, "%s", ms_call_id(fx.call));
    CHECK_EQ_INT(ms__cdr_submit(w, fx.call), 0);
    CHECK_EQ_INT(ms__cdr_submit(w, c2), 0);
    ms_call_unref(c2); /* the writer copied what it needs */
    CHECK_EQ_INT(ep2.released, 1);
    CHECK(wait_written(w, 2));
    ms__cdr_close(w);
}

static void test_rows(void)
{
    t_before = wall_ms();
    fixture_init(&fx);
    write_db();
    t_after = ms_loop_epoch_ms(fx.loop); /* call times follow the loop's (virtual) clock */
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char buf[512];
    CHECK_EQ_INT(sql_get(db, "SELECT count(*) FROM cdr", NULL, NULL, buf, sizeof buf),
                 SQLITE_INTEGER);
    CHECK_EQ_STR(buf, "2");
    CHECK_EQ_INT(sql_get(db, "PRAGMA journal_mode", NULL, NULL, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "wal");

    /* the answered call */
    const char *id = answered_id;
    CHECK_EQ_INT(col_text(db, "caller", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "5551234");
    CHECK_EQ_INT(col_text(db, "caller_name", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "Alice");
    CHECK_EQ_INT(col_text(db, "destination", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "1000");
    long long start = col_int(db, "start_ms", id);
    CHECK(start >= (long long)t_before && start <= (long long)t_after);
    CHECK_EQ_INT(col_int(db, "answer_ms", id), start + 300);
    CHECK_EQ_INT(col_int(db, "end_ms", id), start + 5000);
    CHECK_EQ_INT(col_int(db, "duration_ms", id), 5000);
    CHECK_EQ_INT(col_int(db, "billsec_ms", id), 4700);
    CHECK_EQ_INT(col_text(db, "hangup_cause", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "NORMAL_CLEARING");
    CHECK_EQ_INT(col_text(db, "hangup_by", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "server");
    CHECK_EQ_INT(col_text(db, "digits", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "112#66");

    /* the unanswered call */
    id = "cancelled-1";
    CHECK_EQ_INT(col_text(db, "caller", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "");
    CHECK_EQ_INT(col_text(db, "caller_name", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "O'Brien \"Bob\"");
    CHECK_EQ_INT(col_text(db, "destination", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "2000");
    CHECK_EQ_INT(col_text(db, "answer_ms", id, buf, sizeof buf), SQLITE_NULL);
    long long start2 = col_int(db, "start_ms", id);
    CHECK(start2 >= (long long)t_before && start2 <= (long long)t_after);
    CHECK_EQ_INT(col_int(db, "end_ms", id), start2 + 3000);
    CHECK_EQ_INT(col_int(db, "duration_ms", id), 3000);
    CHECK_EQ_INT(col_int(db, "billsec_ms", id), 0);
    CHECK_EQ_INT(col_text(db, "hangup_cause", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "ORIGINATOR_CANCEL");
    CHECK_EQ_INT(col_text(db, "hangup_by", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "caller");
    CHECK_EQ_INT(col_text(db, "digits", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "");
    CHECK_EQ_INT(col_text(db, "digit_log", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "[]");
    CHECK_EQ_INT(col_text(db, "vars", id, buf, sizeof buf), SQLITE_TEXT);
    CHECK_EQ_STR(buf, "{}");
    sqlite3_close(db);
    fixture_free(&fx);
}

/* digit_log: a JSON array of {digit, source, at_ms}, at_ms since the call started. */
static void test_digit_log_json(void)
{
    static const struct {
        const char *digit, *source, *at;
    } want[] = {{"1", "rfc4733", "1000"}, {"1", "info", "1700"},    {"2", "info", "1900"},
                {"#", "rfc4733", "3000"}, {"6", "rfc4733", "4000"}, {"6", "info", "4501"}};
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char buf[256], path[64];
    const char *id = answered_id;
    CHECK_EQ_INT(sql_get(db, "SELECT json_valid(digit_log) FROM cdr WHERE id = ?1", id, NULL, buf,
                         sizeof buf),
                 SQLITE_INTEGER);
    CHECK_EQ_STR(buf, "1");
    sql_get(db, "SELECT json_array_length(digit_log) FROM cdr WHERE id = ?1", id, NULL, buf,
            sizeof buf);
    CHECK_EQ_STR(buf, "6");
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(path, sizeof path, "$[%zu].digit", i);
        sql_get(db, "SELECT json_extract(digit_log, ?2) FROM cdr WHERE id = ?1", id, path, buf,
                sizeof buf);
        CHECK_EQ_STR(buf, want[i].digit);
        snprintf(path, sizeof path, "$[%zu].source", i);
        sql_get(db, "SELECT json_extract(digit_log, ?2) FROM cdr WHERE id = ?1", id, path, buf,
                sizeof buf);
        CHECK_EQ_STR(buf, want[i].source);
        snprintf(path, sizeof path, "$[%zu].at_ms", i);
        CHECK_EQ_INT(sql_get(db, "SELECT json_extract(digit_log, ?2) FROM cdr WHERE id = ?1", id,
                             path, buf, sizeof buf),
                     SQLITE_INTEGER);
        CHECK_EQ_STR(buf, want[i].at);
    }
    sqlite3_close(db);
}

/* vars: a JSON object whose keys and values read back byte for byte. */
static void test_vars_json(void)
{
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char buf[256];
    const char *id = answered_id;
    sql_get(db, "SELECT json_valid(vars) FROM cdr WHERE id = ?1", id, NULL, buf, sizeof buf);
    CHECK_EQ_STR(buf, "1");
    sql_get(db, "SELECT json_type(vars) FROM cdr WHERE id = ?1", id, NULL, buf, sizeof buf);
    CHECK_EQ_STR(buf, "object");
    sql_get(db, "SELECT count(*) FROM cdr, json_each(cdr.vars) WHERE cdr.id = ?1", id, NULL, buf,
            sizeof buf);
    CHECK_EQ_INT(strtol(buf, NULL, 10), NVARS);
    for (size_t i = 0; i < NVARS; i++) {
        int type = sql_get(db,
                           "SELECT j.value FROM cdr, json_each(cdr.vars) AS j "
                           "WHERE cdr.id = ?1 AND j.key = ?2",
                           id, vars[i].name, buf, sizeof buf);
        if (type != SQLITE_TEXT || strcmp(buf, vars[i].value) != 0)
            fprintf(stderr, "  var %zu: type %d\n", i, type);
        CHECK_EQ_INT(type, SQLITE_TEXT);
        CHECK_EQ_STR(buf, vars[i].value);
    }
    sql_get(db, "SELECT json_extract(vars, '$.quote') FROM cdr WHERE id = ?1", id, NULL, buf,
            sizeof buf);
    CHECK_EQ_STR(buf, "say \"hi\"");
    CHECK_EQ_INT(sql_get(db, "SELECT json_extract(vars, '$.deleted') FROM cdr WHERE id = ?1", id,
                         NULL, buf, sizeof buf),
                 SQLITE_NULL);
    sqlite3_close(db);
}

/* Submitting the same call again replaces its row (INSERT OR REPLACE on the id). */
static void test_resubmit_replaces(void)
{
    fixture_init(&fx);
    char path[160];
    snprintf(path, sizeof path, "%s/cdr.db", fx.dir);
    struct ms__cdr_writer *w;
    CHECK_EQ_INT(ms__cdr_open(&w, path), 0);
    ms_call_var_set(fx.call, "try", "1");
    ms_call_hangup(fx.call, "USER_BUSY");
    CHECK_EQ_INT(ms__cdr_submit(w, fx.call), 0);
    ms_call_var_set(fx.call, "try", "2");
    CHECK_EQ_INT(ms__cdr_submit(w, fx.call), 0);
    ms__cdr_close(w); /* writes what is queued first */
    /* reopening an existing database works and keeps its rows */
    CHECK_EQ_INT(ms__cdr_open(&w, path), 0);
    ms__cdr_close(w);
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char buf[64];
    sql_get(db, "SELECT count(*) FROM cdr", NULL, NULL, buf, sizeof buf);
    CHECK_EQ_STR(buf, "1");
    sql_get(db, "SELECT json_extract(vars, '$.try') FROM cdr", NULL, NULL, buf, sizeof buf);
    CHECK_EQ_STR(buf, "2");
    sql_get(db, "SELECT hangup_cause FROM cdr", NULL, NULL, buf, sizeof buf);
    CHECK_EQ_STR(buf, "USER_BUSY");
    sqlite3_close(db);
    fixture_free(&fx);
}

/* Digits a-d are taken as A-D (media/dtmf_dedup.h): the CDR shows the canonical digit. */
static void test_lowercase_digit_is_canonical(void)
{
    fixture_init(&fx);
    char path[160];
    snprintf(path, sizeof path, "%s/cdr.db", fx.dir);
    struct ms__cdr_writer *w;
    CHECK_EQ_INT(ms__cdr_open(&w, path), 0);
    press_at(100, 'b', MS_DTMF_RFC4733);
    press_at(200, 'B', MS_DTMF_INFO); /* the same press seen by INFO */
    ms_call_hangup(fx.call, NULL);
    CHECK_EQ_INT(ms__cdr_submit(w, fx.call), 0);
    ms__cdr_close(w);
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char buf[64];
    sql_get(db, "SELECT digits FROM cdr", NULL, NULL, buf, sizeof buf);
    sqlite3_close(db);
    fixture_free(&fx);
    CHECK_EQ_INT(strlen(buf), 1); /* the INFO report of the same press counts once */
    CHECK_EQ_STR(buf, "B");
}

static int errors_logged;
static void count_errors(void *ud, enum ms_log_level lvl, const char *line)
{
    (void)ud;
    (void)line;
    errors_logged += lvl == MS_LOG_ERROR;
}

static void test_unwritable_paths(void)
{
    fixture_init(&fx);
    ms_log_set_sink(count_errors, NULL);
    struct ms__cdr_writer *w = (struct ms__cdr_writer *)&fx; /* must stay untouched */
    int rc = ms__cdr_open(&w, "/proc/x/y.db");
    int rc2 = ms__cdr_open(&w, "/proc/y.db");
    /* a directory component that is a regular file */
    char path[160];
    snprintf(path, sizeof path, "%s/file", fx.dir);
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/file/cdr.db", fx.dir);
    int rc3 = ms__cdr_open(&w, path);
    ms_log_set_sink(NULL, NULL);
    CHECK(rc < 0);
    CHECK(rc2 < 0);
    CHECK(rc3 < 0);
    CHECK(w == (struct ms__cdr_writer *)&fx);
    CHECK(errors_logged >= 3); /* each failure is explained in the log */
    fixture_free(&fx);
}

static const char *json_of(struct ms__strbuf *b, const char *s)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
    ms__strbuf_json_string(b, s);
    return b->oom ? NULL : b->data;
}

static void test_json_string_escaping(void)
{
    struct ms__strbuf b = {0};
    CHECK_EQ_STR(json_of(&b, ""), "\"\"");
    CHECK_EQ_STR(json_of(&b, "abc"), "\"abc\"");
    CHECK_EQ_STR(json_of(&b, "a\"b"), "\"a\\\"b\"");
    CHECK_EQ_STR(json_of(&b, "a\\b"), "\"a\\\\b\"");
    CHECK_EQ_STR(json_of(&b, "\n"), "\"\\u000a\"");
    CHECK_EQ_STR(json_of(&b, "\r\t"), "\"\\u000d\\u0009\"");
    CHECK_EQ_STR(json_of(&b, "\x01\x1f"), "\"\\u0001\\u001f\"");
    CHECK_EQ_STR(json_of(&b, " \x7f"), "\" \x7f\""); /* DEL needs no escape in JSON */
    CHECK_EQ_STR(json_of(&b, "/"), "\"/\"");
    CHECK_EQ_STR(json_of(&b, "\xe2\x98\x8e"), "\"\xe2\x98\x8e\""); /* UTF-8 kept as is */
    CHECK_EQ_STR(json_of(&b, "\xff\xfe"), "\"\xff\xfe\"");         /* bytes are not mangled */
    ms__strbuf_free(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);

    /* appending grows the buffer and keeps it NUL-terminated */
    char big[5000];
    memset(big, '"', sizeof big - 1);
    big[sizeof big - 1] = 0;
    ms__strbuf_add(&b, "x", 1);
    ms__strbuf_json_string(&b, big);
    CHECK(!b.oom);
    CHECK_EQ_INT(b.len, 1 + 2 + 2 * (sizeof big - 1));
    CHECK_EQ_INT(strlen(b.data), b.len);
    CHECK(b.cap > b.len);
    CHECK(b.data[0] == 'x' && b.data[1] == '"' && b.data[2] == '\\' && b.data[b.len - 1] == '"');
    ms__strbuf_free(&b);
}

/* Every escaped string is valid JSON that sqlite decodes back to the original. */
static void test_json_string_round_trip(void)
{
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
    struct ms__strbuf b = {0};
    char s[3], buf[32];
    int bad = 0;
    for (int c1 = 1; c1 < 128 && !bad; c1++) {
        s[0] = (char)c1;
        s[1] = (char)(c1 == '\\' ? '"' : 'z');
        s[2] = 0;
        ms__strbuf_json_string(&b, s);
        int type = sql_get(db, "SELECT json_extract(?1, '$')", b.data, NULL, buf, sizeof buf);
        if (type != SQLITE_TEXT || strcmp(buf, s) != 0) {
            fprintf(stderr, "  byte 0x%02x: %s\n", c1, b.data);
            bad = 1;
        }
        b.len = 0;
    }
    ms__strbuf_free(&b);
    sqlite3_close(db);
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    (void)fixture_write_wav; /* fake_call.h helpers this file does not need */
    (void)fixture_preload;
    ms_log_set_level(MS_LOG_WARN);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ms-cdr-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 2;
    RUN(test_rows);
    RUN(test_digit_log_json);
    RUN(test_vars_json);
    RUN(test_resubmit_replaces);
    RUN(test_lowercase_digit_is_canonical);
    RUN(test_unwritable_paths);
    RUN(test_json_string_escaping);
    RUN(test_json_string_round_trip);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return test_summary();
}
