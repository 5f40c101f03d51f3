/* Finds the trees this binary takes its files from (layout.h). */
#include "layout.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MS_SOURCE_DIR
#define MS_SOURCE_DIR "."
#endif
#ifndef MS_BUILD_DIR
#define MS_BUILD_DIR "build"
#endif

static struct ms__layout layout = {
    .source_dir = MS_SOURCE_DIR,
    .build_dir = MS_BUILD_DIR,
    .state_dir = MS_SOURCE_DIR "/data",
    .config_file = MS_SOURCE_DIR "/conf/moonswitch.lua",
};
static pthread_once_t layout_once = PTHREAD_ONCE_INIT;

#ifdef MS_INSTALL_DATA
static char data_dir[PATH_MAX], state_dir[PATH_MAX], config_file[PATH_MAX];

/* The directory of the running executable, symlinks resolved. */
static int exe_dir(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);
    if (n <= 0)
        return -1;
    out[n] = 0;
    char *slash = strrchr(out, '/');
    if (!slash || slash == out)
        return -1;
    *slash = 0;
    return 0;
}

/* `path` is `dir` or below it (dir resolved; false if it does not exist). */
static bool inside(const char *path, const char *dir)
{
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return false;
    size_t n = strlen(real);
    return strncmp(path, real, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* out = dir/rel, each leading "../" of rel taking one component off dir. */
static int join(char *out, size_t len, const char *dir, const char *rel)
{
    if (snprintf(out, len, "%s", dir) >= (int)len)
        return -1;
    while (strncmp(rel, "../", 3) == 0 || strcmp(rel, "..") == 0) {
        char *slash = strrchr(out, '/');
        if (!slash)
            return -1;
        *(slash == out ? slash + 1 : slash) = 0;
        rel += rel[2] ? 3 : 2;
    }
    if (!*rel)
        return 0;
    size_t n = strlen(out);
    int w = snprintf(out + n, len - n, "%s%s", n > 0 && out[n - 1] == '/' ? "" : "/", rel);
    return w < 0 || (size_t)w >= len - n ? -1 : 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_installed(void)
{
    char exe[PATH_MAX];
    if (exe_dir(exe, sizeof exe) < 0 || inside(exe, MS_BUILD_DIR))
        return;
    if (join(data_dir, sizeof data_dir, exe, MS_INSTALL_DATA) < 0 || !is_dir(data_dir) ||
        join(state_dir, sizeof state_dir, exe, MS_INSTALL_STATE) < 0 ||
        join(config_file, sizeof config_file, exe, MS_INSTALL_CONF "/moonswitch.lua") < 0)
        return;
    layout = (struct ms__layout){.installed = true,
                                 .source_dir = data_dir,
                                 .build_dir = data_dir,
                                 .state_dir = state_dir,
                                 .config_file = config_file};
}
#else
static void find_installed(void)
{
}
#endif

const struct ms__layout *ms__layout(void)
{
    pthread_once(&layout_once, find_installed);
    return &layout;
}
