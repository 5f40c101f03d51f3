/* moonswitch logging.
 *
 * Each .c file defines MS_LOG_MODULE (a short string) before including
 * this header and logs through the ms_err/ms_warn/ms_info/ms_debug
 * macros. The first argument is the call id for call-scoped lines, or
 * NULL. Safe from any thread: one line is written with one write(2).
 * The sink is stderr unless ms_log_set_sink() installs another.
 */
#ifndef MOONSWITCH_LOG_H
#define MOONSWITCH_LOG_H

#include <stdarg.h>

enum ms_log_level { MS_LOG_ERROR = 0, MS_LOG_WARN, MS_LOG_INFO, MS_LOG_DEBUG };

typedef void (*ms_log_sink_fn)(void *ud, enum ms_log_level lvl, const char *line);

void ms_log_set_level(enum ms_log_level lvl);
enum ms_log_level ms_log_get_level(void);
/* Parses "error", "warn", "info", "debug"; returns 0 or MS_EINVAL. */
int ms_log_parse_level(const char *name, enum ms_log_level *out);
/* Installs a sink (NULL restores stderr). Not thread-safe: call at start. */
void ms_log_set_sink(ms_log_sink_fn fn, void *ud);

void ms_log_(enum ms_log_level lvl, const char *module, const char *call_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ms_logv_(enum ms_log_level lvl, const char *module, const char *call_id, const char *fmt,
              va_list ap);

#ifndef MS_LOG_MODULE
#define MS_LOG_MODULE "core"
#endif

#define MS_LOG_ON_(lvl) ((lvl) <= ms_log_get_level())
#define ms_log_at(lvl, cid, ...)                                                                   \
    do {                                                                                           \
        if (MS_LOG_ON_(lvl))                                                                       \
            ms_log_((lvl), MS_LOG_MODULE, (cid), __VA_ARGS__);                                     \
    } while (0)
#define ms_err(cid, ...)   ms_log_at(MS_LOG_ERROR, cid, __VA_ARGS__)
#define ms_warn(cid, ...)  ms_log_at(MS_LOG_WARN, cid, __VA_ARGS__)
#define ms_info(cid, ...)  ms_log_at(MS_LOG_INFO, cid, __VA_ARGS__)
#define ms_debug(cid, ...) ms_log_at(MS_LOG_DEBUG, cid, __VA_ARGS__)

#endif
