/* ms_loop: one media loop (a libuv loop plus moonswitch's scheduling on it).
 *
 * Owns: the libuv loop (borrowed from the caller or created), the timer heap,
 * the 20 ms media tick and the deferred-callback queue. Everything attached to
 * a loop (calls, RTP, timers, the Lua state) is used from the loop's thread
 * only.
 *
 * Time: ms_loop_now() is the loop's clock in milliseconds. In real mode it is
 * the monotonic clock; in virtual mode (the simulated caller's test runner) it
 * only moves when ms_loop_advance() is called, so flows with long timeouts
 * finish at once and deterministically. All call timers and the media tick use
 * this clock, never uv_timer directly.
 *
 * The media tick fires every MS_TICK_MS on an absolute schedule: tick n is due
 * at start + n * MS_TICK_MS, whatever the lateness of tick n-1, so outgoing
 * packets do not drift. Each tick calls every registered tick handler once.
 */
#ifndef MOONSWITCH_LOOP_H
#define MOONSWITCH_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define MS_TICK_MS 20

struct ms_loop;

/* A timer embedded in its owner's struct. Initialise once; start/stop freely.
 * The callback runs on the loop thread; the timer is stopped when it runs. */
typedef void (*ms_timer_cb)(void *ud);
struct ms_timer {
    uint64_t due;      /* read-only: absolute ms on the loop clock */
    size_t heap_index; /* private */
    uint64_t order;    /* private: FIFO among equal deadlines */
    ms_timer_cb cb;
    void *ud;
};

/* A handler run on every media tick (the owner embeds it). */
typedef void (*ms_tick_cb)(void *ud, uint64_t tick_ms);
struct ms_tick_handler {
    struct ms_tick_handler *prev, *next; /* private */
    ms_tick_cb cb;
    void *ud;
    bool linked; /* read-only */
};

/* A callback to run soon, outside the current call stack (never synchronously). */
typedef void (*ms_defer_cb)(void *ud);
struct ms_deferred {
    struct ms_deferred *next; /* private */
    ms_defer_cb cb;
    void *ud;
    bool queued; /* read-only */
};

enum ms_clock_mode { MS_CLOCK_REAL, MS_CLOCK_VIRTUAL };

/* Creates a loop on top of `uv` (which the caller keeps owning and running). */
int ms_loop_new(struct ms_loop **out, uv_loop_t *uv, enum ms_clock_mode mode);
/* Stops the driver handle; calls ms_loop_free from its close callback's end.
 * Timers, tick handlers and deferred callbacks must all be stopped first. */
void ms_loop_close(struct ms_loop *loop);
uv_loop_t *ms_loop_uv(struct ms_loop *loop);
uint64_t ms_loop_now(const struct ms_loop *loop);
/* Wall-clock time (ms since the epoch): the real clock, or in virtual mode a
 * start (the real time at creation, or ms_loop_set_epoch) plus virtual time.
 * Call times, CDRs and scripts' os.time()/os.date() use it. */
uint64_t ms_loop_epoch_ms(const struct ms_loop *loop);
void ms_loop_set_epoch(struct ms_loop *loop, uint64_t epoch_ms); /* virtual mode only */
enum ms_clock_mode ms_loop_clock_mode(const struct ms_loop *loop);

void ms_timer_init(struct ms_timer *t, ms_timer_cb cb, void *ud);
void ms_timer_start(struct ms_loop *loop, struct ms_timer *t, uint64_t delay_ms);
void ms_timer_stop(struct ms_loop *loop, struct ms_timer *t);
bool ms_timer_active(const struct ms_timer *t);

void ms_tick_add(struct ms_loop *loop, struct ms_tick_handler *h, ms_tick_cb cb, void *ud);
void ms_tick_remove(struct ms_loop *loop, struct ms_tick_handler *h);
size_t ms_tick_count(const struct ms_loop *loop);

void ms_defer(struct ms_loop *loop, struct ms_deferred *d, ms_defer_cb cb, void *ud);
void ms_defer_cancel(struct ms_loop *loop, struct ms_deferred *d);

/* Real I/O a virtual clock must wait for (a prompt being decoded, say): while
 * at least one hold is taken, ms_loop_advance() runs the libuv loop instead of
 * moving time, so results do not depend on how fast the disk is. No effect in
 * real mode. */
void ms_loop_hold(struct ms_loop *loop);
void ms_loop_release(struct ms_loop *loop);

/* Virtual mode only: runs deferred callbacks, then every timer and tick due up
 * to now + ms in time order (deferred callbacks drained after each), waiting
 * for held I/O before each step. */
void ms_loop_advance(struct ms_loop *loop, uint64_t ms);
/* Virtual mode only: the next due time (timer or tick), or UINT64_MAX. */
uint64_t ms_loop_next_due(const struct ms_loop *loop);
/* Virtual mode: runs deferred callbacks and waits for held I/O (and its
 * callbacks), without moving time. Real mode: runs deferred callbacks. */
void ms_loop_settle(struct ms_loop *loop);
/* Runs queued deferred callbacks until none is left (both modes). */
void ms_loop_run_deferred(struct ms_loop *loop);

/* Lateness statistics of the media tick in real mode (for benchmarks). */
struct ms_tick_stats {
    uint64_t ticks;
    uint64_t late_over_2ms;
    uint64_t max_late_us;
    uint64_t skipped; /* ticks dropped after the loop was stalled > 100 ms */
};
void ms_loop_tick_stats(const struct ms_loop *loop, struct ms_tick_stats *out);

#endif
