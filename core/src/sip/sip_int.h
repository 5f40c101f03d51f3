/* Private to core/src/sip/: the agent's shared state, the sofia-side call table, commands and
 * queued events. This is the only header that includes sofia-sip; nothing outside core/src/sip/
 * may include it.
 *
 * Threads: fields marked [loop] are touched only on the libuv loop thread, [sofia] only on the
 * sofia thread, [mu] under agent->mu, [const] are written before the sofia thread starts (or
 * before the startup handshake completes) and only read after.
 */
#ifndef MS_SIP_INT_H
#define MS_SIP_INT_H

#include "sip/sip_agent.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__sip_call;
struct ms__sip_cmd;

#define SU_ROOT_MAGIC_T struct ms__sip_agent
#define SU_TIMER_ARG_T  struct ms__sip_agent
#define SU_MSG_ARG_T    struct ms__sip_cmd
#define NUA_MAGIC_T     struct ms__sip_agent
#define NUA_HMAGIC_T    struct ms__sip_call

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

/* A call as the sofia thread sees it. Owned by the agent's call table; the NUA handle holds a
 * pointer to it as its magic until the call is removed, at which point the handle is destroyed
 * and the struct freed. Never seen by the loop thread. */
struct ms__sip_call {
    uint64_t id;
    nua_handle_t *nh;
    struct ms__sip_call *next_in_bucket;
    char call_id[128]; /* for log lines and events */
    bool outgoing;
    bool answered;  /* a 2xx to the initial INVITE was sent or received */
    bool confirmed; /* CONFIRMED was delivered */
    bool end_known; /* end_by/end_reason/end_status below were recorded */
    enum ms__sip_end_by end_by;
    const char *end_reason; /* static string */
    int end_status;
    /* allocated up front so ENDED is never lost to ENOMEM; NULL once delivered, after which
     * commands treat the call as gone */
    struct ms__sip_evnode *ended;
};

/* Calls by id: a chained hash table that grows; sofia thread only. */
struct ms__sip_calls {
    struct ms__sip_call **buckets;
    size_t nbuckets, count;
};
int ms__sip_calls_init(struct ms__sip_calls *t);
void ms__sip_calls_deinit(struct ms__sip_calls *t); /* the table must be empty */
int ms__sip_calls_add(struct ms__sip_calls *t, struct ms__sip_call *c);
struct ms__sip_call *ms__sip_calls_find(const struct ms__sip_calls *t, uint64_t id);
void ms__sip_calls_remove(struct ms__sip_calls *t, struct ms__sip_call *c);
/* Calls fn on every call; fn must not add or remove calls. */
void ms__sip_calls_foreach(const struct ms__sip_calls *t, void (*fn)(struct ms__sip_call *c));
/* Any one call, or NULL if the table is empty. */
struct ms__sip_call *ms__sip_calls_any(const struct ms__sip_calls *t);

/* A queued event: one allocation holding the event, its header array and its strings. */
struct ms__sip_evnode {
    struct ms__sip_evnode *next;
    bool stopped; /* marker pushed by the sofia thread as its very last act */
    struct ms__sip_event ev;
};

struct ms__sip_agent {
    /* [loop] */
    uv_loop_t *loop;
    uv_async_t async;
    ms__sip_event_cb cb;
    void *ud;
    bool stopping;
    bool thread_started;
    void (*done)(void *ud);
    void *done_ud;

    /* [mu] */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct ms__sip_evnode *head, *tail;
    bool start_finished;
    int start_rc;

    /* [const] */
    pthread_t thread;
    char ip[64];
    int cfg_port, port;
    bool udp, tcp;
    char user_agent[128];
    uint64_t seed; /* random, for the Call-IDs of outgoing calls */
    su_root_t *root;

    /* any thread, atomically */
    uint64_t next_call;

    /* [sofia] */
    nua_t *nua;
    su_timer_t *stop_timer;
    struct ms__sip_calls calls;
    bool shutting_down, shutdown_done, nua_abandoned;
};

/* sip_agent.c: queueing an event from the sofia thread (takes ownership of node). */
void ms__sip_push(struct ms__sip_agent *a, struct ms__sip_evnode *node);
uint64_t ms__sip_new_call_id(struct ms__sip_agent *a);

/* sip_event.c: builds events from a call and (optionally) a request or response. */
struct ms__sip_evnode *ms__sip_ev_build(enum ms__sip_ev_type type, const struct ms__sip_call *c,
                                        const sip_t *sip, bool with_headers);
struct ms__sip_evnode *ms__sip_ev_stopped(void);
void ms__sip_ev_free(struct ms__sip_evnode *node);

/* sip_nua.c: the NUA callback and the sofia thread's lifecycle. */
int ms__sip_nua_start(struct ms__sip_agent *a); /* in the sofia thread: nua_create etc. */
void ms__sip_nua_begin_shutdown(struct ms__sip_agent *a);
/* Creates the ENDED event and adds c to the table; on failure frees c. */
int ms__sip_call_attach(struct ms__sip_agent *a, struct ms__sip_call *c);
void ms__sip_call_record_end(struct ms__sip_call *c, enum ms__sip_end_by by, const char *reason,
                             int status);
/* Pushes ENDED once (recording "error" if no cause was recorded). */
void ms__sip_call_deliver_end(struct ms__sip_agent *a, struct ms__sip_call *c);
/* Delivers ENDED if not yet done, removes the call, destroys its handle and frees it. */
void ms__sip_call_finish(struct ms__sip_agent *a, struct ms__sip_call *c);

/* sip_cmd.c: commands, executed in the sofia thread. */
enum ms__sip_cmd_type {
    MS_SIP_CMD_RESPOND,
    MS_SIP_CMD_HANGUP,
    MS_SIP_CMD_INVITE,
    MS_SIP_CMD_INFO,
    MS_SIP_CMD_SHUTDOWN,
};

struct ms__sip_cmd {
    enum ms__sip_cmd_type type;
    uint64_t call;
    int status;
    char digit;
    int duration_ms;
    const char *phrase, *sdp, *to, *from, *headers; /* point into data[] or are NULL */
    char data[];
};

#endif
