/* Where this binary takes its files from: its source and build trees, or an
 * installed tree (docs/configuration.md, "Installed layout").
 *
 * - A binary that runs from inside its build tree (MS_BUILD_DIR: the server
 *   of `make run`, the unit tests) uses the trees it was built from: scripts/,
 *   prompts/, conf/ and data/ of the source tree, sounds/ of the build tree.
 * - Any other copy looks for an installed tree relative to its own directory
 *   (/proc/self/exe), with the relative paths CMake's install section compiles
 *   in (MS_INSTALL_DATA, e.g. "../share/moonswitch"), so a tree installed with
 *   `cmake --install BUILD --prefix P` works wherever P is. If there is none
 *   (a binary copied by hand), it falls back to the trees it was built from.
 *
 * Computed once per process, on first use (pthread_once); immutable afterwards.
 * The struct and its strings are static, valid until exit, never freed.
 */
#ifndef MS_LAYOUT_H
#define MS_LAYOUT_H

#include <stdbool.h>

struct ms__layout {
    bool installed;
    /* scripts/, prompts/: the source tree, or <datadir>/moonswitch installed */
    const char *source_dir;
    /* sounds/: the build tree, or the same directory as source_dir installed */
    const char *build_dir;
    /* the database, recordings, TTS cache: <source>/data, or
     * <localstatedir>/lib/moonswitch installed (may not exist yet) */
    const char *state_dir;
    /* the configuration read without -c: <source>/conf/moonswitch.lua, or
     * <sysconfdir>/moonswitch/moonswitch.lua installed */
    const char *config_file;
};

const struct ms__layout *ms__layout(void);

#endif
