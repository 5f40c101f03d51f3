#define MS_LOG_MODULE "loop"
#include "moonswitch/loop.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"

#include <stdlib.h>
#include <time.h>

struct ms_loop {
    uv_loop_t *uv;
    enum ms_clock_mode mode;
    uint64_t origin_ns; /* real mode: hrtime at creation */
    uint64_t vnow;      /* virtual mode: the clock */
    uint64_t epoch0;    /* virtual mode: wall-clock ms at vnow 0 */
    uv_timer_t driver;
    uv_idle_t idle;
    bool idle_on;
    bool closing;
    int open_handles; /* while closing */
    /* timer min-heap */
    struct ms_timer **heap;
    size_t nheap, capheap;
    uint64_t timer_seq;
    /* media tick */
    struct ms_tick_handler ticks; /* list head */
    struct ms_tick_handler *tick_cursor;
    size_t ntick;
    uint64_t next_tick;
    struct ms_tick_stats tstats;
    int holds; /* virtual mode: pending real I/O */
    /* deferred queue */
    struct ms_deferred *dhead, *dtail;
};

static void arm_driver(struct ms_loop *loop);

static uint64_t real_epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t ms_loop_epoch_ms(const struct ms_loop *loop)
{
    return loop->mode == MS_CLOCK_VIRTUAL ? loop->epoch0 + loop->vnow : real_epoch_ms();
}

void ms_loop_set_epoch(struct ms_loop *loop, uint64_t epoch_ms)
{
    if (loop->mode == MS_CLOCK_VIRTUAL)
        loop->epoch0 = epoch_ms - loop->vnow;
}

uint64_t ms_loop_now(const struct ms_loop *loop)
{
    if (loop->mode == MS_CLOCK_VIRTUAL)
        return loop->vnow;
    return (uv_hrtime() - loop->origin_ns) / 1000000u;
}

static uint64_t now_us(const struct ms_loop *loop)
{
    if (loop->mode == MS_CLOCK_VIRTUAL)
        return loop->vnow * 1000u;
    return (uv_hrtime() - loop->origin_ns) / 1000u;
}

uv_loop_t *ms_loop_uv(struct ms_loop *loop)
{
    return loop->uv;
}

enum ms_clock_mode ms_loop_clock_mode(const struct ms_loop *loop)
{
    return loop->mode;
}

/* ---- timer heap ---- */

static bool timer_before(const struct ms_timer *a, const struct ms_timer *b)
{
    return a->due < b->due || (a->due == b->due && a->order < b->order);
}

static void heap_swap(struct ms_loop *loop, size_t i, size_t j)
{
    struct ms_timer *t = loop->heap[i];
    loop->heap[i] = loop->heap[j];
    loop->heap[j] = t;
    loop->heap[i]->heap_index = i;
    loop->heap[j]->heap_index = j;
}

static void heap_up(struct ms_loop *loop, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!timer_before(loop->heap[i], loop->heap[p]))
            break;
        heap_swap(loop, i, p);
        i = p;
    }
}

static void heap_down(struct ms_loop *loop, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < loop->nheap && timer_before(loop->heap[l], loop->heap[m]))
            m = l;
        if (r < loop->nheap && timer_before(loop->heap[r], loop->heap[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(loop, i, m);
        i = m;
    }
}

void ms_timer_init(struct ms_timer *t, ms_timer_cb cb, void *ud)
{
    t->due = 0;
    t->heap_index = SIZE_MAX;
    t->order = 0;
    t->cb = cb;
    t->ud = ud;
}

bool ms_timer_active(const struct ms_timer *t)
{
    return t->heap_index != SIZE_MAX;
}

void ms_timer_stop(struct ms_loop *loop, struct ms_timer *t)
{
    size_t i = t->heap_index;
    if (i == SIZE_MAX)
        return;
    t->heap_index = SIZE_MAX;
    loop->nheap--;
    if (i == loop->nheap)
        return;
    loop->heap[i] = loop->heap[loop->nheap];
    loop->heap[i]->heap_index = i;
    heap_up(loop, i);
    heap_down(loop, loop->heap[i]->heap_index);
}

void ms_timer_start(struct ms_loop *loop, struct ms_timer *t, uint64_t delay_ms)
{
    ms_timer_stop(loop, t);
    if (loop->nheap == loop->capheap) {
        size_t cap = loop->capheap ? loop->capheap * 2 : 64;
        struct ms_timer **h = realloc(loop->heap, cap * sizeof *h);
        if (!h)
            abort(); /* out of memory on the scheduling path: nothing sane to do */
        loop->heap = h;
        loop->capheap = cap;
    }
    t->due = ms_loop_now(loop) + delay_ms;
    t->order = loop->timer_seq++;
    t->heap_index = loop->nheap;
    loop->heap[loop->nheap++] = t;
    heap_up(loop, t->heap_index);
    if (loop->mode == MS_CLOCK_REAL && loop->heap[0] == t)
        arm_driver(loop);
}

/* ---- tick handlers ---- */

void ms_tick_add(struct ms_loop *loop, struct ms_tick_handler *h, ms_tick_cb cb, void *ud)
{
    if (h->linked)
        return;
    h->cb = cb;
    h->ud = ud;
    h->next = &loop->ticks;
    h->prev = loop->ticks.prev;
    loop->ticks.prev->next = h;
    loop->ticks.prev = h;
    h->linked = true;
    if (loop->ntick++ == 0) {
        uint64_t now = ms_loop_now(loop);
        loop->next_tick = now + MS_TICK_MS;
        if (loop->mode == MS_CLOCK_REAL)
            arm_driver(loop);
    }
}

void ms_tick_remove(struct ms_loop *loop, struct ms_tick_handler *h)
{
    if (!h->linked)
        return;
    if (loop->tick_cursor == h)
        loop->tick_cursor = h->next;
    h->prev->next = h->next;
    h->next->prev = h->prev;
    h->prev = h->next = NULL;
    h->linked = false;
    loop->ntick--;
}

size_t ms_tick_count(const struct ms_loop *loop)
{
    return loop->ntick;
}

static void run_tick(struct ms_loop *loop, uint64_t tick_ms)
{
    struct ms_tick_handler *h = loop->ticks.next;
    while (h != &loop->ticks) {
        loop->tick_cursor = h->next;
        h->cb(h->ud, tick_ms);
        h = loop->tick_cursor;
    }
    loop->tick_cursor = NULL;
}

/* ---- deferred callbacks ---- */

static void idle_cb(uv_idle_t *idle)
{
    struct ms_loop *loop = idle->data;
    ms_loop_run_deferred(loop);
}

void ms_defer(struct ms_loop *loop, struct ms_deferred *d, ms_defer_cb cb, void *ud)
{
    if (d->queued)
        return;
    d->cb = cb;
    d->ud = ud;
    d->next = NULL;
    d->queued = true;
    if (loop->dtail)
        loop->dtail->next = d;
    else
        loop->dhead = d;
    loop->dtail = d;
    if (loop->mode == MS_CLOCK_REAL && !loop->idle_on && !loop->closing) {
        uv_idle_start(&loop->idle, idle_cb);
        loop->idle_on = true;
    }
}

void ms_defer_cancel(struct ms_loop *loop, struct ms_deferred *d)
{
    if (!d->queued)
        return;
    struct ms_deferred **pp = &loop->dhead, *prev = NULL;
    while (*pp && *pp != d) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = d->next;
        if (loop->dtail == d)
            loop->dtail = prev;
    }
    d->queued = false;
    d->next = NULL;
}

void ms_loop_run_deferred(struct ms_loop *loop)
{
    while (loop->dhead) {
        struct ms_deferred *d = loop->dhead;
        loop->dhead = d->next;
        if (!loop->dhead)
            loop->dtail = NULL;
        d->queued = false;
        d->next = NULL;
        d->cb(d->ud);
    }
    if (loop->idle_on) {
        uv_idle_stop(&loop->idle);
        loop->idle_on = false;
    }
}

/* ---- dispatch ---- */

/* Real mode: the tick to run now. Records how late it is; after a stall of
 * more than 100 ms the missed slots are skipped rather than sent in a burst. */
static uint64_t take_tick(struct ms_loop *loop)
{
    uint64_t due = loop->next_tick;
    uint64_t us = now_us(loop), due_us = due * 1000u;
    uint64_t late = us > due_us ? us - due_us : 0;
    if (late > 100000) {
        uint64_t missed = late / 1000u / MS_TICK_MS;
        loop->tstats.skipped += missed;
        due += missed * MS_TICK_MS;
        late -= missed * MS_TICK_MS * 1000u;
    }
    loop->tstats.ticks++;
    if (late > 2000)
        loop->tstats.late_over_2ms++;
    if (late > loop->tstats.max_late_us)
        loop->tstats.max_late_us = late;
    return due;
}

/* Runs the earliest due event (timer first on a tie). Returns false if none is due. */
static bool run_one_due(struct ms_loop *loop, uint64_t now)
{
    uint64_t tdue = loop->nheap ? loop->heap[0]->due : UINT64_MAX;
    uint64_t kdue = loop->ntick ? loop->next_tick : UINT64_MAX;
    if (tdue <= now && tdue <= kdue) {
        struct ms_timer *t = loop->heap[0];
        if (loop->mode == MS_CLOCK_VIRTUAL)
            loop->vnow = t->due;
        ms_timer_stop(loop, t);
        t->cb(t->ud);
        return true;
    }
    if (kdue <= now) {
        uint64_t tick = loop->mode == MS_CLOCK_REAL ? take_tick(loop) : loop->next_tick;
        if (loop->mode == MS_CLOCK_VIRTUAL)
            loop->vnow = tick;
        loop->next_tick = tick + MS_TICK_MS;
        run_tick(loop, tick);
        return true;
    }
    return false;
}

static void driver_cb(uv_timer_t *t)
{
    struct ms_loop *loop = t->data;
    for (;;) {
        if (!run_one_due(loop, ms_loop_now(loop)))
            break;
        ms_loop_run_deferred(loop);
    }
    arm_driver(loop);
}

static void arm_driver(struct ms_loop *loop)
{
    if (loop->closing)
        return;
    uint64_t due = loop->nheap ? loop->heap[0]->due : UINT64_MAX;
    if (loop->ntick && loop->next_tick < due)
        due = loop->next_tick;
    if (due == UINT64_MAX) {
        uv_timer_stop(&loop->driver);
        return;
    }
    /* Sub-millisecond precision: wake at the due millisecond boundary. */
    uint64_t us = now_us(loop), due_us = due * 1000u;
    uint64_t delay = due_us > us ? (due_us - us + 999) / 1000 : 0;
    uv_timer_start(&loop->driver, driver_cb, delay, 0);
}

void ms_loop_hold(struct ms_loop *loop)
{
    loop->holds++;
}

void ms_loop_release(struct ms_loop *loop)
{
    loop->holds--;
}

/* Virtual mode: lets held I/O finish (and its callbacks run) before time moves. */
void ms_loop_settle(struct ms_loop *loop)
{
    ms_loop_run_deferred(loop);
    while (loop->mode == MS_CLOCK_VIRTUAL && loop->holds > 0) {
        uv_run(loop->uv, UV_RUN_ONCE);
        ms_loop_run_deferred(loop);
    }
}

void ms_loop_advance(struct ms_loop *loop, uint64_t ms)
{
    uint64_t end = loop->vnow + ms;
    ms_loop_settle(loop);
    while (run_one_due(loop, end))
        ms_loop_settle(loop);
    loop->vnow = end;
}

uint64_t ms_loop_next_due(const struct ms_loop *loop)
{
    uint64_t due = loop->nheap ? loop->heap[0]->due : UINT64_MAX;
    if (loop->ntick && loop->next_tick < due)
        due = loop->next_tick;
    return due;
}

void ms_loop_tick_stats(const struct ms_loop *loop, struct ms_tick_stats *out)
{
    *out = loop->tstats;
}

/* ---- life cycle ---- */

int ms_loop_new(struct ms_loop **out, uv_loop_t *uv, enum ms_clock_mode mode)
{
    struct ms_loop *loop = calloc(1, sizeof *loop);
    if (!loop)
        return MS_ENOMEM;
    loop->uv = uv;
    loop->mode = mode;
    loop->origin_ns = uv_hrtime();
    loop->epoch0 = real_epoch_ms();
    loop->ticks.next = loop->ticks.prev = &loop->ticks;
    int rc = uv_timer_init(uv, &loop->driver);
    if (rc < 0)
        goto fail_timer;
    rc = uv_idle_init(uv, &loop->idle);
    if (rc < 0)
        goto fail_idle;
    loop->driver.data = loop;
    loop->idle.data = loop;
    *out = loop;
    return 0;
fail_idle:
    uv_close((uv_handle_t *)&loop->driver, NULL);
    uv_run(uv, UV_RUN_NOWAIT);
fail_timer:
    free(loop);
    return rc;
}

static void closed_cb(uv_handle_t *h)
{
    struct ms_loop *loop = h->data;
    if (--loop->open_handles == 0) {
        free(loop->heap);
        free(loop);
    }
}

void ms_loop_close(struct ms_loop *loop)
{
    if (loop->nheap || loop->ntick || loop->dhead)
        ms_warn(NULL, "loop closed with %zu timers, %zu tick handlers still active", loop->nheap,
                loop->ntick);
    loop->closing = true;
    loop->open_handles = 2;
    uv_close((uv_handle_t *)&loop->driver, closed_cb);
    uv_close((uv_handle_t *)&loop->idle, closed_cb);
}
