/* Music on hold classes.
 *
 * A class is a directory of audio files played in order (sorted by name) or
 * shuffled (a fixed shuffle per class), looping, on a timeline shared by all
 * its listeners: like a radio station, the class plays whether anyone
 * listens or not, and a caller who is put on hold hears it from where it
 * currently is. Each file is decoded once per sample rate (through the prompt
 * cache) and every listener reads the same memory: one decode, many
 * listeners, no per-caller state but the class pointer.
 *
 * struct ms__moh: the registry, owned by the engine; used from the loop
 * thread. Classes load lazily, on the first listener at a rate; until the
 * audio is there the listener hears silence (and a virtual clock waits). */
#ifndef MS_MEDIA_MOH_H
#define MS_MEDIA_MOH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms_loop;
struct ms__audio_cache;
struct ms__moh;
struct ms__moh_class;

struct ms__moh_class_config {
    const char *name;
    const char *dir;
    bool shuffle;
};

int ms__moh_new(struct ms__moh **out, struct ms_loop *loop, struct ms__audio_cache *cache,
                const struct ms__moh_class_config *classes, size_t n);
/* NULL if there is no such class. */
struct ms__moh_class *ms__moh_find(struct ms__moh *m, const char *name);
/* Fills n samples at rate for the loop time now_ms (silence while loading or
 * if the class has no playable file). Starts loading the class at that rate. */
void ms__moh_fill(struct ms__moh_class *c, int rate, uint64_t now_ms, int16_t *out, size_t n);
/* Number of files of a class that could be decoded so far (for status and tests). */
size_t ms__moh_files(const struct ms__moh_class *c);
/* Pending loads are cancelled; the loop must run afterwards for their callbacks. */
void ms__moh_free(struct ms__moh *m);

#endif
