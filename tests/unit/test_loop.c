/* The media loop (core/src/loop.c). Virtual clock: timer order (deadline,
 * then FIFO), stop and restart from callbacks, the 20 ms media tick on an
 * absolute schedule, handlers removed (and freed) during a tick, deferred
 * callbacks. Real clock: a few ticks on a uv loop, loosely timed, keep their
 * absolute schedule after a stall inside a tick. Every loop is closed and
 * its uv loop must then close cleanly (ASan checks the memory). */
#include "moonswitch/loop.h"
#include "test.h"

#include <stdlib.h>
#include <time.h>

struct vloop {
    uv_loop_t uv;
    struct ms_loop *loop;
};

static int vloop_init(struct vloop *v, enum ms_clock_mode mode)
{
    if (uv_loop_init(&v->uv) != 0)
        return -1;
    return ms_loop_new(&v->loop, &v->uv, mode);
}

/* Closes the loop; returns uv_loop_close()'s result (0: nothing left open). */
static int vloop_close(struct vloop *v)
{
    ms_loop_close(v->loop);
    uv_run(&v->uv, UV_RUN_DEFAULT);
    return uv_loop_close(&v->uv);
}

/* ---- timers ---- */

struct rec {
    struct ms_loop *loop;
    char order[32];
    uint64_t at[32];
    size_t n;
};

struct tmr {
    struct ms_timer t;
    struct rec *rec;
    char name;
    struct ms_timer *victim; /* stopped from the callback */
    uint64_t restart;        /* re-armed from the callback while > 0 */
};

static void tmr_cb(void *ud)
{
    struct tmr *x = ud;
    struct rec *r = x->rec;
    if (r->n < sizeof r->order - 1) {
        r->at[r->n] = ms_loop_now(r->loop);
        r->order[r->n++] = x->name;
    }
    if (x->victim)
        ms_timer_stop(r->loop, x->victim);
    if (x->restart) {
        x->restart--;
        ms_timer_start(r->loop, &x->t, 7);
    }
}

static void tmr_init(struct tmr *x, struct rec *r, char name)
{
    memset(x, 0, sizeof *x);
    x->rec = r;
    x->name = name;
    ms_timer_init(&x->t, tmr_cb, x);
}

static void test_timer_order(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct rec r = {.loop = v.loop};
    struct tmr t[6];
    static const uint64_t delay[] = {30, 10, 20, 10, 10, 0};
    for (int i = 0; i < 6; i++) {
        tmr_init(&t[i], &r, (char)('a' + i));
        ms_timer_start(v.loop, &t[i].t, delay[i]);
        CHECK(ms_timer_active(&t[i].t));
        CHECK_EQ_INT(t[i].t.due, delay[i]);
    }
    CHECK_EQ_INT(ms_loop_next_due(v.loop), 0);
    ms_loop_advance(v.loop, 0); /* only what is due now */
    CHECK_EQ_STR(r.order, "f");
    CHECK_EQ_INT(ms_loop_next_due(v.loop), 10);
    ms_loop_advance(v.loop, 19);
    CHECK_EQ_STR(r.order, "fbde"); /* equal deadlines: in the order they were started */
    CHECK_EQ_INT(r.at[1], 10);
    CHECK_EQ_INT(ms_loop_now(v.loop), 19);
    ms_loop_advance(v.loop, 11); /* a deadline exactly at the end runs */
    CHECK_EQ_STR(r.order, "fbdeca");
    CHECK_EQ_INT(r.at[4], 20);
    CHECK_EQ_INT(r.at[5], 30);
    for (int i = 0; i < 6; i++)
        CHECK(!ms_timer_active(&t[i].t)); /* stopped when they ran */
    CHECK_EQ_INT(ms_loop_next_due(v.loop), UINT64_MAX);
    ms_loop_advance(v.loop, 1000);
    CHECK_EQ_INT(r.n, 6);
    CHECK_EQ_INT(ms_loop_now(v.loop), 1030);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* Many timers with random deadlines, some stopped and restarted: they run sorted
 * by deadline, and among equal deadlines in the order they were (last) started. */
struct htimer {
    struct ms_timer t;
    uint64_t seq; /* when it was last started */
};
static struct htimer *hfired[600];
static size_t nhfired;

static void htimer_cb(void *ud)
{
    hfired[nhfired++] = ud;
}

static void test_timer_heap_many(void)
{
    enum { N = 500 };
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    static struct htimer t[N];
    uint64_t seq = 0;
    uint32_t rnd = 12345;
    nhfired = 0;
    for (int i = 0; i < N; i++) {
        rnd = rnd * 1103515245u + 12345u;
        ms_timer_init(&t[i].t, htimer_cb, &t[i]);
        ms_timer_start(v.loop, &t[i].t, (rnd >> 16) % 50);
        t[i].seq = seq++;
    }
    for (int i = 0; i < N; i += 3) /* stop a third */
        ms_timer_stop(v.loop, &t[i].t);
    for (int i = 0; i < N; i += 6) { /* restart half of those */
        ms_timer_start(v.loop, &t[i].t, 25);
        t[i].seq = seq++;
    }
    for (int i = 1; i < N; i += 10) { /* and move some, stopped or not */
        ms_timer_start(v.loop, &t[i].t, (uint64_t)i % 7 * 5);
        t[i].seq = seq++;
    }
    size_t active = 0;
    for (int i = 0; i < N; i++)
        active += ms_timer_active(&t[i].t);
    CHECK(active > N / 2 && active < N);
    ms_loop_advance(v.loop, 100);
    CHECK_EQ_INT(nhfired, active);
    int bad = 0;
    for (size_t i = 1; i < nhfired; i++) {
        const struct htimer *a = hfired[i - 1], *b = hfired[i];
        bad |= a->t.due > b->t.due || (a->t.due == b->t.due && a->seq > b->seq);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

static void test_timer_stopped_by_another(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct rec r = {.loop = v.loop};
    struct tmr a, b, c, d;
    tmr_init(&a, &r, 'a');
    tmr_init(&b, &r, 'b');
    tmr_init(&c, &r, 'c');
    tmr_init(&d, &r, 'd');
    a.victim = &b.t; /* same deadline, due right after a */
    c.victim = &d.t; /* later deadline */
    ms_timer_start(v.loop, &a.t, 10);
    ms_timer_start(v.loop, &b.t, 10);
    ms_timer_start(v.loop, &c.t, 20);
    ms_timer_start(v.loop, &d.t, 40);
    ms_loop_advance(v.loop, 100);
    CHECK_EQ_STR(r.order, "ac");
    CHECK(!ms_timer_active(&b.t) && !ms_timer_active(&d.t));
    ms_timer_stop(v.loop, &b.t); /* stopping a stopped timer is a no-op */
    CHECK_EQ_INT(vloop_close(&v), 0);
}

static void test_timer_restart(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct rec r = {.loop = v.loop};
    struct tmr a, b, p;
    tmr_init(&a, &r, 'a');
    tmr_init(&b, &r, 'b');
    tmr_init(&p, &r, 'p');
    ms_timer_start(v.loop, &a.t, 100);
    ms_timer_start(v.loop, &b.t, 100);
    ms_loop_advance(v.loop, 50);
    ms_timer_start(v.loop, &a.t, 100); /* later: now due at 150 */
    ms_timer_start(v.loop, &b.t, 10);  /* earlier: due at 60 */
    CHECK_EQ_INT(a.t.due, 150);
    CHECK_EQ_INT(b.t.due, 60);
    ms_loop_advance(v.loop, 99);
    CHECK_EQ_STR(r.order, "b");
    CHECK_EQ_INT(r.at[0], 60);
    ms_loop_advance(v.loop, 1);
    CHECK_EQ_STR(r.order, "ba"); /* once, at its new time */
    CHECK_EQ_INT(r.at[1], 150);
    /* a timer re-arming itself from its callback: every 7 ms, 3 more times */
    p.restart = 3;
    ms_timer_start(v.loop, &p.t, 7);
    ms_loop_advance(v.loop, 1000);
    CHECK_EQ_STR(r.order, "bapppp");
    CHECK_EQ_INT(r.at[2], 157);
    CHECK_EQ_INT(r.at[5], 178);
    CHECK(!ms_timer_active(&p.t));
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* ---- the media tick (virtual clock) ---- */

struct ticker {
    struct ms_tick_handler h;
    struct ms_loop *loop;
    uint64_t ticks[64];
    uint64_t now[64];
    size_t n;
    struct ticker *remove; /* removed (and freed when heap) from the callback */
    bool free_remove;
    bool remove_self, free_self;
    int *counter;
};

static void ticker_cb(void *ud, uint64_t tick_ms)
{
    struct ticker *k = ud;
    if (k->counter)
        (*k->counter)++;
    if (k->n < 64) {
        k->ticks[k->n] = tick_ms;
        k->now[k->n++] = ms_loop_now(k->loop);
    }
    if (k->remove) {
        ms_tick_remove(k->loop, &k->remove->h);
        if (k->free_remove)
            free(k->remove);
        k->remove = NULL;
    }
    if (k->remove_self) {
        ms_tick_remove(k->loop, &k->h);
        if (k->free_self)
            free(k);
    }
}

static void test_tick_absolute_schedule(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct ticker a = {.loop = v.loop}, b = {.loop = v.loop};
    CHECK_EQ_INT(ms_loop_next_due(v.loop), UINT64_MAX);
    ms_loop_advance(v.loop, 7);
    ms_tick_add(v.loop, &a.h, ticker_cb, &a);
    CHECK(a.h.linked);
    CHECK_EQ_INT(ms_tick_count(v.loop), 1);
    CHECK_EQ_INT(ms_loop_next_due(v.loop), 27);
    ms_loop_advance(v.loop, 19);
    CHECK_EQ_INT(a.n, 0);
    ms_loop_advance(v.loop, 1);
    CHECK_EQ_INT(a.n, 1);
    CHECK_EQ_INT(a.ticks[0], 27);
    CHECK_EQ_INT(a.now[0], 27);
    ms_loop_advance(v.loop, 8); /* now 35: the second handler joins the running schedule */
    ms_tick_add(v.loop, &b.h, ticker_cb, &b);
    ms_tick_add(v.loop, &b.h, ticker_cb, &b); /* adding twice is a no-op */
    CHECK_EQ_INT(ms_tick_count(v.loop), 2);
    ms_loop_advance(v.loop, 200 - 35 + 7);
    CHECK_EQ_INT(a.n, 10);
    CHECK_EQ_INT(b.n, 9);
    for (size_t i = 0; i < a.n; i++) {
        CHECK_EQ_INT(a.ticks[i], 27 + 20 * i);
        CHECK_EQ_INT(a.now[i], a.ticks[i]);
    }
    for (size_t i = 0; i < b.n; i++)
        CHECK_EQ_INT(b.ticks[i], 47 + 20 * i);
    /* with every handler gone the tick stops; the next one restarts the schedule */
    ms_tick_remove(v.loop, &a.h);
    ms_tick_remove(v.loop, &b.h);
    ms_tick_remove(v.loop, &b.h); /* removing twice is a no-op */
    CHECK(!a.h.linked && !b.h.linked);
    CHECK_EQ_INT(ms_tick_count(v.loop), 0);
    CHECK_EQ_INT(ms_loop_next_due(v.loop), UINT64_MAX);
    ms_loop_advance(v.loop, 13); /* now 220 */
    a.n = 0;
    ms_tick_add(v.loop, &a.h, ticker_cb, &a);
    ms_loop_advance(v.loop, 45);
    CHECK_EQ_INT(a.n, 2);
    CHECK_EQ_INT(a.ticks[0], 240);
    CHECK_EQ_INT(a.ticks[1], 260);
    ms_tick_remove(v.loop, &a.h);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* A long advance runs every tick, each at its own time: none is merged or skipped. */
static void test_tick_long_advance(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    int count = 0;
    struct ticker a = {.loop = v.loop, .counter = &count};
    ms_tick_add(v.loop, &a.h, ticker_cb, &a);
    ms_loop_advance(v.loop, 60000);
    CHECK_EQ_INT(count, 3000);
    CHECK_EQ_INT(a.ticks[63], 20 * 64);
    ms_tick_remove(v.loop, &a.h);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

static void test_tick_remove_during_tick(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    int ca = 0, cb = 0, cc = 0, cd = 0;
    /* a removes itself and frees its memory; b removes and frees c (the next one) */
    struct ticker *a = calloc(1, sizeof *a), *c = calloc(1, sizeof *c);
    struct ticker b = {.loop = v.loop, .counter = &cb}, d = {.loop = v.loop, .counter = &cd};
    CHECK(a && c);
    *a = (struct ticker){.loop = v.loop, .counter = &ca, .remove_self = true, .free_self = true};
    *c = (struct ticker){.loop = v.loop, .counter = &cc};
    b.remove = c;
    b.free_remove = true;
    ms_tick_add(v.loop, &a->h, ticker_cb, a);
    ms_tick_add(v.loop, &b.h, ticker_cb, &b);
    ms_tick_add(v.loop, &c->h, ticker_cb, c);
    ms_tick_add(v.loop, &d.h, ticker_cb, &d);
    ms_loop_advance(v.loop, 20);
    CHECK_EQ_INT(ca, 1);
    CHECK_EQ_INT(cb, 1);
    CHECK_EQ_INT(cc, 0); /* removed before its turn */
    CHECK_EQ_INT(cd, 1); /* the one after still runs */
    CHECK_EQ_INT(ms_tick_count(v.loop), 2);
    ms_loop_advance(v.loop, 40);
    CHECK_EQ_INT(ca, 1);
    CHECK_EQ_INT(cb, 3);
    CHECK_EQ_INT(cd, 3);
    /* the last handler removes itself; then the previous-to-last removes the last */
    d.remove_self = true;
    ms_loop_advance(v.loop, 20);
    CHECK_EQ_INT(cd, 4);
    CHECK_EQ_INT(ms_tick_count(v.loop), 1);
    struct ticker e = {.loop = v.loop};
    ms_tick_add(v.loop, &e.h, ticker_cb, &e);
    b.remove = &e;
    b.free_remove = false;
    ms_loop_advance(v.loop, 20);
    CHECK_EQ_INT(e.n, 0);
    CHECK(!e.h.linked);
    /* the only handler removes itself: the tick stops */
    b.remove_self = true;
    ms_loop_advance(v.loop, 20);
    CHECK_EQ_INT(cb, 6);
    CHECK_EQ_INT(ms_tick_count(v.loop), 0);
    CHECK_EQ_INT(ms_loop_next_due(v.loop), UINT64_MAX);
    ms_loop_advance(v.loop, 100);
    CHECK_EQ_INT(cb, 6);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* ---- deferred callbacks ---- */

struct dfr {
    struct ms_deferred d;
    struct ms_loop *loop;
    struct rec *rec;
    char name;
    struct dfr *chain; /* deferred again from the callback */
    struct dfr *cancel;
};

static void dfr_cb(void *ud)
{
    struct dfr *x = ud;
    struct rec *r = x->rec;
    r->at[r->n] = ms_loop_now(x->loop);
    r->order[r->n++] = x->name;
    if (x->chain)
        ms_defer(x->loop, &x->chain->d, dfr_cb, x->chain);
    if (x->cancel)
        ms_defer_cancel(x->loop, &x->cancel->d);
}

static void defer(struct vloop *v, struct dfr *x)
{
    ms_defer(v->loop, &x->d, dfr_cb, x);
}

static void test_deferred_fifo(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct rec r = {.loop = v.loop};
    struct dfr d[6];
    for (int i = 0; i < 6; i++)
        d[i] = (struct dfr){.loop = v.loop, .rec = &r, .name = (char)('a' + i)};
    d[1].chain = &d[4]; /* queued behind everything already queued */
    d[2].cancel = &d[3];
    defer(&v, &d[0]);
    defer(&v, &d[1]);
    defer(&v, &d[2]);
    defer(&v, &d[3]);
    defer(&v, &d[0]);     /* already queued: no second run, keeps its place */
    CHECK_EQ_INT(r.n, 0); /* never synchronous */
    CHECK(d[0].d.queued);
    ms_loop_run_deferred(v.loop);
    CHECK_EQ_STR(r.order, "abce");
    CHECK(!d[3].d.queued && !d[4].d.queued);
    ms_loop_run_deferred(v.loop); /* nothing left */
    CHECK_EQ_INT(r.n, 4);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

static void test_deferred_cancel(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct rec r = {.loop = v.loop};
    struct dfr d[5];
    for (int i = 0; i < 5; i++) {
        d[i] = (struct dfr){.loop = v.loop, .rec = &r, .name = (char)('a' + i)};
        defer(&v, &d[i]);
    }
    ms_defer_cancel(v.loop, &d[0].d); /* head */
    ms_defer_cancel(v.loop, &d[2].d); /* middle */
    ms_defer_cancel(v.loop, &d[4].d); /* tail */
    ms_defer_cancel(v.loop, &d[4].d); /* twice: no-op */
    CHECK(!d[0].d.queued && !d[2].d.queued && !d[4].d.queued);
    defer(&v, &d[0]); /* re-queued after a cancel: goes to the back */
    ms_loop_advance(v.loop, 0);
    CHECK_EQ_STR(r.order, "bda");
    /* cancel everything: the queue is empty and later defers still work */
    r.n = 0;
    memset(r.order, 0, sizeof r.order);
    defer(&v, &d[1]);
    ms_defer_cancel(v.loop, &d[1].d);
    defer(&v, &d[2]);
    ms_loop_run_deferred(v.loop);
    CHECK_EQ_STR(r.order, "c");
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* Deferred work queued by a timer runs before the next timer, at the timer's time. */
struct timer_defers {
    struct ms_timer t;
    struct dfr *d;
};
static void timer_defers_cb(void *ud)
{
    struct timer_defers *x = ud;
    ms_defer(x->d->loop, &x->d->d, dfr_cb, x->d);
}

static void test_deferred_between_timers(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct rec r = {.loop = v.loop};
    struct dfr d = {.loop = v.loop, .rec = &r, .name = 'd'};
    struct timer_defers td = {.d = &d};
    struct tmr later;
    tmr_init(&later, &r, 't');
    ms_timer_init(&td.t, timer_defers_cb, &td);
    ms_timer_start(v.loop, &td.t, 10);
    ms_timer_start(v.loop, &later.t, 10);
    ms_loop_advance(v.loop, 50);
    CHECK_EQ_STR(r.order, "dt");
    CHECK_EQ_INT(r.at[0], 10);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* Held real I/O (a prompt decode, say) finishes before virtual time moves on. */
struct held_io {
    uv_timer_t io; /* stands for the real I/O: a 5 ms real timer */
    struct ms_timer vt;
    struct ms_loop *loop;
    int io_done, io_done_when_vt_ran;
    uint64_t io_done_at;
};

static void held_io_done(uv_timer_t *t)
{
    struct held_io *h = t->data;
    h->io_done++;
    h->io_done_at = ms_loop_now(h->loop);
    ms_loop_release(h->loop);
    uv_close((uv_handle_t *)&h->io, NULL);
}

static void held_vt_cb(void *ud)
{
    struct held_io *h = ud;
    h->io_done_when_vt_ran = h->io_done;
}

static void test_hold_waits_for_io(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_VIRTUAL), 0);
    struct held_io h = {.loop = v.loop};
    uv_timer_init(&v.uv, &h.io);
    h.io.data = &h;
    ms_timer_init(&h.vt, held_vt_cb, &h);
    ms_timer_start(v.loop, &h.vt, 10);
    ms_loop_advance(v.loop, 3);
    ms_loop_hold(v.loop);
    uv_timer_start(&h.io, held_io_done, 5, 0);
    ms_loop_advance(v.loop, 100);
    CHECK_EQ_INT(h.io_done, 1);
    CHECK_EQ_INT(h.io_done_at, 3); /* virtual time waited for it */
    CHECK_EQ_INT(h.io_done_when_vt_ran, 1);
    CHECK_EQ_INT(ms_loop_now(v.loop), 103);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* ---- real clock ---- */

static uint64_t mono_us(void)
{
    return uv_hrtime() / 1000u;
}

struct real_ticker {
    struct ms_tick_handler h;
    struct ms_loop *loop;
    uint64_t ticks[32], now_ms[32];
    size_t n, want;
    size_t stall_at;
    uint64_t stall_ms;
};

static void real_tick_cb(void *ud, uint64_t tick_ms)
{
    struct real_ticker *k = ud;
    if (k->n < 32) {
        k->ticks[k->n] = tick_ms;
        k->now_ms[k->n] = ms_loop_now(k->loop);
    }
    if (++k->n == k->stall_at) { /* an artificial stall inside one tick */
        uint64_t end = mono_us() + k->stall_ms * 1000;
        while (mono_us() < end)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    if (k->n == k->want)
        ms_tick_remove(k->loop, &k->h);
}

/* Runs the uv loop until cond holds or limit_ms pass. */
static bool run_until(uv_loop_t *uv, const size_t *n, size_t want, uint64_t limit_ms)
{
    uint64_t end = mono_us() + limit_ms * 1000;
    while (*n < want && mono_us() < end)
        uv_run(uv, UV_RUN_ONCE);
    return *n >= want;
}

#define SLACK_MS 150 /* machines are noisy: only gross lateness fails */

static void test_real_ticks(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_REAL), 0);
    CHECK_EQ_INT(ms_loop_clock_mode(v.loop), MS_CLOCK_REAL);
    CHECK(ms_loop_uv(v.loop) == &v.uv);
    struct real_ticker k = {.loop = v.loop, .want = 15, .stall_at = 3, .stall_ms = 50};
    uint64_t start = ms_loop_now(v.loop);
    ms_tick_add(v.loop, &k.h, real_tick_cb, &k);
    CHECK(run_until(&v.uv, &k.n, k.want, 2000));
    CHECK_EQ_INT(k.n, 15);
    CHECK(!k.h.linked);
    uint64_t min_late_after = UINT64_MAX;
    for (size_t i = 0; i < k.n; i++) {
        uint64_t due = start + MS_TICK_MS * (i + 1);
        CHECK_EQ_INT(k.ticks[i], due);        /* the schedule is absolute */
        CHECK(k.now_ms[i] >= due);            /* never early */
        CHECK(k.now_ms[i] <= due + SLACK_MS); /* never grossly late */
        if (i >= 6 && k.now_ms[i] - due < min_late_after)
            min_late_after = k.now_ms[i] - due;
    }
    /* A relative schedule would leave every later tick about 50 ms late; an absolute one
     * catches up. Noise makes some ticks late, not all ten. */
    CHECK(min_late_after < 30);
    struct ms_tick_stats st;
    ms_loop_tick_stats(v.loop, &st);
    CHECK(st.ticks >= 1 && st.ticks <= k.n);
    CHECK(st.late_over_2ms >= 1);
    CHECK(st.max_late_us >= 20000);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

/* A stall of more than 100 ms inside a tick: the missed frames are dropped, not burst. */
static void test_real_long_stall(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_REAL), 0);
    struct real_ticker k = {.loop = v.loop, .want = 12, .stall_at = 2, .stall_ms = 150};
    uint64_t start = ms_loop_now(v.loop);
    ms_tick_add(v.loop, &k.h, real_tick_cb, &k);
    CHECK(run_until(&v.uv, &k.n, k.want, 2000));
    for (size_t i = 0; i < k.n; i++) {
        CHECK_EQ_INT((k.ticks[i] - start) % MS_TICK_MS, 0); /* still on the grid */
        CHECK(i == 0 || k.ticks[i] > k.ticks[i - 1]);
        CHECK(k.now_ms[i] >= k.ticks[i]);
    }
    CHECK(k.now_ms[k.n - 1] <= k.ticks[k.n - 1] + SLACK_MS);
    struct ms_tick_stats st;
    ms_loop_tick_stats(v.loop, &st);
    CHECK(st.skipped >= 1);
    CHECK(k.ticks[2] - k.ticks[1] > MS_TICK_MS);

    CHECK_EQ_INT(vloop_close(&v), 0);
}

struct real_timer {
    struct ms_timer t;
    struct ms_loop *loop;
    uint64_t fired_at;
    size_t n;
};

static void real_timer_cb(void *ud)
{
    struct real_timer *x = ud;
    x->fired_at = ms_loop_now(x->loop);
    x->n++;
}

static void real_defer_cb(void *ud)
{
    (*(size_t *)ud)++;
}

static void test_real_timer_and_defer(void)
{
    struct vloop v;
    CHECK_EQ_INT(vloop_init(&v, MS_CLOCK_REAL), 0);
    struct real_timer a = {.loop = v.loop}, b = {.loop = v.loop};
    ms_timer_init(&a.t, real_timer_cb, &a);
    ms_timer_init(&b.t, real_timer_cb, &b);
    uint64_t start = ms_loop_now(v.loop);
    ms_timer_start(v.loop, &a.t, 30);
    ms_timer_start(v.loop, &b.t, 60);
    ms_timer_stop(v.loop, &b.t);
    size_t deferred = 0;
    struct ms_deferred d;
    memset(&d, 0, sizeof d);
    ms_defer(v.loop, &d, real_defer_cb, &deferred);
    CHECK_EQ_INT(deferred, 0);
    CHECK(run_until(&v.uv, &deferred, 1, 1000)); /* runs from the loop, soon */
    CHECK(ms_loop_now(v.loop) - start < 30 + SLACK_MS);
    CHECK(run_until(&v.uv, &a.n, 1, 1000));
    CHECK(a.fired_at >= start + 30);
    CHECK(a.fired_at <= start + 30 + SLACK_MS);
    /* the loop has nothing left: uv_run returns without waiting for the stopped timer */
    uint64_t t0 = mono_us();
    uv_run(&v.uv, UV_RUN_DEFAULT);
    CHECK(mono_us() - t0 < 50000);
    CHECK_EQ_INT(b.n, 0);
    CHECK_EQ_INT(vloop_close(&v), 0);
}

int main(void)
{
    RUN(test_timer_order);
    RUN(test_timer_heap_many);
    RUN(test_timer_stopped_by_another);
    RUN(test_timer_restart);
    RUN(test_tick_absolute_schedule);
    RUN(test_tick_long_advance);
    RUN(test_tick_remove_during_tick);
    RUN(test_deferred_fifo);
    RUN(test_deferred_cancel);
    RUN(test_deferred_between_timers);
    RUN(test_hold_waits_for_io);
    RUN(test_real_ticks);
    RUN(test_real_long_stall);
    RUN(test_real_timer_and_defer);
    return test_summary();
}
