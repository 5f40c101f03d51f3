#define MS_LOG_MODULE "cdr"
#include "cdr.h"
#include "endpoint.h"
#include "moonswitch/call.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    COL_ID,
    COL_CALLER,
    COL_CALLER_NAME,
    COL_DEST,
    COL_START,
    COL_ANSWER,
    COL_END,
    COL_DURATION,
    COL_BILLSEC,
    COL_CAUSE,
    COL_BY,
    COL_DIGITS,
    COL_DIGIT_LOG,
    COL_VARS,
    NCOLS
};

struct row {
    struct row *next;
    char *text[NCOLS]; /* NULL = SQL NULL; integer columns are decimal strings */
};

struct ms__cdr_writer {
    sqlite3 *db;
    sqlite3_stmt *insert;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_cond_t idle_cv; /* signalled when a batch is done */
    int writing;
    struct row *head, *tail;
    int stop;
    uint64_t written;
};

static const char *const schema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS cdr ("
    " id TEXT PRIMARY KEY, caller TEXT, caller_name TEXT, destination TEXT,"
    " start_ms INTEGER NOT NULL, answer_ms INTEGER, end_ms INTEGER NOT NULL,"
    " duration_ms INTEGER NOT NULL, billsec_ms INTEGER NOT NULL,"
    " hangup_cause TEXT, hangup_by TEXT, digits TEXT, digit_log TEXT, vars TEXT);"
    "CREATE INDEX IF NOT EXISTS cdr_start ON cdr(start_ms);";

/* ---- string building ---- */

void ms__strbuf_add(struct ms__strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->oom = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void ms__strbuf_json_string(struct ms__strbuf *b, const char *s)
{
    ms__strbuf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            ms__strbuf_add(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            ms__strbuf_add(b, esc, 6);
        } else {
            ms__strbuf_add(b, s, 1);
        }
    }
    ms__strbuf_add(b, "\"", 1);
}

void ms__strbuf_free(struct ms__strbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static char *take(struct ms__strbuf *b)
{
    if (b->oom) {
        ms__strbuf_free(b);
        return NULL;
    }
    char *d = b->data ? b->data : strdup("");
    memset(b, 0, sizeof *b);
    return d;
}

static char *fmt_u64(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return strdup(buf);
}

/* ---- the row ---- */

static void fill_digits(struct row *r, const struct ms_call *call)
{
    struct ms__strbuf digits = {0}, log = {0};
    ms__strbuf_add(&log, "[", 1);
    for (size_t i = 0; i < ms_call_digit_count(call); i++) {
        const struct ms_digit_record *d = ms_call_digit_at(call, i);
        char item[96];
        int n = snprintf(item, sizeof item, "%s{\"digit\":\"%c\",\"source\":\"%s\",\"at_ms\":%llu}",
                         i ? "," : "", d->digit, ms_dtmf_source_name(d->source),
                         (unsigned long long)d->at_ms);
        ms__strbuf_add(&digits, &d->digit, 1);
        ms__strbuf_add(&log, item, (size_t)n);
    }
    ms__strbuf_add(&log, "]", 1);
    r->text[COL_DIGITS] = take(&digits);
    r->text[COL_DIGIT_LOG] = take(&log);
}

static void fill_vars(struct row *r, const struct ms_call *call)
{
    struct ms__strbuf b = {0};
    const char *k, *v;
    ms__strbuf_add(&b, "{", 1);
    for (size_t i = 0; ms_call_var_at(call, i, &k, &v); i++) {
        if (i)
            ms__strbuf_add(&b, ",", 1);
        ms__strbuf_json_string(&b, k);
        ms__strbuf_add(&b, ":", 1);
        ms__strbuf_json_string(&b, v);
    }
    ms__strbuf_add(&b, "}", 1);
    r->text[COL_VARS] = take(&b);
}

static void row_free(struct row *r)
{
    for (int i = 0; i < NCOLS; i++)
        free(r->text[i]);
    free(r);
}

static struct row *row_from_call(const struct ms_call *call)
{
    struct row *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    struct ms_call_times t;
    ms__call_times(call, &t);
    uint64_t end = t.end_ms ? t.end_ms : t.start_ms;
    r->text[COL_ID] = strdup(ms_call_id(call));
    r->text[COL_CALLER] = strdup(ms_call_caller(call));
    r->text[COL_CALLER_NAME] = strdup(ms_call_caller_name(call));
    r->text[COL_DEST] = strdup(ms_call_destination(call));
    r->text[COL_START] = fmt_u64(t.start_ms);
    r->text[COL_ANSWER] = t.answer_ms ? fmt_u64(t.answer_ms) : NULL;
    r->text[COL_END] = fmt_u64(end);
    r->text[COL_DURATION] = fmt_u64(end - t.start_ms);
    r->text[COL_BILLSEC] = fmt_u64(t.answer_ms ? end - t.answer_ms : 0);
    const char *cause = ms_call_hangup_cause(call), *by = ms_call_hangup_by(call);
    r->text[COL_CAUSE] = cause ? strdup(cause) : NULL;
    r->text[COL_BY] = by ? strdup(by) : NULL;
    fill_digits(r, call);
    fill_vars(r, call);
    for (int i = 0; i < NCOLS; i++) {
        bool nullable = i == COL_ANSWER || i == COL_CAUSE || i == COL_BY;
        if (!r->text[i] && !nullable) {
            row_free(r);
            return NULL;
        }
    }
    return r;
}

/* ---- the writer thread ---- */

static bool insert_row(struct ms__cdr_writer *w, struct row *r)
{
    sqlite3_reset(w->insert);
    for (int i = 0; i < NCOLS; i++) {
        bool integer = i >= COL_START && i <= COL_BILLSEC;
        if (!r->text[i])
            sqlite3_bind_null(w->insert, i + 1);
        else if (integer)
            sqlite3_bind_int64(w->insert, i + 1, strtoll(r->text[i], NULL, 10));
        else
            sqlite3_bind_text(w->insert, i + 1, r->text[i], -1, SQLITE_STATIC);
    }
    if (sqlite3_step(w->insert) == SQLITE_DONE)
        return true;
    ms_err(r->text[COL_ID], "cannot write CDR: %s", sqlite3_errmsg(w->db));
    return false;
}

static void *writer_main(void *arg)
{
    struct ms__cdr_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        struct row *batch = w->head;
        w->head = w->tail = NULL;
        w->writing = 1;
        int stop = w->stop;
        pthread_mutex_unlock(&w->mu);
        uint64_t n = 0;
        if (batch) {
            sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL);
            while (batch) {
                struct row *next = batch->next;
                n += insert_row(w, batch);
                row_free(batch);
                batch = next;
            }
            sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL);
        }
        pthread_mutex_lock(&w->mu);
        w->written += n;
        w->writing = 0;
        pthread_cond_broadcast(&w->idle_cv);
        if (stop && !w->head)
            break;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static int make_parent_dirs(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    return 0;
}

int ms__cdr_open(struct ms__cdr_writer **out, const char *path)
{
    struct ms__cdr_writer *w = calloc(1, sizeof *w);
    if (!w)
        return MS_ENOMEM;
    int rc = make_parent_dirs(path);
    if (rc < 0) {
        ms_err(NULL, "cannot create the directory of %s: %s", path, ms_strerror(rc));
        goto fail_db;
    }
    rc = MS_EIO;
    if (sqlite3_open(path, &w->db) != SQLITE_OK)
        goto fail_db;
    sqlite3_busy_timeout(w->db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(w->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        ms_err(NULL, "cannot prepare CDR database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto fail_db;
    }
    if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO cdr VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &w->insert, NULL) != SQLITE_OK)
        goto fail_db;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_cond_init(&w->idle_cv, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
        goto fail_thread;
    *out = w;
    return 0;
fail_thread:
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    pthread_cond_destroy(&w->idle_cv);
    sqlite3_finalize(w->insert);
fail_db:
    if (w->db) {
        ms_err(NULL, "CDR database %s: %s", path, sqlite3_errmsg(w->db));
        sqlite3_close(w->db);
    }
    free(w);
    return rc;
}

int ms__cdr_submit(struct ms__cdr_writer *w, const struct ms_call *call)
{
    struct row *r = row_from_call(call);
    if (!r) {
        ms_err(ms_call_id(call), "CDR lost: out of memory");
        return MS_ENOMEM;
    }
    pthread_mutex_lock(&w->mu);
    if (w->tail)
        w->tail->next = r;
    else
        w->head = r;
    w->tail = r;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

void ms__cdr_flush(struct ms__cdr_writer *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->head || w->writing)
        pthread_cond_wait(&w->idle_cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

uint64_t ms__cdr_written(struct ms__cdr_writer *w)
{
    pthread_mutex_lock(&w->mu);
    uint64_t n = w->written;
    pthread_mutex_unlock(&w->mu);
    return n;
}

void ms__cdr_close(struct ms__cdr_writer *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    pthread_cond_destroy(&w->idle_cv);
    sqlite3_finalize(w->insert);
    sqlite3_close(w->db);
    free(w);
}
