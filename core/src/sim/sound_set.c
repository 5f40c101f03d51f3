#define MS_LOG_MODULE "sounds"
#include "sim/sound_set.h"
#include "hear/hear.h"
#include "media/audio_decode.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static void add_file(struct ms__hear_set *set, const char *path, const char *name)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = ms__audio_decode_file(path, 8000, &pcm, &n);
    if (rc == 0)
        rc = ms__hear_set_add(set, name, pcm, n);
    free(pcm);
    if (rc < 0 && rc != MS_EEXIST)
        ms_debug(NULL, "not a known sound: %s (%s)", path, ms_strerror(rc));
}

/* Adds every *.wav below dir; prefix is the name so far ("" at the top).
 * Numeric directories are sample rates: the caller walks <dir>/8000 itself,
 * and the others (and rate folders of a nested language set) are skipped. */
static void walk(struct ms__hear_set *set, const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || all_digits(e->d_name))
            continue;
        char path[1024], name[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "/" : "", e->d_name);
        struct stat st;
        if (stat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(set, path, name);
            continue;
        }
        size_t len = strlen(name);
        if (len > 4 && strcmp(name + len - 4, ".wav") == 0) {
            name[len - 4] = 0;
            add_file(set, path, name);
        }
    }
    closedir(d);
}

int ms__sound_set_load(struct ms__hear_set **out, const char *const *dirs, size_t ndirs)
{
    struct ms__hear_set *set;
    int rc = ms__hear_set_new(&set);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < ndirs; i++) {
        char rated[1024];
        snprintf(rated, sizeof rated, "%s/8000", dirs[i]);
        walk(set, rated, "");
        walk(set, dirs[i], "");
    }
    ms_info(NULL, "%zu known sounds", ms__hear_set_count(set));
    *out = set;
    return 0;
}
