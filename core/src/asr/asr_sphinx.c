/* sphinxbase's log: one process-wide callback, installed once, sending its
 * lines to our log (errors at debug level: we report failures ourselves) and
 * keeping the last error of each thread for our error messages. */
#define MS_LOG_MODULE "asr"
#include "asr/asr_int.h"
#include "moonswitch/log.h"

#include <pthread.h>
#include <sphinxbase/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[256];
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static void sphinx_log(void *ud, err_lvl_t lvl, const char *fmt, ...)
{
    (void)ud;
    bool error = lvl == ERR_ERROR || lvl == ERR_FATAL;
    if (!error && !MS_LOG_ON_(MS_LOG_DEBUG))
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    trim(line);
    if (error) {
        /* "ERROR: "file.c", line 141: The word 'x' is missing..." -> the message */
        const char *msg = strstr(line, ": ");
        msg = msg ? strstr(msg + 2, ": ") : NULL;
        snprintf(last_error, sizeof last_error, "%s", msg ? msg + 2 : line);
    }
    if (lvl == ERR_FATAL)
        ms_err(NULL, "pocketsphinx: %s", line);
    else if (*line)
        ms_debug(NULL, "pocketsphinx: %s", line);
}

static void install(void)
{
    err_set_logfp(NULL); /* no direct writes (configuration dumps) */
    err_set_callback(sphinx_log, NULL);
}

void ms__asr_sphinx_log_init(void)
{
    pthread_once(&log_once, install);
}

void ms__asr_sphinx_error_clear(void)
{
    last_error[0] = '\0';
}

const char *ms__asr_sphinx_error(void)
{
    return last_error;
}

uint64_t ms__asr_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (h == 0 || h == UINT64_MAX) ? 1 : h;
}
