#define MS_LOG_MODULE "log"
#include "moonswitch/log.h"
#include "moonswitch/error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum ms_log_level g_level = MS_LOG_INFO;
static ms_log_sink_fn g_sink;
static void *g_sink_ud;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void ms_log_set_level(enum ms_log_level lvl)
{
    g_level = lvl;
}

enum ms_log_level ms_log_get_level(void)
{
    return g_level;
}

int ms_log_parse_level(const char *name, enum ms_log_level *out)
{
    for (int i = 0; i <= MS_LOG_DEBUG; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (enum ms_log_level)i;
            return 0;
        }
    }
    return MS_EINVAL;
}

void ms_log_set_sink(ms_log_sink_fn fn, void *ud)
{
    g_sink = fn;
    g_sink_ud = ud;
}

void ms_logv_(enum ms_log_level lvl, const char *module, const char *call_id, const char *fmt,
              va_list ap)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%02d:%02d:%02d.%03ld %-5s %-8s %s%s", tm.tm_hour,
                     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, level_names[lvl], module,
                     call_id ? call_id : "", call_id ? " " : "");
    if (n < 0 || (size_t)n >= sizeof line)
        n = 0;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    line[len] = '\0';
    if (g_sink) {
        line[len - 1] = '\0';
        g_sink(g_sink_ud, lvl, line);
        return;
    }
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

void ms_log_(enum ms_log_level lvl, const char *module, const char *call_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ms_logv_(lvl, module, call_id, fmt, ap);
    va_end(ap);
}
