/* RTP streams on 127.0.0.1 in one libuv loop: frames in order, RFC 4733
 * both ways, strays and garbage dropped and counted, symmetric-RTP
 * latching, RTCP, port allocation, close. The test drives the ticks itself
 * (one write per tick) and runs the loop until a condition holds, bounded
 * by a 2 s deadline. */
#include "moonswitch/error.h"
#include "rtp/rfc4733.h"
#include "rtp/rtcp.h"
#include "rtp/rtp_packet.h"
#include "rtp/rtp_stream.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PCMA  8
#define TE    101
#define FRAME 160
#define WAIT_FOR(loop, cond)                                                                       \
    ({                                                                                             \
        uint64_t end_ = uv_hrtime() + 2000000000ull;                                               \
        bool ok_;                                                                                  \
        while (!(ok_ = (cond)) && uv_hrtime() < end_)                                              \
            uv_run((loop), UV_RUN_NOWAIT);                                                         \
        ok_;                                                                                       \
    })

static struct ms__rtp_ports ports_ = {42000, 42999, 0};

struct peer {
    struct ms__rtp_stream *s;
    char digits[32];
    int ndigits;
    int nends, end_ms;
    bool close_on_dtmf;
};

static void on_dtmf(void *ud, char digit)
{
    struct peer *p = ud;
    if (p->ndigits < 31)
        p->digits[p->ndigits++] = digit;
    if (p->close_on_dtmf) {
        ms__rtp_stream_close(p->s);
        p->s = NULL;
    }
}

static void on_dtmf_end(void *ud, char digit, int ms)
{
    struct peer *p = ud;
    (void)digit;
    p->nends++;
    p->end_ms = ms;
}

static const struct ms__rtp_stream_cb cb_ = {.on_dtmf = on_dtmf, .on_dtmf_end = on_dtmf_end};

static struct ms__rtp_stats st(const struct ms__rtp_stream *s)
{
    struct ms__rtp_stats x;
    ms__rtp_stream_stats(s, &x);
    return x;
}

static uint16_t latched_port(const struct ms__rtp_stream *s)
{
    struct ms__rtp_stats x = st(s);
    return x.latched ? ntohs(((struct sockaddr_in *)&x.latched_addr)->sin_port) : 0;
}

static struct ms__rtp_params params(uint16_t remote_port)
{
    struct ms__rtp_params p = {.audio_pt = PCMA,
                               .clock_rate = 8000,
                               .samples_per_frame = FRAME,
                               .dtmf_pt = TE,
                               .send = true};
    uv_ip4_addr("127.0.0.1", remote_port, (struct sockaddr_in *)&p.remote);
    return p;
}

static int open_peer(uv_loop_t *loop, struct peer *p)
{
    memset(p, 0, sizeof *p);
    return ms__rtp_stream_open(&p->s, loop, "127.0.0.1", &ports_, &cb_, p);
}

/* Closes what is still open, runs the loop dry, checks nothing is left. */
static int finish(uv_loop_t *loop, struct peer *a, struct peer *b)
{
    if (a && a->s)
        ms__rtp_stream_close(a->s);
    if (b && b->s)
        ms__rtp_stream_close(b->s);
    uv_run(loop, UV_RUN_DEFAULT);
    return uv_loop_close(loop);
}

/* ---- a plain UDP socket playing a third party ---- */

static int plain_socket(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", 0, &a);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void send_to(int fd, uint16_t port, const uint8_t *buf, size_t len)
{
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", port, &a);
    ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof a);
    (void)n;
}

static size_t rtp_packet(uint8_t *buf, int pt, bool marker, uint16_t seq, uint32_t ts,
                         uint32_t ssrc, const uint8_t *payload, size_t len)
{
    struct ms__rtp_header h = {
        .marker = marker, .pt = (uint8_t)pt, .seq = seq, .ts = ts, .ssrc = ssrc};
    ms__rtp_write_header(buf, MS__RTP_HEADER_LEN, &h);
    memcpy(buf + MS__RTP_HEADER_LEN, payload, len);
    return MS__RTP_HEADER_LEN + len;
}

static size_t event_packet(uint8_t *buf, uint16_t seq, uint32_t ts, uint32_t ssrc, int event,
                           bool end)
{
    uint8_t p[4];
    struct ms__rfc4733_event ev = {.event = (uint8_t)event, .end = end, .duration = 160};
    ms__rfc4733_write(p, 4, &ev);
    return rtp_packet(buf, TE, !end, seq, ts, ssrc, p, 4);
}

static void frame_of(uint8_t *f, int i)
{
    memset(f, 0xd5, FRAME);
    f[0] = (uint8_t)(i >> 8);
    f[1] = (uint8_t)i;
}

/* ---- tests ---- */

static void test_frames_in_order_and_dtmf(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    CHECK_EQ_INT(open_peer(&loop, &b), 0);
    uint16_t pa = ms__rtp_stream_port(a.s), pb = ms__rtp_stream_port(b.s);
    CHECK(pa % 2 == 0 && pb % 2 == 0 && pa != pb);
    struct ms__rtp_params p = params(pb);
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &p), 0);
    p = params(pa);
    CHECK_EQ_INT(ms__rtp_stream_set_params(b.s, &p), 0);

    uint8_t f[FRAME], got[FRAME];
    size_t len;
    int next = 0;
    for (int i = 0; i < 50; i++) {
        frame_of(f, i);
        CHECK_EQ_INT(ms__rtp_stream_write(a.s, f, sizeof f), 0);
        CHECK(WAIT_FOR(&loop, st(b.s).rx_packets == (uint64_t)i + 1));
        int r = ms__rtp_stream_read(b.s, got, sizeof got, &len);
        CHECK(r == 0 || r == 1);
        if (r == 1) {
            CHECK_EQ_INT(len, FRAME);
            CHECK_EQ_INT((got[0] << 8) | got[1], next);
            next++;
        }
    }
    while (next < 50 && ms__rtp_stream_read(b.s, got, sizeof got, &len) == 1) {
        CHECK_EQ_INT((got[0] << 8) | got[1], next);
        next++;
    }
    CHECK_EQ_INT(next, 50);

    /* a digit from A is reported once by B, with its duration */
    CHECK_EQ_INT(ms__rtp_stream_send_dtmf(a.s, '7', 100), 0);
    uint64_t rx = st(b.s).rx_packets;
    for (int i = 0; i < 12; i++) {
        frame_of(f, 50 + i);
        ms__rtp_stream_write(a.s, f, sizeof f);
        CHECK(WAIT_FOR(&loop, st(b.s).rx_packets == rx + (uint64_t)i + 1));
        ms__rtp_stream_read(b.s, got, sizeof got, &len);
    }
    CHECK_EQ_INT(b.ndigits, 1);
    CHECK_EQ_INT(b.digits[0], '7');
    CHECK_EQ_INT(b.nends, 1);
    CHECK_EQ_INT(b.end_ms, 100);

    struct ms__rtp_stats sb = st(b.s), sa = st(a.s);
    CHECK_EQ_INT(sa.tx_packets, 62);
    CHECK_EQ_INT(sa.dtmf_tx, 1);
    CHECK_EQ_INT(sb.dtmf_rx, 1);
    CHECK_EQ_INT(sb.lost, 0); /* the event's sequence numbers are not audio losses */
    CHECK_EQ_INT(sb.late + sb.duplicate + sb.dropped_unexpected_source, 0);
    CHECK_EQ_INT(sb.remote_ssrc, sa.local_ssrc);
    CHECK(sb.latched);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

/* What A puts on the wire, seen by a plain socket. */
static void test_wire_format(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    uint16_t pc;
    int c = plain_socket(&pc);
    struct ms__rtp_params p = params(pc);
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &p), 0);
    uint8_t f[FRAME], buf[1500];
    frame_of(f, 0);
    struct ms__rtp_header h[16];
    ms__rtp_stream_write(a.s, f, sizeof f);
    ms__rtp_stream_write(a.s, f, sizeof f);
    CHECK_EQ_INT(ms__rtp_stream_send_dtmf(a.s, '#', 60), 0);
    for (int i = 0; i < 6; i++) /* 3 event packets + 2 end repeats, 1 audio */
        ms__rtp_stream_write(a.s, f, sizeof f);
    p.send = false; /* hold: 3 ticks send nothing */
    ms__rtp_stream_set_params(a.s, &p);
    for (int i = 0; i < 3; i++)
        ms__rtp_stream_write(a.s, f, sizeof f);
    p.send = true;
    ms__rtp_stream_set_params(a.s, &p);
    ms__rtp_stream_write(a.s, f, sizeof f);
    uint8_t bufs[9][200];
    for (int i = 0; i < 9; i++) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        CHECK(n > 0);
        memcpy(bufs[i], buf, (size_t)n);
        CHECK_EQ_INT(ms__rtp_parse(bufs[i], (size_t)n, &h[i]), 0);
        CHECK_EQ_INT(h[i].ssrc, h[0].ssrc);
        CHECK_EQ_INT(h[i].seq, (uint16_t)(h[0].seq + i));
    }
    close(c);
    uint32_t t0 = h[0].ts;
    CHECK(h[0].marker && h[0].pt == PCMA && h[0].payload_len == FRAME);
    CHECK(!h[1].marker && h[1].ts == t0 + 160);
    for (int i = 2; i < 7; i++) {
        struct ms__rfc4733_event ev;
        CHECK_EQ_INT(h[i].pt, TE);
        CHECK_EQ_INT(h[i].ts, t0 + 320);
        CHECK_EQ_INT(h[i].marker, i == 2);
        CHECK_EQ_INT(ms__rfc4733_parse(h[i].payload, h[i].payload_len, &ev), 0);
        CHECK_EQ_INT(ev.event, 11);
        CHECK_EQ_INT(ev.end, i >= 4);
        CHECK_EQ_INT(ev.duration, i >= 4 ? 480 : 160 * (i - 1));
    }
    /* audio resumes 5 ticks later; after the hold, 3 more ticks and a marker */
    CHECK(h[7].pt == PCMA && h[7].ts == t0 + 7 * 160 && !h[7].marker);
    CHECK(h[8].pt == PCMA && h[8].ts == t0 + 11 * 160 && h[8].marker);
    CHECK_EQ_INT(finish(&loop, &a, NULL), 0);
}

/* Garbage, strays from another port, the same-IP telephone-event exception. */
static void test_strays_and_event_exception(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    CHECK_EQ_INT(open_peer(&loop, &b), 0);
    uint16_t pa = ms__rtp_stream_port(a.s), pb = ms__rtp_stream_port(b.s);
    uint16_t pc;
    int c = plain_socket(&pc);
    uint8_t pkt[300], f[FRAME];
    frame_of(f, 1);

    /* before set_params everything is unexpected */
    size_t n = rtp_packet(pkt, PCMA, true, 1, 1, 99, f, sizeof f);
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_unexpected_source == 1));

    struct ms__rtp_params p = params(pb);
    ms__rtp_stream_set_params(a.s, &p);
    p = params(pa);
    ms__rtp_stream_set_params(b.s, &p);
    ms__rtp_stream_write(a.s, f, sizeof f);
    CHECK(WAIT_FOR(&loop, st(b.s).rx_packets == 1));

    send_to(c, pb, (const uint8_t *)"\x80\x08garbage", 9);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_truncated == 1));
    send_to(c, pb, (const uint8_t *)"", 0);
    n = rtp_packet(pkt, PCMA, false, 2, 2, 99, f, sizeof f);
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_unexpected_source == 2));
    n = rtp_packet(pkt, 18, false, 3, 3, 99, f, sizeof f);
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_unknown_pt == 1));
    n = rtp_packet(pkt, PCMA, false, 4, 4, 99, f, 0); /* no payload */
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_truncated == 2));

    /* SIPp-style: telephone-event from the same IP, another port: received */
    n = event_packet(pkt, 500, 8000, 0x5151, 3, false);
    send_to(c, pb, pkt, n);
    n = event_packet(pkt, 501, 8000, 0x5151, 3, true);
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, b.nends == 1));
    CHECK_EQ_INT(b.ndigits, 1);
    CHECK_EQ_INT(b.digits[0], '3');
    n = event_packet(pkt, 502, 9000, 0x5151, 17, false); /* not DTMF */
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_bad_event == 1));
    n = rtp_packet(pkt, TE, false, 503, 9000, 0x5151, f, 2); /* short */
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_bad_event == 2));

    /* ... and did not move the latch: B still answers A */
    struct ms__rtp_stats sb = st(b.s);
    CHECK(sb.latched);
    CHECK_EQ_INT(latched_port(b.s), pa);
    ms__rtp_stream_write(b.s, f, sizeof f);
    CHECK(WAIT_FOR(&loop, st(a.s).rx_packets == 1));
    CHECK_EQ_INT(sb.rx_packets, 3);
    close(c);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

/* B's SDP names the wrong port; it answers to where A really sends from. */
static void test_latching(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    CHECK_EQ_INT(open_peer(&loop, &b), 0);
    uint16_t pa = ms__rtp_stream_port(a.s), pb = ms__rtp_stream_port(b.s);
    uint16_t pc;
    int c = plain_socket(&pc);
    struct ms__rtp_params p = params(pb);
    ms__rtp_stream_set_params(a.s, &p);
    p = params(pc); /* wrong: C's port */
    ms__rtp_stream_set_params(b.s, &p);
    uint8_t f[FRAME], buf[300];
    frame_of(f, 0);
    ms__rtp_stream_write(b.s, f, sizeof f);
    CHECK(recv(c, buf, sizeof buf, 0) > 0); /* unlatched: to the SDP address */
    ms__rtp_stream_write(a.s, f, sizeof f);
    CHECK(WAIT_FOR(&loop, st(b.s).rx_packets == 1));
    ms__rtp_stream_write(b.s, f, sizeof f);
    CHECK(WAIT_FOR(&loop, st(a.s).rx_packets == 1));
    CHECK_EQ_INT(latched_port(b.s), pa);

    /* another source is refused while A is active ... */
    ms__rtp_stream_set_relatch_ms(b.s, 50);
    size_t n = rtp_packet(buf, PCMA, false, 7, 7, 77, f, sizeof f);
    send_to(c, pb, buf, n);
    CHECK(WAIT_FOR(&loop, st(b.s).dropped_unexpected_source == 1));
    /* ... and takes over once A has been silent for the re-latch time */
    uint64_t t0 = uv_now(&loop);
    WAIT_FOR(&loop, (uv_update_time(&loop), uv_now(&loop) - t0 >= 60));
    send_to(c, pb, buf, n);
    CHECK(WAIT_FOR(&loop, st(b.s).rx_packets == 2));
    CHECK_EQ_INT(latched_port(b.s), pc);

    /* a new remote in set_params (re-INVITE) unlatches: back to the SDP address */
    p = params(pa);
    ms__rtp_stream_set_params(b.s, &p);
    CHECK(!st(b.s).latched);
    ms__rtp_stream_write(b.s, f, sizeof f);
    CHECK(WAIT_FOR(&loop, st(a.s).rx_packets == 2));
    close(c);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

/* A latch made by a telephone-event packet yields to audio from that IP. */
static void test_event_latch_yields_to_audio(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    CHECK_EQ_INT(open_peer(&loop, &b), 0);
    uint16_t pa = ms__rtp_stream_port(a.s), pb = ms__rtp_stream_port(b.s);
    uint16_t pc;
    int c = plain_socket(&pc);
    struct ms__rtp_params p = params(pb);
    ms__rtp_stream_set_params(a.s, &p);
    p = params(pa);
    ms__rtp_stream_set_params(b.s, &p);
    uint8_t pkt[64], f[FRAME];
    size_t n = event_packet(pkt, 1, 100, 0x77, 9, false);
    send_to(c, pb, pkt, n);
    CHECK(WAIT_FOR(&loop, b.ndigits == 1));
    CHECK_EQ_INT(latched_port(b.s), pc);
    frame_of(f, 0);
    ms__rtp_stream_write(a.s, f, sizeof f);
    CHECK(WAIT_FOR(&loop, st(b.s).rx_packets == 2));
    CHECK_EQ_INT(latched_port(b.s), pa);
    close(c);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

/* Reports both ways: SR with a block, LSR/DLSR round trip, rtcp-mux. */
static void test_rtcp_reports(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    CHECK_EQ_INT(open_peer(&loop, &b), 0);
    uint16_t pa = ms__rtp_stream_port(a.s), pb = ms__rtp_stream_port(b.s);
    struct ms__rtp_params p = params(pb);
    ms__rtp_stream_set_params(a.s, &p);
    p = params(pa);
    ms__rtp_stream_set_params(b.s, &p);
    uint8_t f[FRAME], got[FRAME];
    size_t len;
    frame_of(f, 0);
    /* reports go every 200-300 ticks (first after 100-150): 2 each by 500 */
    for (int i = 0; i < 500; i++) {
        ms__rtp_stream_write(a.s, f, sizeof f);
        ms__rtp_stream_write(b.s, f, sizeof f);
        uv_run(&loop, UV_RUN_NOWAIT);
        ms__rtp_stream_read(a.s, got, sizeof got, &len);
        ms__rtp_stream_read(b.s, got, sizeof got, &len);
    }
    CHECK(WAIT_FOR(&loop, st(a.s).rtcp_rx >= 2 && st(b.s).rtcp_rx >= 2));
    struct ms__rtp_stats sa = st(a.s);
    CHECK(sa.rtcp_tx >= 2);
    CHECK(sa.remote_report);
    CHECK_EQ_INT(sa.remote_cumulative_lost, 0);
    CHECK(sa.rtt_ms >= 0 && sa.rtt_ms < 1000);
    CHECK_EQ_INT(sa.rtcp_bad, 0);

    /* malformed RTCP on the RTCP port, and RTCP muxed on the RTP port */
    uint16_t pc;
    int c = plain_socket(&pc);
    send_to(c, (uint16_t)(pb + 1), (const uint8_t *)"\x81\xc9\x00\x07zz", 6);
    CHECK(WAIT_FOR(&loop, st(b.s).rtcp_bad == 1));
    uint8_t rr[MS__RTCP_MAX_PACKET];
    struct ms__rtcp_report r = {.ssrc = 1234};
    int n = ms__rtcp_build(rr, sizeof rr, &r);
    uint64_t before = st(b.s).rtcp_rx;
    send_to(c, pb, rr, (size_t)n);
    CHECK(WAIT_FOR(&loop, st(b.s).rtcp_rx == before + 1));
    CHECK_EQ_INT(st(b.s).dropped_unknown_pt, 0);
    close(c);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

static void test_api_errors(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a;
    struct ms__rtp_stream *s = NULL;
    CHECK_EQ_INT(ms__rtp_stream_open(&s, &loop, "not-an-ip", &ports_, &cb_, NULL), MS_EINVAL);
    CHECK_EQ_INT(ms__rtp_stream_open(NULL, &loop, "127.0.0.1", &ports_, &cb_, NULL), MS_EINVAL);
    CHECK(s == NULL);
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    uint8_t f[FRAME] = {0}, big[MS__RTP_MAX_PAYLOAD + 1] = {0};
    CHECK_EQ_INT(ms__rtp_stream_write(a.s, f, sizeof f), MS_ESTATE);
    CHECK_EQ_INT(ms__rtp_stream_send_dtmf(a.s, '1', 100), MS_ENOSYS);
    struct ms__rtp_params p = params(5000), bad;
    bad = p, bad.audio_pt = 128;
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &bad), MS_EINVAL);
    bad = p, bad.dtmf_pt = PCMA;
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &bad), MS_EINVAL);
    bad = p, bad.samples_per_frame = 0;
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &bad), MS_EINVAL);
    bad = p, bad.clock_rate = 100;
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &bad), MS_EINVAL);
    bad = p;
    uv_ip6_addr("::1", 5000, (struct sockaddr_in6 *)&bad.remote);
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &bad), MS_EINVAL);
    bad = p;
    memset(&bad.remote, 0, sizeof bad.remote); /* unknown remote: fine */
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &bad), 0);
    CHECK_EQ_INT(ms__rtp_stream_write(a.s, f, sizeof f), 0);
    CHECK_EQ_INT(st(a.s).tx_packets, 0); /* nowhere to send */
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &p), 0);
    CHECK_EQ_INT(ms__rtp_stream_write(a.s, big, sizeof big), MS_EMSGSIZE);
    CHECK_EQ_INT(ms__rtp_stream_write(a.s, NULL, 0), 0);
    CHECK_EQ_INT(ms__rtp_stream_send_dtmf(a.s, 'x', 100), MS_EINVAL);
    CHECK_EQ_INT(ms__rtp_stream_send_dtmf(a.s, 'b', 100), 0);
    p.dtmf_pt = -1;
    CHECK_EQ_INT(ms__rtp_stream_set_params(a.s, &p), 0);
    CHECK_EQ_INT(ms__rtp_stream_send_dtmf(a.s, '1', 100), MS_ENOSYS);
    ms__rtp_stream_set_log_id(a.s, "call-1");
    ms__rtp_stream_close(a.s);
    CHECK_EQ_INT(finish(&loop, NULL, NULL), 0);
}

static void test_port_allocation(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    uint16_t pa = ms__rtp_stream_port(a.s);
    /* a range holding only A's pair is exhausted */
    struct ms__rtp_ports one = {pa, (uint16_t)(pa + 1), 0};
    struct ms__rtp_stream *s = NULL;
    CHECK_EQ_INT(ms__rtp_stream_open(&s, &loop, "127.0.0.1", &one, &cb_, NULL), MS_EBUSY);
    /* an odd lo is rounded up; A's pair is skipped */
    struct ms__rtp_ports two = {(uint16_t)(pa - 1), (uint16_t)(pa + 3), 0};
    memset(&b, 0, sizeof b);
    CHECK_EQ_INT(ms__rtp_stream_open(&b.s, &loop, "127.0.0.1", &two, &cb_, &b), 0);
    CHECK_EQ_INT(ms__rtp_stream_port(b.s), pa + 2);
    CHECK_EQ_INT(two.next, pa);
    struct ms__rtp_ports none = {(uint16_t)(pa + 1), (uint16_t)(pa + 2), 0};
    CHECK_EQ_INT(ms__rtp_stream_open(&s, &loop, "127.0.0.1", &none, &cb_, NULL), MS_EINVAL);
    struct ms__rtp_ports zero = {0, 10, 0};
    CHECK_EQ_INT(ms__rtp_stream_open(&s, &loop, "127.0.0.1", &zero, &cb_, NULL), MS_EINVAL);
    CHECK(s == NULL);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

/* Closing from inside on_dtmf: no further callback, memory freed (ASan). */
static void test_close_in_callback(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct peer a, b;
    CHECK_EQ_INT(open_peer(&loop, &a), 0);
    CHECK_EQ_INT(open_peer(&loop, &b), 0);
    uint16_t pa = ms__rtp_stream_port(a.s), pb = ms__rtp_stream_port(b.s);
    struct ms__rtp_params p = params(pb);
    ms__rtp_stream_set_params(a.s, &p);
    p = params(pa);
    ms__rtp_stream_set_params(b.s, &p);
    b.close_on_dtmf = true;
    ms__rtp_stream_send_dtmf(a.s, '1', 40);
    ms__rtp_stream_send_dtmf(a.s, '2', 40);
    uint8_t f[FRAME] = {0};
    for (int i = 0; i < 20; i++) {
        ms__rtp_stream_write(a.s, f, sizeof f);
        uv_run(&loop, UV_RUN_NOWAIT);
    }
    CHECK(WAIT_FOR(&loop, b.s == NULL));
    for (int i = 0; i < 5; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    CHECK_EQ_INT(b.ndigits, 1);
    CHECK_EQ_INT(b.nends, 0);
    CHECK_EQ_INT(finish(&loop, &a, &b), 0);
}

static void test_ipv6(void)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct ms__rtp_stream *s = NULL;
    int r = ms__rtp_stream_open(&s, &loop, "::1", &ports_, &cb_, NULL);
    if (r == -97 /* EAFNOSUPPORT */ || r == -99 /* EADDRNOTAVAIL */) {
        CHECK_EQ_INT(finish(&loop, NULL, NULL), 0);
        return; /* no IPv6 loopback here */
    }
    CHECK_EQ_INT(r, 0);
    struct ms__rtp_params p = params(5000);
    CHECK_EQ_INT(ms__rtp_stream_set_params(s, &p), MS_EINVAL);
    uv_ip6_addr("::1", 5000, (struct sockaddr_in6 *)&p.remote);
    CHECK_EQ_INT(ms__rtp_stream_set_params(s, &p), 0);
    uint8_t f[FRAME] = {0};
    CHECK_EQ_INT(ms__rtp_stream_write(s, f, sizeof f), 0);
    CHECK_EQ_INT(st(s).tx_packets, 1);
    ms__rtp_stream_close(s);
    CHECK_EQ_INT(finish(&loop, NULL, NULL), 0);
}

int main(void)
{
    RUN(test_frames_in_order_and_dtmf);
    RUN(test_wire_format);
    RUN(test_strays_and_event_exception);
    RUN(test_latching);
    RUN(test_event_latch_yields_to_audio);
    RUN(test_rtcp_reports);
    RUN(test_api_errors);
    RUN(test_port_allocation);
    RUN(test_close_in_callback);
    RUN(test_ipv6);
    return test_summary();
}
