/* A small open-addressing hash map from non-zero uint64_t keys to pointers.
 * The map owns only its table, never the values. Not thread-safe. */
#ifndef MS_U64MAP_H
#define MS_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct ms__u64map {
    uint64_t *keys; /* 0 = empty, UINT64_MAX = deleted */
    void **vals;
    size_t cap, count, used;
};

void ms__u64map_init(struct ms__u64map *m);
void ms__u64map_free(struct ms__u64map *m);
/* Returns 0 or MS_ENOMEM; replaces an existing value. key must not be 0 or UINT64_MAX. */
int ms__u64map_put(struct ms__u64map *m, uint64_t key, void *val);
void *ms__u64map_get(const struct ms__u64map *m, uint64_t key);
void *ms__u64map_del(struct ms__u64map *m, uint64_t key);

#endif
