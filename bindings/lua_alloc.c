/* Per-owner accounting allocator for the loop's lua_State (see lua_alloc.h). */
#include "lua_alloc.h"
#include "moonswitch/error.h"

#include <lua.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

/* Precedes every block: the owner charged. Block sizes come from Lua, which
 * passes a block's size with every realloc and free. */
struct hdr {
    uint32_t slot, gen;
};
/* Lua needs blocks aligned for LUAI_MAXALIGN (lua_Number, pointers, integers,
 * long): 8 here. malloc aligns to 16; a block after the header to 8. */
union lua_maxalign {
    lua_Number n;
    double u;
    void *s;
    lua_Integer i;
    long l;
};
_Static_assert(sizeof(struct hdr) == MS__ALLOC_HEADER, "header size");
_Static_assert(MS__ALLOC_HEADER % alignof(union lua_maxalign) == 0, "header keeps alignment");

struct owner {
    size_t bytes, peak, limit;
    uint64_t refused;
    uint32_t gen;
    uint32_t next_free; /* free list link, valid while !live */
    bool live, over;
};

/* The last refusal: Lua retries the identical request after an emergency GC. */
struct refusal {
    bool set;
    uint32_t slot;
    void *ptr;
    size_t osize, nsize;
};

#define NO_SLOT UINT32_MAX

struct ms__alloc {
    struct owner *slots; /* slots[0] is the runtime */
    uint32_t nslots, capslots, free_head, cur;
    size_t live, blocks;
    size_t bytes, peak, cap;
    uint64_t ops, refused, failed;
    struct refusal last;
};

int ms__alloc_new(struct ms__alloc **out, size_t cap)
{
    struct ms__alloc *a = calloc(1, sizeof *a);
    if (!a)
        return MS_ENOMEM;
    a->capslots = 64;
    a->slots = calloc(a->capslots, sizeof *a->slots);
    if (!a->slots) {
        free(a);
        return MS_ENOMEM;
    }
    a->nslots = 1;
    a->slots[0].live = true;
    a->live = 1;
    a->free_head = NO_SLOT;
    a->cap = cap;
    *out = a;
    return 0;
}

void ms__alloc_free(struct ms__alloc *a)
{
    if (!a)
        return;
    free(a->slots);
    free(a);
}

static uint32_t slot_of_id(ms__owner_t id)
{
    return (uint32_t)(id & 0xffffffffu);
}

static ms__owner_t id_of(const struct ms__alloc *a, uint32_t slot)
{
    return ((ms__owner_t)a->slots[slot].gen << 32) | slot;
}

/* The live slot an id names, or NO_SLOT. */
static uint32_t find(const struct ms__alloc *a, ms__owner_t id)
{
    uint32_t slot = slot_of_id(id);
    if (slot >= a->nslots || !a->slots[slot].live || a->slots[slot].gen != (uint32_t)(id >> 32))
        return NO_SLOT;
    return slot;
}

/* The slot a block is charged to: its recorded owner, or 0 once that ended. */
static uint32_t owner_of(const struct ms__alloc *a, const struct hdr *h)
{
    uint32_t slot = h->slot;
    if (slot >= a->nslots || !a->slots[slot].live || a->slots[slot].gen != h->gen)
        return 0;
    return slot;
}

static void charge(struct ms__alloc *a, uint32_t slot, size_t n)
{
    struct owner *o = &a->slots[slot];
    o->bytes += n;
    if (o->bytes > o->peak)
        o->peak = o->bytes;
    a->bytes += n;
    if (a->bytes > a->peak)
        a->peak = a->bytes;
}

static void credit(struct ms__alloc *a, uint32_t slot, size_t n)
{
    a->slots[slot].bytes -= n;
    a->bytes -= n;
}

/* Whether the current owner may take owner_add more bytes, the state total_add. */
static bool fits(const struct ms__alloc *a, size_t owner_add, size_t total_add)
{
    if (a->cur == 0)
        return true;
    const struct owner *o = &a->slots[a->cur];
    if (o->limit && (owner_add > o->limit || o->bytes > o->limit - owner_add))
        return false;
    if (a->cap && (total_add > a->cap || a->bytes > a->cap - total_add))
        return false;
    return true;
}

static void *refuse(struct ms__alloc *a, void *ptr, size_t osize, size_t nsize)
{
    struct owner *o = &a->slots[a->cur];
    a->refused++;
    o->refused++;
    o->over = true;
    a->last = (struct refusal){true, a->cur, ptr, osize, nsize};
    return NULL;
}

/* A non-free request succeeded: if it was the retry of the last refusal, the
 * emergency collection made room and the refusal does not stand. */
static void granted(struct ms__alloc *a, void *ptr, size_t osize, size_t nsize)
{
    struct refusal *r = &a->last;
    if (r->set && r->slot == a->cur && r->ptr == ptr && r->osize == osize && r->nsize == nsize)
        a->slots[a->cur].over = false;
    r->set = false;
}

static void set_header(struct ms__alloc *a, struct hdr *h, uint32_t slot)
{
    h->slot = slot;
    h->gen = a->slots[slot].gen;
}

static void *acquire(struct ms__alloc *a, size_t osize, size_t nsize)
{
    if (nsize > SIZE_MAX - sizeof(struct hdr)) {
        a->failed++;
        return NULL;
    }
    size_t total = nsize + sizeof(struct hdr);
    if (!fits(a, total, total))
        return refuse(a, NULL, osize, nsize);
    struct hdr *h = malloc(total);
    if (!h) {
        a->failed++;
        return NULL;
    }
    granted(a, NULL, osize, nsize);
    a->blocks++;
    set_header(a, h, a->cur);
    charge(a, a->cur, total);
    return h + 1;
}

static void release(struct ms__alloc *a, void *ptr, size_t osize)
{
    struct hdr *h = (struct hdr *)ptr - 1;
    credit(a, owner_of(a, h), osize + sizeof *h);
    a->blocks--;
    free(h);
}

/* A block that grows is charged whole to the current owner; a block that
 * shrinks stays with its owner, which gets the difference back. */
static void *resize(struct ms__alloc *a, void *ptr, size_t osize, size_t nsize)
{
    struct hdr *h = (struct hdr *)ptr - 1;
    uint32_t from = owner_of(a, h);
    size_t old = osize;
    bool grow = nsize > old;
    uint32_t to = grow ? a->cur : from;
    if (nsize > SIZE_MAX - sizeof *h) {
        a->failed++;
        return NULL;
    }
    if (grow && !fits(a, to == from ? nsize - old : nsize + sizeof *h, nsize - old))
        return refuse(a, ptr, osize, nsize);
    struct hdr *nh = realloc(h, nsize + sizeof *h);
    if (!nh) {
        a->failed++;
        return NULL;
    }
    if (grow)
        granted(a, ptr, osize, nsize);
    credit(a, from, old + sizeof *nh);
    charge(a, to, nsize + sizeof *nh);
    set_header(a, nh, to); /* also rewrites a stale owner to 0 */
    return nh + 1;
}

void *ms__alloc_lua(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct ms__alloc *a = ud;
    a->ops++;
    if (nsize == 0) {
        if (ptr)
            release(a, ptr, osize);
        return NULL;
    }
    if (!ptr)
        return acquire(a, osize, nsize);
    return resize(a, ptr, osize, nsize);
}

static int grow_slots(struct ms__alloc *a)
{
    if (a->capslots >= NO_SLOT / 2)
        return MS_ENOMEM;
    uint32_t ncap = a->capslots * 2;
    struct owner *s = realloc(a->slots, ncap * sizeof *s);
    if (!s)
        return MS_ENOMEM;
    a->slots = s;
    a->capslots = ncap;
    return 0;
}

int ms__alloc_owner_new(struct ms__alloc *a, size_t limit, ms__owner_t *out)
{
    uint32_t slot = a->free_head;
    if (slot != NO_SLOT) {
        a->free_head = a->slots[slot].next_free;
    } else {
        if (a->nslots == a->capslots && grow_slots(a) < 0)
            return MS_ENOMEM;
        slot = a->nslots++;
        a->slots[slot].gen = 1;
    }
    struct owner *o = &a->slots[slot];
    uint32_t gen = o->gen;
    *o = (struct owner){.limit = limit, .gen = gen, .live = true};
    a->live++;
    *out = id_of(a, slot);
    return 0;
}

static int check_id(const struct ms__alloc *a, ms__owner_t owner, uint32_t *slot)
{
    if (owner == MS__ALLOC_RUNTIME)
        return MS_EINVAL;
    *slot = find(a, owner);
    return *slot == NO_SLOT ? MS_ENOENT : 0;
}

int ms__alloc_owner_end(struct ms__alloc *a, ms__owner_t owner)
{
    uint32_t slot;
    int rc = check_id(a, owner, &slot);
    if (rc < 0)
        return rc;
    struct owner *o = &a->slots[slot];
    struct owner *rt = &a->slots[0];
    rt->bytes += o->bytes; /* blocks not yet collected: the runtime's now */
    if (rt->bytes > rt->peak)
        rt->peak = rt->bytes;
    o->bytes = 0;
    o->live = false;
    o->gen++;
    o->next_free = a->free_head;
    a->free_head = slot;
    a->live--;
    if (a->cur == slot)
        a->cur = 0;
    if (a->last.slot == slot)
        a->last.set = false;
    return 0;
}

int ms__alloc_owner_set_limit(struct ms__alloc *a, ms__owner_t owner, size_t limit)
{
    uint32_t slot;
    int rc = check_id(a, owner, &slot);
    if (rc < 0)
        return rc;
    a->slots[slot].limit = limit;
    return 0;
}

void ms__alloc_owner_clear_over(struct ms__alloc *a, ms__owner_t owner)
{
    uint32_t slot = find(a, owner);
    if (slot != NO_SLOT)
        a->slots[slot].over = false;
}

ms__owner_t ms__alloc_set_owner(struct ms__alloc *a, ms__owner_t owner)
{
    ms__owner_t prev = id_of(a, a->cur);
    uint32_t slot = find(a, owner);
    a->cur = slot == NO_SLOT ? 0 : slot;
    return prev;
}

ms__owner_t ms__alloc_current(const struct ms__alloc *a)
{
    return id_of(a, a->cur);
}

bool ms__alloc_over(const struct ms__alloc *a, ms__owner_t owner)
{
    uint32_t slot = find(a, owner);
    return slot != NO_SLOT && a->slots[slot].over;
}

int ms__alloc_owner_stats(const struct ms__alloc *a, ms__owner_t owner,
                          struct ms__alloc_owner_stats *out)
{
    uint32_t slot = find(a, owner);
    if (slot == NO_SLOT)
        return MS_ENOENT;
    const struct owner *o = &a->slots[slot];
    *out = (struct ms__alloc_owner_stats){o->bytes, o->peak, o->limit, o->refused, o->over};
    return 0;
}

void ms__alloc_stats(const struct ms__alloc *a, struct ms__alloc_stats *out)
{
    *out = (struct ms__alloc_stats){.bytes = a->bytes,
                                    .peak = a->peak,
                                    .cap = a->cap,
                                    .blocks = a->blocks,
                                    .owners = a->live,
                                    .ops = a->ops,
                                    .refused = a->refused,
                                    .failed = a->failed};
}
