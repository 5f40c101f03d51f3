/* Instruction, wall-time and memory budgets for call coroutines (see budget.h). */
#include "budget.h"
#include "moonswitch/error.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ERR_MT "moonswitch.budget_error"

enum reason { R_INSTRUCTIONS, R_WALL, R_MEMORY, R_COUNT };
static const char *const reason_names[R_COUNT] = {"instructions", "wall time", "memory"};

/* The state's context: a userdata in the registry under &ctx_key. */
struct ctx {
    struct ms__budget *current; /* the budget of the running slice, or NULL */
    uint64_t trips[R_COUNT];
    int err_ref[R_COUNT]; /* the error values, one per reason */
};
static const char ctx_key = 0;

static struct ctx *ctx_of(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &ctx_key);
    struct ctx *c = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return c;
}

static uint64_t now(const struct ms__budget *b)
{
    if (b->lim.clock)
        return b->lim.clock(b->lim.clock_ud);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ms__budget_limits_default(struct ms__budget_limits *lim)
{
    *lim = (struct ms__budget_limits){
        .instructions = MS__BUDGET_INSTRUCTIONS,
        .wall_ns = (uint64_t)MS__BUDGET_WALL_MS * 1000000u,
        .hook_period = MS__BUDGET_HOOK_PERIOD,
    };
}

/* ---- the error values ---- */

static int err_tostring(lua_State *L)
{
    const unsigned char *r = luaL_checkudata(L, 1, ERR_MT);
    lua_pushfstring(L, "EBUDGET: %s budget exceeded", reason_names[*r]);
    return 1;
}

/* err.code "EBUDGET", err.reason "instructions", err.message "... budget exceeded" */
static int err_index(lua_State *L)
{
    const unsigned char *r = luaL_checkudata(L, 1, ERR_MT);
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
    if (strcmp(k, "code") == 0)
        lua_pushliteral(L, "EBUDGET");
    else if (strcmp(k, "reason") == 0)
        lua_pushstring(L, reason_names[*r]);
    else if (strcmp(k, "message") == 0)
        lua_pushfstring(L, "%s budget exceeded", reason_names[*r]);
    else
        lua_pushnil(L);
    return 1;
}

static int open_p(lua_State *L)
{
    struct ctx *c = lua_newuserdatauv(L, sizeof *c, 0);
    memset(c, 0, sizeof *c);
    luaL_newmetatable(L, ERR_MT);
    lua_pushcfunction(L, err_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, err_index);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    for (int r = 0; r < R_COUNT; r++) {
        unsigned char *v = lua_newuserdatauv(L, 1, 0);
        *v = (unsigned char)r;
        luaL_setmetatable(L, ERR_MT);
        c->err_ref[r] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key); /* last: complete or absent */
    return 0;
}

int ms__budget_open(lua_State *L)
{
    if (ctx_of(L))
        return 0;
    lua_pushcfunction(L, open_p);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return MS_ENOMEM;
    }
    return 0;
}

const char *ms__budget_error_reason(lua_State *L, int idx)
{
    const unsigned char *r = luaL_testudata(L, idx, ERR_MT);
    return r ? reason_names[*r] : NULL;
}

void ms__budget_counters(lua_State *L, struct ms__budget_counters *out)
{
    struct ctx *c = ctx_of(L);
    *out = (struct ms__budget_counters){0};
    if (c)
        *out = (struct ms__budget_counters){c->trips[R_INSTRUCTIONS], c->trips[R_WALL],
                                            c->trips[R_MEMORY]};
}

/* ---- tripping and stopping ---- */

/* The limit the running slice is over, or -1. */
static int over_limit(const struct ms__budget *b)
{
    if (b->alloc && ms__alloc_over(b->alloc, b->owner))
        return R_MEMORY;
    if (b->lim.instructions && b->slice_insns >= b->lim.instructions)
        return R_INSTRUCTIONS;
    if (b->lim.wall_ns && now(b) - b->slice_start >= b->lim.wall_ns)
        return R_WALL;
    return -1;
}

static void trip(struct ctx *c, struct ms__budget *b, int r)
{
    b->raising = true;
    if (!b->reason) {
        b->reason = reason_names[r];
        c->trips[r]++;
    }
}

static void set_where(struct ms__budget *b, lua_State *L, lua_Debug *ar)
{
    if (lua_getinfo(L, "Sl", ar))
        snprintf(b->where, sizeof b->where, "%s:%d", ar->short_src, ar->currentline);
}

static void hook(lua_State *L, lua_Debug *ar);

/* From now on, L and the call's coroutine (which may be waiting on L, a
 * coroutine of the script) stop at their next instruction. */
static void stop_soon(const struct ms__budget *b, lua_State *L)
{
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    if (L != b->co)
        lua_sethook(b->co, hook, LUA_MASKCOUNT, 1);
}

static void push_error(lua_State *L, struct ctx *c, const struct ms__budget *b)
{
    int r = R_INSTRUCTIONS;
    while (r < R_COUNT && reason_names[r] != b->reason)
        r++;
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->err_ref[r < R_COUNT ? r : R_INSTRUCTIONS]);
}

/* Whether the tripped budget b may stop thread L by yielding: only the call's
 * own coroutine (a yield in a script's coroutine would return to the script). */
static bool can_yield(const struct ms__budget *b, lua_State *L)
{
    return L == b->co && lua_isyieldable(L);
}

/* Count hook: counts the slice, trips, stops. Yielding from a hook returns
 * here and Lua suspends the coroutine after; an error raised from a hook
 * leaves hooks disabled in the thread until a protected call catches it. */
static void hook(lua_State *L, lua_Debug *ar)
{
    struct ctx *c = ctx_of(L);
    struct ms__budget *b = c ? c->current : NULL;
    if (!b)
        return;
    if (!b->raising) {
        int count = lua_gethookcount(L);
        b->slice_insns += (uint64_t)count;
        int r = over_limit(b);
        if (r < 0) {
            if ((unsigned)count != b->lim.hook_period) /* back from raising (cleanup) */
                lua_sethook(L, hook, LUA_MASKCOUNT, (int)b->lim.hook_period);
            return;
        }
        trip(c, b, r);
        set_where(b, L, ar);
    }
    stop_soon(b, L);
    if (can_yield(b, L)) {
        b->hooks_off = false;
        lua_yield(L, 0);
        return;
    }
    if (L == b->co)
        b->hooks_off = true;
    push_error(L, c, b);
    lua_error(L);
}

/* A protected call of ours caught an error. If the budget has tripped, stop:
 * returns true when the caller must `return lua_yield(L, 0)`, raises the
 * budget error when it cannot yield; returns false to go on. */
static bool stop_if_tripped(lua_State *L)
{
    struct ctx *c = ctx_of(L);
    struct ms__budget *b = c ? c->current : NULL;
    if (!b)
        return false;
    if (!b->raising) {
        int r = over_limit(b);
        if (r < 0)
            return false;
        trip(c, b, r);
        lua_Debug ar;
        if (lua_getstack(L, 1, &ar))
            set_where(b, L, &ar);
    }
    stop_soon(b, L);
    if (L == b->co)
        b->hooks_off = false; /* the catch re-enabled hooks; we raise from C */
    if (can_yield(b, L))
        return true;
    push_error(L, c, b);
    lua_error(L);
    return false; /* not reached */
}

/* ---- pcall, xpcall, setmetatable, coroutine.create/wrap ---- */

static int pcall_done(lua_State *L, int status, lua_KContext base)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        if (stop_if_tripped(L))
            return lua_yield(L, 0);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)base; /* true and the results */
}

static int safe_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1); /* true f args... */
    int st = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, pcall_done);
    return pcall_done(L, st, 0);
}

/* xpcall's message handler: the script's handler (upvalue 1), except for a
 * budget error or once the budget has tripped. */
static int xpcall_msgh(lua_State *L)
{
    struct ctx *c = ctx_of(L);
    struct ms__budget *b = c ? c->current : NULL;
    if ((b && b->raising) || ms__budget_error_reason(L, 1))
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int safe_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_msgh, 1);
    lua_replace(L, 2); /* f msgh args... */
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2); /* f msgh true f args... */
    int st = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, pcall_done);
    return pcall_done(L, st, 2);
}

/* Finalizers run with hooks off: a __gc that loops could not be stopped. Lua
 * only honours a __gc present when the metatable is set, so checking here is
 * enough. Upvalue 1: the stock setmetatable. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int t = lua_rawget(L, 2);
        lua_pop(L, 1);
        if (t != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in call "
                                 "scripts (finalizers run outside the script's budget)");
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int shield_done(lua_State *L, int status, lua_KContext base)
{
    if (status != LUA_OK && status != LUA_YIELD)
        return lua_error(L); /* raised from C: hooks stay enabled in this thread */
    return lua_gettop(L) - (int)base;
}

/* The body of a script's coroutine: its function (upvalue 1) under a
 * protected call, so the thread never dies with hooks disabled and its
 * to-be-closed variables are closed at once, within the budget. */
static int shielded_body(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    int st = lua_pcallk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, 0, shield_done);
    return shield_done(L, st, 0);
}

/* coroutine.create / coroutine.wrap (upvalue 1: the stock one). */
static int shielded_create(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_pushcclosure(L, shielded_body, 1);
    lua_call(L, 1, 1);
    return 1;
}

/* string.rep (upvalue 1: the stock one). The stock one loops n times even
 * when nothing is copied: string.rep("", 1e15) would hold the loop for days. */
static int safe_rep(lua_State *L)
{
    size_t len, seplen = 0;
    luaL_checklstring(L, 1, &len);
    luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &seplen);
    if (len == 0 && seplen == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* table.move (upvalue 1: the stock one): each element moved counts as an
 * instruction of the slice, charged before the move starts, so that
 * table.move({}, 1, 1e15, 2) is stopped instead of running for hours. */
static int safe_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    struct ctx *c = ctx_of(L);
    struct ms__budget *b = c ? c->current : NULL;
    if (b && e >= f) {
        uint64_t n = (uint64_t)e - (uint64_t)f + 1u;
        b->slice_insns = n > UINT64_MAX - b->slice_insns ? UINT64_MAX : b->slice_insns + n;
        if (stop_if_tripped(L))
            return lua_yield(L, 0);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* t[name] = f with the old t[name] as upvalue, if it is a function and not
 * f already (libraries are shared by the tables wrapped). */
static void wrap_field(lua_State *L, int t, const char *name, lua_CFunction f)
{
    lua_pushstring(L, name);
    if (lua_rawget(L, t) != LUA_TFUNCTION || lua_tocfunction(L, -1) == f) {
        lua_pop(L, 1);
        return;
    }
    lua_pushcclosure(L, f, 1);
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, t);
}

static int wrap_p(lua_State *L)
{
    lua_pushliteral(L, "pcall");
    bool done = lua_rawget(L, 1) == LUA_TFUNCTION && lua_tocfunction(L, -1) == safe_pcall;
    lua_pop(L, 1);
    if (done)
        return 0;
    lua_pushcfunction(L, safe_pcall);
    lua_setfield(L, 1, "pcall");
    lua_pushcfunction(L, safe_xpcall);
    lua_setfield(L, 1, "xpcall");
    wrap_field(L, 1, "setmetatable", safe_setmetatable);
    lua_pushliteral(L, "coroutine");
    if (lua_rawget(L, 1) == LUA_TTABLE) {
        wrap_field(L, lua_gettop(L), "create", shielded_create);
        wrap_field(L, lua_gettop(L), "wrap", shielded_create);
    }
    lua_pushliteral(L, "string");
    if (lua_rawget(L, 1) == LUA_TTABLE)
        wrap_field(L, lua_gettop(L), "rep", safe_rep);
    lua_pushliteral(L, "table");
    if (lua_rawget(L, 1) == LUA_TTABLE)
        wrap_field(L, lua_gettop(L), "move", safe_move);
    return 0;
}

int ms__budget_wrap_env(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE || !ctx_of(L))
        return MS_EINVAL;
    lua_pushcfunction(L, wrap_p);
    lua_pushvalue(L, idx);
    int st = lua_pcall(L, 1, 0, 0);
    if (st != LUA_OK) {
        lua_pop(L, 1);
        return st == LUA_ERRMEM ? MS_ENOMEM : MS_EINVAL;
    }
    return 0;
}

/* ---- the budget's life ---- */

int ms__budget_arm(lua_State *co, struct ms__budget *b, const struct ms__budget_limits *lim)
{
    struct ctx *c = ctx_of(co);
    if (!c)
        return MS_EINVAL;
    *b = (struct ms__budget){0};
    if (lim)
        b->lim = *lim;
    else
        ms__budget_limits_default(&b->lim);
    if (b->lim.hook_period == 0)
        b->lim.hook_period = MS__BUDGET_HOOK_PERIOD;
    if (b->lim.hook_period > INT_MAX)
        b->lim.hook_period = INT_MAX;
    b->co = co;
    b->ctx = c;
    b->armed = true;
    snprintf(b->where, sizeof b->where, "?");
    lua_sethook(co, hook, LUA_MASKCOUNT, (int)b->lim.hook_period);
    return 0;
}

void ms__budget_attach_owner(struct ms__budget *b, struct ms__alloc *a, ms__owner_t owner)
{
    b->alloc = a;
    b->owner = owner;
}

void ms__budget_resume(struct ms__budget *b)
{
    if (!b->armed)
        return;
    struct ctx *c = b->ctx;
    if (c->current != b) {
        if (c->current)
            ms__budget_pause(c->current);
        c->current = b;
        if (b->alloc)
            b->prev_owner = ms__alloc_set_owner(b->alloc, b->owner);
    }
    b->slice_insns = 0;
    b->slice_start = now(b);
    b->stats.slices++;
}

void ms__budget_pause(struct ms__budget *b)
{
    struct ctx *c = b->ctx;
    if (!b->armed || c->current != b)
        return;
    c->current = NULL;
    uint64_t ns = now(b) - b->slice_start;
    b->stats.instructions += b->slice_insns;
    if (b->slice_insns > b->stats.max_slice_insns)
        b->stats.max_slice_insns = b->slice_insns;
    if (ns > b->stats.max_slice_ns)
        b->stats.max_slice_ns = ns;
    if (b->alloc)
        ms__alloc_set_owner(b->alloc, b->prev_owner);
}

/* where: the innermost Lua function of a stopped coroutine's stack. */
static void where_in(struct ms__budget *b, lua_State *co)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
        if (lua_getinfo(co, "Sl", &ar) && ar.currentline > 0) {
            snprintf(b->where, sizeof b->where, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

const char *ms__budget_tripped(struct ms__budget *b)
{
    if (!b->reason && b->armed && b->alloc && ms__alloc_over(b->alloc, b->owner)) {
        trip(b->ctx, b, R_MEMORY);
        where_in(b, b->co);
    }
    return b->reason;
}

const char *ms__budget_where(const struct ms__budget *b)
{
    return b->where;
}

void ms__budget_stats(const struct ms__budget *b, struct ms__budget_stats *out)
{
    *out = b->stats;
}

bool ms__budget_cleanup(struct ms__budget *b)
{
    if (!b->armed)
        return true;
    b->raising = false;
    if (b->alloc)
        ms__alloc_owner_clear_over(b->alloc, b->owner);
    ms__budget_resume(b);
    return !b->hooks_off;
}

void ms__budget_end(struct ms__budget *b)
{
    if (!b->armed)
        return;
    ms__budget_pause(b);
    lua_sethook(b->co, NULL, 0, 0);
    b->armed = false;
}
