/* Internal to bindings/: generations of the scripts (hot reload).
 *
 * struct ms__gen_files: the .lua files of scripts/ and prompts/ read into
 * memory, and the names of the sounds in the sound directories (for the phrase
 * modules' "is this word recorded?"), by ms__gen_scan (blocking file I/O: on a worker thread, or at
 * start-up before the loop serves). Owned by whoever scanned; freed with
 * ms__gen_files_free.
 *
 * struct ms__gen: one generation: every script module compiled, the entry
 * compiled (dumped, loaded again per call with the call's own _ENV), the
 * prompt sources, the sandbox environment, and the module cache, all held by
 * a Lua table in the registry. Reference-counted on the loop thread: the
 * runtime holds its current generation, each running script the generation
 * it started with. The last ms__gen_unref drops the registry reference (the
 * Lua garbage collector frees the rest) and the struct. */
#ifndef MS_GEN_H
#define MS_GEN_H

#include <lua.h>
#include <stddef.h>

struct ms_runtime;
struct ms__gen_files;

struct ms__gen {
    unsigned id;
    int refs;
    int table_ref; /* registry: the generation table (moonswitch.generation) */
    char *entry;   /* the entry chunk, dumped */
    size_t entry_len;
    size_t nfiles;
    struct ms_runtime *rt;
};

/* Limits of a scan: more is refused with a message (sounds: more are ignored). */
#define MS_GEN_MAX_SOUNDS 200000
#define MS_GEN_MAX_FILES  4096
#define MS_GEN_MAX_FILE   (4u << 20)
#define MS_GEN_MAX_TOTAL  (64u << 20)

/* 0, or a negative code with a message in err. prompts_dir may be NULL. */
int ms__gen_scan(const char *scripts_dir, const char *prompts_dir, const char *const *sound_dirs,
                 size_t nsound_dirs, struct ms__gen_files **out, char *err, size_t errlen);
void ms__gen_files_free(struct ms__gen_files *f);
/* A malloc'd copy of n strings (NULL if n is 0 or memory ran out), and its free. */
char **ms__strv_dup(const char *const *v, size_t n);
void ms__strv_free(char **v, size_t n);

/* Compiles every file, builds the generation and checks the entry (its top
 * level runs and must return a function). 0 with *out holding one reference,
 * or MS_EFORMAT with "file:line: message" in err (nothing is kept). */
int ms__gen_build(struct ms_runtime *rt, const struct ms__gen_files *f, unsigned id,
                  struct ms__gen **out, char *err, size_t errlen);
void ms__gen_ref(struct ms__gen *g);
void ms__gen_unref(struct ms__gen *g);

/* Pushes the entry function with a fresh _ENV (the call's globals, reading
 * through to the generation's sandbox) onto co. 0 or MS_EFORMAT. */
int ms__gen_push_entry(struct ms__gen *g, lua_State *co);
void ms__gen_push_table(struct ms__gen *g, lua_State *L);

#endif
