/* SDP parser, negotiator and writer. */
#include "sip/sdp.h"
#include "moonswitch/error.h"
#include "test.h"

#include <stdlib.h>

static const char *const pcmu_pcma[] = {"PCMU", "PCMA"};

/* SIPp 3.6 -sn uac_pcap */
static const char sipp_offer[] = "v=0\r\n"
                                 "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
                                 "s=-\r\n"
                                 "c=IN IP4 127.0.0.1\r\n"
                                 "t=0 0\r\n"
                                 "m=audio 6000 RTP/AVP 8 101\r\n"
                                 "a=rtpmap:8 PCMA/8000\r\n"
                                 "a=rtpmap:101 telephone-event/8000\r\n"
                                 "a=fmtp:101 0-11,16\r\n";

/* baresip-like: many codecs, opus first, extra attributes */
static const char baresip_offer[] = "v=0\r\n"
                                    "o=- 1877553049 3427329383 IN IP4 192.0.2.10\r\n"
                                    "s=-\r\n"
                                    "c=IN IP4 192.0.2.10\r\n"
                                    "t=0 0\r\n"
                                    "m=audio 10916 RTP/AVP 96 97 9 0 8 101\r\n"
                                    "b=AS:128\r\n"
                                    "a=rtpmap:96 opus/48000/2\r\n"
                                    "a=fmtp:96 stereo=1;sprop-stereo=1\r\n"
                                    "a=rtpmap:97 L16/16000\r\n"
                                    "a=rtpmap:9 G722/8000\r\n"
                                    "a=rtpmap:0 PCMU/8000\r\n"
                                    "a=rtpmap:8 PCMA/8000\r\n"
                                    "a=rtpmap:101 telephone-event/8000\r\n"
                                    "a=fmtp:101 0-15\r\n"
                                    "a=rtcp-mux\r\n"
                                    "a=ssrc:1234 cname:abc\r\n"
                                    "a=sendrecv\r\n"
                                    "a=label:1\r\n";

/* Linphone-like: LF only, several telephone-event rates, a video line after the audio */
static const char linphone_offer[] = "v=0\n"
                                     "o=bob 3227 2120 IN IP4 192.0.2.5\n"
                                     "s=Talk\n"
                                     "c=IN IP4 192.0.2.5\n"
                                     "t=0 0\n"
                                     "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup\n"
                                     "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100\n"
                                     "a=rtpmap:96 opus/48000/2\n"
                                     "a=fmtp:96 useinbandfec=1\n"
                                     "a=rtpmap:97 speex/16000\n"
                                     "a=rtpmap:98 speex/8000\n"
                                     "a=fmtp:18 annexb=yes\n"
                                     "a=rtpmap:101 telephone-event/48000\n"
                                     "a=rtpmap:99 telephone-event/16000\n"
                                     "a=rtpmap:100 telephone-event/8000\n"
                                     "a=rtcp-fb:* trr-int 1000\n"
                                     "m=video 9078 RTP/AVP 96\n"
                                     "a=rtpmap:96 VP8/90000\n";

static const char static_offer[] = "v=0\r\n"
                                   "o=- 1 1 IN IP4 10.0.0.1\r\n"
                                   "s=-\r\n"
                                   "t=0 0\r\n"
                                   "m=audio 4000 RTP/AVP 18 0 8 9\r\n"
                                   "c=IN IP4 10.0.0.2\r\n";

/* Parses exactly len bytes from a heap copy, so ASan catches reads past the end. */
static int parse_exact(const char *text, size_t len, struct ms__sdp *out)
{
    char *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, text, len);
    int rc = ms__sdp_parse(copy, len, out);
    free(copy);
    return rc;
}

static int parse_str(const char *text, struct ms__sdp *out)
{
    return parse_exact(text, strlen(text), out);
}

static void test_sipp_offer(void)
{
    struct ms__sdp s;
    CHECK_EQ_INT(parse_str(sipp_offer, &s), 0);
    CHECK(s.has_audio);
    CHECK_EQ_INT(s.sess_id, 53655765);
    CHECK_EQ_INT(s.sess_version, 2353687637u);
    CHECK_EQ_STR(s.audio.addr, "127.0.0.1");
    CHECK_EQ_INT(s.audio.port, 6000);
    CHECK_EQ_INT(s.audio.nfmts, 2);
    CHECK_EQ_INT(s.audio.fmts[0].pt, 8);
    CHECK_EQ_STR(s.audio.fmts[0].name, "PCMA");
    CHECK_EQ_INT(s.audio.fmts[1].pt, 101);
    CHECK_EQ_STR(s.audio.fmts[1].name, "telephone-event");
    CHECK_EQ_INT(s.audio.fmts[1].rate, 8000);
    CHECK_EQ_STR(s.audio.fmts[1].fmtp, "0-11,16");
    CHECK_EQ_INT(s.audio.dir, MS_SDP_SENDRECV);
    CHECK_EQ_INT(s.audio.ptime, 0);

    struct ms__sdp_answer a;
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), 0);
    CHECK_EQ_INT(a.audio_pt, 8);
    CHECK_EQ_STR(a.codec, "PCMA");
    CHECK_EQ_INT(a.clock_rate, 8000);
    CHECK_EQ_INT(a.dtmf_pt, 101);
    CHECK_EQ_INT(a.dir, MS_SDP_SENDRECV);
    CHECK_EQ_STR(a.remote_addr, "127.0.0.1");
    CHECK_EQ_INT(a.remote_port, 6000);
}

static void test_baresip_offer(void)
{
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(baresip_offer, &s), 0);
    CHECK_EQ_INT(s.audio.nfmts, 6);
    CHECK_EQ_STR(s.audio.fmts[0].name, "opus");
    CHECK_EQ_INT(s.audio.fmts[0].channels, 2);
    CHECK_EQ_INT(s.audio.fmts[0].rate, 48000);
    CHECK_EQ_STR(s.audio.fmts[0].fmtp, "stereo=1;sprop-stereo=1");
    CHECK_EQ_INT(s.audio.port, 10916);
    /* our preference wins over theirs */
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), 0);
    CHECK_EQ_INT(a.audio_pt, 0);
    CHECK_EQ_STR(a.codec, "PCMU");
    CHECK_EQ_INT(a.dtmf_pt, 101);
    const char *const g722_first[] = {"g722", "PCMU"};
    CHECK_EQ_INT(ms__sdp_negotiate(&s, g722_first, 2, &a), 0);
    CHECK_EQ_INT(a.audio_pt, 9);
    CHECK_EQ_STR(a.codec, "g722");
    CHECK_EQ_INT(a.clock_rate, 8000);
    const char *const l16[] = {"L16/8000", "L16/16000"};
    CHECK_EQ_INT(ms__sdp_negotiate(&s, l16, 2, &a), 0);
    CHECK_EQ_INT(a.audio_pt, 97);
    CHECK_EQ_INT(a.clock_rate, 16000);
    CHECK_EQ_INT(a.dtmf_pt, -1); /* no telephone-event/16000 offered */
    const char *const opus[] = {"opus"};
    CHECK_EQ_INT(ms__sdp_negotiate(&s, opus, 1, &a), MS_ENOCODEC); /* stereo only */
}

static void test_linphone_offer(void)
{
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(linphone_offer, &s), 0);
    CHECK_EQ_INT(s.audio.nfmts, 9);
    CHECK_EQ_STR(s.audio.fmts[5].name, "G729");
    CHECK_EQ_STR(s.audio.fmts[5].fmtp, "annexb=yes");
    CHECK_EQ_INT(s.nmlines, 2);
    CHECK_EQ_INT(s.audio_index, 0);
    CHECK_EQ_STR(s.mlines[1].type, "video");
    CHECK_EQ_STR(s.mlines[1].proto, "RTP/AVP");
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), 0);
    CHECK_EQ_INT(a.audio_pt, 0);
    CHECK_EQ_INT(a.dtmf_pt, 100); /* the 8000 Hz one */

    char buf[1024];
    int n = ms__sdp_write_answer(buf, sizeof buf, &a, "127.0.0.1", 20000, 7, 8);
    CHECK(n > 0);
    CHECK(strstr(buf, "m=audio 20000 RTP/AVP 0 100\r\n") != NULL);
    CHECK(strstr(buf, "\r\nm=video 0 RTP/AVP 96\r\n") != NULL);
    CHECK(strstr(buf, "m=audio") < strstr(buf, "m=video"));
    struct ms__sdp back;
    CHECK_EQ_INT(parse_exact(buf, (size_t)n, &back), 0);
    CHECK_EQ_INT(back.nmlines, 2);
    CHECK_EQ_INT(back.audio.port, 20000);
}

static void test_static_pts(void)
{
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(static_offer, &s), 0);
    CHECK_EQ_INT(s.audio.nfmts, 4);
    CHECK_EQ_STR(s.audio.fmts[0].name, "G729");
    CHECK_EQ_STR(s.audio.fmts[1].name, "PCMU");
    CHECK_EQ_STR(s.audio.fmts[2].name, "PCMA");
    CHECK_EQ_STR(s.audio.fmts[3].name, "G722");
    CHECK_EQ_INT(s.audio.fmts[3].rate, 8000);
    CHECK_EQ_STR(s.audio.addr, "10.0.0.2"); /* media-level c= */
    const char *const prefs[] = {"PCMA", "PCMU"};
    CHECK_EQ_INT(ms__sdp_negotiate(&s, prefs, 2, &a), 0);
    CHECK_EQ_INT(a.audio_pt, 8);
    CHECK_EQ_INT(a.dtmf_pt, -1);
}

static void test_no_common_codec(void)
{
    static const char g729[] = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
                               "t=0 0\r\nm=audio 5000 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\n"
                               "a=rtpmap:101 telephone-event/8000\r\n";
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(g729, &s), 0);
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), MS_ENOCODEC);
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 0, &a), MS_ENOCODEC);
    CHECK_EQ_INT(ms__sdp_negotiate(&s, NULL, 2, &a), MS_EINVAL);
    const char *const junk[] = {NULL, "", "/8000", "PCMU/x", "WAYTOOLONGCODECNAME"};
    CHECK_EQ_INT(ms__sdp_negotiate(&s, junk, 5, &a), MS_ENOCODEC);
}

static int dir_for(const char *media_attrs, const char *conn, enum ms__sdp_dir *dir)
{
    char text[512];
    snprintf(text, sizeof text,
             "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
             "m=audio 5000 RTP/AVP 0\r\n%s",
             conn, media_attrs);
    struct ms__sdp s;
    struct ms__sdp_answer a;
    int rc = parse_str(text, &s);
    if (rc == 0)
        rc = ms__sdp_negotiate(&s, pcmu_pcma, 2, &a);
    if (rc == 0)
        *dir = a.dir;
    return rc;
}

static void test_hold_and_direction(void)
{
    enum ms__sdp_dir d;
    CHECK_EQ_INT(dir_for("", "1.1.1.1", &d), 0);
    CHECK_EQ_INT(d, MS_SDP_SENDRECV);
    CHECK_EQ_INT(dir_for("a=sendonly\r\n", "1.1.1.1", &d), 0);
    CHECK_EQ_INT(d, MS_SDP_RECVONLY);
    CHECK_EQ_INT(dir_for("a=recvonly\r\n", "1.1.1.1", &d), 0);
    CHECK_EQ_INT(d, MS_SDP_SENDONLY);
    CHECK_EQ_INT(dir_for("a=inactive\r\n", "1.1.1.1", &d), 0);
    CHECK_EQ_INT(d, MS_SDP_INACTIVE);
    CHECK_EQ_INT(dir_for("", "0.0.0.0", &d), 0); /* RFC 2543 hold */
    CHECK_EQ_INT(d, MS_SDP_RECVONLY);
    CHECK_EQ_INT(dir_for("a=recvonly\r\n", "0.0.0.0", &d), 0);
    CHECK_EQ_INT(d, MS_SDP_INACTIVE);

    /* session-level direction, overridden at media level */
    static const char sess[] = "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\n"
                               "t=0 0\r\na=sendonly\r\nm=audio 5000 RTP/AVP 0\r\n";
    struct ms__sdp s;
    CHECK_EQ_INT(parse_str(sess, &s), 0);
    CHECK_EQ_INT(s.audio.dir, MS_SDP_SENDONLY);
    static const char over[] = "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\n"
                               "t=0 0\r\na=sendonly\r\na=ptime:30\r\nm=audio 5000 RTP/AVP 0\r\n"
                               "a=inactive\r\n";
    CHECK_EQ_INT(parse_str(over, &s), 0);
    CHECK_EQ_INT(s.audio.dir, MS_SDP_INACTIVE);
    CHECK_EQ_INT(s.audio.ptime, 30);
}

static void test_no_audio(void)
{
    static const char video[] = "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\n"
                                "t=0 0\r\nm=video 5000 RTP/AVP 96\r\n";
    static const char port0[] = "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\n"
                                "t=0 0\r\nm=audio 0 RTP/AVP 0\r\n";
    static const char srtp[] = "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\n"
                               "t=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n";
    static const char bare[] = "v=0\r\n";
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(video, &s), 0);
    CHECK(!s.has_audio);
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), MS_EFORMAT);
    CHECK_EQ_INT(parse_str(port0, &s), 0);
    CHECK(!s.has_audio);
    CHECK_EQ_INT(parse_str(srtp, &s), 0);
    CHECK(!s.has_audio);
    CHECK_EQ_INT(parse_str(bare, &s), 0);
    CHECK(!s.has_audio);
}

static void test_second_audio_line_used_when_first_rejected(void)
{
    static const char two[] = "v=0\r\no=- 1 2 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\n"
                              "t=0 0\r\nm=audio 0 RTP/AVP 0\r\na=sendonly\r\n"
                              "m=audio 4002/2 RTP/AVP 8\r\nc=IN IP4 224.2.1.1/127\r\n";
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(two, &s), 0);
    CHECK(s.has_audio);
    CHECK_EQ_INT(s.audio_index, 1);
    CHECK_EQ_INT(s.audio.port, 4002);
    CHECK_EQ_STR(s.audio.addr, "224.2.1.1");
    CHECK_EQ_INT(s.audio.dir, MS_SDP_SENDRECV);
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), 0);
    char buf[512];
    int n = ms__sdp_write_answer(buf, sizeof buf, &a, "127.0.0.1", 30000, 1, 1);
    CHECK(n > 0);
    CHECK(strstr(buf, "t=0 0\r\nm=audio 0 RTP/AVP 0\r\nm=audio 30000 RTP/AVP 8\r\n") != NULL);
}

static void test_ipv6(void)
{
    static const char v6[] = "v=0\no=- 1 2 IN IP6 ::1\ns=-\nc=IN IP6 2001:db8::1\nt=0 0\n"
                             "m=audio 5004 RTP/AVP 0\n";
    struct ms__sdp s;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(v6, &s), 0);
    CHECK_EQ_STR(s.audio.addr, "2001:db8::1");
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), 0);
    char buf[512];
    CHECK(ms__sdp_write_answer(buf, sizeof buf, &a, "::1", 4000, 1, 1) > 0);
    CHECK(strstr(buf, "c=IN IP6 ::1\r\n") != NULL);
}

static void test_malformed(void)
{
    struct ms__sdp s;
    static const char *const bad[] = {
        "",
        "\r\n\r\n",
        "hello world",
        "v=1\r\n",
        "o=- 1 1 IN IP4 1.1.1.1\r\nv=0\r\n",
        "v=0\r\nthis is not sdp\r\n",
        "v=0\r\nc=IN IP4\r\n",
        "v=0\r\nc=XX IP4 1.2.3.4\r\n",
        "v=0\r\nc=IN IPX 1.2.3.4\r\n",
        "v=0\r\nm=audio 4000 RTP/AVP 0\r\n", /* audio without c= */
        "v=0\r\nc=IN IP4 1111111111111111111111111111111111111111111111111111111111111111111\r\n",
        "v=0\r\nC=IN IP4 1.1.1.1\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse_str(bad[i], &s) != MS_EFORMAT) {
            fprintf(stderr, "case %zu accepted: %s\n", i, bad[i]);
            CHECK(0);
        }
    }
    CHECK_EQ_INT(ms__sdp_parse(NULL, 3, &s), MS_EINVAL);
    /* an embedded NUL does not end the input early, and cannot sneak into strings */
    static const char nul[] = "v=0\r\nc=IN IP4 1.1.\0.1\r\nt=0 0\r\n";
    CHECK_EQ_INT(parse_exact(nul, sizeof nul - 1, &s), MS_EFORMAT);
    /* bad numbers are skipped, not trusted */
    static const char nums[] = "v=0\r\no=- x y IN IP4 1.1.1.1\r\nc=IN IP4 1.1.1.1\r\n"
                               "m=audio 99999 RTP/AVP 0\r\nm=audio 5000 RTP/AVP 300 abc 0\r\n"
                               "a=rtpmap:0 PCMU/0\r\na=rtpmap:200 X/8000\r\na=ptime:abc\r\n"
                               "a=rtpmap:0 PCMU/8000/x\r\na=fmtp:0\r\n";
    CHECK_EQ_INT(parse_str(nums, &s), 0);
    CHECK_EQ_INT(s.sess_id, 0);
    CHECK_EQ_INT(s.audio_index, 1);
    CHECK_EQ_INT(s.audio.nfmts, 1);
    CHECK_EQ_STR(s.audio.fmts[0].name, "PCMU");
    CHECK_EQ_INT(s.audio.fmts[0].rate, 8000);
    CHECK_EQ_INT(s.audio.ptime, 0);
}

static void test_many_formats_and_lines(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "v=0\r\nc=IN IP4 1.1.1.1\r\n");
    for (int i = 0; i < 20; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "m=video %d RTP/AVP 96\r\n", 1000 + i);
    n += snprintf(text + n, sizeof text - (size_t)n, "m=audio 7000 RTP/AVP");
    for (int i = 96; i < 127; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, " %d", i);
    n += snprintf(text + n, sizeof text - (size_t)n, "\r\n");
    struct ms__sdp s;
    CHECK_EQ_INT(parse_str(text, &s), 0);
    CHECK_EQ_INT(s.nmlines, MS_SDP_MAX_MLINES);
    CHECK(!s.has_audio); /* beyond the lines we track */

    n = snprintf(text, sizeof text, "v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 7000 RTP/AVP");
    for (int i = 96; i < 127; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, " %d", i);
    n += snprintf(text + n, sizeof text - (size_t)n, "\r\na=rtpmap:126 PCMU/8000\r\n");
    CHECK_EQ_INT(parse_str(text, &s), 0);
    CHECK_EQ_INT(s.audio.nfmts, MS_SDP_MAX_FMTS);
    CHECK_EQ_INT(s.audio.fmts[15].pt, 111);
    CHECK_EQ_STR(s.audio.fmts[15].name, ""); /* dynamic, no rtpmap */
}

static void test_truncation_never_crashes(void)
{
    const char *const offers[] = {sipp_offer, baresip_offer, linphone_offer, static_offer};
    for (size_t k = 0; k < 4; k++) {
        size_t len = strlen(offers[k]);
        for (size_t i = 0; i <= len; i++) {
            struct ms__sdp s;
            struct ms__sdp_answer a;
            int rc = parse_exact(offers[k], i, &s);
            CHECK(rc == 0 || rc == MS_EFORMAT);
            if (rc == 0 && ms__sdp_negotiate(&s, pcmu_pcma, 2, &a) == 0) {
                char buf[1024];
                CHECK(ms__sdp_write_answer(buf, sizeof buf, &a, "10.0.0.1", 4000, 1, 1) > 0);
            }
        }
    }
}

static void test_answer_round_trip(void)
{
    struct ms__sdp s, back;
    struct ms__sdp_answer a;
    CHECK_EQ_INT(parse_str(sipp_offer, &s), 0);
    CHECK_EQ_INT(ms__sdp_negotiate(&s, pcmu_pcma, 2, &a), 0);
    char buf[512];
    int n = ms__sdp_write_answer(buf, sizeof buf, &a, "192.0.2.1", 40000, 42, 43);
    CHECK(n > 0);
    CHECK_EQ_INT((size_t)n, strlen(buf));
    CHECK(strstr(buf, "a=fmtp:101 0-16\r\n") != NULL);
    CHECK(strstr(buf, "a=ptime:20\r\n") != NULL);
    CHECK(strstr(buf, "a=sendrecv\r\n") != NULL);
    CHECK_EQ_INT(parse_exact(buf, (size_t)n, &back), 0);
    CHECK_EQ_INT(back.sess_id, 42);
    CHECK_EQ_INT(back.sess_version, 43);
    CHECK_EQ_STR(back.audio.addr, "192.0.2.1");
    CHECK_EQ_INT(back.audio.port, 40000);
    CHECK_EQ_INT(back.audio.nfmts, 2);
    CHECK_EQ_INT(back.audio.fmts[0].pt, 8);
    CHECK_EQ_STR(back.audio.fmts[0].name, "PCMA");
    CHECK_EQ_STR(back.audio.fmts[1].name, "telephone-event");
    CHECK_EQ_INT(back.audio.ptime, 20);

    /* every too-small buffer is refused, never overrun */
    for (size_t cap = 1; cap <= (size_t)n; cap++) {
        char *small = malloc(cap);
        int rc = ms__sdp_write_answer(small, cap, &a, "192.0.2.1", 40000, 42, 43);
        free(small);
        CHECK_EQ_INT(rc, MS_EMSGSIZE);
    }
    CHECK_EQ_INT(ms__sdp_write_answer(buf, sizeof buf, &a, "bad ip", 1, 1, 1), MS_EINVAL);
    CHECK_EQ_INT(ms__sdp_write_answer(buf, sizeof buf, &a, "1.1.1.1", 70000, 1, 1), MS_EINVAL);
    a.dtmf_pt = a.audio_pt;
    CHECK_EQ_INT(ms__sdp_write_answer(buf, sizeof buf, &a, "1.1.1.1", 1, 1, 1), MS_EINVAL);
}

static void test_offer_and_answer_from_remote(void)
{
    const char *const ours[] = {"PCMU", "PCMA", "L16/16000"};
    char buf[1024];
    int n = ms__sdp_write_offer(buf, sizeof buf, ours, 3, 101, "127.0.0.1", 5000, 9, 9,
                                MS_SDP_SENDRECV);
    CHECK(n > 0);
    CHECK(strstr(buf, "m=audio 5000 RTP/AVP 0 8 96 101\r\n") != NULL);
    CHECK(strstr(buf, "a=rtpmap:96 L16/16000\r\n") != NULL);
    CHECK(strstr(buf, "a=rtpmap:101 telephone-event/8000\r\n") != NULL);

    /* the remote side answers with its own preference */
    struct ms__sdp offer, answer;
    struct ms__sdp_answer theirs, mine;
    CHECK_EQ_INT(parse_exact(buf, (size_t)n, &offer), 0);
    const char *const remote_prefs[] = {"PCMA"};
    CHECK_EQ_INT(ms__sdp_negotiate(&offer, remote_prefs, 1, &theirs), 0);
    theirs.dir = MS_SDP_RECVONLY;
    n = ms__sdp_write_answer(buf, sizeof buf, &theirs, "127.0.0.2", 6000, 1, 1);
    CHECK(n > 0);
    CHECK_EQ_INT(parse_exact(buf, (size_t)n, &answer), 0);
    CHECK_EQ_INT(ms__sdp_accept_answer(&answer, ours, 3, &mine), 0);
    CHECK_EQ_INT(mine.audio_pt, 8);
    CHECK_EQ_STR(mine.codec, "PCMA");
    CHECK_EQ_INT(mine.dtmf_pt, 101);
    CHECK_EQ_STR(mine.remote_addr, "127.0.0.2");
    CHECK_EQ_INT(mine.remote_port, 6000);
    CHECK_EQ_INT(mine.dir, MS_SDP_SENDONLY);

    /* an answer listing several formats: its first one we offered wins */
    static const char multi[] = "v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 5000 RTP/AVP 18 8 0\r\n";
    CHECK_EQ_INT(parse_str(multi, &answer), 0);
    CHECK_EQ_INT(ms__sdp_accept_answer(&answer, ours, 3, &mine), 0);
    CHECK_EQ_INT(mine.audio_pt, 8);

    const char *const dup[] = {"PCMU", "pcmu"};
    CHECK_EQ_INT(ms__sdp_write_offer(buf, sizeof buf, dup, 2, -1, "1.1.1.1", 1, 1, 1, 0),
                 MS_EINVAL);
    CHECK_EQ_INT(ms__sdp_write_offer(buf, sizeof buf, ours, 3, 8, "1.1.1.1", 1, 1, 1, 0),
                 MS_EINVAL);
    CHECK_EQ_INT(ms__sdp_write_offer(buf, 10, ours, 3, -1, "1.1.1.1", 1, 1, 1, 0), MS_EMSGSIZE);
}

int main(void)
{
    RUN(test_sipp_offer);
    RUN(test_baresip_offer);
    RUN(test_linphone_offer);
    RUN(test_static_pts);
    RUN(test_no_common_codec);
    RUN(test_hold_and_direction);
    RUN(test_no_audio);
    RUN(test_second_audio_line_used_when_first_rejected);
    RUN(test_ipv6);
    RUN(test_malformed);
    RUN(test_many_formats_and_lines);
    RUN(test_truncation_never_crashes);
    RUN(test_answer_round_trip);
    RUN(test_offer_and_answer_from_remote);
    return test_summary();
}
