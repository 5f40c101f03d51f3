/* Paths confined to a directory (see path.h). */
#include "base/path.h"
#include "moonswitch/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool has_dotdot(const char *path)
{
    for (const char *p = path; *p; p++)
        if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') && (!p[2] || p[2] == '/'))
            return true;
    return false;
}

int ms__path_inside(const char *dir, const char *path, char *out, size_t cap)
{
    if (!dir || !*dir || !*path || has_dotdot(path))
        return MS_EACCES;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    int n;
    if (path[0] == '/') {
        if (strncmp(path, dir, dl) != 0 || path[dl] != '/')
            return MS_EACCES;
        n = snprintf(out, cap, "%s", path);
    } else {
        n = snprintf(out, cap, "%.*s/%s", (int)dl, dir, path);
    }
    return n > 0 && (size_t)n < cap ? 0 : MS_EINVAL;
}
