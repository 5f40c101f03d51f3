/* The SIP agent's lifecycle and its event queue: the sofia thread pushes events under a mutex and
 * wakes the loop with uv_async_send; the loop drains them and calls the user's callback. */
#define MS_LOG_MODULE "sip"
#include "moonswitch/log.h"
#include "moonswitch/error.h"
#include "sip/sip_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/su_log.h>

static pthread_once_t su_once = PTHREAD_ONCE_INIT;

/* sofia-sip's own log lines go to our log at debug level, one fragment per line. */
static void su_logger(void *stream, char const *fmt, va_list ap)
{
    (void)stream;
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n <= 0)
        return;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (len > 0)
        ms_debug(NULL, "sofia: %s", line);
}

static void init_su_once(void)
{
    su_init(); /* idempotent; also ignores SIGPIPE process-wide */
    su_log_redirect(NULL, su_logger, NULL);
}

uint64_t ms__sip_new_call_id(struct ms__sip_agent *a)
{
    return __atomic_fetch_add(&a->next_call, 1, __ATOMIC_RELAXED);
}

void ms__sip_push(struct ms__sip_agent *a, struct ms__sip_evnode *node)
{
    if (!node)
        return;
    node->next = NULL;
    pthread_mutex_lock(&a->mu);
    if (a->tail)
        a->tail->next = node;
    else
        a->head = node;
    a->tail = node;
    pthread_mutex_unlock(&a->mu);
    uv_async_send(&a->async);
}

static void report_start(struct ms__sip_agent *a, int rc)
{
    pthread_mutex_lock(&a->mu);
    a->start_rc = rc;
    a->start_finished = true;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

static void *sofia_main(void *arg)
{
    struct ms__sip_agent *a = arg;
    struct ms__sip_evnode *stopped = ms__sip_ev_stopped();
    pthread_once(&su_once, init_su_once);
    a->root = stopped ? su_root_create(a) : NULL;
    if (!a->root) {
        ms__sip_ev_free(stopped);
        report_start(a, MS_ENOMEM);
        return NULL;
    }
    su_root_threading(a->root, 0); /* NUA must not start a thread of its own */
    int rc = ms__sip_nua_start(a);
    report_start(a, rc);
    if (rc == 0)
        su_root_run(a->root);
    if (a->stop_timer)
        su_timer_destroy(a->stop_timer);
    a->stop_timer = NULL;
    if (a->nua && !a->nua_abandoned)
        nua_destroy(a->nua);
    a->nua = NULL;
    ms__sip_calls_deinit(&a->calls);
    su_root_destroy(a->root);
    if (rc == 0)
        ms__sip_push(a, stopped); /* the very last thing the thread does with the agent */
    else
        ms__sip_ev_free(stopped);
    return NULL;
}

static void free_queue(struct ms__sip_agent *a)
{
    struct ms__sip_evnode *n = a->head;
    while (n) {
        struct ms__sip_evnode *next = n->next;
        ms__sip_ev_free(n);
        n = next;
    }
    a->head = a->tail = NULL;
}

static void on_closed(uv_handle_t *h)
{
    struct ms__sip_agent *a = h->data;
    void (*done)(void *) = a->done;
    void *done_ud = a->done_ud;
    free_queue(a);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
    if (done)
        done(done_ud);
}

static void on_async(uv_async_t *h)
{
    struct ms__sip_agent *a = h->data;
    pthread_mutex_lock(&a->mu);
    struct ms__sip_evnode *n = a->head;
    a->head = a->tail = NULL;
    pthread_mutex_unlock(&a->mu);
    bool stopped = false;
    while (n) {
        struct ms__sip_evnode *next = n->next;
        if (n->stopped)
            stopped = true;
        else
            a->cb(a->ud, &n->ev);
        ms__sip_ev_free(n);
        n = next;
    }
    if (!stopped)
        return;
    pthread_join(a->thread, NULL); /* the thread's last act was pushing the marker */
    a->thread_started = false;
    uv_close((uv_handle_t *)&a->async, on_closed);
}

static bool ip_ok(const char *ip)
{
    size_t n = ip ? strlen(ip) : 0;
    if (n == 0 || n >= sizeof((struct ms__sip_agent *)0)->ip)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(ip[i] == '.' || ip[i] == ':' || (ip[i] >= '0' && ip[i] <= '9') ||
              (ip[i] >= 'a' && ip[i] <= 'f') || (ip[i] >= 'A' && ip[i] <= 'F')))
            return false;
    return true;
}

static int copy_config(struct ms__sip_agent *a, const struct ms__sip_config *cfg)
{
    if (!ip_ok(cfg->ip) || cfg->port < 0 || cfg->port > 65535 || (!cfg->udp && !cfg->tcp))
        return MS_EINVAL;
    const char *ua = cfg->user_agent ? cfg->user_agent : "moonswitch";
    if (strlen(ua) >= sizeof a->user_agent || strpbrk(ua, "\r\n"))
        return MS_EINVAL;
    strcpy(a->ip, cfg->ip);
    strcpy(a->user_agent, ua);
    a->cfg_port = cfg->port;
    a->udp = cfg->udp;
    a->tcp = cfg->tcp;
    return 0;
}

/* Binds and closes a socket like the ones NUA will make, so that the common failures (address
 * not ours, port taken) are reported without calling nua_create: a failing nua_create leaks
 * sofia-sip's port object. NUA can still lose a race for the port; that is handled too. */
static int try_bind(const struct ms__sip_agent *a, int type)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    socklen_t len;
    if (inet_pton(AF_INET, a->ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)a->cfg_port);
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, a->ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)a->cfg_port);
        len = sizeof *v6;
    } else {
        return MS_EINVAL;
    }
    int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return MS_EIO;
    int one = 1;
    if (type == SOCK_STREAM) /* as a listener would: TIME_WAIT leftovers are no conflict */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = bind(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : -errno;
    close(fd);
    switch (rc) {
    case 0:
        return 0;
    case -EADDRINUSE:
        return MS_EADDRINUSE;
    case -EACCES:
        return MS_EACCES;
    case -EADDRNOTAVAIL:
        return MS_EINVAL;
    default:
        return MS_EIO;
    }
}

static int precheck(const struct ms__sip_agent *a)
{
    int rc = a->udp ? try_bind(a, SOCK_DGRAM) : 0;
    if (rc == 0 && a->tcp)
        rc = try_bind(a, SOCK_STREAM);
    if (rc < 0)
        ms_err(NULL, "cannot listen on %s:%d: %s", a->ip, a->cfg_port, ms_strerror(rc));
    return rc;
}

static int wait_started(struct ms__sip_agent *a)
{
    pthread_mutex_lock(&a->mu);
    while (!a->start_finished)
        pthread_cond_wait(&a->cv, &a->mu);
    int rc = a->start_rc;
    pthread_mutex_unlock(&a->mu);
    return rc;
}

int ms__sip_agent_start(struct ms__sip_agent **out, uv_loop_t *loop,
                        const struct ms__sip_config *cfg, ms__sip_event_cb cb, void *ud)
{
    if (!out || !loop || !cfg || !cb)
        return MS_EINVAL;
    struct ms__sip_agent *a = calloc(1, sizeof *a);
    if (!a)
        return MS_ENOMEM;
    int rc = copy_config(a, cfg);
    if (rc == 0)
        rc = precheck(a);
    if (rc < 0)
        goto fail_config;
    a->loop = loop;
    a->cb = cb;
    a->ud = ud;
    a->next_call = 1;
    if (getrandom(&a->seed, sizeof a->seed, GRND_NONBLOCK) != (ssize_t)sizeof a->seed)
        a->seed = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    rc = uv_async_init(loop, &a->async, on_async);
    if (rc < 0)
        goto fail_async;
    a->async.data = a;
    if (pthread_create(&a->thread, NULL, sofia_main, a) != 0) {
        rc = MS_EAGAIN;
        goto fail_thread;
    }
    rc = wait_started(a);
    if (rc < 0)
        goto fail_started;
    a->thread_started = true;
    *out = a;
    ms_info(NULL, "SIP listening on %s:%d (%s%s%s)", a->ip, a->port, a->udp ? "udp" : "",
            a->udp && a->tcp ? "," : "", a->tcp ? "tcp" : "");
    return 0;

fail_started:
    pthread_join(a->thread, NULL);
fail_thread:
    uv_close((uv_handle_t *)&a->async, on_closed); /* frees a */
    return rc;
fail_async:
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
fail_config:
    free(a);
    return rc;
}

int ms__sip_agent_port(const struct ms__sip_agent *a)
{
    return a->port;
}
