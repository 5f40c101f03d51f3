/* CDR writer: one row per finished call into sqlite (WAL mode), written by a
 * dedicated thread so the loop never waits on the disk.
 *
 * Owned by the server. ms__cdr_submit() copies everything it needs out of the
 * call (the call may be freed right after). ms__cdr_close() writes what is
 * queued, closes the database and joins the thread. */
#ifndef MS_CDR_H
#define MS_CDR_H

#include <stddef.h>
#include <stdint.h>

struct ms_call;
struct ms__cdr_writer;

/* Opens (creating the file, its directory and the table if needed). */
int ms__cdr_open(struct ms__cdr_writer **out, const char *path);
int ms__cdr_submit(struct ms__cdr_writer *w, const struct ms_call *call);
void ms__cdr_close(struct ms__cdr_writer *w);
/* Blocks until every row submitted so far is written (tests, shutdown). */
void ms__cdr_flush(struct ms__cdr_writer *w);
/* Rows written so far (for tests and status). */
uint64_t ms__cdr_written(struct ms__cdr_writer *w);

/* JSON helpers, exposed for unit tests: append a JSON string literal of s. */
struct ms__strbuf {
    char *data;
    size_t len, cap;
    int oom;
};
void ms__strbuf_add(struct ms__strbuf *b, const char *s, size_t n);
void ms__strbuf_json_string(struct ms__strbuf *b, const char *s);
void ms__strbuf_free(struct ms__strbuf *b);

#endif
