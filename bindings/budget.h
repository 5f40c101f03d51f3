/* ms__budget: instruction, wall-time and memory budgets for a call's
 * coroutine (internal to bindings/).
 *
 * A slice is what a coroutine runs between a lua_resume and its next yield.
 * Per slice, a budget limits the VM instructions and the wall time; per call,
 * memory (through the accounting allocator, lua_alloc.h). Instructions and
 * time are checked by a count hook every `hook_period` instructions. The hook
 * is set on the call's coroutine; coroutines the script creates inherit it
 * (lua_newthread copies the creator's hook).
 *
 * When a limit is hit the budget trips, and the script is stopped:
 *  - in the call's coroutine, where it can yield (almost everywhere: plain
 *    code, inside pcall, in metamethods called from Lua), the hook yields: the
 *    coroutine is suspended for good, with its stack intact (a traceback shows
 *    where it spun), and nothing in the script can catch that. lua_resume
 *    returns LUA_YIELD and ms__budget_tripped() gives the reason;
 *  - where it cannot yield (inside a C function that called Lua: a table.sort
 *    comparator, a string.gsub callback, a __tostring called by tostring) and
 *    in coroutines the script made, the hook raises the budget error (a
 *    userdata; tostring "EBUDGET: instructions budget exceeded"), and from
 *    then on raises or yields again at every instruction, so a pcall that
 *    catches it fails again at its caller's next instruction. lua_resume then
 *    returns an error (or LUA_YIELD once it reaches code that can yield).
 * ms__budget_wrap_env() replaces pcall/xpcall (they stop the script at once
 * instead of returning a budget error, and never run an xpcall handler for
 * it: stock xpcall would run the handler with hooks off, so a looping handler
 * could not be stopped), setmetatable (refuses __gc: finalizers run with hooks
 * off), coroutine.create/wrap (a script's coroutine killed by the budget
 * closes its to-be-closed variables at once, with hooks on), string.rep (an
 * empty result returns at once) and table.move (elements moved count as
 * instructions of the slice).
 *
 * Ownership: struct ms__budget is embedded in its owner (the runtime's
 * per-call script struct); the only other reference is the state's "current
 * budget" pointer, set by ms__budget_resume/cleanup and cleared by
 * ms__budget_pause/end: call ms__budget_end() before the struct goes away or
 * the coroutine is unreferenced. The per-state context (current budget, error
 * values, trip counters) is a userdata in the state's registry, made by
 * ms__budget_open() and freed by lua_close().
 *
 * Use from the runtime, per state (main thread, before any call starts):
 *   ms__budget_open(L);  ms__budget_wrap_env(L, LUA_RIDX_GLOBALS table index);
 * per call coroutine (a transfer's new coroutine too):
 *   ms__budget_arm(co, &s->budget, &limits);              after lua_newthread
 *   ms__budget_attach_owner(&s->budget, alloc, owner);    memory (optional)
 * around every lua_resume of co:
 *   ms__budget_resume(b); st = lua_resume(co, ...); ms__budget_pause(b);
 *   if ((why = ms__budget_tripped(b))) -> stopped (st is LUA_YIELD or an
 *       error): log why and ms__budget_where(b), count it, end the call
 * when the script is over (any status), instead of a bare lua_resetthread:
 *   if (ms__budget_cleanup(b)) lua_resetthread(co);  ms__budget_end(b);
 *
 * Not covered by the hook (it runs between VM instructions only): a single
 * long C call runs to its end, and the wall-time check trips at the next
 * instruction. Most are bounded by the memory budget (string.rep,
 * table.concat) or call Lua functions that are counted (sort comparators,
 * metamethods); string.rep("") and table.move are guarded as said above; a
 * backtracking string pattern is not: ("a"):rep(400):find(".-.-.-b") takes
 * seconds in one C call (docs/budgets.md). Memory that C functions allocate
 * (string.rep, table.concat, buffers) is counted by the allocator. */
#ifndef MS_BUDGET_H
#define MS_BUDGET_H

#include "lua_alloc.h"

#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

/* Defaults (docs/budgets.md says why). */
#define MS__BUDGET_INSTRUCTIONS 2000000u /* per slice: 4-7 ms of plain Lua here */
#define MS__BUDGET_WALL_MS      30u      /* per slice */
#define MS__BUDGET_MEMORY_MB    8u       /* per call */
#define MS__BUDGET_HOOK_PERIOD  1000u    /* instructions between checks */

/* Monotonic nanoseconds; tests pass a fake one. */
typedef uint64_t (*ms__budget_clock_fn)(void *ud);

struct ms__budget_limits {
    uint64_t instructions;     /* per slice; 0: unlimited */
    uint64_t wall_ns;          /* per slice; 0: unlimited */
    unsigned hook_period;      /* 0: MS__BUDGET_HOOK_PERIOD */
    ms__budget_clock_fn clock; /* NULL: CLOCK_MONOTONIC */
    void *clock_ud;
};

/* Limits with the defaults above. */
void ms__budget_limits_default(struct ms__budget_limits *lim);

struct ms__budget_stats {
    uint64_t slices;          /* resumes */
    uint64_t instructions;    /* all slices, counted in hook periods */
    uint64_t max_slice_insns; /* the biggest slice, in hook periods */
    uint64_t max_slice_ns;    /* the longest slice */
};

/* Fields are private to budget.c; the struct is public to be embedded. */
struct ms__budget {
    struct ms__budget_limits lim;
    lua_State *co;
    void *ctx; /* the state's context */
    struct ms__alloc *alloc;
    ms__owner_t owner, prev_owner;
    uint64_t slice_insns, slice_start;
    const char *reason; /* first trip, kept for the report */
    bool raising;       /* tripped: stop at every instruction */
    bool hooks_off;     /* co died of an error raised in the hook */
    bool armed;
    char where[96]; /* "file:line" of the code running when it tripped */
    struct ms__budget_stats stats;
};

struct ms__budget_counters {
    uint64_t instructions, wall, memory; /* budgets tripped, per reason */
};

/* Once per state, from its main thread: the context in the registry and the
 * error values. Returns 0 (also if already done) or MS_ENOMEM. */
int ms__budget_open(lua_State *L);

/* Replaces pcall, xpcall and setmetatable in the table at idx, and in place
 * coroutine.create/wrap, string.rep and table.move of its library tables, as
 * the header comment says. Pass
 * the global table before anything copies those functions (the sandbox copies
 * them from _G). Otherwise the replacements behave as the stock functions
 * (pcall/xpcall can be yielded across). Wrapping twice is a no-op. Returns 0,
 * MS_EINVAL (idx not a table, or no ms__budget_open) or MS_ENOMEM. */
int ms__budget_wrap_env(lua_State *L, int idx);

/* Arms b for coroutine co (resets b, sets the hook). lim NULL: defaults.
 * Returns 0, or MS_EINVAL without ms__budget_open() for co's state. */
int ms__budget_arm(lua_State *co, struct ms__budget *b, const struct ms__budget_limits *lim);
/* Memory: b trips with "memory" once the owner's refusal stands
 * (ms__alloc_over). resume/pause/cleanup make the owner current and restore
 * the previous one. */
void ms__budget_attach_owner(struct ms__budget *b, struct ms__alloc *a, ms__owner_t owner);

/* Before each lua_resume of the coroutine: a new slice, b current. */
void ms__budget_resume(struct ms__budget *b);
/* After each lua_resume returns: b no longer current; stats updated. */
void ms__budget_pause(struct ms__budget *b);
/* "instructions", "wall time" or "memory" once b has tripped (the first
 * reason; it stays), else NULL. Trips b with "memory" if its owner's refusal
 * stands though no hook ran since (the script died of "not enough memory"). */
const char *ms__budget_tripped(struct ms__budget *b);
/* "file:line" (or "?") of the Lua code that was running when b tripped. */
const char *ms__budget_where(const struct ms__budget *b);
void ms__budget_stats(const struct ms__budget *b, struct ms__budget_stats *out);

/* Before closing the coroutine's pending to-be-closed variables: b current
 * with a fresh slice, no longer stopping at every instruction, the owner's
 * "over" mark cleared (cleanup that overruns is stopped in turn). Returns
 * false if the coroutine must not be closed: it died of an error raised
 * inside the hook, which leaves Lua's hooks disabled in that thread, so its
 * to-be-closed variables would run unbudgeted; they are then skipped (the
 * thread is collected as usual). Call ms__budget_end() after in both cases. */
bool ms__budget_cleanup(struct ms__budget *b);
/* Done: b not current, the hook removed from the coroutine. Idempotent. */
void ms__budget_end(struct ms__budget *b);

/* The reason ("instructions", ...) if the value at idx is a budget error. */
const char *ms__budget_error_reason(lua_State *L, int idx);
/* Budgets tripped in the state since ms__budget_open() (zeros without it). */
void ms__budget_counters(lua_State *L, struct ms__budget_counters *out);

#endif
