/* A tiny answering machine for checking the SIP agent against real peers by hand (not a ctest).
 *
 *   sip_probe [PORT [SECONDS [MODE]]]   (defaults: 5099, 20, answer)
 *
 * Listens on 127.0.0.1:PORT (UDP and TCP), prints every event, and per MODE answers each INVITE
 * with 180 then 200 + an SDP answer ("answer"), rejects it with 486 ("busy"), or only rings
 * ("ring"). Answers re-INVITEs with 200 + SDP. Stops after SECONDS, or on SIGINT.
 * Build (from the repo root): gcc -std=gnu11 -Icore/include -Icore/src core/src/base/[*].c
 *   core/src/sip/[*].c tests/unit/sip_probe.c $(pkg-config --cflags --libs libuv sofia-sip-ua)
 *   -lpthread -o /tmp/sip_probe     (write the globs without the brackets)
 */
#include "moonswitch/log.h"
#include "sip/sdp.h"
#include "sip/sip_agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ms__sip_agent *agent;
static uv_timer_t stop_timer;
static uv_signal_t sigint;
static const char *mode = "answer";
static const char *const codecs[] = {"PCMU", "PCMA"};

static const char *type_name(enum ms__sip_ev_type t)
{
    static const char *const names[] = {"INVITE",   "REINVITE", "CONFIRMED", "INFO",
                                        "PROGRESS", "ANSWERED", "ENDED"};
    return (unsigned)t < 7 ? names[t] : "?";
}

static void answer(const struct ms__sip_event *ev)
{
    struct ms__sdp offer;
    struct ms__sdp_answer a;
    char sdp[1024];
    if (!ev->sdp || ms__sdp_parse(ev->sdp, strlen(ev->sdp), &offer) < 0 ||
        ms__sdp_negotiate(&offer, codecs, 2, &a) < 0 ||
        ms__sdp_write_answer(sdp, sizeof sdp, &a, "127.0.0.1", 40000, 1, 1) < 0) {
        ms__sip_respond(agent, ev->call, 488, NULL, NULL);
        return;
    }
    ms__sip_respond(agent, ev->call, 200, NULL, sdp);
}

static void on_event(void *ud, const struct ms__sip_event *ev)
{
    (void)ud;
    printf("%-9s call=%llu call_id=%s from=%s <%s> display=%s to=%s ruri=%s contact=%s "
           "status=%d",
           type_name(ev->type), (unsigned long long)ev->call, ev->call_id, ev->from_user,
           ev->from_uri, ev->from_display, ev->to_user, ev->request_user, ev->contact, ev->status);
    if (ev->type == MS_SIP_EV_INFO)
        printf(" digit=%c dur=%d", ev->dtmf_digit, ev->dtmf_duration_ms);
    if (ev->type == MS_SIP_EV_ENDED)
        printf(" by=%s reason=%s", ev->end_by == MS_SIP_END_REMOTE ? "remote" : "local",
               ev->end_reason);
    for (const char *const *h = ev->headers; *h; h += 2)
        printf(" [%s: %s]", h[0], h[1]);
    printf("\n%s", ev->sdp ? ev->sdp : "");
    fflush(stdout);
    if (ev->type == MS_SIP_EV_INVITE) {
        if (strcmp(mode, "busy") == 0) {
            ms__sip_respond(agent, ev->call, 486, NULL, NULL);
            return;
        }
        ms__sip_respond(agent, ev->call, 180, NULL, NULL);
        if (strcmp(mode, "answer") == 0)
            answer(ev);
    } else if (ev->type == MS_SIP_EV_REINVITE) {
        answer(ev);
    }
}

static void on_stopped(void *ud)
{
    (void)ud;
    printf("stopped\n");
    uv_close((uv_handle_t *)&stop_timer, NULL);
    uv_close((uv_handle_t *)&sigint, NULL);
}

static void stop(void)
{
    if (agent)
        ms__sip_agent_stop(agent, on_stopped, NULL);
    agent = NULL;
}

static void on_timer(uv_timer_t *t)
{
    (void)t;
    stop();
}

static void on_signal(uv_signal_t *s, int signum)
{
    (void)s;
    (void)signum;
    stop();
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 5099;
    int seconds = argc > 2 ? atoi(argv[2]) : 20;
    if (argc > 3)
        mode = argv[3];
    if (getenv("MS_DEBUG"))
        ms_log_set_level(MS_LOG_DEBUG);
    uv_loop_t *loop = uv_default_loop();
    struct ms__sip_config cfg = {.ip = "127.0.0.1", .port = port, .udp = true, .tcp = true};
    int rc = ms__sip_agent_start(&agent, loop, &cfg, on_event, NULL);
    if (rc < 0) {
        fprintf(stderr, "start: %d\n", rc);
        uv_run(loop, UV_RUN_DEFAULT);
        return 1;
    }
    printf("listening on %d\n", ms__sip_agent_port(agent));
    fflush(stdout);
    uv_timer_init(loop, &stop_timer);
    uv_timer_start(&stop_timer, on_timer, (uint64_t)seconds * 1000, 0);
    uv_signal_init(loop, &sigint);
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    return 0;
}
