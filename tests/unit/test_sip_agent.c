/* The SIP agent: two agents on 127.0.0.1 in one process and one uv loop call each other; a raw
 * UDP socket plays a peer for what the agent API cannot send (re-INVITE, odd INFO bodies). */
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "sip/sdp.h"
#include "sip/sip_agent.h"
#include "test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEADLINE_MS 5000
#define MAX_EVENTS  256

struct rec {
    enum ms__sip_ev_type type;
    uint64_t call;
    char call_id[128], from_user[64], from_display[64], from_uri[128], to_user[64];
    char request_user[64], contact[128], x_test[64], reason[32];
    char sdp[2048];
    bool has_sdp;
    char digit;
    int dur, status;
    enum ms__sip_end_by end_by;
};

struct side {
    const char *name;
    struct ms__sip_agent *agent;
    int port;
    struct rec ev[MAX_EVENTS];
    int n;
    bool stopped;
    bool auto_answer; /* answer every INVITE/REINVITE with 200 + SDP at once */
};

static uv_loop_t loop;
static uv_timer_t ticker;
static struct side A = {.name = "A"}, B = {.name = "B"};
static const char *const codecs[] = {"PCMU", "PCMA"};

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static const char *header(const struct ms__sip_event *ev, const char *name)
{
    for (const char *const *h = ev->headers; *h; h += 2)
        if (strcasecmp(h[0], name) == 0)
            return h[1];
    return NULL;
}

static int make_answer(const char *offer_text, char *buf, size_t cap)
{
    struct ms__sdp offer;
    struct ms__sdp_answer ans;
    if (!offer_text)
        return MS_EFORMAT;
    int rc = ms__sdp_parse(offer_text, strlen(offer_text), &offer);
    if (rc == 0)
        rc = ms__sdp_negotiate(&offer, codecs, 2, &ans);
    if (rc == 0)
        rc = ms__sdp_write_answer(buf, cap, &ans, "127.0.0.1", 30000, 1, 2);
    return rc;
}

static void on_event(void *ud, const struct ms__sip_event *ev)
{
    struct side *s = ud;
    if (s->n == MAX_EVENTS)
        return;
    struct rec *r = &s->ev[s->n++];
    memset(r, 0, sizeof *r);
    r->type = ev->type;
    r->call = ev->call;
    copy(r->call_id, sizeof r->call_id, ev->call_id);
    copy(r->from_user, sizeof r->from_user, ev->from_user);
    copy(r->from_display, sizeof r->from_display, ev->from_display);
    copy(r->from_uri, sizeof r->from_uri, ev->from_uri);
    copy(r->to_user, sizeof r->to_user, ev->to_user);
    copy(r->request_user, sizeof r->request_user, ev->request_user);
    copy(r->contact, sizeof r->contact, ev->contact);
    copy(r->x_test, sizeof r->x_test, header(ev, "X-Test"));
    copy(r->reason, sizeof r->reason, ev->end_reason);
    r->has_sdp = ev->sdp != NULL;
    copy(r->sdp, sizeof r->sdp, ev->sdp);
    r->digit = ev->dtmf_digit;
    r->dur = ev->dtmf_duration_ms;
    r->status = ev->status;
    r->end_by = ev->end_by;
    if (s->auto_answer && (ev->type == MS_SIP_EV_INVITE || ev->type == MS_SIP_EV_REINVITE)) {
        char sdp[1024];
        if (make_answer(ev->sdp, sdp, sizeof sdp) > 0)
            ms__sip_respond(s->agent, ev->call, 200, NULL, sdp);
        else
            ms__sip_respond(s->agent, ev->call, 488, NULL, NULL);
    }
}

static void on_tick(uv_timer_t *t)
{
    (void)t; /* only keeps uv_run(UV_RUN_ONCE) from sleeping past our deadline */
}

static bool run_until(bool (*cond)(void *), void *arg)
{
    uint64_t end = uv_hrtime() + (uint64_t)DEADLINE_MS * 1000000;
    while (!cond(arg)) {
        if (uv_hrtime() > end)
            return false;
        uv_run(&loop, UV_RUN_ONCE);
    }
    return true;
}

struct want {
    struct side *s;
    enum ms__sip_ev_type type;
    uint64_t call; /* 0 = any */
    int from;      /* search from this event index */
    struct rec *found;
};

static bool have_event(void *arg)
{
    struct want *w = arg;
    for (int i = w->from; i < w->s->n; i++) {
        struct rec *r = &w->s->ev[i];
        if (r->type == w->type && (w->call == 0 || r->call == w->call)) {
            w->found = r;
            return true;
        }
    }
    return false;
}

static struct rec *wait_ev(struct side *s, enum ms__sip_ev_type type, uint64_t call)
{
    struct want w = {s, type, call, 0, NULL};
    if (!run_until(have_event, &w))
        fprintf(stderr, "side %s: no event %d for call %llu in time\n", s->name, (int)type,
                (unsigned long long)call);
    return w.found;
}

static int count_ev(const struct side *s, enum ms__sip_ev_type type, uint64_t call)
{
    int n = 0;
    for (int i = 0; i < s->n; i++)
        n += s->ev[i].type == type && s->ev[i].call == call;
    return n;
}

static bool stop_side(struct side *s);

static int start_side(struct side *s, bool udp, bool tcp)
{
    stop_side(s); /* left running by a failed case */
    const char *name = s->name;
    memset(s, 0, sizeof *s);
    s->name = name;
    struct ms__sip_config cfg = {.ip = "127.0.0.1", .port = 0, .udp = udp, .tcp = tcp};
    int rc = ms__sip_agent_start(&s->agent, &loop, &cfg, on_event, s);
    if (rc == 0)
        s->port = ms__sip_agent_port(s->agent);
    return rc;
}

static void on_stopped(void *ud)
{
    ((struct side *)ud)->stopped = true;
}

static bool is_stopped(void *arg)
{
    return ((struct side *)arg)->stopped;
}

static bool stop_side(struct side *s)
{
    if (!s->agent)
        return true;
    ms__sip_agent_stop(s->agent, on_stopped, s);
    s->agent = NULL;
    return run_until(is_stopped, s);
}

static bool start_pair(bool udp, bool tcp)
{
    return start_side(&A, udp, tcp) == 0 && start_side(&B, udp, tcp) == 0;
}

static bool stop_pair(void)
{
    bool a = stop_side(&A);
    bool b = stop_side(&B);
    return a && b;
}

/* Every call either side has seen ended exactly once, as its last event. */
static bool ended_once_everywhere(const struct side *s)
{
    for (int i = 0; i < s->n; i++) {
        uint64_t call = s->ev[i].call;
        if (count_ev(s, MS_SIP_EV_ENDED, call) != 1)
            return false;
        for (int j = i + 1; j < s->n && s->ev[i].type == MS_SIP_EV_ENDED; j++)
            if (s->ev[j].call == call)
                return false;
    }
    return true;
}

static int invite(struct side *from, const struct side *to, const char *user, uint64_t *call,
                  const char *transport)
{
    char to_uri[128], offer[1024];
    snprintf(to_uri, sizeof to_uri, "sip:%s@127.0.0.1:%d%s", user, to->port,
             transport ? transport : "");
    int rc = ms__sdp_write_offer(offer, sizeof offer, codecs, 2, 101, "127.0.0.1", 20000, 5, 5,
                                 MS_SDP_SENDRECV);
    if (rc < 0)
        return rc;
    const char *const headers[] = {"X-Test", "hello world", "X-Other", "1", NULL};
    return ms__sip_invite(from->agent, to_uri, "\"Alice\" <sip:alice@127.0.0.1>", offer, headers,
                          call);
}

/* ---- agent against agent ---- */

static void test_call_answer_info_bye(void)
{
    CHECK(start_pair(true, true));
    CHECK(A.port > 0 && B.port > 0 && A.port != B.port);
    uint64_t ca;
    CHECK_EQ_INT(invite(&A, &B, "1000", &ca, NULL), 0);
    CHECK(ca != 0);

    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    uint64_t cb = inv->call;
    CHECK_EQ_STR(inv->from_user, "alice");
    CHECK_EQ_STR(inv->from_display, "Alice");
    CHECK_EQ_STR(inv->from_uri, "sip:alice@127.0.0.1");
    CHECK_EQ_STR(inv->to_user, "1000");
    CHECK_EQ_STR(inv->request_user, "1000");
    CHECK_EQ_STR(inv->x_test, "hello world");
    CHECK(inv->call_id[0] != '\0');
    CHECK(strstr(inv->contact, "sip:") == inv->contact);
    CHECK(inv->has_sdp);
    struct ms__sdp offer;
    CHECK_EQ_INT(ms__sdp_parse(inv->sdp, strlen(inv->sdp), &offer), 0);
    CHECK_EQ_INT(offer.audio.port, 20000);

    ms__sip_respond(B.agent, cb, 180, NULL, NULL);
    struct rec *prog = wait_ev(&A, MS_SIP_EV_PROGRESS, ca);
    CHECK(prog);
    CHECK_EQ_INT(prog->status, 180);
    CHECK(!prog->has_sdp);

    char answer[1024];
    CHECK(make_answer(inv->sdp, answer, sizeof answer) > 0);
    ms__sip_respond(B.agent, cb, 200, NULL, answer);
    struct rec *ans = wait_ev(&A, MS_SIP_EV_ANSWERED, ca);
    CHECK(ans);
    CHECK_EQ_INT(ans->status, 200);
    CHECK(ans->has_sdp);
    CHECK_EQ_STR(ans->call_id, inv->call_id);
    struct ms__sdp remote;
    struct ms__sdp_answer got;
    CHECK_EQ_INT(ms__sdp_parse(ans->sdp, strlen(ans->sdp), &remote), 0);
    CHECK_EQ_INT(ms__sdp_accept_answer(&remote, codecs, 2, &got), 0);
    CHECK_EQ_STR(got.codec, "PCMU");
    CHECK_EQ_INT(got.dtmf_pt, 101);
    CHECK_EQ_INT(got.remote_port, 30000);
    CHECK(wait_ev(&B, MS_SIP_EV_CONFIRMED, cb));

    ms__sip_info_dtmf(A.agent, ca, '5', 160);
    struct rec *info = wait_ev(&B, MS_SIP_EV_INFO, cb);
    CHECK(info);
    CHECK_EQ_INT(info->digit, '5');
    CHECK_EQ_INT(info->dur, 160);
    ms__sip_info_dtmf(A.agent, ca, '#', 0);
    struct want w = {&B, MS_SIP_EV_INFO, cb, (int)(info - B.ev) + 1, NULL};
    CHECK(run_until(have_event, &w));
    CHECK_EQ_INT(w.found->digit, '#');
    CHECK_EQ_INT(w.found->dur, 250);

    ms__sip_hangup(A.agent, ca, 0);
    struct rec *ea = wait_ev(&A, MS_SIP_EV_ENDED, ca);
    struct rec *eb = wait_ev(&B, MS_SIP_EV_ENDED, cb);
    CHECK(ea && eb);
    CHECK_EQ_INT(ea->end_by, MS_SIP_END_LOCAL);
    CHECK_EQ_STR(ea->reason, "BYE");
    CHECK_EQ_INT(ea->status, 200);
    CHECK_EQ_INT(eb->end_by, MS_SIP_END_REMOTE);
    CHECK_EQ_STR(eb->reason, "BYE");
    CHECK_EQ_INT(eb->status, 200);

    /* commands on the ended call are ignored */
    ms__sip_hangup(A.agent, ca, 0);
    ms__sip_respond(B.agent, cb, 200, NULL, NULL);
    ms__sip_info_dtmf(B.agent, cb, '1', 100);
    CHECK(stop_pair());
    CHECK_EQ_INT(count_ev(&A, MS_SIP_EV_ENDED, ca), 1);
    CHECK_EQ_INT(count_ev(&B, MS_SIP_EV_ENDED, cb), 1);
    CHECK(ended_once_everywhere(&A) && ended_once_everywhere(&B));
}

static void test_cancel_before_answer(void)
{
    CHECK(start_pair(true, true));
    uint64_t ca;
    CHECK_EQ_INT(invite(&A, &B, "2000", &ca, NULL), 0);
    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    uint64_t cb = inv->call;
    ms__sip_respond(B.agent, cb, 180, "Ringing Loudly", NULL);
    CHECK(wait_ev(&A, MS_SIP_EV_PROGRESS, ca));
    ms__sip_hangup(A.agent, ca, 0);
    struct rec *eb = wait_ev(&B, MS_SIP_EV_ENDED, cb);
    struct rec *ea = wait_ev(&A, MS_SIP_EV_ENDED, ca);
    CHECK(ea && eb);
    CHECK_EQ_INT(eb->end_by, MS_SIP_END_REMOTE);
    CHECK_EQ_STR(eb->reason, "CANCEL");
    CHECK_EQ_INT(eb->status, 487);
    CHECK_EQ_INT(ea->end_by, MS_SIP_END_LOCAL);
    CHECK_EQ_STR(ea->reason, "CANCEL");
    CHECK_EQ_INT(ea->status, 487);
    /* the lead may still try to answer the cancelled call: ignored */
    ms__sip_respond(B.agent, cb, 200, NULL, "v=0\r\n");
    CHECK(stop_pair());
    CHECK(ended_once_everywhere(&A) && ended_once_everywhere(&B));
}

static void test_reject_488_and_busy(void)
{
    CHECK(start_pair(true, false));
    uint64_t c1, c2;
    CHECK_EQ_INT(invite(&A, &B, "3000", &c1, NULL), 0);
    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    uint64_t b1 = inv->call;
    ms__sip_respond(B.agent, b1, 488, NULL, NULL);
    struct rec *ea = wait_ev(&A, MS_SIP_EV_ENDED, c1);
    struct rec *eb = wait_ev(&B, MS_SIP_EV_ENDED, b1);
    CHECK(ea && eb);
    CHECK_EQ_INT(ea->status, 488);
    CHECK_EQ_INT(ea->end_by, MS_SIP_END_REMOTE);
    CHECK_EQ_STR(ea->reason, "rejected");
    CHECK_EQ_INT(eb->status, 488);
    CHECK_EQ_INT(eb->end_by, MS_SIP_END_LOCAL);

    /* hangup of an unanswered incoming call sends the given final response */
    CHECK_EQ_INT(invite(&A, &B, "3001", &c2, NULL), 0);
    struct want w = {&B, MS_SIP_EV_INVITE, 0, (int)(inv - B.ev) + 1, NULL};
    CHECK(run_until(have_event, &w));
    uint64_t b2 = w.found->call;
    CHECK(b2 != b1);
    ms__sip_hangup(B.agent, b2, 486);
    ea = wait_ev(&A, MS_SIP_EV_ENDED, c2);
    CHECK(ea);
    CHECK_EQ_INT(ea->status, 486);
    eb = wait_ev(&B, MS_SIP_EV_ENDED, b2);
    CHECK(eb);
    CHECK_EQ_INT(eb->status, 486);
    CHECK_EQ_INT(eb->end_by, MS_SIP_END_LOCAL);
    CHECK(stop_pair());
    CHECK(ended_once_everywhere(&A) && ended_once_everywhere(&B));
}

static void test_tcp_only(void)
{
    CHECK(start_pair(false, true));
    B.auto_answer = true;
    uint64_t ca;
    CHECK_EQ_INT(invite(&A, &B, "4000", &ca, ";transport=tcp"), 0);
    CHECK(wait_ev(&A, MS_SIP_EV_ANSWERED, ca));
    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    CHECK(wait_ev(&B, MS_SIP_EV_CONFIRMED, inv->call));
    ms__sip_hangup(B.agent, inv->call, 0);
    struct rec *ea = wait_ev(&A, MS_SIP_EV_ENDED, ca);
    CHECK(ea);
    CHECK_EQ_INT(ea->end_by, MS_SIP_END_REMOTE);
    CHECK(stop_pair());
}

static void test_many_calls(void)
{
    enum { N = 40 };
    CHECK(start_pair(true, true));
    B.auto_answer = true;
    uint64_t calls[N];
    for (int i = 0; i < N; i++) {
        CHECK_EQ_INT(invite(&A, &B, "5000", &calls[i], NULL), 0);
        for (int j = 0; j < i; j++)
            CHECK(calls[j] != calls[i]);
    }
    for (int i = 0; i < N; i++)
        CHECK(wait_ev(&A, MS_SIP_EV_ANSWERED, calls[i]));
    for (int i = 0; i < N; i += 2)
        ms__sip_hangup(A.agent, calls[i], 0);
    for (int i = 0; i < N; i += 2)
        CHECK(wait_ev(&A, MS_SIP_EV_ENDED, calls[i]));
    /* the other half is still up when the agents stop: stopping ends them */
    CHECK(stop_side(&A));
    for (int i = 1; i < N; i += 2) {
        struct rec *e = wait_ev(&A, MS_SIP_EV_ENDED, calls[i]);
        CHECK(e);
        CHECK_EQ_INT(e->end_by, MS_SIP_END_LOCAL);
        CHECK_EQ_STR(e->reason, "shutdown");
    }
    CHECK(stop_side(&B));
    int invites = 0, ended = 0;
    for (int i = 0; i < B.n; i++) {
        invites += B.ev[i].type == MS_SIP_EV_INVITE;
        ended += B.ev[i].type == MS_SIP_EV_ENDED;
    }
    CHECK_EQ_INT(invites, N);
    CHECK_EQ_INT(ended, N);
    CHECK(ended_once_everywhere(&A) && ended_once_everywhere(&B));
}

static void test_stop_with_ringing_calls(void)
{
    CHECK(start_pair(true, true));
    uint64_t ca;
    CHECK_EQ_INT(invite(&A, &B, "6000", &ca, NULL), 0);
    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    uint64_t cb = inv->call;
    ms__sip_respond(B.agent, cb, 180, NULL, NULL);
    CHECK(wait_ev(&A, MS_SIP_EV_PROGRESS, ca));
    CHECK(stop_side(&B)); /* B's unanswered incoming call gets a final response */
    struct rec *eb = wait_ev(&B, MS_SIP_EV_ENDED, cb);
    CHECK(eb);
    CHECK_EQ_STR(eb->reason, "shutdown");
    struct rec *ea = wait_ev(&A, MS_SIP_EV_ENDED, ca);
    CHECK(ea);
    CHECK_EQ_INT(ea->end_by, MS_SIP_END_REMOTE);
    CHECK(ea->status >= 400);
    CHECK(stop_side(&A));
}

static void test_bad_arguments(void)
{
    CHECK(start_pair(true, false));
    uint64_t c = 77;
    CHECK_EQ_INT(ms__sip_invite(A.agent, "tel:+123", NULL, NULL, NULL, &c), MS_EINVAL);
    CHECK_EQ_INT(ms__sip_invite(A.agent, "sip:a b@x", NULL, NULL, NULL, &c), MS_EINVAL);
    CHECK_EQ_INT(ms__sip_invite(A.agent, NULL, NULL, NULL, NULL, &c), MS_EINVAL);
    const char *const bad_hdr[] = {"X-Bad", "a\r\nInjected: 1", NULL};
    CHECK_EQ_INT(ms__sip_invite(A.agent, "sip:x@127.0.0.1", NULL, NULL, bad_hdr, &c), MS_EINVAL);
    const char *const bad_name[] = {"X Bad", "a", NULL};
    CHECK_EQ_INT(ms__sip_invite(A.agent, "sip:x@127.0.0.1", NULL, NULL, bad_name, &c), MS_EINVAL);
    CHECK_EQ_INT(c, 77);
    /* unknown calls and bad values are ignored without effect */
    ms__sip_respond(A.agent, 12345, 200, NULL, NULL);
    ms__sip_respond(A.agent, 0, 200, NULL, NULL);
    ms__sip_respond(A.agent, 1, 99, NULL, NULL);
    ms__sip_respond(A.agent, 1, 200, "bad\r\nphrase", NULL);
    ms__sip_hangup(A.agent, 12345, 486);
    ms__sip_info_dtmf(A.agent, 12345, '1', 100);
    ms__sip_info_dtmf(A.agent, 12345, 'x', 100);

    /* an outgoing call nobody answers fails with a final status, not silence */
    CHECK_EQ_INT(
        ms__sip_invite(A.agent, "sip:nobody@127.0.0.1:1;transport=tcp", NULL, NULL, NULL, &c), 0);
    struct rec *e = wait_ev(&A, MS_SIP_EV_ENDED, c);
    CHECK(e);
    CHECK(e->status >= 400);
    CHECK_EQ_INT(e->end_by, MS_SIP_END_LOCAL);

    /* a second agent cannot bind the same port */
    struct ms__sip_agent *dup = NULL;
    struct ms__sip_config cfg = {.ip = "127.0.0.1", .port = A.port, .udp = true};
    CHECK_EQ_INT(ms__sip_agent_start(&dup, &loop, &cfg, on_event, NULL), MS_EADDRINUSE);
    CHECK(dup == NULL);
    struct ms__sip_config none = {.ip = "127.0.0.1"};
    CHECK_EQ_INT(ms__sip_agent_start(&dup, &loop, &none, on_event, NULL), MS_EINVAL);
    struct ms__sip_config badip = {.ip = "localhost", .udp = true};
    CHECK_EQ_INT(ms__sip_agent_start(&dup, &loop, &badip, on_event, NULL), MS_EINVAL);
    struct ms__sip_config noaddr = {.ip = "192.0.2.77", .udp = true};
    CHECK_EQ_INT(ms__sip_agent_start(&dup, &loop, &noaddr, on_event, NULL), MS_EINVAL);
    CHECK(stop_pair());
    uint64_t later;
    CHECK(ms__sip_invite(NULL, "sip:x@127.0.0.1", NULL, NULL, NULL, &later) == MS_EINVAL);
}

/* ---- a raw UDP peer against agent B ---- */

struct raw {
    int fd;
    int port;
    char to_tag[64];
    char last[4096];
};

static int raw_open(struct raw *r)
{
    memset(r, 0, sizeof *r);
    r->fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (r->fd < 0)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (bind(r->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(r->fd, (struct sockaddr *)&sa, &len) < 0)
        return -1;
    fcntl(r->fd, F_SETFL, O_NONBLOCK);
    r->port = ntohs(sa.sin_port);
    return 0;
}

static void raw_send(struct raw *r, const char *method, int cseq, const char *branch,
                     const char *ctype, const char *body, const char *extra)
{
    char msg[4096];
    body = body ? body : "";
    int n = snprintf(msg, sizeof msg,
                     "%s sip:7000@127.0.0.1:%d SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s\r\n"
                     "From: <sip:127.0.0.1:%d>;tag=rawtag\r\n"
                     "To: <sip:7000@127.0.0.1:%d>%s%s\r\n"
                     "Call-ID: raw-call-1@127.0.0.1\r\nCSeq: %d %s\r\n"
                     "Contact: <sip:127.0.0.1:%d>\r\nMax-Forwards: 70\r\n%s%s%s%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, B.port, r->port, branch, r->port, B.port, r->to_tag[0] ? ";tag=" : "",
                     r->to_tag, cseq, strcmp(method, "ACK") == 0 ? "ACK" : method, r->port,
                     extra ? extra : "", ctype ? "Content-Type: " : "", ctype ? ctype : "",
                     ctype ? "\r\n" : "", strlen(body), body);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)B.port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    sendto(r->fd, msg, (size_t)n, 0, (struct sockaddr *)&sa, sizeof sa);
}

struct raw_want {
    struct raw *r;
    int status;
    const char *cseq_method;
};

/* Reads responses until one with the wanted status and CSeq method arrives. */
static bool raw_got(void *arg)
{
    struct raw_want *w = arg;
    char buf[4096];
    ssize_t n;
    while ((n = recv(w->r->fd, buf, sizeof buf - 1, 0)) > 0) {
        buf[n] = '\0';
        int status = 0;
        if (sscanf(buf, "SIP/2.0 %d", &status) != 1 || status != w->status)
            continue;
        char cseq[64];
        snprintf(cseq, sizeof cseq, " %s\r\n", w->cseq_method);
        const char *cs = strstr(buf, "\r\nCSeq:");
        if (!cs || !strstr(cs, cseq))
            continue;
        const char *to = strstr(buf, "\r\nTo:");
        const char *tag = to ? strstr(to, ";tag=") : NULL;
        if (tag && !w->r->to_tag[0])
            sscanf(tag + 5, "%63[^;\r\n ]", w->r->to_tag);
        snprintf(w->r->last, sizeof w->r->last, "%s", buf);
        return true;
    }
    return false;
}

static bool raw_expect(struct raw *r, int status, const char *method)
{
    struct raw_want w = {r, status, method};
    bool ok = run_until(raw_got, &w);
    if (!ok)
        fprintf(stderr, "raw peer: no %d to %s in time\n", status, method);
    return ok;
}

static const char raw_offer[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                                "t=0 0\r\nm=audio 7000 RTP/AVP 0 101\r\n"
                                "a=rtpmap:101 telephone-event/8000\r\n";

static void test_raw_peer_reinvite_info(void)
{
    struct raw r;
    CHECK(start_side(&B, true, false) == 0);
    B.auto_answer = true;
    CHECK_EQ_INT(raw_open(&r), 0);
    /* a From without a user or display name, a Session-Expires below NUA's Min-SE */
    raw_send(&r, "INVITE", 1, "inv1", "application/sdp", raw_offer,
             "Session-Expires: 90\r\nSupported: timer\r\nX-Test: raw\r\n");
    CHECK(raw_expect(&r, 200, "INVITE"));
    CHECK(strstr(r.last, "m=audio 30000 RTP/AVP 0 101\r\n") != NULL);
    CHECK(strstr(r.last, "\r\nAllow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO\r\n") != NULL);
    raw_send(&r, "ACK", 1, "ack1", NULL, NULL, NULL);
    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    uint64_t cb = inv->call;
    CHECK_EQ_STR(inv->from_user, "");
    CHECK_EQ_STR(inv->from_display, "");
    CHECK_EQ_STR(inv->x_test, "raw");
    CHECK(wait_ev(&B, MS_SIP_EV_CONFIRMED, cb));

    raw_send(&r, "INFO", 2, "info2", "application/dtmf", "7", NULL);
    CHECK(raw_expect(&r, 200, "INFO"));
    struct rec *info = wait_ev(&B, MS_SIP_EV_INFO, cb);
    CHECK(info);
    CHECK_EQ_INT(info->digit, '7');
    raw_send(&r, "INFO", 3, "info3", "application/media_control+xml", "<x/>", NULL);
    CHECK(raw_expect(&r, 415, "INFO"));
    raw_send(&r, "INFO", 4, "info4", "application/dtmf-relay", "Signal=Q\r\n", NULL);
    CHECK(raw_expect(&r, 400, "INFO"));
    raw_send(&r, "INFO", 5, "info5", NULL, NULL, NULL);
    CHECK(raw_expect(&r, 200, "INFO"));
    raw_send(&r, "REFER", 6, "refer6", NULL, NULL, "Refer-To: <sip:x@127.0.0.1>\r\n");
    CHECK(raw_expect(&r, 405, "REFER"));
    raw_send(&r, "OPTIONS", 7, "opt7", NULL, NULL, NULL);
    CHECK(raw_expect(&r, 200, "OPTIONS"));

    /* re-INVITE putting us on hold: delivered as REINVITE on the same call */
    static const char hold[] = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                               "t=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=sendonly\r\n";
    raw_send(&r, "INVITE", 8, "inv8", "application/sdp", hold, NULL);
    CHECK(raw_expect(&r, 200, "INVITE"));
    CHECK(strstr(r.last, "a=recvonly\r\n") != NULL);
    raw_send(&r, "ACK", 8, "ack8", NULL, NULL, NULL);
    struct rec *re = wait_ev(&B, MS_SIP_EV_REINVITE, cb);
    CHECK(re);
    CHECK(re->has_sdp);
    CHECK(strstr(re->sdp, "a=sendonly") != NULL);
    CHECK_EQ_INT(count_ev(&B, MS_SIP_EV_CONFIRMED, cb), 1);

    raw_send(&r, "BYE", 9, "bye9", NULL, NULL, NULL);
    CHECK(raw_expect(&r, 200, "BYE"));
    struct rec *e = wait_ev(&B, MS_SIP_EV_ENDED, cb);
    CHECK(e);
    CHECK_EQ_STR(e->reason, "BYE");
    CHECK_EQ_INT(e->end_by, MS_SIP_END_REMOTE);
    close(r.fd);
    CHECK(stop_side(&B));
    CHECK(ended_once_everywhere(&B));
}

static void test_raw_peer_late_offer(void)
{
    struct raw r;
    CHECK(start_side(&B, true, false) == 0);
    CHECK_EQ_INT(raw_open(&r), 0);
    raw_send(&r, "INVITE", 1, "late1", NULL, NULL, NULL);
    struct rec *inv = wait_ev(&B, MS_SIP_EV_INVITE, 0);
    CHECK(inv);
    CHECK(!inv->has_sdp);
    ms__sip_respond(B.agent, inv->call, 488, NULL, NULL);
    CHECK(raw_expect(&r, 488, "INVITE"));
    raw_send(&r, "ACK", 1, "late1", NULL, NULL, NULL);
    struct rec *e = wait_ev(&B, MS_SIP_EV_ENDED, inv->call);
    CHECK(e);
    CHECK_EQ_INT(e->status, 488);
    /* INFO outside any dialog */
    r.to_tag[0] = '\0';
    raw_send(&r, "INFO", 2, "info2", "application/dtmf", "1", NULL);
    CHECK(raw_expect(&r, 481, "INFO"));
    close(r.fd);
    CHECK(stop_side(&B));
}

static void test_dtmf_parse(void)
{
    char d;
    int ms;
    CHECK_EQ_INT(
        ms__sip_dtmf_parse("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", 24, &d, &ms),
        0);
    CHECK_EQ_INT(d, '5');
    CHECK_EQ_INT(ms, 160);
    static const char spaced[] = "signal = 11\nduration= 90";
    CHECK_EQ_INT(
        ms__sip_dtmf_parse("Application/DTMF-Relay; x=y", spaced, sizeof spaced - 1, &d, &ms), 0);
    CHECK_EQ_INT(d, '#');
    CHECK_EQ_INT(ms, 90);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf-relay", "Signal=10", 9, &d, &ms), 0);
    CHECK_EQ_INT(d, '*');
    CHECK_EQ_INT(ms, 250);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf-relay", "Signal=a", 8, &d, &ms), 0);
    CHECK_EQ_INT(d, 'A');
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf", " 9\r\n", 4, &d, &ms), 0);
    CHECK_EQ_INT(d, '9');
    /* bounded by len: the '7' after it is not part of the body */
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf", "37", 1, &d, &ms), 0);
    CHECK_EQ_INT(d, '3');
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf-relay", "Duration=100", 12, &d, &ms),
                 MS_EFORMAT);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf-relay", "Signal=16", 9, &d, &ms), MS_EFORMAT);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf-relay", "Signal=1\nDuration=x", 19, &d, &ms),
                 MS_EFORMAT);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf", "12", 2, &d, &ms), 0); /* event 12 */
    CHECK_EQ_INT(d, 'A');
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf", "123", 3, &d, &ms), MS_EFORMAT);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmf", "", 0, &d, &ms), MS_EFORMAT);
    CHECK_EQ_INT(ms__sip_dtmf_parse("application/dtmfx", "1", 1, &d, &ms), MS_ENOSYS);
    CHECK_EQ_INT(ms__sip_dtmf_parse("text/plain", "1", 1, &d, &ms), MS_ENOSYS);
    CHECK_EQ_INT(ms__sip_dtmf_parse(NULL, "1", 1, &d, &ms), MS_EINVAL);
}

int main(void)
{
    if (getenv("MS_DEBUG"))
        ms_log_set_level(MS_LOG_DEBUG);
    else
        ms_log_set_level(MS_LOG_ERROR);
    uv_loop_init(&loop);
    uv_timer_init(&loop, &ticker);
    uv_timer_start(&ticker, on_tick, 10, 10);
    RUN(test_dtmf_parse);
    RUN(test_call_answer_info_bye);
    RUN(test_cancel_before_answer);
    RUN(test_reject_488_and_busy);
    RUN(test_tcp_only);
    RUN(test_many_calls);
    RUN(test_stop_with_ringing_calls);
    RUN(test_bad_arguments);
    RUN(test_raw_peer_reinvite_info);
    RUN(test_raw_peer_late_offer);
    /* a failed case may have left agents running: stop them so the loop can close */
    stop_pair();
    uv_close((uv_handle_t *)&ticker, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0) {
        fprintf(stderr, "the loop still has handles: an agent was not freed\n");
        return 1;
    }
    return test_summary();
}
