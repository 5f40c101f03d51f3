/* Internal to bindings/: the files a generation is built from (gen_scan.c). */
#ifndef MS_GEN_FILES_H
#define MS_GEN_FILES_H

#include "gen.h"

#include <stdbool.h>
#include <stddef.h>

enum { MS_GEN_SCRIPTS, MS_GEN_PROMPTS };

struct ms__gen_file {
    int tree;   /* MS_GEN_SCRIPTS or MS_GEN_PROMPTS */
    char *path; /* as opened: "<dir>/demo/menu.lua" (chunk names, messages) */
    char *rel;  /* below its tree: "demo/menu.lua" */
    char *data; /* NUL-terminated */
    size_t len;
};

struct ms__gen_files {
    struct ms__gen_file *v;
    size_t n, cap;
    size_t total;  /* bytes */
    char **sounds; /* names of the sounds in the sound directories ("demo/welcome") */
    size_t nsounds, capsounds;
    char **dirs; /* every folder of scripts/ and prompts/ (to watch) */
    size_t ndirs, capdirs;
};

#endif
