/* Budgets for call scripts: the accounting allocator (bindings/lua_alloc.c)
 * on its own and under a lua_State, and the instruction / wall-time / memory
 * budgets of bindings/budget.c on bare coroutines: spin loops, inside pcall,
 * nested pcall, xpcall with a looping handler, table.sort comparators, a
 * script's own coroutines, to-be-closed cleanup, a slow C function with a
 * fake clock, memory exhaustion, and a script that yields often never trips. */
#include "budget.h"
#include "lua_alloc.h"
#include "moonswitch/error.h"
#include "test.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>

#define H MS__ALLOC_HEADER

/* ---- the allocator alone ---- */

static void *A(struct ms__alloc *a, size_t n)
{
    return ms__alloc_lua(a, NULL, LUA_TTABLE, n);
}

static void *R(struct ms__alloc *a, void *p, size_t o, size_t n)
{
    return ms__alloc_lua(a, p, o, n);
}

static void F(struct ms__alloc *a, void *p, size_t o)
{
    ms__alloc_lua(a, p, o, 0);
}

static size_t owner_bytes(struct ms__alloc *a, ms__owner_t o)
{
    struct ms__alloc_owner_stats st;
    if (ms__alloc_owner_stats(a, o, &st) < 0)
        return (size_t)-1;
    return st.bytes;
}

static size_t total_bytes(struct ms__alloc *a)
{
    struct ms__alloc_stats st;
    ms__alloc_stats(a, &st);
    return st.bytes;
}

static void test_alloc_basic(void)
{
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 0), 0);
    ms__owner_t o;
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o), 0);
    CHECK(o != MS__ALLOC_RUNTIME);
    void *p0 = A(a, 100); /* owner 0 is current */
    CHECK(p0 != NULL);
    CHECK((uintptr_t)p0 % 8 == 0); /* what Lua needs (LUAI_MAXALIGN) */
    CHECK_EQ_INT(ms__alloc_set_owner(a, o), MS__ALLOC_RUNTIME);
    CHECK(ms__alloc_current(a) == o);
    void *p1 = A(a, 50);
    CHECK(p1 != NULL);
    CHECK_EQ_INT(owner_bytes(a, MS__ALLOC_RUNTIME), 100 + H);
    CHECK_EQ_INT(owner_bytes(a, o), 50 + H);
    CHECK_EQ_INT(total_bytes(a), 150 + 2 * H);
    struct ms__alloc_stats s0;
    ms__alloc_stats(a, &s0);
    CHECK_EQ_INT(s0.blocks, 2);
    CHECK_EQ_INT(s0.ops, 2);
    ms__alloc_set_owner(a, MS__ALLOC_RUNTIME);
    F(a, p1, 50); /* credited to o though owner 0 is current */
    CHECK_EQ_INT(owner_bytes(a, o), 0);
    struct ms__alloc_owner_stats st;
    CHECK_EQ_INT(ms__alloc_owner_stats(a, o, &st), 0);
    CHECK_EQ_INT(st.peak, 50 + H);
    F(a, p0, 100);
    CHECK_EQ_INT(total_bytes(a), 0);
    CHECK(ms__alloc_lua(a, NULL, 0, 0) == NULL); /* free(NULL) */
    CHECK_EQ_INT(ms__alloc_owner_end(a, o), 0);
    struct ms__alloc_stats s;
    ms__alloc_stats(a, &s);
    CHECK_EQ_INT(s.owners, 1);
    CHECK_EQ_INT(s.peak, 150 + 2 * H);
    ms__alloc_free(a);
    ms__alloc_free(NULL);
}

/* Refused when over the limit; Lua's retry after an emergency collection
 * clears the mark if it succeeds, a refusal that stands keeps it. */
static void test_alloc_limit(void)
{
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 0), 0);
    ms__owner_t o;
    CHECK_EQ_INT(ms__alloc_owner_new(a, 1000, &o), 0);
    ms__alloc_set_owner(a, o);
    void *p = A(a, 600);
    CHECK(p != NULL);
    CHECK(A(a, 600) == NULL); /* 600 + 600 + 2H > 1000 */
    CHECK(ms__alloc_over(a, o));
    F(a, p, 600);        /* what the emergency collection does */
    void *q = A(a, 600); /* the identical retry */
    CHECK(q != NULL);
    CHECK(!ms__alloc_over(a, o));
    CHECK(A(a, 600) == NULL);
    CHECK(A(a, 600) == NULL); /* the retry fails too: the refusal stands */
    CHECK(ms__alloc_over(a, o));
    void *small = A(a, 10); /* a different request does not clear it */
    CHECK(small != NULL);
    CHECK(ms__alloc_over(a, o));
    struct ms__alloc_owner_stats st;
    CHECK_EQ_INT(ms__alloc_owner_stats(a, o, &st), 0);
    CHECK_EQ_INT(st.refused, 3);
    CHECK_EQ_INT(st.limit, 1000);
    ms__alloc_owner_clear_over(a, o);
    CHECK(!ms__alloc_over(a, o));
    /* growth is checked too */
    CHECK(R(a, small, 10, 2000) == NULL);
    CHECK(ms__alloc_over(a, o));
    CHECK_EQ_INT(owner_bytes(a, o), 600 + 10 + 2 * H);
    CHECK_EQ_INT(ms__alloc_owner_set_limit(a, o, 0), 0); /* unlimited */
    small = R(a, small, 10, 2000);
    CHECK(small != NULL);
    F(a, small, 2000);
    F(a, q, 600);
    ms__alloc_set_owner(a, MS__ALLOC_RUNTIME);
    void *big = A(a, 5000); /* the runtime is never limited */
    CHECK(big != NULL);
    F(a, big, 5000);
    CHECK_EQ_INT(total_bytes(a), 0);
    ms__alloc_free(a);
}

/* A block that grows is charged to whoever is current; one that shrinks
 * stays with its owner. */
static void test_alloc_realloc_owner(void)
{
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 0), 0);
    ms__owner_t o1, o2;
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o1), 0);
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o2), 0);
    ms__alloc_set_owner(a, o1);
    char *p = A(a, 64);
    memset(p, 'x', 64);
    ms__alloc_set_owner(a, o2);
    p = R(a, p, 64, 32); /* shrink: stays with o1 */
    CHECK(p != NULL);
    CHECK_EQ_INT(owner_bytes(a, o1), 32 + H);
    CHECK_EQ_INT(owner_bytes(a, o2), 0);
    p = R(a, p, 32, 4096); /* grow: o2 pays for all of it */
    CHECK(p != NULL);
    CHECK(p[0] == 'x' && p[31] == 'x');
    CHECK_EQ_INT(owner_bytes(a, o1), 0);
    CHECK_EQ_INT(owner_bytes(a, o2), 4096 + H);
    /* growth over o2's limit is refused and leaves the block as it was */
    CHECK_EQ_INT(ms__alloc_owner_set_limit(a, o2, 5000), 0);
    CHECK(R(a, p, 4096, 8192) == NULL);
    CHECK_EQ_INT(owner_bytes(a, o2), 4096 + H);
    CHECK(p[0] == 'x');
    ms__alloc_set_owner(a, o1);
    F(a, p, 4096);
    CHECK_EQ_INT(owner_bytes(a, o2), 0);
    CHECK_EQ_INT(total_bytes(a), 0);
    ms__alloc_free(a);
}

/* Blocks of an ended owner are the runtime's; its slot, reused, does not
 * inherit them. */
static void test_alloc_ended_owner(void)
{
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 0), 0);
    ms__owner_t o1, o2;
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o1), 0);
    ms__alloc_set_owner(a, o1);
    void *keep = A(a, 200), *grow = A(a, 100);
    CHECK_EQ_INT(ms__alloc_owner_end(a, o1), 0);
    CHECK(ms__alloc_current(a) == MS__ALLOC_RUNTIME); /* it was current */
    CHECK_EQ_INT(owner_bytes(a, MS__ALLOC_RUNTIME), 300 + 2 * H);
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o2), 0);
    CHECK((o2 & 0xffffffffu) == (o1 & 0xffffffffu)); /* same slot */
    CHECK(o2 != o1);                                 /* new generation */
    CHECK_EQ_INT(owner_bytes(a, o1), (size_t)-1);    /* stale */
    ms__alloc_set_owner(a, o2);
    void *mine = A(a, 50);
    F(a, keep, 200); /* the ended owner's block: credited to the runtime */
    CHECK_EQ_INT(owner_bytes(a, o2), 50 + H);
    CHECK_EQ_INT(owner_bytes(a, MS__ALLOC_RUNTIME), 100 + H);
    grow = R(a, grow, 100, 400); /* grown by o2: now o2's */
    CHECK_EQ_INT(owner_bytes(a, o2), 50 + 400 + 2 * H);
    CHECK_EQ_INT(owner_bytes(a, MS__ALLOC_RUNTIME), 0);
    F(a, grow, 400);
    F(a, mine, 50);
    CHECK_EQ_INT(total_bytes(a), 0);
    ms__alloc_free(a);
}

static void test_alloc_cap(void)
{
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 1000), 0);
    void *rt = A(a, 2000); /* the runtime may exceed the cap */
    CHECK(rt != NULL);
    ms__owner_t o;
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o), 0);
    ms__alloc_set_owner(a, o);
    CHECK(A(a, 10) == NULL); /* the state is over its cap */
    CHECK(ms__alloc_over(a, o));
    ms__alloc_set_owner(a, MS__ALLOC_RUNTIME);
    F(a, rt, 2000);
    ms__alloc_set_owner(a, o);
    void *p = A(a, 500);
    CHECK(p != NULL);
    CHECK(A(a, 600) == NULL);
    struct ms__alloc_stats s;
    ms__alloc_stats(a, &s);
    CHECK_EQ_INT(s.cap, 1000);
    CHECK_EQ_INT(s.refused, 2);
    CHECK_EQ_INT(s.failed, 0);
    CHECK(A(a, SIZE_MAX - 4) == NULL); /* size overflow: failed, not refused */
    ms__alloc_stats(a, &s);
    CHECK_EQ_INT(s.failed, 1);
    F(a, p, 500);
    ms__alloc_free(a);
}

static void test_alloc_many_owners(void)
{
    enum { N = 5000 };
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 0), 0);
    static ms__owner_t ids[N];
    static void *blocks[N];
    for (int i = 0; i < N; i++) {
        CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &ids[i]), 0);
        ms__alloc_set_owner(a, ids[i]);
        blocks[i] = A(a, (size_t)i + 1);
        CHECK(blocks[i] != NULL);
    }
    for (int i = 0; i < N; i++)
        CHECK_EQ_INT(owner_bytes(a, ids[i]), (size_t)i + 1 + H);
    for (int i = 0; i < N; i += 2) /* end half, free the others' blocks */
        CHECK_EQ_INT(ms__alloc_owner_end(a, ids[i]), 0);
    ms__alloc_set_owner(a, MS__ALLOC_RUNTIME);
    for (int i = 0; i < N; i++)
        F(a, blocks[i], (size_t)i + 1);
    for (int i = 1; i < N; i += 2) {
        CHECK_EQ_INT(owner_bytes(a, ids[i]), 0);
        CHECK_EQ_INT(ms__alloc_owner_end(a, ids[i]), 0);
    }
    CHECK_EQ_INT(total_bytes(a), 0);
    struct ms__alloc_stats s;
    ms__alloc_stats(a, &s);
    CHECK_EQ_INT(s.owners, 1);
    ms__alloc_free(a);
}

static void test_alloc_bad_input(void)
{
    struct ms__alloc *a;
    CHECK_EQ_INT(ms__alloc_new(&a, 0), 0);
    ms__owner_t o;
    CHECK_EQ_INT(ms__alloc_owner_end(a, MS__ALLOC_RUNTIME), MS_EINVAL);
    CHECK_EQ_INT(ms__alloc_owner_end(a, 12345), MS_ENOENT);
    CHECK_EQ_INT(ms__alloc_owner_set_limit(a, MS__ALLOC_RUNTIME, 1), MS_EINVAL);
    CHECK_EQ_INT(ms__alloc_owner_new(a, 0, &o), 0);
    CHECK_EQ_INT(ms__alloc_owner_end(a, o), 0);
    CHECK_EQ_INT(ms__alloc_owner_end(a, o), MS_ENOENT); /* twice */
    CHECK_EQ_INT(ms__alloc_owner_set_limit(a, o, 1), MS_ENOENT);
    ms__alloc_set_owner(a, o); /* stale: the runtime becomes current */
    CHECK(ms__alloc_current(a) == MS__ALLOC_RUNTIME);
    CHECK(!ms__alloc_over(a, o));
    CHECK(!ms__alloc_over(a, MS__ALLOC_RUNTIME));
    ms__alloc_owner_clear_over(a, o); /* harmless */
    struct ms__alloc_owner_stats st;
    CHECK_EQ_INT(ms__alloc_owner_stats(a, o, &st), MS_ENOENT);
    CHECK_EQ_INT(ms__alloc_owner_stats(a, MS__ALLOC_RUNTIME, &st), 0);
    ms__alloc_free(a);
}

/* ---- Lua states and coroutines ---- */

struct env {
    lua_State *L;
    struct ms__alloc *a;
    uint64_t clock_ns; /* the fake clock */
    struct ms__budget_limits lim;
};

static uint64_t fake_clock(void *ud)
{
    return ((struct env *)ud)->clock_ns;
}

/* slow(ms): a C function that takes ms of (fake) time. */
static int l_slow(lua_State *L)
{
    struct env *e = lua_touserdata(L, lua_upvalueindex(1));
    e->clock_ns += (uint64_t)luaL_checkinteger(L, 1) * 1000000u;
    return 0;
}

/* pause(): yields to the harness, as a media primitive does. */
static int l_pause(lua_State *L)
{
    return lua_yield(L, 0);
}

/* wrap: replace pcall & co. in _G as the runtime does. */
static int env_open(struct env *e, size_t cap, bool wrap)
{
    memset(e, 0, sizeof *e);
    if (ms__alloc_new(&e->a, cap) < 0)
        return -1;
    e->L = lua_newstate(ms__alloc_lua, e->a);
    if (!e->L)
        return -1;
    luaL_openlibs(e->L);
    if (ms__budget_open(e->L) < 0)
        return -1;
    if (wrap) {
        lua_pushglobaltable(e->L);
        int rc = ms__budget_wrap_env(e->L, -1);
        lua_pop(e->L, 1);
        if (rc < 0)
            return -1;
    }
    lua_pushlightuserdata(e->L, e);
    lua_pushcclosure(e->L, l_slow, 1);
    lua_setglobal(e->L, "slow");
    lua_register(e->L, "pause", l_pause);
    ms__budget_limits_default(&e->lim);
    e->lim.instructions = 200000;
    e->lim.wall_ns = 50000000;
    e->lim.clock = fake_clock;
    e->lim.clock_ud = e;
    return 0;
}

/* Closes the state; everything it allocated must be back. */
static size_t env_close(struct env *e)
{
    lua_close(e->L);
    size_t left = total_bytes(e->a);
    ms__alloc_free(e->a);
    return left;
}

struct run {
    lua_State *co;
    int ref;
    struct ms__budget b;
    ms__owner_t owner;
    int status;
};

/* A coroutine running src, armed, owned by a new owner (limit bytes). */
static int run_start(struct env *e, struct run *r, const char *src, size_t limit)
{
    memset(r, 0, sizeof *r);
    if (ms__alloc_owner_new(e->a, limit, &r->owner) < 0)
        return -1;
    ms__owner_t prev = ms__alloc_set_owner(e->a, r->owner);
    r->co = lua_newthread(e->L);
    r->ref = luaL_ref(e->L, LUA_REGISTRYINDEX);
    int st = luaL_loadbuffer(r->co, src, strlen(src), "=script");
    ms__alloc_set_owner(e->a, prev);
    if (st != LUA_OK) {
        fprintf(stderr, "load: %s\n", lua_tostring(r->co, -1));
        return -1;
    }
    if (ms__budget_arm(r->co, &r->b, &e->lim) < 0)
        return -1;
    ms__budget_attach_owner(&r->b, e->a, r->owner);
    return 0;
}

/* One slice, as the runtime does it. */
static int run_slice(struct env *e, struct run *r, int nargs)
{
    int nres = 0;
    ms__budget_resume(&r->b);
    r->status = lua_resume(r->co, e->L, nargs, &nres);
    ms__budget_pause(&r->b);
    if (r->status == LUA_YIELD || r->status == LUA_OK)
        lua_pop(r->co, nres);
    return r->status;
}

/* The script is over: close it as the runtime does, end its owner. */
static bool run_finish(struct env *e, struct run *r)
{
    bool closed = ms__budget_cleanup(&r->b);
    if (closed)
        lua_resetthread(r->co);
    ms__budget_end(&r->b);
    luaL_unref(e->L, LUA_REGISTRYINDEX, r->ref);
    ms__alloc_owner_end(e->a, r->owner);
    return closed;
}

static int get_int(struct env *e, const char *global)
{
    lua_getglobal(e->L, global);
    int v = (int)lua_tointeger(e->L, -1);
    lua_pop(e->L, 1);
    return v;
}

/* src must be stopped by its budget for reason within one slice. */
static const char *stop_reason(struct env *e, const char *src, int *status, bool *closed)
{
    struct run r;
    if (run_start(e, &r, src, 0) < 0)
        return "(start failed)";
    *status = run_slice(e, &r, 0);
    const char *why = ms__budget_tripped(&r.b);
    *closed = run_finish(e, &r);
    return why ? why : "(not tripped)";
}

static void test_spin(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r, "x = 0\nwhile true do x = x + 1 end", 0), 0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD); /* stopped where it yields: stack intact */
    CHECK_EQ_STR(ms__budget_tripped(&r.b), "instructions");
    CHECK_EQ_STR(ms__budget_where(&r.b), "script:2");
    lua_Debug ar;
    CHECK(lua_getstack(r.co, 0, &ar)); /* a traceback can show where it spun */
    int x = get_int(&e, "x");
    CHECK(x > 30000 && x < 70000); /* 200k instructions, 4 per iteration */
    struct ms__budget_stats st;
    ms__budget_stats(&r.b, &st);
    CHECK_EQ_INT(st.slices, 1);
    CHECK(st.instructions >= 200000 && st.instructions < 202000);
    /* resuming it anyway stops it again at once (Lua completes the
     * instruction the hook interrupted) */
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD);
    CHECK(get_int(&e, "x") - x <= 1);
    CHECK(run_finish(&e, &r));
    struct ms__budget_counters c;
    ms__budget_counters(e.L, &c);
    CHECK_EQ_INT(c.instructions, 1);
    CHECK_EQ_INT(c.wall + c.memory, 0);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* pcall cannot swallow the stop: with the stock pcall (not wrapped) and ours. */
static void test_spin_in_pcall(void)
{
    static const char *const scripts[] = {
        "pcall(function() while true do end end) after = 1 while true do end",
        "while true do pcall(function() while true do end end) end",
        "while true do pcall(pcall, function() while true do pcall(error, 'x') end end) end",
        "local ok = pcall(function() while true do end end) error('after: ' .. tostring(ok))",
        "local function f(n) if n > 0 then return pcall(f, n - 1) end while true do end end "
        "while true do f(50) end",
    };
    for (int wrap = 0; wrap < 2; wrap++) {
        for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
            struct env e;
            CHECK_EQ_INT(env_open(&e, 0, wrap), 0);
            int status;
            bool closed;
            CHECK_EQ_STR(stop_reason(&e, scripts[i], &status, &closed), "instructions");
            CHECK_EQ_INT(status, LUA_YIELD);
            CHECK(closed);
            CHECK_EQ_INT(get_int(&e, "after"), 0);
            CHECK_EQ_INT(env_close(&e), 0);
        }
    }
}

/* An xpcall handler never runs for a budget stop, and a handler that loops on
 * an ordinary error is stopped too. */
static void test_xpcall(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    int status;
    bool closed;
    CHECK_EQ_STR(stop_reason(&e,
                             "xpcall(function() while true do end end,"
                             "       function(m) handled = 1 while true do end end)",
                             &status, &closed),
                 "instructions");
    CHECK_EQ_INT(get_int(&e, "handled"), 0);
    CHECK_EQ_STR(stop_reason(&e,
                             "while true do xpcall(error, function(m) handled = 2 "
                             "while true do end end, 'boom') end",
                             &status, &closed),
                 "instructions");
    CHECK_EQ_INT(get_int(&e, "handled"), 2);
    /* ordinary use still works: results, handler, yields across xpcall */
    struct run r;
    CHECK_EQ_INT(
        run_start(&e, &r,
                  "local ok, v = xpcall(function(a) pause() return a * 2 end, print, 21) "
                  "r1 = ok and v "
                  "local ok2, m = xpcall(error, function(m) return 'handled ' .. m end, 'e') "
                  "r2 = (not ok2) and m "
                  "local ok3, m3 = pcall(error, 'plain') r3 = m3",
                  0),
        0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_OK);
    CHECK(ms__budget_tripped(&r.b) == NULL);
    run_finish(&e, &r);
    CHECK_EQ_INT(get_int(&e, "r1"), 42);
    lua_getglobal(e.L, "r2");
    CHECK_EQ_STR(lua_tostring(e.L, -1), "handled e");
    lua_getglobal(e.L, "r3");
    CHECK_EQ_STR(lua_tostring(e.L, -1), "plain");
    lua_pop(e.L, 2);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* Where the coroutine cannot yield (a table.sort comparator), the budget
 * error is raised; with no pcall on the way up the thread dies with hooks
 * off and its to-be-closed variables must not run. Through our pcall it is
 * stopped by a yield instead, and they run. */
static void test_not_yieldable(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    struct run r;
    CHECK_EQ_INT(
        run_start(&e, &r,
                  "local c <close> = setmetatable({}, {__close = function() closed = 1 end})\n"
                  "table.sort({3, 2, 1}, function(a, b) while true do end end)",
                  0),
        0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_ERRRUN);
    CHECK_EQ_STR(ms__budget_error_reason(r.co, -1), "instructions");
    CHECK_EQ_STR(ms__budget_tripped(&r.b), "instructions");
    CHECK(!run_finish(&e, &r)); /* not closed */
    CHECK_EQ_INT(get_int(&e, "closed"), 0);

    CHECK_EQ_INT(
        run_start(&e, &r,
                  "local c <close> = setmetatable({}, {__close = function() closed = 2 end})\n"
                  "pcall(table.sort, {3, 2, 1}, function(a, b) while true do end end)\n"
                  "after = 1",
                  0),
        0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD);
    CHECK_EQ_STR(ms__budget_tripped(&r.b), "instructions");
    CHECK(run_finish(&e, &r));
    CHECK_EQ_INT(get_int(&e, "closed"), 2);
    CHECK_EQ_INT(get_int(&e, "after"), 0);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* Coroutines a script makes inherit the hook; one that spins is killed, and
 * its caller is stopped in turn; its to-be-closed variables run with hooks on
 * (a looping one is stopped). */
static void test_nested_coroutines(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    int status;
    bool closed;
    CHECK_EQ_STR(stop_reason(&e,
                             "local co = coroutine.create(function() while true do end end)\n"
                             "local ok, m = coroutine.resume(co)\n"
                             "after = 1",
                             &status, &closed),
                 "instructions");
    CHECK_EQ_INT(status, LUA_YIELD); /* the caller stops as soon as resume returns */
    CHECK(closed);
    CHECK_EQ_INT(get_int(&e, "after"), 0);
    /* a killed coroutine's to-be-closed variables run at once, with hooks on:
     * the looping one is stopped at its first instruction (with hooks off, as
     * stock coroutines would leave them, it would set inner and spin forever) */
    CHECK_EQ_STR(stop_reason(&e,
                             "local f = coroutine.wrap(function()\n"
                             "  local c <close> = setmetatable({}, {__close = function()\n"
                             "    inner = 1 while true do end end})\n"
                             "  while true do end\n"
                             "end)\n"
                             "f()",
                             &status, &closed),
                 "instructions");
    CHECK_EQ_INT(get_int(&e, "inner"), 0);
    /* yields inside a wrapped coroutine still work */
    struct run r;
    CHECK_EQ_INT(
        run_start(&e, &r,
                  "local gen = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) "
                  "return b * 2 end)\n"
                  "y1 = gen(1) y2 = gen(10)\n"
                  "local co = coroutine.create(function() error('inner boom') end)\n"
                  "local ok, m = coroutine.resume(co) y3 = m",
                  0),
        0);
    lua_State *child = lua_newthread(r.co); /* the hook is inherited */
    CHECK(lua_gethook(child) == lua_gethook(r.co) && lua_gethook(child) != NULL);
    lua_pop(r.co, 1);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_OK);
    CHECK(ms__budget_tripped(&r.b) == NULL);
    run_finish(&e, &r);
    CHECK_EQ_INT(get_int(&e, "y1"), 2);
    CHECK_EQ_INT(get_int(&e, "y2"), 20);
    lua_getglobal(e.L, "y3");
    CHECK_EQ_STR(lua_tostring(e.L, -1), "script:3: inner boom");
    lua_pop(e.L, 1);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* After a stop, to-be-closed variables run with a fresh slice; one that loops
 * is stopped and the next still runs. */
static void test_cleanup(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    int status;
    bool closed;
    CHECK_EQ_STR(stop_reason(&e,
                             "local a <close> = setmetatable({}, {__close = function() "
                             "first = 1 end})\n"
                             "local b <close> = setmetatable({}, {__close = function() "
                             "looping = 1 while true do end end})\n"
                             "local c <close> = setmetatable({}, {__close = function() "
                             "last = 1 end})\n"
                             "while true do end",
                             &status, &closed),
                 "instructions");
    CHECK(closed);
    CHECK_EQ_INT(get_int(&e, "last"), 1);
    CHECK_EQ_INT(get_int(&e, "looping"), 1);
    CHECK_EQ_INT(get_int(&e, "first"), 0); /* stopped at its first instruction */
    struct ms__budget_counters c;
    ms__budget_counters(e.L, &c);
    CHECK_EQ_INT(c.instructions, 1); /* one script stopped, counted once */
    CHECK_EQ_INT(env_close(&e), 0);
}

/* A slow C function trips the wall-time budget at the next instruction. */
static void test_wall_time(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r,
                           "slow(10) pause() slow(30) pause() slow(49) pause()\n"
                           "slow(60) for i = 1, 10000 do n = i end",
                           0),
                 0);
    for (int i = 0; i < 3; i++) { /* each slice under 50 ms */
        CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD);
        CHECK(ms__budget_tripped(&r.b) == NULL);
    }
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD);
    CHECK_EQ_STR(ms__budget_tripped(&r.b), "wall time");
    CHECK(get_int(&e, "n") <= 1000); /* stopped at the first check */
    struct ms__budget_stats st;
    ms__budget_stats(&r.b, &st);
    CHECK_EQ_INT(st.slices, 4);
    CHECK_EQ_INT(st.max_slice_ns, 60000000);
    run_finish(&e, &r);
    /* a slow call inside pcall: stopped at the next check */
    CHECK_EQ_INT(
        run_start(&e, &r, "local ok = pcall(slow, 80) for i = 1, 10000 do m = i end after = 1", 0),
        0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_YIELD);
    CHECK_EQ_STR(ms__budget_tripped(&r.b), "wall time");
    CHECK(get_int(&e, "m") <= 1000);
    CHECK_EQ_INT(get_int(&e, "after"), 0);
    run_finish(&e, &r);
    struct ms__budget_counters c;
    ms__budget_counters(e.L, &c);
    CHECK_EQ_INT(c.wall, 2);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* A script that yields often runs far more instructions and time in all than
 * one slice may, and never trips. */
static void test_yields_often(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r,
                           "for i = 1, 500 do local s = 0 for j = 1, 5000 do s = s + j end "
                           "slow(20) pause() end done = 1",
                           0),
                 0);
    int slices = 0;
    while (run_slice(&e, &r, 0) == LUA_YIELD && slices < 1000)
        slices++;
    CHECK_EQ_INT(r.status, LUA_OK);
    CHECK_EQ_INT(slices, 500);
    CHECK(ms__budget_tripped(&r.b) == NULL);
    CHECK_EQ_INT(get_int(&e, "done"), 1);
    struct ms__budget_stats st;
    ms__budget_stats(&r.b, &st);
    CHECK(st.instructions > 10 * e.lim.instructions);
    CHECK(st.max_slice_insns < e.lim.instructions);
    run_finish(&e, &r);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* A script that builds a huge table is stopped with "memory", also when it
 * catches the error; its blocks go back; another owner is not affected. */
static void test_memory(void)
{
    static const char *const scripts[] = {
        "local t = {} for i = 1, 1e8 do t[i] = {i} end",
        "while true do pcall(function() local t = {} for i = 1, 1e8 do t[i] = 'x' .. i end end) "
        "end",
        "local ok, m = pcall(string.rep, 'x', 1 << 30) r_m = m for i = 1, 1e9 do end",
    };
    for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
        struct env e;
        CHECK_EQ_INT(env_open(&e, 0, true), 0);
        e.lim.instructions = 0; /* memory alone */
        e.lim.wall_ns = 0;
        struct run other, r;
        CHECK_EQ_INT(
            run_start(&e, &other, "keep = {} for i = 1, 1000 do keep[i] = i end pause()", 1 << 20),
            0);
        CHECK_EQ_INT(run_slice(&e, &other, 0), LUA_YIELD);
        size_t other_bytes = owner_bytes(e.a, other.owner);
        CHECK(other_bytes > 16000);
        CHECK_EQ_INT(run_start(&e, &r, scripts[i], 4 << 20), 0);
        int st = run_slice(&e, &r, 0);
        CHECK(st == LUA_YIELD || st == LUA_ERRMEM);
        CHECK_EQ_STR(ms__budget_tripped(&r.b), "memory");
        CHECK(strncmp(ms__budget_where(&r.b), "script:1", 8) == 0);
        struct ms__alloc_owner_stats os;
        CHECK_EQ_INT(ms__alloc_owner_stats(e.a, r.owner, &os), 0);
        CHECK(os.peak <= 4 << 20);
        CHECK(os.refused >= 1);
        /* the other call was charged nothing (the collector may have
         * shrunk its blocks) and refused nothing */
        CHECK(owner_bytes(e.a, other.owner) <= other_bytes);
        CHECK(run_finish(&e, &r));
        lua_gc(e.L, LUA_GCCOLLECT);
        CHECK(owner_bytes(e.a, other.owner) <= other_bytes);
        CHECK_EQ_INT(ms__alloc_owner_stats(e.a, other.owner, &os), 0);
        CHECK_EQ_INT(os.refused, 0);
        CHECK_EQ_INT(run_slice(&e, &other, 0), LUA_OK); /* the other call goes on */
        run_finish(&e, &other);
        struct ms__budget_counters c;
        ms__budget_counters(e.L, &c);
        CHECK_EQ_INT(c.memory, 1);
        CHECK_EQ_INT(env_close(&e), 0);
    }
}

/* Near its limit, a script that makes garbage gets refusals that Lua's
 * emergency collection resolves: they do not stand, the script is not
 * stopped. */
static void test_memory_churn(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    e.lim.instructions = 0;
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r,
                           "local live = {} for i = 1, 40000 do live[i] = i end\n"
                           "for i = 1, 300 do local g = string.rep('x', 60000 + i) end done = 1",
                           2 << 20),
                 0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_OK);
    CHECK(ms__budget_tripped(&r.b) == NULL);
    CHECK_EQ_INT(get_int(&e, "done"), 1);
    struct ms__alloc_owner_stats os;
    CHECK_EQ_INT(ms__alloc_owner_stats(e.a, r.owner, &os), 0);
    CHECK(os.refused > 0); /* the emergency path was taken */
    CHECK(!os.over);
    run_finish(&e, &r);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* The global cap stops the script that allocates when the state is full. */
static void test_memory_cap(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 8 << 20, true), 0);
    e.lim.instructions = 0;
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r, "local t = {} for i = 1, 1e8 do t[i] = {} end", 0), 0);
    run_slice(&e, &r, 0);
    CHECK_EQ_STR(ms__budget_tripped(&r.b), "memory");
    struct ms__alloc_stats s;
    ms__alloc_stats(e.a, &s);
    CHECK(s.peak <= 8 << 20);
    run_finish(&e, &r);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* Long C calls the wrapped library guards: string.rep of nothing returns at
 * once; table.move over a huge range is counted as instructions. */
static void test_long_c_calls(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r,
                           "r1 = string.rep('', 1e15) .. ('x'):rep(3) .. ('ab'):rep(2, ',')\n"
                           "r2 = #string.rep('', 1e15, '')\n"
                           "local t = table.move({1, 2, 3}, 1, 3, 2) r3 = #t\n"
                           "local ok, m = pcall(string.rep) r4 = not ok",
                           0),
                 0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_OK);
    CHECK(ms__budget_tripped(&r.b) == NULL);
    run_finish(&e, &r);
    lua_getglobal(e.L, "r1");
    CHECK_EQ_STR(lua_tostring(e.L, -1), "xxxab,ab");
    lua_pop(e.L, 1);
    CHECK_EQ_INT(get_int(&e, "r2"), 0);
    CHECK_EQ_INT(get_int(&e, "r3"), 4);
    lua_getglobal(e.L, "r4");
    CHECK(lua_toboolean(e.L, -1));
    lua_pop(e.L, 1);
    int status;
    bool closed;
    CHECK_EQ_STR(stop_reason(&e, "table.move({}, 1, 1e15, 2) after = 1", &status, &closed),
                 "instructions");
    CHECK_EQ_INT(status, LUA_YIELD);
    CHECK_EQ_INT(get_int(&e, "after"), 0);
    CHECK_EQ_STR(
        stop_reason(&e, "pcall(table.move, {}, 1, math.maxinteger, 2) after = 1", &status, &closed),
        "instructions");
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_setmetatable_gc(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, true), 0);
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r,
                           "local ok, m = pcall(setmetatable, {}, {__gc = function() end})\n"
                           "r_ok = ok r_m = m\n"
                           "local t = setmetatable({}, {__index = {v = 7}}) r_v = t.v\n"
                           "local mt = {} setmetatable({}, mt) mt.__gc = print",
                           0),
                 0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_OK);
    run_finish(&e, &r);
    lua_getglobal(e.L, "r_ok");
    CHECK(lua_isboolean(e.L, -1) && !lua_toboolean(e.L, -1));
    lua_getglobal(e.L, "r_m");
    CHECK(strstr(lua_tostring(e.L, -1), "__gc") != NULL);
    lua_pop(e.L, 2);
    CHECK_EQ_INT(get_int(&e, "r_v"), 7);
    CHECK_EQ_INT(env_close(&e), 0);
}

/* The error value the runtime finds when the stop had to be raised. */
static void test_error_value(void)
{
    struct env e;
    CHECK_EQ_INT(env_open(&e, 0, false), 0);
    struct run r;
    CHECK_EQ_INT(run_start(&e, &r, "table.sort({1, 2, 3}, function() while true do end end)", 0),
                 0);
    CHECK_EQ_INT(run_slice(&e, &r, 0), LUA_ERRRUN);
    CHECK_EQ_STR(ms__budget_error_reason(r.co, -1), "instructions");
    CHECK_EQ_STR(luaL_tolstring(r.co, -1, NULL), "EBUDGET: instructions budget exceeded");
    lua_pop(r.co, 1);
    const char *want[][2] = {{"code", "EBUDGET"},
                             {"reason", "instructions"},
                             {"message", "instructions budget exceeded"}};
    for (size_t i = 0; i < 3; i++) {
        lua_getfield(r.co, -1, want[i][0]);
        CHECK_EQ_STR(lua_tostring(r.co, -1), want[i][1]);
        lua_pop(r.co, 1);
    }
    lua_getfield(r.co, -1, "other");
    CHECK(lua_isnil(r.co, -1));
    lua_pop(r.co, 1);
    CHECK(ms__budget_error_reason(r.co, 1) == NULL); /* the chunk: not an error value */
    lua_pushinteger(r.co, 1);
    CHECK(ms__budget_error_reason(r.co, -1) == NULL);
    lua_pop(r.co, 1);
    run_finish(&e, &r);
    CHECK_EQ_INT(env_close(&e), 0);
}

static void test_api_misuse(void)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    struct ms__budget b;
    CHECK_EQ_INT(ms__budget_arm(L, &b, NULL), MS_EINVAL); /* not opened */
    lua_pushglobaltable(L);
    CHECK_EQ_INT(ms__budget_wrap_env(L, -1), MS_EINVAL);
    CHECK_EQ_INT(ms__budget_open(L), 0);
    CHECK_EQ_INT(ms__budget_open(L), 0); /* twice */
    lua_pushinteger(L, 3);
    CHECK_EQ_INT(ms__budget_wrap_env(L, -1), MS_EINVAL); /* not a table */
    lua_pop(L, 1);
    CHECK_EQ_INT(ms__budget_wrap_env(L, -1), 0);
    CHECK_EQ_INT(ms__budget_wrap_env(L, -1), 0); /* twice */
    lua_getglobal(L, "coroutine");
    lua_getfield(L, -1, "create");
    lua_CFunction create = lua_tocfunction(L, -1);
    lua_pop(L, 2);
    /* a sandbox env sharing the libraries: they are not wrapped again */
    CHECK_EQ_INT(luaL_dostring(L, "return { coroutine = coroutine, string = string, table = table, "
                                  "setmetatable = setmetatable }"),
                 LUA_OK);
    CHECK_EQ_INT(ms__budget_wrap_env(L, -1), 0);
    lua_getfield(L, -1, "pcall");
    CHECK(lua_iscfunction(L, -1));
    lua_pop(L, 2);
    lua_getglobal(L, "coroutine");
    lua_getfield(L, -1, "create");
    CHECK(lua_tocfunction(L, -1) == create);
    lua_pop(L, 3);
    CHECK_EQ_INT(lua_gettop(L), 0);
    lua_State *co = lua_newthread(L);
    CHECK_EQ_INT(ms__budget_arm(co, &b, NULL), 0);
    CHECK_EQ_INT(b.lim.instructions, MS__BUDGET_INSTRUCTIONS);
    CHECK_EQ_INT(b.lim.hook_period, MS__BUDGET_HOOK_PERIOD);
    CHECK(lua_gethook(co) != NULL);
    ms__budget_pause(&b); /* not current: nothing */
    CHECK(ms__budget_tripped(&b) == NULL);
    CHECK_EQ_STR(ms__budget_where(&b), "?");
    ms__budget_end(&b);
    CHECK(lua_gethook(co) == NULL);
    ms__budget_end(&b);    /* twice */
    ms__budget_resume(&b); /* ended: nothing */
    CHECK(ms__budget_cleanup(&b));
    lua_close(L);
}

int main(void)
{
    RUN(test_alloc_basic);
    RUN(test_alloc_limit);
    RUN(test_alloc_realloc_owner);
    RUN(test_alloc_ended_owner);
    RUN(test_alloc_cap);
    RUN(test_alloc_many_owners);
    RUN(test_alloc_bad_input);
    RUN(test_spin);
    RUN(test_spin_in_pcall);
    RUN(test_xpcall);
    RUN(test_not_yieldable);
    RUN(test_nested_coroutines);
    RUN(test_cleanup);
    RUN(test_wall_time);
    RUN(test_yields_often);
    RUN(test_memory);
    RUN(test_memory_churn);
    RUN(test_memory_cap);
    RUN(test_long_c_calls);
    RUN(test_setmetatable_gc);
    RUN(test_error_value);
    RUN(test_api_misuse);
    return test_summary();
}
