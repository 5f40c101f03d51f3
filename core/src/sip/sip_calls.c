/* The sofia thread's table of live calls, by agent call id. */
#include "sip/sip_int.h"
#include "moonswitch/error.h"

#include <stdlib.h>

#define INITIAL_BUCKETS 64

static size_t bucket_of(uint64_t id, size_t nbuckets)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    return (size_t)(id & (nbuckets - 1));
}

int ms__sip_calls_init(struct ms__sip_calls *t)
{
    t->buckets = calloc(INITIAL_BUCKETS, sizeof *t->buckets);
    if (!t->buckets)
        return MS_ENOMEM;
    t->nbuckets = INITIAL_BUCKETS;
    t->count = 0;
    return 0;
}

void ms__sip_calls_deinit(struct ms__sip_calls *t)
{
    free(t->buckets);
    t->buckets = NULL;
    t->nbuckets = t->count = 0;
}

static void grow(struct ms__sip_calls *t)
{
    size_t n = t->nbuckets * 2;
    struct ms__sip_call **b = calloc(n, sizeof *b);
    if (!b)
        return; /* keep the longer chains: still correct */
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct ms__sip_call *c = t->buckets[i];
        while (c) {
            struct ms__sip_call *next = c->next_in_bucket;
            size_t k = bucket_of(c->id, n);
            c->next_in_bucket = b[k];
            b[k] = c;
            c = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

int ms__sip_calls_add(struct ms__sip_calls *t, struct ms__sip_call *c)
{
    if (t->count >= t->nbuckets)
        grow(t);
    size_t k = bucket_of(c->id, t->nbuckets);
    c->next_in_bucket = t->buckets[k];
    t->buckets[k] = c;
    t->count++;
    return 0;
}

struct ms__sip_call *ms__sip_calls_find(const struct ms__sip_calls *t, uint64_t id)
{
    if (!t->buckets)
        return NULL;
    for (struct ms__sip_call *c = t->buckets[bucket_of(id, t->nbuckets)]; c; c = c->next_in_bucket)
        if (c->id == id)
            return c;
    return NULL;
}

void ms__sip_calls_remove(struct ms__sip_calls *t, struct ms__sip_call *c)
{
    struct ms__sip_call **p = &t->buckets[bucket_of(c->id, t->nbuckets)];
    for (; *p; p = &(*p)->next_in_bucket) {
        if (*p == c) {
            *p = c->next_in_bucket;
            c->next_in_bucket = NULL;
            t->count--;
            return;
        }
    }
}

void ms__sip_calls_foreach(const struct ms__sip_calls *t, void (*fn)(struct ms__sip_call *c))
{
    for (size_t i = 0; i < t->nbuckets; i++)
        for (struct ms__sip_call *c = t->buckets[i]; c; c = c->next_in_bucket)
            fn(c);
}

struct ms__sip_call *ms__sip_calls_any(const struct ms__sip_calls *t)
{
    for (size_t i = 0; t->count > 0 && i < t->nbuckets; i++)
        if (t->buckets[i])
            return t->buckets[i];
    return NULL;
}
