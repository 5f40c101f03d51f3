/* The open-addressing uint64 -> pointer map (core/src/base/u64map.c): put, get,
 * delete, replace, growth, tombstone reuse, and a long random run checked
 * against a plain array. */
#include "base/u64map.h"
#include "moonswitch/error.h"
#include "test.h"

#include <stdlib.h>

/* A distinct pointer for each value without allocating: offsets into a byte array. */
static char vals[1 << 17];
#define V(i) ((void *)&vals[(i)])

static void test_empty(void)
{
    struct ms__u64map m;
    ms__u64map_init(&m);
    CHECK(ms__u64map_get(&m, 1) == NULL);
    CHECK(ms__u64map_del(&m, 1) == NULL);
    CHECK_EQ_INT(m.count, 0);
    ms__u64map_free(&m);
    ms__u64map_free(&m); /* freeing twice is harmless: free re-initialises */
}

static void test_put_get_del(void)
{
    struct ms__u64map m;
    ms__u64map_init(&m);
    CHECK_EQ_INT(ms__u64map_put(&m, 42, V(1)), 0);
    CHECK_EQ_INT(ms__u64map_put(&m, UINT64_MAX - 1, V(2)), 0);
    CHECK_EQ_INT(ms__u64map_put(&m, 1, V(3)), 0);
    CHECK_EQ_INT(m.count, 3);
    CHECK(ms__u64map_get(&m, 42) == V(1));
    CHECK(ms__u64map_get(&m, UINT64_MAX - 1) == V(2));
    CHECK(ms__u64map_get(&m, 1) == V(3));
    CHECK(ms__u64map_get(&m, 43) == NULL);
    CHECK(ms__u64map_del(&m, 42) == V(1));
    CHECK(ms__u64map_get(&m, 42) == NULL);
    CHECK(ms__u64map_del(&m, 42) == NULL); /* twice */
    CHECK_EQ_INT(m.count, 2);
    CHECK(ms__u64map_get(&m, 1) == V(3));
    ms__u64map_free(&m);
    CHECK(m.keys == NULL && m.cap == 0 && m.count == 0);
}

static void test_replace(void)
{
    struct ms__u64map m;
    ms__u64map_init(&m);
    CHECK_EQ_INT(ms__u64map_put(&m, 7, V(1)), 0);
    CHECK_EQ_INT(ms__u64map_put(&m, 7, V(2)), 0);
    CHECK_EQ_INT(m.count, 1);
    CHECK(ms__u64map_get(&m, 7) == V(2));
    CHECK_EQ_INT(ms__u64map_put(&m, 7, NULL), 0); /* a NULL value is stored, not a delete */
    CHECK_EQ_INT(m.count, 1);
    CHECK(ms__u64map_get(&m, 7) == NULL);
    CHECK(ms__u64map_del(&m, 7) == NULL);
    CHECK_EQ_INT(m.count, 0);
    ms__u64map_free(&m);
}

/* Keys inserted and deleted over and over: tombstones are reused or swept by
 * rehash, so the table does not grow with the number of operations. */
static void test_tombstone_reuse(void)
{
    struct ms__u64map m;
    ms__u64map_init(&m);
    for (uint64_t k = 1; k <= 8; k++)
        CHECK_EQ_INT(ms__u64map_put(&m, k, V(k)), 0);
    size_t cap = m.cap;
    for (uint64_t round = 0; round < 10000; round++) {
        uint64_t k = 1000 + round;
        CHECK_EQ_INT(ms__u64map_put(&m, k, V(round % 1000)), 0);
        CHECK(ms__u64map_get(&m, k) == V(round % 1000));
        CHECK(ms__u64map_del(&m, k) == V(round % 1000));
        CHECK(m.used < m.cap); /* an empty slot always remains, so lookups end */
    }
    CHECK_EQ_INT(m.count, 8);
    CHECK(m.cap <= cap * 2);
    for (uint64_t k = 1; k <= 8; k++)
        CHECK(ms__u64map_get(&m, k) == V(k));
    /* delete then re-put the same key lands in one slot, not two */
    CHECK(ms__u64map_del(&m, 5) == V(5));
    CHECK_EQ_INT(ms__u64map_put(&m, 5, V(50)), 0);
    CHECK_EQ_INT(m.count, 8);
    CHECK(ms__u64map_get(&m, 5) == V(50));
    CHECK(ms__u64map_del(&m, 5) == V(50));
    CHECK(ms__u64map_get(&m, 5) == NULL);
    ms__u64map_free(&m);
}

static void test_growth_keeps_everything(void)
{
    struct ms__u64map m;
    ms__u64map_init(&m);
    size_t last_cap = 0, grows = 0;
    for (uint64_t k = 1; k <= 20000; k++) {
        CHECK_EQ_INT(ms__u64map_put(&m, k * 0x9e3779b97f4a7c15ull | 1, V(k)), 0);
        if (m.cap != last_cap) {
            CHECK((m.cap & (m.cap - 1)) == 0); /* power of two */
            CHECK(m.cap > last_cap);
            last_cap = m.cap;
            grows++;
        }
        CHECK(m.count * 4 < m.cap * 3);
    }
    CHECK(grows > 5);
    for (uint64_t k = 1; k <= 20000; k++)
        CHECK(ms__u64map_get(&m, k * 0x9e3779b97f4a7c15ull | 1) == V(k));
    ms__u64map_free(&m);
}

/* Sequential keys collide in the low bits without a good hash; the map must still work. */
static void test_clustered_keys(void)
{
    struct ms__u64map m;
    ms__u64map_init(&m);
    for (uint64_t k = 1; k <= 4096; k++)
        CHECK_EQ_INT(ms__u64map_put(&m, k << 32, V(k)), 0);
    for (uint64_t k = 1; k <= 4096; k++)
        CHECK(ms__u64map_get(&m, k << 32) == V(k));
    for (uint64_t k = 1; k <= 4096; k += 2)
        CHECK(ms__u64map_del(&m, k << 32) == V(k));
    for (uint64_t k = 1; k <= 4096; k++)
        CHECK(ms__u64map_get(&m, k << 32) == (k % 2 ? NULL : V(k)));
    CHECK_EQ_INT(m.count, 2048);
    ms__u64map_free(&m);
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* 100k operations (puts, replaces, deletes) on keys 1..N, mirrored in an array. */
static void test_random_against_array(void)
{
    enum { N = 30000, OPS = 100000 };
    void **model = calloc(N + 1, sizeof *model);
    CHECK(model != NULL);
    struct ms__u64map m;
    ms__u64map_init(&m);
    size_t live = 0;
    int bad = 0;
    for (int op = 0; op < OPS && !bad; op++) {
        uint64_t r = rng();
        uint64_t k = 1 + r % N;
        void *v = V((r >> 32) % (sizeof vals - 1) + 1);
        if ((r >> 20) % 3 == 0) { /* delete a third of the time */
            bad |= ms__u64map_del(&m, k) != model[k];
            live -= model[k] != NULL;
            model[k] = NULL;
        } else {
            bad |= ms__u64map_put(&m, k, v) != 0;
            live += model[k] == NULL;
            model[k] = v;
        }
        bad |= ms__u64map_get(&m, k) != model[k];
        bad |= m.count != live;
        if (op % 10007 == 0) /* a full comparison now and then */
            for (uint64_t j = 1; j <= N; j++)
                bad |= ms__u64map_get(&m, j) != model[j];
    }
    for (uint64_t j = 1; j <= N; j++)
        bad |= ms__u64map_get(&m, j) != model[j];
    ms__u64map_free(&m);
    free(model);
    CHECK_EQ_INT(bad, 0);
    CHECK(live > 0);
}

int main(void)
{
    RUN(test_empty);
    RUN(test_put_get_del);
    RUN(test_replace);
    RUN(test_tombstone_reuse);
    RUN(test_growth_keeps_everything);
    RUN(test_clustered_keys);
    RUN(test_random_against_array);
    return test_summary();
}
