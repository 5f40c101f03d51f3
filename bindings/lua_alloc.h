/* ms__alloc: a lua_Alloc that accounts memory per owner (internal to bindings/).
 *
 * One allocator per lua_State (one per media loop), used from that loop's
 * thread only. Create it, then the state with lua_newstate(ms__alloc_lua, a);
 * free it with ms__alloc_free() after lua_close() (it must outlive the state).
 *
 * Owners are the calls of the loop: ms__alloc_owner_new() gives an id, the
 * runtime makes it current around each lua_resume (ms__alloc_set_owner, or
 * ms__budget_resume/pause which do it), and ends it with ms__alloc_owner_end()
 * when the call's script has finished. Owner 0 (MS__ALLOC_RUNTIME) is the
 * runtime itself: always live, never limited.
 *
 * Every block carries an 8-byte header naming the owner it is charged to
 * (slot index and generation). Rules:
 *  - a new block is charged to the current owner;
 *  - a block that grows (realloc) is charged, whole, to the current owner:
 *    whoever makes a block bigger pays for it (otherwise a script could grow
 *    the array part of a shared table at the runtime's expense);
 *  - freeing or shrinking a block credits the owner it is charged to, whoever
 *    is current (the collector frees blocks at any time);
 *  - when an owner ends, the bytes still charged to it (blocks not collected
 *    yet) pass to owner 0, and its id goes stale: blocks that name it are
 *    then credited to owner 0 when freed. Ids carry a 32-bit generation, so a
 *    reused slot does not inherit an ended owner's blocks.
 * An allocation (or growth) that would take the current owner over its limit,
 * or the whole state over the global cap (checked for owners other than 0
 * only: the runtime's own allocations are never refused by a cap), returns
 * NULL, so Lua raises "not enough memory" in the running coroutine, and marks
 * the owner "over". Lua retries a refused allocation once after an emergency
 * full collection; if that identical retry succeeds, the mark is cleared (the
 * garbage was the problem, not the script). A mark that stays means the
 * script ran out of its memory: the budget module (budget.h) then ends it
 * even if it caught the error.
 *
 * Sizes counted are the requested sizes plus the header; malloc's own
 * rounding is not counted. Every operation is O(1) (the owner table grows by
 * doubling). */
#ifndef MS_LUA_ALLOC_H
#define MS_LUA_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__alloc;

/* An owner id: slot index in the low 32 bits, generation in the high 32. */
typedef uint64_t ms__owner_t;
#define MS__ALLOC_RUNTIME ((ms__owner_t)0)

/* Bytes per block added by the allocator (blocks are 8-byte aligned, as Lua
 * needs: not for types that need 16, so userdata should hold pointers). */
#define MS__ALLOC_HEADER 8

struct ms__alloc_owner_stats {
    size_t bytes;     /* charged now */
    size_t peak;      /* highest ever */
    size_t limit;     /* 0: none */
    uint64_t refused; /* allocations refused (each emergency retry counted too) */
    bool over;        /* a refusal stood (see above) */
};

struct ms__alloc_stats {
    size_t bytes, peak; /* the whole state */
    size_t cap;         /* 0: none */
    size_t blocks;      /* live blocks (headers: blocks * MS__ALLOC_HEADER bytes) */
    size_t owners;      /* live owners, owner 0 included */
    uint64_t ops;       /* calls of the allocation function */
    uint64_t refused;   /* refusals, by limit or cap */
    uint64_t failed;    /* malloc/realloc itself failed */
};

/* cap: most bytes for the whole state (0: no cap). */
int ms__alloc_new(struct ms__alloc **out, size_t cap);
/* After lua_close(). Blocks still allocated (a leak) are not touched. */
void ms__alloc_free(struct ms__alloc *a);

/* The lua_Alloc; ud is the struct ms__alloc. */
void *ms__alloc_lua(void *ud, void *ptr, size_t osize, size_t nsize);

/* A new owner with a limit in bytes (0: none). Returns 0, or MS_ENOMEM. */
int ms__alloc_owner_new(struct ms__alloc *a, size_t limit, ms__owner_t *out);
/* Ends an owner: its bytes pass to owner 0, its id goes stale; if it was
 * current, owner 0 becomes current. Returns 0, MS_ENOENT for a stale or
 * unknown id, MS_EINVAL for owner 0. */
int ms__alloc_owner_end(struct ms__alloc *a, ms__owner_t owner);
/* Changes an owner's limit (not below what it holds: it is only checked on
 * later allocations). Returns 0 or MS_ENOENT / MS_EINVAL as above. */
int ms__alloc_owner_set_limit(struct ms__alloc *a, ms__owner_t owner, size_t limit);
/* Clears an owner's "over" mark (before running its cleanup code). */
void ms__alloc_owner_clear_over(struct ms__alloc *a, ms__owner_t owner);

/* Makes an owner current and returns the previous one. A stale or unknown id
 * makes owner 0 current. */
ms__owner_t ms__alloc_set_owner(struct ms__alloc *a, ms__owner_t owner);
ms__owner_t ms__alloc_current(const struct ms__alloc *a);

/* True if the owner's last refusal stood. False for stale ids and owner 0. */
bool ms__alloc_over(const struct ms__alloc *a, ms__owner_t owner);
/* Returns 0, or MS_ENOENT for a stale or unknown id. */
int ms__alloc_owner_stats(const struct ms__alloc *a, ms__owner_t owner,
                          struct ms__alloc_owner_stats *out);
void ms__alloc_stats(const struct ms__alloc *a, struct ms__alloc_stats *out);

#endif
