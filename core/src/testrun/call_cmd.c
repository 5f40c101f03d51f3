/* `moonswitch call EXT`: one simulated call over the wire, for a person
 * trying a flow by hand. Prints what the caller hears as it happens. */
#define MS_LOG_MODULE "call"
#include "layout.h"
#include "media/flite_voice.h"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/loop.h"
#include "sim/caller.h"
#include "sim/wire_call.h"
#include "testrun/testrun.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct call_cmd {
    uv_loop_t uv;
    struct ms_loop *loop;
    struct ms__wire *wire;
    struct ms__caller *caller;
    size_t printed;
    uint64_t t0;
    const char *dtmf, *say;
    size_t dtmf_pos;
    double seconds;
    struct ms_timer step, limit;
    bool answered, finished, closed;
};

static void print_new(struct call_cmd *cc)
{
    struct ms__caller *c = cc->caller;
    for (; cc->printed < c->nheard; cc->printed++) {
        const struct ms__heard *h = &c->heard[cc->printed];
        double t = (double)(h->at_ms - cc->t0) / 1000.0;
        switch (h->kind) {
        case MS_HEARD_RINGING:
            printf("%7.2f  ringing\n", t);
            break;
        case MS_HEARD_ANSWERED:
            printf("%7.2f  answered\n", t);
            break;
        case MS_HEARD_PROMPT:
            printf("%7.2f  heard   %s\n", t, h->name);
            break;
        case MS_HEARD_PROMPT_END:
            if (!h->complete)
                printf("%7.2f  cut     %s\n", t, h->name);
            break;
        case MS_HEARD_PRESSED:
            printf("%7.2f  pressed %s (%s)\n", t, h->name, h->detail);
            break;
        case MS_HEARD_SENT:
            printf("%7.2f  said    %s\n", t, h->name);
            break;
        case MS_HEARD_HANGUP:
            printf("%7.2f  hangup  %s by %s", t, h->name, h->detail);
            printf(h->status > 0 ? " (SIP %d)\n" : "\n", h->status);
            break;
        default:
            break;
        }
    }
    fflush(stdout);
}

/* Sends the next digit of --dtmf; ',' or 'w' is a one-second pause. */
static void on_step(void *ud)
{
    struct call_cmd *cc = ud;
    if (cc->caller->ended || !cc->dtmf || !cc->dtmf[cc->dtmf_pos])
        return;
    char d = cc->dtmf[cc->dtmf_pos++];
    uint64_t next = 400;
    if (d == ',' || d == 'w')
        next = 1000;
    else if (cc->caller->ops->press(cc->caller, d, MS_PRESS_RFC4733, 100) < 0)
        fprintf(stderr, "moonswitch call: cannot press '%c'\n", d);
    ms_timer_start(cc->loop, &cc->step, next);
}

static void on_limit(void *ud)
{
    struct call_cmd *cc = ud;
    cc->caller->ops->hangup(cc->caller);
}

static void on_answered(struct call_cmd *cc)
{
    cc->answered = true;
    uint64_t first = 1000;
    if (cc->say) {
        int16_t *pcm;
        size_t n;
        if (ms__flite_render(cc->say, 8000, &pcm, &n) == 0) {
            ms__caller_send(cc->caller, pcm, n, cc->say);
            first += n / 8;
            free(pcm);
        }
    }
    ms_timer_start(cc->loop, &cc->step, first);
    ms_timer_start(cc->loop, &cc->limit, (uint64_t)(cc->seconds * 1000));
}

static void on_notify(void *ud, struct ms__caller *c)
{
    struct call_cmd *cc = ud;
    print_new(cc);
    if (!cc->answered && c->nheard && c->heard[c->nheard - 1].kind == MS_HEARD_ANSWERED)
        on_answered(cc);
    if (c->done && !cc->finished) {
        cc->finished = true;
        ms_timer_stop(cc->loop, &cc->step);
        ms_timer_stop(cc->loop, &cc->limit);
    }
}

static void wire_closed(void *ud)
{
    ((struct call_cmd *)ud)->closed = true;
}

static void usage(FILE *to)
{
    fprintf(to, "usage: moonswitch call EXT [options]\n"
                "  --server HOST:PORT  the server to call (default 127.0.0.1:5060)\n"
                "  --dtmf SEQ          digits to press after the answer (',' = 1 s pause)\n"
                "  --say TEXT          speak TEXT (flite) right after the answer\n"
                "  --record FILE       write what the caller heard to a WAV file\n"
                "  --for SECONDS       hang up after this long (default 30)\n"
                "  --from NUMBER       caller id (default 1001)\n"
                "  -c FILE             configuration whose sounds are recognised\n");
}

int ms__call_main(int argc, char **argv)
{
    static const struct option opts[] = {{"server", required_argument, 0, 's'},
                                         {"dtmf", required_argument, 0, 'd'},
                                         {"say", required_argument, 0, 'y'},
                                         {"record", required_argument, 0, 'r'},
                                         {"for", required_argument, 0, 'f'},
                                         {"from", required_argument, 0, 'o'},
                                         {"config", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    struct call_cmd cc = {.seconds = 30};
    const char *server = "127.0.0.1:5060", *record = NULL, *from = "1001";
    const char *config = ms__layout()->config_file;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            server = optarg;
            break;
        case 'd':
            cc.dtmf = optarg;
            break;
        case 'y':
            cc.say = optarg;
            break;
        case 'r':
            record = optarg;
            break;
        case 'f':
            cc.seconds = atof(optarg);
            break;
        case 'o':
            from = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    ms_log_set_level(MS_LOG_WARN);
    struct ms_config cfg;
    char err[512];
    if (ms_config_load(&cfg, config, err, sizeof err) < 0) {
        fprintf(stderr, "moonswitch call: configuration %s refused: %s\n", config, err);
        ms_config_free(&cfg);
        return 2;
    }
    uv_loop_init(&cc.uv);
    ms_loop_new(&cc.loop, &cc.uv, MS_CLOCK_REAL);
    ms_timer_init(&cc.step, on_step, &cc);
    ms_timer_init(&cc.limit, on_limit, &cc);
    struct ms__wire_config wc = {.loop = cc.loop,
                                 .server = server,
                                 .local_ip = "127.0.0.1",
                                 .rtp_lo = 40000,
                                 .rtp_hi = 49999,
                                 .sound_dirs = (const char *const *)cfg.sound_dirs,
                                 .nsound_dirs = cfg.nsound_dirs,
                                 .record_path = record};
    int rc = ms__wire_open(&cc.wire, &wc);
    struct ms__sim_dial_opts o = {.destination = argv[optind], .caller = from, .rfc4733 = true};
    cc.t0 = ms_loop_now(cc.loop);
    if (rc == 0)
        rc = ms__wire_dial(cc.wire, &o, on_notify, &cc, &cc.caller);
    if (rc < 0) {
        fprintf(stderr, "moonswitch call: %s\n", ms_strerror(rc));
    } else {
        printf("calling sip:%s@%s\n", argv[optind], server);
        while (!cc.finished)
            uv_run(&cc.uv, UV_RUN_ONCE);
    }
    bool answered = cc.answered;
    if (cc.caller)
        cc.caller->ops->unref(cc.caller);
    if (cc.wire)
        ms__wire_close(cc.wire, wire_closed, &cc);
    while (cc.wire && !cc.closed)
        uv_run(&cc.uv, UV_RUN_ONCE);
    ms_loop_close(cc.loop);
    uv_run(&cc.uv, UV_RUN_DEFAULT);
    uv_loop_close(&cc.uv);
    ms_config_free(&cfg);
    return rc < 0 ? 2 : answered ? 0 : 1;
}
