#include "base/u64map.h"
#include "moonswitch/error.h"

#include <stdlib.h>

#define TOMB UINT64_MAX

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

void ms__u64map_init(struct ms__u64map *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->count = m->used = 0;
}

void ms__u64map_free(struct ms__u64map *m)
{
    free(m->keys);
    free(m->vals);
    ms__u64map_init(m);
}

static int rehash(struct ms__u64map *m, size_t cap)
{
    uint64_t *keys = calloc(cap, sizeof *keys);
    void **vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return MS_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == 0 || m->keys[i] == TOMB)
            continue;
        size_t j = slot_of(m->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    m->used = m->count;
    return 0;
}

static size_t find(const struct ms__u64map *m, uint64_t key)
{
    if (!m->cap)
        return SIZE_MAX;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return i;
        if (m->keys[i] == 0)
            return SIZE_MAX;
    }
}

int ms__u64map_put(struct ms__u64map *m, uint64_t key, void *val)
{
    size_t i = find(m, key);
    if (i != SIZE_MAX) {
        m->vals[i] = val;
        return 0;
    }
    if ((m->used + 1) * 4 >= m->cap * 3) {
        size_t cap = m->cap ? m->cap : 16;
        while ((m->count + 1) * 2 >= cap)
            cap *= 2;
        int rc = rehash(m, cap);
        if (rc < 0)
            return rc;
    }
    i = slot_of(key, m->cap);
    while (m->keys[i] != 0 && m->keys[i] != TOMB)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == 0)
        m->used++;
    m->keys[i] = key;
    m->vals[i] = val;
    m->count++;
    return 0;
}

void *ms__u64map_get(const struct ms__u64map *m, uint64_t key)
{
    size_t i = find(m, key);
    return i == SIZE_MAX ? NULL : m->vals[i];
}

void *ms__u64map_del(struct ms__u64map *m, uint64_t key)
{
    size_t i = find(m, key);
    if (i == SIZE_MAX)
        return NULL;
    void *v = m->vals[i];
    m->keys[i] = TOMB;
    m->vals[i] = NULL;
    m->count--;
    return v;
}
