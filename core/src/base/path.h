/* Paths given by scripts, confined to a directory. */
#ifndef MS_BASE_PATH_H
#define MS_BASE_PATH_H

#include <stddef.h>

/* The file for a script's path inside dir: relative to dir, or absolute and
 * below dir. A ".." component, an empty path or a NULL dir is MS_EACCES; a
 * result longer than cap is MS_EINVAL. 0 with the path in out. */
int ms__path_inside(const char *dir, const char *path, char *out, size_t cap);

#endif
