/* Internal to the configuration reader (config*.c): the reader's state and
 * the helpers each part uses. A reader holds the table being read at the top
 * of the Lua stack; the first failure is kept in err ("key: reason") and the
 * helpers do nothing after it. */
#ifndef MS_CONFIG_READ_H
#define MS_CONFIG_READ_H

#include "moonswitch/config.h"

#include <lua.h>
#include <stddef.h>

struct ms__cfg_reader {
    lua_State *L;
    struct ms_config *cfg;
    char *err;
    size_t errlen;
    int failed;
};

int ms__cfg_fail(struct ms__cfg_reader *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A string / an integer in lo..hi at field of the table at the top (absent: unchanged). */
int ms__cfg_get_string(struct ms__cfg_reader *r, const char *key, const char *field, char **out);
int ms__cfg_get_int(struct ms__cfg_reader *r, const char *key, const char *field, int lo, int hi,
                    int *out);
/* Checks that every key of the table at the top is in `allowed`. */
int ms__cfg_check_keys(struct ms__cfg_reader *r, const char *prefix, const char *const *allowed);
/* Enters the sub-table `field` (pushing it) if present; returns 1, 0 (absent) or error. */
int ms__cfg_enter(struct ms__cfg_reader *r, const char *field);
int ms__cfg_read_string_list(struct ms__cfg_reader *r, const char *key, char **list, size_t *n,
                             size_t max);

/* The sections (config_scripts.c, config_media.c). */
int ms__cfg_read_scripts(struct ms__cfg_reader *r);
int ms__cfg_read_moh(struct ms__cfg_reader *r);
int ms__cfg_read_tts(struct ms__cfg_reader *r);
int ms__cfg_read_asr(struct ms__cfg_reader *r);

#endif
