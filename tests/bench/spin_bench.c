/* Costs of the script budgets (bindings/lua_alloc.c, bindings/budget.c), for
 * docs/budgets.md. Built and run by tests/bench/spin_bench.sh; not a test.
 *
 *  1. allocator: allocation calls per second through ms__alloc_lua against a
 *     plain realloc/free allocator (a replay of a Lua-like mix of sizes), and
 *     Lua workloads on a state with each allocator; header overhead.
 *  2. hook: Lua workloads with no hook, an empty count hook and the budget
 *     hook, at several periods.
 *  3. slices: how long a spinning script holds the loop before its budget
 *     stops it, for several instruction limits and kinds of spin.
 * Each figure is the best of RUNS runs. */
#include "budget.h"
#include "lua_alloc.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int runs = 5;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *plain_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

/* ---- 1. allocator ---- */

/* A replay of Lua-like traffic: sizes 16..256 mostly, some big, 1/8 reallocs,
 * a working set of 4096 blocks. */
static double replay(lua_Alloc f, void *ud, long ops)
{
    enum { SLOTS = 4096 };
    static void *blk[SLOTS];
    static size_t sz[SLOTS];
    unsigned x = 12345;
    double t0 = now_s();
    for (long i = 0; i < ops; i++) {
        x = x * 1103515245u + 12345u;
        unsigned k = (x >> 8) % SLOTS;
        size_t n = (x >> 20) % 8 == 0 ? 256 + (x >> 16) % 4096 : 16 + (x >> 24);
        if (blk[k] && (x & 7) == 0) {
            blk[k] = f(ud, blk[k], sz[k], n);
            sz[k] = n;
        } else if (blk[k]) {
            f(ud, blk[k], sz[k], 0);
            blk[k] = NULL;
        } else {
            blk[k] = f(ud, NULL, LUA_TTABLE, n);
            sz[k] = n;
        }
    }
    for (int k = 0; k < SLOTS; k++)
        if (blk[k]) {
            f(ud, blk[k], sz[k], 0);
            blk[k] = NULL;
        }
    return now_s() - t0;
}

static const char *const workloads[][2] = {
    {"arith", "local s = 0 for i = 1, 20000000 do s = s + i % 7 end return s"},
    {"calls", "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end "
              "return fib(30)"},
    {"tables", "local best for r = 1, 4 do local t = {} for i = 1, 200000 do "
               "t[i] = {name = 'agent' .. i, busy = i % 3 == 0, wait = i * 7 % 1000} end "
               "for _, a in ipairs(t) do if not a.busy and (not best or a.wait > best.wait) "
               "then best = a end end end return best.name"},
    {"strings", "local n = 0 for r = 1, 20 do local parts = {} for i = 1, 20000 do "
                "parts[#parts + 1] = string.format('%d:%s', i, tostring(i * 2)) end "
                "n = n + #table.concat(parts, ',') end return n"},
};
#define NWORK (sizeof workloads / sizeof *workloads)

struct hook_mode {
    const char *name;
    int period; /* 0: no hook */
    bool budget;
};

static void empty_hook(lua_State *L, lua_Debug *ar)
{
    (void)L;
    (void)ar;
}

/* Runs a workload once in a fresh coroutine; returns seconds. */
static double run_work(lua_State *L, const char *src, const struct hook_mode *m)
{
    lua_State *co = lua_newthread(L);
    struct ms__budget b;
    if (m && m->budget) {
        struct ms__budget_limits lim;
        ms__budget_limits_default(&lim);
        lim.instructions = 0; /* measure, never stop */
        lim.wall_ns = 0;
        lim.hook_period = (unsigned)m->period;
        ms__budget_arm(co, &b, &lim);
    } else if (m && m->period) {
        lua_sethook(co, empty_hook, LUA_MASKCOUNT, m->period);
    }
    if (luaL_loadstring(co, src) != LUA_OK)
        return -1;
    int nres;
    double t0 = now_s();
    if (m && m->budget)
        ms__budget_resume(&b);
    int st = lua_resume(co, L, 0, &nres);
    if (m && m->budget) {
        ms__budget_pause(&b);
        ms__budget_end(&b);
    }
    double t = now_s() - t0;
    if (st != LUA_OK)
        fprintf(stderr, "workload failed: %s\n", lua_tostring(co, -1));
    lua_pop(L, 1);
    lua_gc(L, LUA_GCCOLLECT);
    return t;
}

static double best_of(lua_State *L, const char *src, const struct hook_mode *m)
{
    double best = 1e9;
    for (int i = 0; i < runs; i++) {
        double t = run_work(L, src, m);
        if (t < best)
            best = t;
    }
    return best;
}

/* best_of on a fresh state each run, so the collector starts from the same
 * point for every mode. */
static double best_fresh(const char *src, const struct hook_mode *m)
{
    double best = 1e9;
    for (int i = 0; i < runs; i++) {
        lua_State *L = luaL_newstate();
        luaL_openlibs(L);
        ms__budget_open(L);
        double t = run_work(L, src, m);
        lua_close(L);
        if (t < best)
            best = t;
    }
    return best;
}

static void bench_alloc(void)
{
    const long ops = 20000000;
    double tp = 1e9, ta = 1e9;
    struct ms__alloc *a;
    ms__alloc_new(&a, 0);
    ms__owner_t o;
    ms__alloc_owner_new(a, 1u << 30, &o);
    ms__alloc_set_owner(a, o);
    for (int i = 0; i < runs; i++) {
        double t = replay(plain_alloc, NULL, ops);
        tp = t < tp ? t : tp;
        t = replay(ms__alloc_lua, a, ops);
        ta = t < ta ? t : ta;
    }
    printf("## Allocator\n\n");
    printf("Replay of %ld allocator calls (Lua-like sizes, 1/8 reallocs, 4096 live blocks):\n\n",
           ops);
    printf("| allocator | calls/s | ns/call |\n|---|---|---|\n");
    printf("| realloc/free | %.1f M | %.1f |\n", ops / tp / 1e6, tp / ops * 1e9);
    printf("| ms__alloc_lua | %.1f M | %.1f |\n\n", ops / ta / 1e6, ta / ops * 1e9);
    ms__alloc_owner_end(a, o);
    ms__alloc_free(a);

    printf("Lua workloads, seconds (best of %d):\n\n", runs);
    printf(
        "| workload | luaL_newstate | ms__alloc (owner, limit) | overhead |\n|---|---|---|---|\n");
    for (size_t w = 0; w < NWORK; w++) {
        lua_State *L1 = lua_newstate(plain_alloc, NULL);
        luaL_openlibs(L1);
        double t1 = best_of(L1, workloads[w][1], NULL);
        lua_close(L1);
        ms__alloc_new(&a, 0);
        lua_State *L2 = lua_newstate(ms__alloc_lua, a);
        luaL_openlibs(L2);
        ms__alloc_owner_new(a, 1u << 30, &o);
        ms__alloc_set_owner(a, o);
        double t2 = best_of(L2, workloads[w][1], NULL);
        ms__alloc_set_owner(a, MS__ALLOC_RUNTIME);
        ms__alloc_owner_end(a, o);
        lua_close(L2);
        ms__alloc_free(a);
        printf("| %s | %.3f | %.3f | %+.1f%% |\n", workloads[w][0], t1, t2, (t2 / t1 - 1) * 100);
    }

    /* header overhead on a typical state: the libraries and a table of strings */
    ms__alloc_new(&a, 0);
    lua_State *L = lua_newstate(ms__alloc_lua, a);
    luaL_openlibs(L);
    luaL_dostring(L, "keep = {} for i = 1, 10000 do keep[i] = {id = 'caller' .. i, n = i} end");
    lua_gc(L, LUA_GCCOLLECT);
    struct ms__alloc_stats st;
    ms__alloc_stats(a, &st);
    printf("\nHeader overhead: %zu live blocks, %zu bytes with headers, %.1f%% of them headers "
           "(%d bytes a block).\n\n",
           st.blocks, st.bytes, 100.0 * (double)(st.blocks * MS__ALLOC_HEADER) / (double)st.bytes,
           MS__ALLOC_HEADER);
    lua_close(L);
    ms__alloc_free(a);
}

/* ---- 2. hook ---- */

static void bench_hook(void)
{
    static const struct hook_mode modes[] = {
        {"no hook", 0, false},
        {"empty hook, period 1000", 1000, false},
        {"budget, period 100", 100, true},
        {"budget, period 1000", 1000, true},
        {"budget, period 10000", 10000, true},
    };
    printf("## Count hook\n\nLua workloads, seconds (best of %d), slowdown against no hook:\n\n",
           runs);
    printf("| workload |");
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
        printf(" %s |", modes[m].name);
    printf("\n|---|");
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
        printf("---|");
    printf("\n");
    for (size_t w = 0; w < NWORK; w++) {
        double base = 0;
        printf("| %s |", workloads[w][0]);
        for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
            double t = best_fresh(workloads[w][1], modes[m].period ? &modes[m] : NULL);
            if (m == 0) {
                base = t;
                printf(" %.3f |", t);
            } else {
                printf(" %.3f (x%.2f) |", t, t / base);
            }
        }
        printf("\n");
    }
    printf("\n");
}

/* ---- 3. slices ---- */

static const char *const spins[][2] = {
    {"while true do end", "while true do end"},
    {"arithmetic loop", "local x = 0 while true do x = x + 1 end"},
    {"function calls", "local function f(a) return a + 1 end local x = 0 "
                       "while true do x = f(x) end"},
    {"table inserts", "local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end"},
    {"string building", "local s = {} local i = 0 while true do i = i + 1 "
                        "s[i % 100 + 1] = ('x'):rep(i % 200) .. i end"},
};

/* How long spin src holds the loop until the budget stops it. */
static double stall(lua_State *L, struct ms__alloc *a, const char *src, uint64_t insns,
                    uint64_t wall_ms, const char **why)
{
    double best = 1e9;
    for (int i = 0; i < runs; i++) {
        ms__owner_t o;
        ms__alloc_owner_new(a, (size_t)MS__BUDGET_MEMORY_MB << 20, &o);
        ms__owner_t prev = ms__alloc_set_owner(a, o);
        lua_State *co = lua_newthread(L);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX);
        luaL_loadstring(co, src);
        ms__alloc_set_owner(a, prev);
        struct ms__budget b;
        struct ms__budget_limits lim;
        ms__budget_limits_default(&lim);
        lim.instructions = insns;
        lim.wall_ns = wall_ms * 1000000u;
        ms__budget_arm(co, &b, &lim);
        ms__budget_attach_owner(&b, a, o);
        int nres;
        double t0 = now_s();
        ms__budget_resume(&b);
        lua_resume(co, L, 0, &nres);
        ms__budget_pause(&b);
        double t = now_s() - t0;
        *why = ms__budget_tripped(&b);
        if (ms__budget_cleanup(&b))
            lua_resetthread(co);
        ms__budget_end(&b);
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        ms__alloc_owner_end(a, o);
        lua_gc(L, LUA_GCCOLLECT);
        if (t < best)
            best = t;
    }
    return best;
}

static void bench_slices(void)
{
    static const uint64_t limits[] = {1000000, 2000000, 5000000, 10000000};
    struct ms__alloc *a;
    ms__alloc_new(&a, 0);
    lua_State *L = lua_newstate(ms__alloc_lua, a);
    luaL_openlibs(L);
    ms__budget_open(L);
    lua_pushglobaltable(L);
    ms__budget_wrap_env(L, -1);
    lua_pop(L, 1);
    printf("## Slices\n\nTime a spinning script holds the loop before its budget stops it "
           "(ms, best of %d; wall-time limit off unless stated; memory %u MB):\n\n",
           runs, MS__BUDGET_MEMORY_MB);
    printf("| spin | 1 M instructions | 2 M | 5 M | 10 M | defaults (%u M, %u ms) |\n"
           "|---|---|---|---|---|---|\n",
           MS__BUDGET_INSTRUCTIONS / 1000000, MS__BUDGET_WALL_MS);
    for (size_t s = 0; s < sizeof spins / sizeof *spins; s++) {
        const char *why = NULL;
        printf("| %s |", spins[s][0]);
        for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
            double ms = stall(L, a, spins[s][1], limits[l], 0, &why) * 1e3;
            printf(" %.1f (%s) |", ms, why ? why : "-");
        }
        double ms = stall(L, a, spins[s][1], MS__BUDGET_INSTRUCTIONS, MS__BUDGET_WALL_MS, &why);
        printf(" %.1f (%s) |\n", ms * 1e3, why ? why : "-");
    }
    lua_close(L);
    ms__alloc_free(a);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        runs = atoi(argv[1]) > 0 ? atoi(argv[1]) : runs;
    const char *what = argc > 2 ? argv[2] : "ahs";
    if (strchr(what, 'a'))
        bench_alloc();
    if (strchr(what, 'h'))
        bench_hook();
    if (strchr(what, 's'))
        bench_slices();
    return 0;
}
